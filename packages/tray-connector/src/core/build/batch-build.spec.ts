import * as fs from 'fs';
import * as path from 'path';
import { CONFORMANCE_FIXTURE, copyInOrder, tempDir, WORKSPACE_NODE_MODULES, writeFiles } from '../__fixtures__/temp-connector';
import { buildConnectors } from './batch-build';
import { buildConnector, BuildConnectorOptions } from './build-connector';
import { createRecordingLogger, Logger } from '../logger';

// Builds compile TypeScript: give them room on a busy CI machine (timings are benchmarked, not asserted).
jest.setTimeout(300_000);

const pascal = (op: string) => op.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());

/** A connector as the generator makes it: handlers typed with the DSL, one input/output per operation. */
function connector(name: string, operations: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
  const auth = `${pascal(name.replace(/-/g, '_'))}Auth`;
  const files: Record<string, string> = {
    'connector.json': JSON.stringify({
      name,
      version: '1.0',
      title: name,
      service: { name, version: '1' },
      tags: ['service'],
      isTrigger: false,
    }),
    'package.json': JSON.stringify({ name, version: '1.0.0', private: true, dependencies: { '@trayio/cdk-dsl': '4.65.0' } }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        target: 'es2021',
        module: 'commonjs',
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        rootDir: './src',
        outDir: './dist',
      },
      include: ['src/**/*.ts'],
    }),
    [`src/${auth}.ts`]:
      "import { TokenOperationHandlerAuth } from '@trayio/cdk-dsl/connector/operation/OperationHandler';\n" +
      `export type ${auth} = TokenOperationHandlerAuth<{ access_token: string }, Record<string, never>>;\n`,
  };
  for (const [op, inputFields] of Object.entries(operations)) {
    const P = pascal(op);
    files[`src/${op}/operation.json`] = JSON.stringify({ name: op, title: op, description: op });
    files[`src/${op}/input.ts`] = `export type ${P}Input = {\n${inputFields}};\n`;
    files[`src/${op}/output.ts`] = `export type ${P}Output = { items: { id: string }[] };\n`;
    files[`src/${op}/handler.ts`] = [
      "import { OperationHandlerSetup } from '@trayio/cdk-dsl/connector/operation/OperationHandlerSetup';",
      "import { OperationHandlerResult } from '@trayio/cdk-dsl/connector/operation/OperationHandler';",
      `import { ${auth} } from '../${auth}';`,
      `import { ${P}Input } from './input';`,
      `import { ${P}Output } from './output';`,
      '',
      `export const handler = OperationHandlerSetup.configureHandler<${auth}, ${P}Input, ${P}Output>((handler) =>`,
      `  handler.usingComposite(async () => OperationHandlerResult.success({ items: [] })),`,
      ');',
      '',
    ].join('\n');
  }
  return { ...files, ...extra };
}

