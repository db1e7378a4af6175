import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, tokenEchoForms, type Emulator } from 'tray-api-emulator';
import { main } from '../../bin/tray-connector';
import { captureOutput, useTrayEnv, writeConnectorZip } from '../../core/__fixtures__/deploy-kit';
import { secretForms } from '../../core/redact';
import { resetPacers } from '../../core/tray-api/tray-pacer';
import { connectorWorkspace, ROOT } from '../shared/__fixtures__/connector-workspace';
import deployExecutor from './executor';

/**
 * Issue 28.2 and 28.4: every text a server supplies (a deployment's id and status, Tray's words about
 * a Failed deployment, the operation names of the Connectivity listing) reaches every sink masked and
 * printable: the terminal, `.tray/deploy-result.json`, the GitHub step summary and `tray-connector
 * results`. Driven against the emulator, which answers the hostile fields (failDeployments' `id`,
 * `status` and `reason`; a listing through failNext).
 */

/** Fixed seed in `npm test`; FC_RUNS / FC_SEED for a longer run on demand. */
const FC = { seed: Number(process.env.FC_SEED ?? 2828), numRuns: Number(process.env.FC_RUNS ?? 8) };

/** Tokens as an Authorization header can carry them: printable ASCII without spaces. */
const tokenArb = fc
  .array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=:!*()\'"<>&%#@'.split('')), {
    minLength: 12,
    maxLength: 32,
  })
  .map((c) => c.join(''));
const ENCODINGS = Object.keys(tokenEchoForms('x'));

/** What a terminal obeys, and what ends a markdown cell or code span. */
const CONTROLS = [
  '\u001b[2J', // CSI: clear the screen
  '\u001b[1A\u001b[2KDeployed OK', // CSI: overwrite the line above
  '\u001b]0;PWNED\u0007', // OSC 0: window title, BEL-terminated
  '\u001b]52;c;ZWNobyBwd25lZA==\u0007', // OSC 52: clipboard write
  '\u001b]8;;https://evil.example/\u001b\\link\u001b]8;;\u001b\\', // OSC 8 hyperlink, ST-terminated
  '\u001bP1$r0m\u001b\\', // DCS
  '\u009b31m', // C1 CSI
  '\u009d0;t\u009c', // C1 OSC .. ST
  '\u0085', // C1 NEL
  '\r',
  '\u0007',
  '\u0000',
  '\u007f',
  '\b\b\b',
  '\u202e', // right-to-left override
  '\u2066', // left-to-right isolate
  '\u200f', // right-to-left mark
  '\u2028',
  '\n',
  '|',
  '`',
  '<img src=x>',
  '**',
];
const controlArb = fc.constantFrom(...CONTROLS);
const wordArb = fc.stringMatching(/^[a-z]{1,8}$/);

/** Hostile text: words and control sequences around the token in one of its encoded forms. */
const hostileArb = (form: string) =>
  fc
    .tuple(fc.array(fc.oneof(controlArb, wordArb), { maxLength: 4 }), fc.array(fc.oneof(controlArb, wordArb), { maxLength: 4 }))
    .map(([before, after]) => `${before.join('')}${form}${after.join('')}`);

