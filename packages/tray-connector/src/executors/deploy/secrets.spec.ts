import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, tokenEchoForms, tokenEchoPage, rawBody, type Emulator } from 'tray-api-emulator';
import { captureOutput, useTrayEnv, writeConnectorZip } from '../../core/__fixtures__/deploy-kit';
import { secretForms } from '../../core/redact';
import { connectorWorkspace, ROOT } from '../shared/__fixtures__/connector-workspace';
import deployExecutor from './executor';

/** Fixed seed in `npm test`; FC_RUNS / FC_SEED for a longer run on demand. */
const FC = { seed: Number(process.env.FC_SEED ?? 1919), numRuns: Number(process.env.FC_RUNS ?? 12) };
/** Tokens as an Authorization header can carry them: printable ASCII without spaces. */
const tokenArb = fc
  .array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=:!*()\'"<>&%#@'.split('')), {
    minLength: 12,
    maxLength: 40,
  })
  .map((c) => c.join(''));
const ENCODINGS = Object.keys(tokenEchoForms('x'));

/** Issue 19.7: a region answering a non-JSON body that echoes the token, in any escaped form. */
describe('tray-connector:deploy executor: a server echoing the token in escaped forms', () => {
  it('never shows an encoded form of the token in the terminal, deploy-result.json or the step summary', async () => {
    await fc.assert(
      fc.asyncProperty(
        tokenArb,
        fc.subarray(ENCODINGS, { minLength: 1, maxLength: 2 }),
        fc.constantFrom(400, 418),
        async (token, forms, status) => {
          const emu: Emulator = await startEmulator({ tokens: { us: token }, deployDelayMs: 10 });
          const ws = connectorWorkspace({ deployRegions: ['us'], targetName: 'deploy' });
          writeConnectorZip(path.join(ws.root, ROOT, '.tray/connector.zip'), { name: 'acme-crm', version: '1.0' });
          const summary = path.join(ws.root, 'step-summary.md');
          const restoreEnv = useTrayEnv({ ...emu.env(['us']), GITHUB_STEP_SUMMARY: summary });
          const output = captureOutput();
          ws.context.isVerbose = true;
          try {
            emu.failNext(1, status, { region: 'us', kind: 'deploy', body: rawBody(tokenEchoPage(token, forms)) });
            await expect(deployExecutor({ regions: ['us'], pollIntervalSeconds: 0.02 }, ws.context)).resolves.toEqual({ success: false });
          } finally {
            output.restore();
            restoreEnv();
            await emu.close();
          }
          const texts = {
            terminal: output.text(),
            result: fs.readFileSync(path.join(ws.root, ROOT, '.tray/deploy-result.json'), 'utf8'),
            summary: fs.readFileSync(summary, 'utf8'),
          };
          fs.rmSync(ws.root, { recursive: true, force: true });
          expect(texts.terminal).toContain('(not JSON) <html>');
          const all = tokenEchoForms(token);
          for (const [where, text] of Object.entries(texts)) {
            for (const form of forms) {
              expect({ where, form, leaked: text.includes(all[form]) }).toEqual({ where, form, leaked: false });
              for (const inner of secretForms(token).filter((f) => f.length >= 8 && all[form].includes(f))) {
                expect({ where, form, inner, leaked: text.includes(inner) }).toEqual({ where, form, inner, leaked: false });
              }
            }
          }
        },
      ),
      FC,
    );
  });
});
