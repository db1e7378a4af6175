import { baseUrlProblem, isLoopback, parseRegions, resolveRegionEndpoints, toRegion } from './regions';

describe('regions', () => {
  it('normalises names and aliases, without duplicates', () => {
    expect(parseRegions(['US', 'eu1', 'ap1', 'apac1', 'us1'])).toEqual(['us', 'eu', 'apac']);
    expect(parseRegions('us, eu')).toEqual(['us', 'eu']);
    expect(toRegion('mars')).toBeUndefined();
  });

  it('refuses unknown and empty lists', () => {
    expect(() => parseRegions(['us', 'mars', 'moon'])).toThrow(
      'Unknown regions "mars", "moon" in the "regions" option: use us, eu, apac (any case; aliases us1, eu1, ap1, apac1)',
    );
    expect(() => parseRegions([])).toThrow(/No region to use/);
  });

  it('accepts the same forms for every option: any case, aliases, arrays, comma lists and arrays of comma lists', () => {
    const forms: Array<string | string[]> = ['US,eu', ['US', 'eu'], ['us,EU'], ' us , Eu1 ', ['US1', 'EU']];
    for (const form of forms) expect(parseRegions(form)).toEqual(['us', 'eu']);
  });

  it('names a command-line flag as such', () => {
    expect(() => parseRegions('us,mars', '--regions')).toThrow(
      'Unknown region "mars" in --regions: use us, eu, apac (any case; aliases us1, eu1, ap1, apac1), e.g. --regions=us,eu',
    );
    expect(() => parseRegions('', '--regions')).toThrow('No region in --regions: give one or more of us, eu, apac (e.g. --regions=us,eu)');
  });

  it("uses Tray's URLs and the per-region token, falling back to TRAY_API_TOKEN", () => {
    const { endpoints } = resolveRegionEndpoints(['us', 'eu', 'apac'], {
      env: { TRAY_API_TOKEN_EU: 'e-token', TRAY_API_TOKEN: 'shared-token' },
    });
    expect(endpoints).toEqual([
      { region: 'us', baseUrl: 'https://api.tray.io', baseUrlSource: 'default', token: 'shared-token', tokenEnv: 'TRAY_API_TOKEN' },
      { region: 'eu', baseUrl: 'https://api.eu1.tray.io', baseUrlSource: 'default', token: 'e-token', tokenEnv: 'TRAY_API_TOKEN_EU' },
      { region: 'apac', baseUrl: 'https://api.ap1.tray.io', baseUrlSource: 'default', token: 'shared-token', tokenEnv: 'TRAY_API_TOKEN' },
    ]);
  });

  it('names every missing token variable at once', () => {
    expect(() => resolveRegionEndpoints(['us', 'apac'], { env: {} })).toThrow(
      /us: no API token; set TRAY_API_TOKEN_US \(or TRAY_API_TOKEN for every region\)[\s\S]*apac: no API token; set TRAY_API_TOKEN_APAC/,
    );
    expect(() => resolveRegionEndpoints(['us'], { env: {}, requireToken: false })).not.toThrow();
  });

  it("says which variable it reads when Tray's pipeline secret name TRAY_API_KEY_<REGION> is set instead, never its value", () => {
    let message = '';
    try {
      resolveRegionEndpoints(['us', 'eu'], { env: { TRAY_API_KEY_US: 'secret-key-value', TRAY_API_TOKEN_EU: 'e' } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(
      "us: no API token; set TRAY_API_TOKEN_US (or TRAY_API_TOKEN for every region) to the US API user's token; TRAY_API_KEY_US is set but is not read (the name of Tray's pipeline example): map it, e.g. TRAY_API_TOKEN_US: ${{ secrets.TRAY_API_KEY_US }}",
    );
    expect(message).not.toContain('secret-key-value');
    expect(message).not.toMatch(/eu:/);
  });

  it('base URL: apiUrls option, then TRAY_API_URL_<REGION>, then TRAY_API_URL for a single region', () => {
    const env = { TRAY_API_TOKEN: 't0ken', TRAY_API_URL_EU: 'https://eu.example.com/', TRAY_API_URL: 'https://one.example.com' };
    const single = resolveRegionEndpoints(['us'], { env }).endpoints[0];
    expect(single).toMatchObject({ baseUrl: 'https://one.example.com', baseUrlSource: 'TRAY_API_URL' });
    const many = resolveRegionEndpoints(['us', 'eu'], { env, apiUrls: { us1: 'https://opt.example.com' } });
    expect(many.endpoints.map((e) => [e.baseUrl, e.baseUrlSource])).toEqual([
      ['https://opt.example.com', 'apiUrls.us option'],
      ['https://eu.example.com', 'TRAY_API_URL_EU'],
    ]);
    expect(many.warnings).toEqual([
      'TRAY_API_URL is ignored because 2 regions are deployed; set TRAY_API_URL_US / TRAY_API_URL_EU instead',
    ]);
  });

  it('refuses plain http unless loopback, and other schemes', () => {
    expect(baseUrlProblem('http://127.0.0.1:4010/us')).toBeUndefined();
    expect(baseUrlProblem('http://localhost:4010')).toBeUndefined();
    expect(baseUrlProblem('http://[::1]:4010')).toBeUndefined();
    expect(baseUrlProblem('http://api.tray.io')).toMatch(/plain http:\/\/ to api.tray.io/);
    expect(baseUrlProblem('ftp://x.io')).toMatch(/https/);
    expect(baseUrlProblem('not a url')).toMatch(/is not a URL/);
    expect(isLoopback('127.1.2.3')).toBe(true);
    expect(isLoopback('127.0.0.1.evil.com')).toBe(false);
    expect(() => resolveRegionEndpoints(['eu'], { env: { TRAY_API_TOKEN: 'x', TRAY_API_URL_EU: 'http://api.eu1.tray.io' } })).toThrow(
      /eu: the base URL from TRAY_API_URL_EU uses plain http/,
    );
    expect(() => resolveRegionEndpoints(['eu'], { env: { TRAY_API_TOKEN: 'x' }, apiUrls: { mars: 'https://x' } })).toThrow(
      /"apiUrls" has a key "mars"/,
    );
  });
});