/** Anything but line feeds and tabs (layout) that a terminal or a reader's eye obeys. */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
/** The same, line feeds and tabs included (for one field of a JSON file). */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE_FIELD = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/** Every string in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

interface Sinks {
  terminal: string;
  result: string;
  summary: string;
  results: string;
  resultsJson: string;
}

/** Deploys acme-crm 1.0 to us (its deployment hostile) and eu (its listing hostile, so refused) and reads every sink. */
async function deployToHostileServer(
  tokens: { us: string; eu: string },
  hostile: { id: string; status: string; message: string; operation: string },
  tty = false,
): Promise<Sinks> {
  const emu: Emulator = await startEmulator({ tokens, deployDelayMs: 10 });
  const ws = connectorWorkspace({ deployRegions: ['us', 'eu'], targetName: 'deploy' });
  writeConnectorZip(path.join(ws.root, ROOT, '.tray/connector.zip'), { name: 'acme-crm', version: '1.0' });
  const summary = path.join(ws.root, 'step-summary.md');
  const restoreEnv = useTrayEnv({ ...emu.env(['us', 'eu']), GITHUB_STEP_SUMMARY: summary, ...(tty ? { CI: '' } : {}) });
  // On a terminal, the live progress lines are drawn on process.stdout (captured below).
  const wasTTY = process.stdout.isTTY;
  if (tty) process.stdout.isTTY = true;
  const output = captureOutput();
  try {
    emu.failDeployments(1, {
      region: 'us',
      id: hostile.id,
      status: hostile.status,
      reason: { message: hostile.message, error: hostile.message },
    });
    emu.failNext(1, 200, {
      region: 'eu',
      kind: 'operations',
      body: {
        elements: [{ name: hostile.operation, title: hostile.message, description: hostile.message, inputSchema: {}, outputSchema: {} }],
      },
    });
    await expect(
      deployExecutor({ regions: ['us', 'eu'], pollIntervalSeconds: 0.02, checkBreakingChanges: true }, ws.context),
    ).resolves.toEqual({
      success: false,
    });
    // The status polls reached the deployment by its raw id (URL-encoded in the path only).
    expect(emu.requests.filter((r) => r.kind === 'status' && r.deploymentId === hostile.id).length).toBeGreaterThan(0);
    expect(emu.deployments.filter((d) => d.region === 'eu')).toEqual([]);
  } finally {
    output.restore();
    process.stdout.isTTY = wasTTY;
    restoreEnv();
    resetPacers();
    await emu.close();
  }
  let results = '';
  let resultsJson = '';
  await main(['results'], { cwd: ws.root, env: {}, out: (t) => (results += t), err: (t) => (results += t) });
  await main(['results', '--json'], { cwd: ws.root, env: {}, out: (t) => (resultsJson += t), err: (t) => (resultsJson += t) });
  const sinks = {
    terminal: output.text(),
    result: fs.readFileSync(path.join(ws.root, ROOT, '.tray/deploy-result.json'), 'utf8'),
    summary: fs.readFileSync(summary, 'utf8'),
    results,
    resultsJson,
  };
  fs.rmSync(ws.root, { recursive: true, force: true });
  return sinks;
}

/** No encoded form of any token in any sink, nor (in the JSON ones) in any string once parsed. */
function expectNoTokenForm(sinks: Sinks, tokens: readonly string[]): void {
  for (const token of tokens) {
    const forms = [...Object.values(tokenEchoForms(token)), ...secretForms(token).filter((f) => f.length >= 8)];
    for (const [where, text] of Object.entries(sinks)) {
      const texts = where === 'result' || where === 'resultsJson' ? [text, ...strings(JSON.parse(text))] : [text];
      for (const form of forms) {
        expect({ where, form, leaked: texts.some((t) => t.includes(form)) }).toEqual({ where, form, leaked: false });
      }
    }
  }
}

