import { pacerFor, pacerKey, resetPacers } from './tray-pacer';

describe('tray pacer', () => {
  afterEach(() => resetPacers());

  it('is one per base URL and token for the whole process', () => {
    const a = pacerFor('http://127.0.0.1:1/us', 'token-a');
    expect(pacerFor('http://127.0.0.1:1/us/', 'token-a')).toBe(a);
    expect(pacerFor('http://127.0.0.1:1/us', 'token-b')).not.toBe(a);
    expect(pacerFor('http://127.0.0.1:1/eu', 'token-a')).not.toBe(a);
  });

  it('keys by a hash of the token, never the token itself', () => {
    const key = pacerKey('https://api.tray.io', 'secret-token-value');
    expect(key).not.toContain('secret-token-value');
    expect(key).toMatch(/^https:\/\/api\.tray\.io [0-9a-f]{16}$/);
  });

  it('defaults to 20 requests a second and 8 uploads; a lower limit asked later wins', () => {
    const a = pacerFor('http://127.0.0.1:2/us', 't');
    expect(a.limiter.perSecond).toBe(20);
    expect(a.uploads.size).toBe(8);
    expect(pacerFor('http://127.0.0.1:2/us', 't', { maxRequestsPerSecond: 25 })).toBe(a);
    const lower = pacerFor('http://127.0.0.1:2/us', 't', { maxRequestsPerSecond: 5, maxConcurrentUploads: 2 });
    expect(lower.limiter.perSecond).toBe(5);
    expect(lower.uploads.size).toBe(2);
    expect(pacerFor('http://127.0.0.1:2/us', 't')).toBe(lower);
  });
});
