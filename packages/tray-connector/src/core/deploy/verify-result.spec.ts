import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../__fixtures__/deploy-kit';
import type { VerifyResult } from './verify';
import {
  appendVerifyStepSummary,
  formatVerifyResult,
  oneLine,
  VERIFY_RESULT_FILE,
  verifyResultMarkdown,
  writeVerifyResult,
} from './verify-result';

const RESULT: VerifyResult = {
  success: false,
  connector: 'acme-crm',
  version: '1.0',
  zipPath: 'connectors/acme-crm/.tray/connector.zip',
  localOperations: ['get_contact'],
  checkedAt: '2026-01-02T03:04:05.000Z',
  regions: [
    { region: 'us', state: 'in-sync', url: 'u', tokenEnv: 'TRAY_API_TOKEN_US', deployedOperations: 1, differences: [] },
    {
      region: 'eu',
      state: 'drift',
      url: 'u',
      tokenEnv: 'TRAY_API_TOKEN_EU',
      deployedOperations: 1,
      differences: [
        { operation: 'get_contact', path: '$.outputSchema.properties.email', reason: 'output property "email" removed', breaking: true },
        { operation: 'get|<b>\n', path: '$.title', reason: 'changed from "a" to "b"', breaking: false },
      ],
    },
    { region: 'apac', state: 'not-deployed', url: 'u', tokenEnv: 'TRAY_API_TOKEN_APAC', differences: [], message: 'not deployed in apac' },
  ],
};

describe('verify result', () => {
  it('prints a table a person reads at a glance, then what differs where, one line per difference', () => {
    const text = formatVerifyResult(RESULT);
    const lines = text.split('\n');
    expect(lines[0]).toBe('acme-crm 1.0: what Tray serves against connectors/acme-crm/.tray/connector.zip (1 operation)');
    expect(lines[1]).toMatch(/^region\s+result\s+differences\s+note$/);
    expect(lines[3]).toMatch(/^us\s+in sync\s+-$/);
    expect(lines[4]).toMatch(/^eu\s+DRIFT\s+2 \(1 breaking\)$/);
    expect(lines[5]).toMatch(/^apac\s+not deployed\s+-\s+not deployed in apac$/);
    expect(text).toContain('eu: what differs (deployed -> this build)');
    expect(text).toMatch(/breaking\s+get_contact\s+\$\.outputSchema\.properties\.email\s+output property "email" removed/);
    expect(text).toMatch(/drift\s+get\|<b>\\u000a\s+\$\.title/);
  });

  it('escapes control characters and line separators', () => {
    expect(oneLine('a\nb\r\u2028c\u0007')).toBe('a\\u000ab\\u000d\\u2028c\\u0007');
  });

  it('writes .tray/verify-result.json and appends an escaped markdown section to the step summary', () => {
    const dir = tempDir('verify-result-');
    try {
      const file = writeVerifyResult(dir, RESULT);
      expect(file).toBe(path.join(dir, VERIFY_RESULT_FILE));
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(RESULT);
      const summary = path.join(dir, 'summary.md');
      fs.writeFileSync(summary, '# before\n');
      expect(appendVerifyStepSummary(RESULT, 'acme', { GITHUB_STEP_SUMMARY: summary })).toBe(summary);
      const md = fs.readFileSync(summary, 'utf8');
      expect(md.startsWith('# before\n### ❌ Verify of acme-crm 1.0 (acme): 1/3 regions in sync\n')).toBe(true);
      expect(md).toContain('| eu | DRIFT | 2 (1 breaking) |  |');
      expect(md).toContain('| breaking | get\\_contact | $.outputSchema.properties.email | output property "email" removed |');
      expect(md).toContain('| drift | get\\|\\<b\\>\\\\u000a | $.title |');
      expect(appendVerifyStepSummary(RESULT, 'acme', {})).toBeUndefined();
      expect(verifyResultMarkdown({ ...RESULT, success: true, regions: [RESULT.regions[0]] })).toContain(
        '### ✅ Verify of acme-crm 1.0: 1/1 regions in sync',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