/** Nothing a terminal obeys: only Nx's colours, line feeds and tabs in the terminal and the tables; nothing at all in one JSON field. */
function expectPrintable(sinks: Sinks): void {
  // Nx's colours, and the live reporter's own cursor-up and erase-line.
  // eslint-disable-next-line no-control-regex
  const terminal = sinks.terminal.replace(/\u001b\[[0-9;]*m|\u001b\[\d+A|\r\u001b\[2K/g, '');
  for (const [where, text] of Object.entries({ terminal, summary: sinks.summary, results: sinks.results })) {
    expect({ where, unprintable: UNPRINTABLE.exec(text)?.[0] }).toEqual({ where, unprintable: undefined });
  }
  for (const where of ['result', 'resultsJson'] as const) {
    for (const field of strings(JSON.parse(sinks[where]))) {
      // A message of several lines (a partial share) may keep its line feeds; nothing else.
      expect({ where, field, unprintable: UNPRINTABLE_FIELD.exec(field.replace(/\n/g, ''))?.[0] }).toEqual({
        where,
        field,
        unprintable: undefined,
      });
    }
  }
}

/** The summary's table rows stay rows of six cells: nothing from a server ends a cell or a code span. */
function expectWholeTable(summary: string): void {
  const rows = summary.split('\n').filter((l) => /^\| (us|eu) \|/.test(l));
  expect(rows).toHaveLength(2);
  for (const row of rows) {
    const cells = row.split(/(?<!\\)\|/).length - 2;
    expect({ row, cells }).toEqual({ row, cells: 6 });
    // The deployment id is one code span: its two backticks are the only ones.
    expect({ row, backticks: (row.match(/`/g) ?? []).length % 2 }).toEqual({ row, backticks: 0 });
  }
}

describe('tray-connector:deploy executor: a server writing tokens and control sequences in its fields (issue 28.2, 28.4)', () => {
  jest.setTimeout(120_000);

  it('the reported reproduction: a weird status, an escape-laden id, a clipboard-writing message, a token in an operation name (live progress lines on a terminal)', async () => {
    const tokens = { us: 'tok-us-0123456789abcdef', eu: 'tok-eu-0123456789abcdef' };
    const sinks = await deployToHostileServer(
      tokens,
      {
        id: 'dep-\u001b[2J\u001b]0;PWNED\u0007\u009b31m\rFAKE',
        status: `Weird ${tokens.us}`,
        message: `\u001b]52;c;ZWNobyBwd25lZA==\u0007 and \u001b[1A\u001b[2KDeployed OK ${tokens.eu}`,
        operation: `op_${tokens.us}\u001b]8;;https://evil/\u0007`,
      },
      true,
    );
    // The live lines were drawn (the reporter's own cursor moves), with the id as text.
    expect(sinks.terminal).toContain('\r\u001b[2K');
    expect(sinks.terminal).toContain('submitted, deployment dep-\\u001b[2J');
    expectNoTokenForm(sinks, Object.values(tokens));
    expectPrintable(sinks);
    expectWholeTable(sinks.summary);
    // Shown as text, masked: the escape sequences as \uXXXX, the tokens as ***.
    expect(sinks.terminal).toContain('Weird ***');
    expect(JSON.parse(sinks.result).regions[0]).toEqual(
      expect.objectContaining({
        status: 'Weird ***',
        deploymentId: 'dep-\\u001b[2J\\u001b]0;PWNED\\u0007\\u009b31m\\u000dFAKE',
        statusUrl: expect.stringContaining('dep-%1B%5B2J%1B%5D0%3BPWNED%07%C2%9B31m%0DFAKE'),
      }),
    );
    expect(JSON.parse(sinks.result).regions[1].breakingChanges[0].operation).toBe('op_***\\u001b]8;;https://evil/\\u0007');
    expect(sinks.summary).toContain('`dep-\\u001b[2J\\u001b]0;PWNED\\u0007\\u009b31m\\u000dFAKE`');
    expect(sinks.results).toContain('Weird ***');
  });

  it('property: tokens in any encoding and control sequences in every server field reach no sink raw', async () => {
    const caseArb = fc
      .tuple(tokenArb, tokenArb, fc.constantFrom(...ENCODINGS), fc.constantFrom(...ENCODINGS))
      .filter(([us, eu]) => !us.includes(eu) && !eu.includes(us))
      .chain(([us, eu, formUs, formEu]) => {
        const inUs = hostileArb(tokenEchoForms(us)[formUs]);
        const inEu = hostileArb(tokenEchoForms(eu)[formEu]);
        return fc.record({
          tokens: fc.constant({ us, eu }),
          hostile: fc.record({
            id: inUs.map((t) => `d${t}`),
            status: inEu.map((t) => `W${t}`),
            message: fc.tuple(inUs, inEu).map(([a, b]) => `${a} ${b}`),
            operation: inEu.map((t) => `o${t}`),
          }),
        });
      });
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ tokens, hostile }) => {
        const sinks = await deployToHostileServer(tokens, hostile);
        // The hostile fields did reach the sinks (as masked, printable text).
        const [us, eu] = JSON.parse(sinks.result).regions;
        expect([us.deploymentId[0], us.status[0], eu.breakingChanges[0].operation[0]]).toEqual(['d', 'W', 'o']);
        expectNoTokenForm(sinks, [tokens.us, tokens.eu]);
        expectPrintable(sinks);
        expectWholeTable(sinks.summary);
      }),
      FC,
    );
  });
});
