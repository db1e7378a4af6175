import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { appendStepSummary, DEPLOY_RESULT_FILE, deployResultMarkdown, toDeployResult, writeDeployResult } from './deploy-result';

const STARTED = new Date('2026-11-27T10:00:00.000Z');
const FINISHED = new Date('2026-11-27T10:01:14.000Z');

function result(overrides: Partial<Parameters<typeof toDeployResult>[0]> = {}) {
  return toDeployResult({
    project: 'acme-crm',
    connector: 'acme-crm',
    version: '1.0',
    dryRun: false,
    startedAt: STARTED,
    finishedAt: FINISHED,
    regions: [
      {
        region: 'us',
        ok: true,
        status: 'Deployed',
        deploymentId: '6a0f9d4e-1b7c-4c53-9d51-0c2f4f1a8e11',
        durationMs: 74_000,
        shareMessage: '2 permissions added',
      },
      {
        region: 'eu',
        ok: false,
        status: 'Failed',
        deploymentId: '3c5e4a2d-ad3a-58e9-8e2d-eff986f62387',
        durationMs: 12_500,
        message: 'Tray reports deployment | Failed\nsee logs',
      },
    ],
    ...overrides,
  });
}

describe('deploy-result', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-deploy-result-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('records per region the status, deployment id, duration and message, and success only when every region is ok', () => {
    const r = result();
    expect(r).toEqual({
      project: 'acme-crm',
      connector: 'acme-crm',
      version: '1.0',
      dryRun: false,
      success: false,
      startedAt: '2026-11-27T10:00:00.000Z',
      finishedAt: '2026-11-27T10:01:14.000Z',
      regions: [
        {
          region: 'us',
          ok: true,
          status: 'Deployed',
          deploymentId: '6a0f9d4e-1b7c-4c53-9d51-0c2f4f1a8e11',
          durationMs: 74_000,
          message: '2 permissions added',
        },
        {
          region: 'eu',
          ok: false,
          status: 'Failed',
          deploymentId: '3c5e4a2d-ad3a-58e9-8e2d-eff986f62387',
          durationMs: 12_500,
          message: 'Tray reports deployment | Failed\nsee logs',
        },
      ],
      error: null,
    });
    expect(result({ regions: [{ region: 'us', ok: true, status: 'Deployed', durationMs: 1 }] }).success).toBe(true);
    expect(result({ regions: [] }).success).toBe(false);
    expect(result({ regions: [], error: 'us: no API token; set TRAY_API_TOKEN_US' })).toMatchObject({
      success: false,
      error: 'us: no API token; set TRAY_API_TOKEN_US',
    });
  });

  it('writes .tray/deploy-result.json in the project, replacing the previous one', () => {
    const file = writeDeployResult(dir, result());
    expect(file).toBe(path.join(dir, DEPLOY_RESULT_FILE));
    writeDeployResult(dir, result({ regions: [{ region: 'us', ok: true, status: 'Deployed', deploymentId: 'x', durationMs: 1 }] }));
    const read = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(read.success).toBe(true);
    expect(read.regions).toHaveLength(1);
  });

  it('renders a markdown table with one escaped row per region', () => {
    expect(deployResultMarkdown(result())).toBe(
      [
        '### ❌ Deploy of acme-crm 1.0 (acme-crm): 1/2 regions ok',
        '',
        '| Region | Deployment id | Status | Duration | Finished | Note |',
        '| --- | --- | --- | --- | --- | --- |',
        '| us | `6a0f9d4e-1b7c-4c53-9d51-0c2f4f1a8e11` | Deployed | 1m14s | 2026-11-27T10:01:14.000Z | 2 permissions added |',
        '| eu | `3c5e4a2d-ad3a-58e9-8e2d-eff986f62387` | Failed | 12.5s | 2026-11-27T10:01:14.000Z | Tray reports deployment \\| Failed see logs |',
        '',
        '',
      ].join('\n'),
    );
    const dry = deployResultMarkdown(
      result({ dryRun: true, regions: [{ region: 'us', ok: true, status: 'Dry run (nothing sent)', durationMs: 0 }] }),
    );
    expect(dry).toContain('### ✅ Dry run of acme-crm 1.0 (acme-crm): 1/1 regions ok');
    expect(dry).toContain('| us | - | Dry run (nothing sent) | - |');
    const noToken = deployResultMarkdown(
      result({ dryRun: true, regions: [{ region: 'us', ok: true, status: 'Dry run: no token', durationMs: 0 }] }),
    );
    expect(noToken).toContain('Dry run of acme-crm 1.0 (acme-crm): 0/1 regions ok, 1 without a token');
    expect(deployResultMarkdown(result({ regions: [], error: 'no zip' }))).toContain('> no zip');
  });

  it('appends to the GITHUB_STEP_SUMMARY file when it is set, and does nothing otherwise', () => {
    const summary = path.join(dir, 'step-summary.md');
    fs.writeFileSync(summary, '# earlier step\n');
    expect(appendStepSummary(result(), {})).toBeUndefined();
    expect(appendStepSummary(result(), { GITHUB_STEP_SUMMARY: summary })).toBe(summary);
    appendStepSummary(result({ project: 'beta', connector: 'beta' }), { GITHUB_STEP_SUMMARY: summary });
    const text = fs.readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n### ❌ Deploy of acme-crm 1.0')).toBe(true);
    expect(text).toContain('### ❌ Deploy of beta 1.0 (beta)');
  });
});
