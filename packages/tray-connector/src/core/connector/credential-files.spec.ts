import { credentialNameReason, findCredentialFiles, hasPrivateKeyBlock, refuseCredentialFiles } from './credential-files';
import { TrayConnectorError } from '../errors';

const file = (rel: string, text = '') => ({ rel, display: `/ws/c/${rel}`, data: () => Buffer.from(text) });

describe('credential-looking files', () => {
  it.each([
    'test.ctx.json',
    'test.ctx.JSON',
    'Handler.CTX.json',
    'test.ctx.json.bak',
    'test.ctx.json.BAK',
    'test.ctx.json.orig',
    'test.ctx.json~',
    '.env',
    '.env.local',
    '.ENV.production',
    '.envrc',
    '.env.bak',
    '.npmrc',
    '.NPMRC',
    '.npmrc.bak',
    '.netrc',
    'id_rsa',
    'ID_RSA',
    'id_dsa',
    'id_ecdsa',
    'id_ed25519',
    'id_ed25519_sk',
    'id_rsa.bak',
    'server.pem',
    'SERVER.PEM',
    'tls.key',
    'cert.p12',
    'cert.P12',
    'cert.pfx',
    'store.jks',
    'credentials.json',
    'Credentials.JSON',
    'credentials-prod.json',
    'credentials.json.bak',
    'server.pem.bak.bak',
    'credentials',
    'CREDENTIALS',
    'credentials.bak',
    '.git-credentials',
    '.git-credentials~',
  ])('%s is refused by name', (name) => {
    expect(credentialNameReason(name)).toBeDefined();
  });

  it.each([
    'input.ts',
    'handler.ts',
    'ctx.ts',
    'environment.ts',
    'operation.json',
    'package.json',
    'credentials.ts',
    'id_rsa.pub',
    'notes.bak',
    'key.ts',
    'pem.json',
    'credentials.md',
    'git-credentials.ts',
  ])('%s is not', (name) => {
    expect(credentialNameReason(name)).toBeUndefined();
  });

  it('says when the file is a backup copy', () => {
    expect(credentialNameReason('test.ctx.json.bak')).toMatch(/^a backup copy of a \*\.ctx\.json test context/);
  });

  it.each([
    '-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n',
    '-----BEGIN PRIVATE KEY-----\nabc\n',
    '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n',
    '-----BEGIN EC PRIVATE KEY-----\nabc\n',
    '-----BEGIN ENCRYPTED PRIVATE KEY-----\nabc\n',
    'export const key = `-----BEGIN PRIVATE KEY-----\nabc`;\n',
  ])('a private key block is found by its header, whatever the file is called (%#)', (text) => {
    expect(hasPrivateKeyBlock(Buffer.from(text))).toBe(true);
    expect(findCredentialFiles({ files: [file('src/util/config.ts', text)] })).toEqual([
      { rel: 'src/util/config.ts', display: '/ws/c/src/util/config.ts', reason: 'it holds a "-----BEGIN ... PRIVATE KEY-----" block' },
    ]);
  });

  it.each([
    [
      '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n',
      'an "aws_secret_access_key = ..." line',
    ],
    ['[prod]\n  AWS_SECRET_ACCESS_KEY=abc123\n', 'an "aws_secret_access_key = ..." line'],
    ['-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF...\n-----END PGP PRIVATE KEY BLOCK-----\n', 'PGP PRIVATE KEY BLOCK'],
    ['https://octocat:ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com\nhttps://me:p%40ss@gitlab.example.com\n', 'URLs with passwords'],
  ])('credentials are found by content, whatever the file is called (issue 28.9: %#)', (text, why) => {
    const [found] = findCredentialFiles({ files: [file('src/util/settings', text)] });
    expect(found).toMatchObject({ rel: 'src/util/settings' });
    expect(found.reason).toContain(why);
  });

  it.each([
    'const fields = { aws_secret_access_key: input.secret };\n',
    '// set aws_secret_access_key in your environment\n',
    '-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc\n',
    'See https://user:password@example.com in the docs, and more text.\n',
    'https://example.com/path\n',
  ])('ordinary source mentioning them is not a credential file (%#)', (text) => {
    expect(findCredentialFiles({ files: [file('src/handler.ts', text)] })).toEqual([]);
  });

  it('a public key or certificate block is not a private key', () => {
    expect(hasPrivateKeyBlock(Buffer.from('-----BEGIN PUBLIC KEY-----\nabc\n-----BEGIN CERTIFICATE-----\n'))).toBe(false);
  });

  it('allowFiles globs (relative to the connector folder, any case) let a file through', () => {
    const files = [
      file('src/fixtures/server.pem'),
      file('src/fixtures/client.PEM'),
      file('src/test.ctx.json'),
      file('src/op/credentials.json'),
    ];
    expect(findCredentialFiles({ files, allowFiles: ['src/fixtures/*.pem', 'src/op/credentials.json'] }).map((f) => f.rel)).toEqual([
      'src/test.ctx.json',
    ]);
    expect(findCredentialFiles({ files, allowFiles: ['**/*.pem', '*.ctx.json', 'credentials.json'] })).toEqual([]);
  });

  it('refuses with one line per file, how to exclude or allow it, and never the contents', () => {
    const files = [
      file('src/test.ctx.JSON', '{"token":"s3cret-value"}'),
      file('src/keys/k.ts', '-----BEGIN PRIVATE KEY-----\ns3cret-value\n'),
      file('src/input.ts', 'x'),
    ];
    let error: Error | undefined;
    try {
      refuseCredentialFiles({ files });
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(TrayConnectorError);
    const lines = error!.message.split('\n');
    expect(lines[0]).toBe('2 files look like credentials and would be uploaded to Tray in the zip; nothing was built:');
    expect(lines[1]).toBe('  /ws/c/src/test.ctx.JSON: a *.ctx.json test context (credentials for local tests)');
    expect(lines[2]).toBe('  /ws/c/src/keys/k.ts: it holds a "-----BEGIN ... PRIVATE KEY-----" block');
    expect(error!.message).toContain('.gitignore');
    expect(error!.message).toContain('"allowFiles": ["src/test.ctx.JSON"]');
    expect(error!.message).not.toContain('s3cret');
    expect(() => refuseCredentialFiles({ files, allowFiles: ['src/test.ctx.json', 'src/keys/k.ts'] })).not.toThrow();
  });
});
