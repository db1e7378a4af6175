import ignore from 'ignore';
import { TrayConnectorError } from '../errors';

/**
 * Files that very likely hold credentials, by name or by content (a private key block, PGP's too, an AWS secret
 * key line, git's credential store). The zip is uploaded to Tray, so the build refuses
 * them (unless git ignores them: ignored files are never zipped, or the build target's
 * `allowFiles` lists them). Names are matched case-insensitively, after stripping backup
 * suffixes (`.bak`, `.orig`, `.old`, `~`), so `test.ctx.JSON.bak` is caught like `test.ctx.json`.
 */

const NAME_RULES: { test: (name: string) => boolean; what: string }[] = [
  { test: (n) => n.endsWith('.ctx.json'), what: 'a *.ctx.json test context (credentials for local tests)' },
  { test: (n) => n.startsWith('.env'), what: 'a .env* environment file' },
  { test: (n) => n === '.npmrc' || n === '.netrc' || n === '.pypirc', what: 'a registry/login configuration that can hold tokens' },
  { test: (n) => /^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/.test(n), what: 'an SSH private key' },
  { test: (n) => /\.(pem|key)$/.test(n), what: 'a *.pem/*.key key or certificate file' },
  { test: (n) => /\.(p12|pfx|jks|keystore)$/.test(n), what: 'a *.p12/*.pfx key store' },
  { test: (n) => /^credentials.*\.json$/.test(n), what: 'a credentials*.json file' },
  { test: (n) => n === 'credentials', what: 'a credentials file (as the AWS CLI keeps in ~/.aws/credentials)' },
  { test: (n) => n === '.git-credentials', what: "a .git-credentials file (git's stored passwords and tokens)" },
];

/** `-----BEGIN RSA PRIVATE KEY-----`, `-----BEGIN OPENSSH PRIVATE KEY-----`, `-----BEGIN ENCRYPTED PRIVATE KEY-----`, ... */
const PRIVATE_KEY_HEADER = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

const BACKUP_SUFFIX = /(\.bak|\.orig|\.old|~)$/;

/** Why a file name looks like credentials, or undefined. `name` is the base name. */
export function credentialNameReason(name: string): string | undefined {
  let n = name.toLowerCase();
  while (BACKUP_SUFFIX.test(n)) n = n.replace(BACKUP_SUFFIX, '');
  const rule = NAME_RULES.find((r) => r.test(n));
  if (!rule) return undefined;
  return n === name.toLowerCase() ? rule.what : `a backup copy of ${rule.what}`;
}

/** True when the bytes hold a PEM private key block. */
export function hasPrivateKeyBlock(data: Buffer): boolean {
  // Cheap pre-check on the bytes before decoding: most files have no "PRIVATE KEY" at all.
  return data.includes('PRIVATE KEY-----') && PRIVATE_KEY_HEADER.test(data.toString('latin1'));
}

/** An AWS credentials/config line with a secret: `aws_secret_access_key = ...` (INI style, any case, at a line's start). */
const AWS_SECRET_LINE = /^[ \t]*aws_secret_access_key[ \t]*=[ \t]*\S/im;
/** A line of git's credential store: `scheme://user:password@host` and nothing else. */
const CREDENTIAL_URL_LINE = /^[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:[^\s@/]+@\S+$/i;
/** Largest file read as a whole for the git credential store form (the store is a few lines). */
const CREDENTIAL_STORE_MAX_BYTES = 64 * 1024;

/** Why the bytes look like credentials whatever the file is called, or undefined. */
export function credentialContentReason(data: Buffer): string | undefined {
  if (hasPrivateKeyBlock(data)) return 'it holds a "-----BEGIN ... PRIVATE KEY-----" block';
  if (data.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')) return 'it holds a "-----BEGIN PGP PRIVATE KEY BLOCK-----" block';
  // Cheap pre-checks on the bytes before decoding (the key is written in lower case, or upper case as a variable).
  const aws = data.includes('aws_secret_access_key') || data.includes('AWS_SECRET_ACCESS_KEY');
  if (aws && AWS_SECRET_LINE.test(data.toString('latin1'))) return 'it holds an "aws_secret_access_key = ..." line (AWS credentials)';
  if (data.length <= CREDENTIAL_STORE_MAX_BYTES && data.includes('@')) {
    const lines = data
      .toString('latin1')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length && lines.every((l) => CREDENTIAL_URL_LINE.test(l))) return "it holds URLs with passwords, like git's credential store";
  }
  return undefined;
}

export interface CredentialCheckInput {
  /** Files to check: `display` is how the message names the file, `rel` the path matched against `allowFiles`. */
  files: { rel: string; display: string; data: () => Buffer }[];
  /** Gitignore-style patterns (relative to the connector folder) of files allowed even though they look like credentials. */
  allowFiles?: string[];
}

/** The problems: one line per credential-looking file that `allowFiles` does not allow. */
export function findCredentialFiles(input: CredentialCheckInput): { rel: string; display: string; reason: string }[] {
  const allow = ignore({ allowRelativePaths: true, ignorecase: true }).add(input.allowFiles ?? []);
  const found: { rel: string; display: string; reason: string }[] = [];
  for (const file of input.files) {
    const base = file.rel.split('/').pop() as string;
    const reason = credentialNameReason(base) ?? credentialContentReason(file.data());
    if (reason && !allow.ignores(file.rel)) found.push({ rel: file.rel, display: file.display, reason });
  }
  return found;
}

/** Throws a TrayConnectorError naming every credential-looking file and how to exclude or allow it. */
export function refuseCredentialFiles(input: CredentialCheckInput): void {
  const found = findCredentialFiles(input);
  if (found.length === 0) return;
  const example = found[0].rel;
  throw new TrayConnectorError(
    [
      `${found.length === 1 ? 'A file looks' : `${found.length} files look`} like credentials and would be uploaded to Tray in the zip; nothing was built:`,
      ...found.map((f) => `  ${f.display}: ${f.reason}`),
      'Move or delete it, or git-ignore it (e.g. add "*.ctx.json" or the file to .gitignore: git-ignored files are never zipped).',
      `If it truly belongs in the connector, allow it with the build target's "allowFiles" option (globs relative to the connector folder), e.g. "allowFiles": ["${example}"].`,
    ].join('\n'),
  );
}
