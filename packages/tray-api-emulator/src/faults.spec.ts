import { startEmulator, type Emulator } from './emulator';
import { payloadTooLargePage, rawBody, tokenEchoForms, tokenEchoPage } from './faults';

describe('emulator faults: non-JSON answers', () => {
  let emu: Emulator;
  beforeEach(async () => (emu = await startEmulator({ tokens: { us: 'tok/us+5ecret=1' } })));
  afterEach(() => emu.close());
  const post = () =>
    fetch(`${emu.urlFor('us')}/cdk/v1/deployments/connectors/acme/versions/1.0/deploy-connector-from-source`, {
      method: 'POST',
      headers: { Authorization: 'Bearer tok/us+5ecret=1', 'Content-Type': 'application/json' },
      body: '{}',
    });

  it('answers a raw body exactly as given, with its own content type, and records the status', async () => {
    emu.failNext(1, 502, { kind: 'deploy', body: rawBody('<html>down</html>') });
    const res = await post();
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toBe('<html>down</html>');
    expect(emu.requests[0]).toMatchObject({ status: 502, fault: 'status 502 (text/html; charset=utf-8)' });
  });

  it('echoes the token in every escaped form', async () => {
    const forms = tokenEchoForms('tok/us+5ecret=1');
    expect(forms).toMatchObject({
      hex: Buffer.from('tok/us+5ecret=1').toString('hex'),
      hexUpper: Buffer.from('tok/us+5ecret=1').toString('hex').toUpperCase(),
      htmlDecimal: expect.stringMatching(/^&#116;&#111;&#107;&#47;/),
      htmlHex: expect.stringMatching(/^&#x74;&#x6f;&#x6b;&#x2f;/),
      unicodeEscapes: expect.stringMatching(/^\\u0074\\u006f/),
      jsonSlashes: 'tok\\/us+5ecret=1',
      urlEncoded: 'tok%2Fus%2B5ecret%3D1',
      bearerBase64: Buffer.from('Bearer tok/us+5ecret=1').toString('base64'),
    });
    emu.failNext(1, 400, { kind: 'deploy', body: rawBody(tokenEchoPage('tok/us+5ecret=1')) });
    const text = await (await post()).text();
    for (const form of Object.values(forms)) expect(text).toContain(form);
  });

  it('answers 413 as a gateway does', async () => {
    emu.failNext(1, 413, { kind: 'deploy', body: payloadTooLargePage() });
    const res = await post();
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('413 Request Entity Too Large');
  });
});