/** What a build prints (debug lines, with their timings, left out). */
function printed(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

const under = (dir: string, files: Record<string, string>) => Object.fromEntries(Object.entries(files).map(([k, v]) => [`${dir}/${k}`, v]));

describe('buildConnectors (batch)', () => {
  let ws: string;
  beforeAll(() => {
    ws = tempDir('tc-batch-');
    fs.symlinkSync(WORKSPACE_NODE_MODULES, path.join(ws, 'node_modules'), 'dir');
    copyInOrder(CONFORMANCE_FIXTURE, path.join(ws, 'connectors/conformance'), 'forward');
    const generated = Object.fromEntries(
      Array.from({ length: 4 }, (_, i) => [`gen-${i}`, { list_contacts: `  id_${i}: string;\n`, [`op_${'abcd'[i]}`]: '  q?: number;\n' }]),
    );
    writeFiles(ws, {
      'tsconfig.base.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@acme/shared': ['libs/shared/src/index.ts'] } } }),
      'libs/shared/project.json': '{}',
      'libs/shared/src/index.ts': '/** A shared page size. */\nexport type PageSize = 10 | 50 | 100;\n',
      ...Object.fromEntries(
        Object.entries(generated).flatMap(([name, ops]) => Object.entries(under(`connectors/${name}`, connector(name, ops)))),
      ),
      // Same operation (and type) names as each other, different fields; beta declares its input type twice.
      ...under(
        'connectors/alpha',
        connector('alpha', { list_contacts: '  /** Alpha only */\n  alpha_field: string;\n', get_contact: '  id: string;\n' }),
      ),
      ...under(
        'connectors/beta',
        connector(
          'beta',
          { list_contacts: '  beta_field?: number;\n', get_contact: '  id: number;\n' },
          { 'src/legacy.ts': 'export type ListContactsInput = { legacy: boolean };\n' },
        ),
      ),
      // Imports a workspace library (vendored into the zip).
      ...under('connectors/gamma', connector('gamma', { list_contacts: '  page_size: PageSize;\n' }, {})),
      ...under(
        'connectors/broken',
        connector('broken', { list_contacts: '  id: string;\n' }, { 'src/oops.ts': 'export const n: number = "not a number";\n' }),
      ),
      // A script (no import/export) and a `declare global`: each in a program of its own.
      ...under(
        'connectors/script',
        connector('script', { list_contacts: '  id: string;\n' }, { 'src/globals.ts': 'type ScriptHelper = string;\n' }),
      ),
      ...under(
        'connectors/globals',
        connector(
          'globals',
          { list_contacts: '  id: string;\n' },
          { 'src/augment.ts': 'export {};\ndeclare global {\n  interface Window { acme: string }\n}\n' },
        ),
      ),
      // Another tsconfig: another group (two connectors, one program).
      ...Object.fromEntries(
        ['other-a', 'other-b'].flatMap((name) =>
          Object.entries(
            under(
              `connectors/${name}`,
              connector(
                name,
                { list_contacts: '  id: string;\n' },
                {
                  'tsconfig.json': JSON.stringify({
                    compilerOptions: { target: 'es2019', module: 'commonjs', strict: true, esModuleInterop: true, noImplicitReturns: true },
                  }),
                },
              ),
            ),
          ),
        ),
      ),
      // typeCheck: false (the single path).
      ...under('connectors/unchecked', connector('unchecked', { list_contacts: '  id: string;\n' })),
    });
    writeFiles(ws, {
      'connectors/gamma/src/list_contacts/input.ts':
        "import { PageSize } from '@acme/shared';\nexport type ListContactsInput = {\n  page_size: PageSize;\n};\n",
    });
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  const names = () => fs.readdirSync(path.join(ws, 'connectors')).sort();
  const optionsFor = (name: string, out: string): BuildConnectorOptions => ({
    connectorDir: path.join(ws, 'connectors', name),
    workspaceRoot: ws,
    outputPath: path.join(ws, 'out', out, `${name}.zip`),
    logger: printed(),
    typeCheck: name !== 'unchecked',
  });

  it('writes the zips of the single build, byte for byte, with one program per group; a failing connector fails alone with the single message', async () => {
    const list = names();
    expect(list).toHaveLength(14);
    const progress = createRecordingLogger();
    const batch = list.map((n) => optionsFor(n, 'batch'));
    const outcomes = await buildConnectors(batch, { progress });
    // One program for the 12 of the common tsconfig; again without the script and the `declare global` (10); one for the other tsconfig.
    expect(progress.lines).toEqual([
      'tray-connector: type-checking 11 connectors in one TypeScript program',
      'tray-connector: type-checking 9 connectors in one TypeScript program',
      'tray-connector: type-checking 2 connectors in one TypeScript program',
    ]);

    for (const [i, name] of list.entries()) {
      const single = optionsFor(name, 'single');
      let singleError: unknown;
      const singleResult = await buildConnector(single).catch((e) => void (singleError = e));
      const outcome = outcomes[i];
      expect(outcome.index).toBe(i);
      if (name === 'broken') {
        expect(outcome.result).toBeUndefined();
        expect((outcome.error as Error).message).toBe((singleError as Error).message);
        expect((outcome.error as Error).message).toContain('oops.ts:1:14 - error TS2322');
        expect(fs.existsSync(batch[i].outputPath)).toBe(false);
        continue;
      }
      expect(singleError).toBeUndefined();
      expect(outcome.error).toBeUndefined();
      expect(outcome.result).toEqual({ ...singleResult, zipPath: batch[i].outputPath });
      expect(fs.readFileSync(batch[i].outputPath).equals(fs.readFileSync(single.outputPath))).toBe(true);
      // Each connector prints its own line, as the single build does.
      expect((batch[i].logger as ReturnType<typeof printed>).lines).toEqual(
        (single.logger as ReturnType<typeof printed>).lines.map((l) => l.replace('out/single/', 'out/batch/')),
      );
    }
  });

  it('keeps same-named types apart: each connector gets the schema of its own type', async () => {
    const outcomes = await buildConnectors(['alpha', 'beta', 'gamma'].map((n) => optionsFor(n, 'names')));
    const AdmZip = (await import('adm-zip')).default;
    const input = (i: number, name: string) =>
      new AdmZip(outcomes[i].result?.zipPath as string).readAsText(`${name}/src/list_contacts/input.json`);
    expect(input(0, 'alpha')).toContain('"alpha_field":{"description":"Alpha only","type":"string"}');
    expect(input(0, 'alpha')).not.toContain('beta_field');
    expect(input(1, 'beta')).toContain('"beta_field":{"type":"number"}');
    expect(input(2, 'gamma')).toContain('"page_size":{"description":"A shared page size.","enum":[10,100,50]');
  });

  it('fails only the connector whose preparation fails, with its own message', async () => {
    const list = [optionsFor('alpha', 'prep'), { ...optionsFor('beta', 'prep'), outputPath: path.join(ws, 'out/prep/beta.txt') }];
    const outcomes = await buildConnectors(list);
    expect(outcomes[0].result?.name).toBe('alpha');
    expect((outcomes[1].error as Error).message).toMatch(/\.zip/);
  });
});
