import type { TestWorkspace } from './workspace';

/** `list_items` → `ListItems`, `alpha` → `Alpha` (Tray's type names for an operation folder). */
export const pascal = (s: string): string => s.replace(/(^|[_-])([a-z])/g, (_m, _s, c: string) => c.toUpperCase());

export interface OperationFiles {
  /** The input type's fields, one per line (`  id: string;\n`). */
  inputFields: string;
  /** What input.ts starts with (imports). */
  inputPrelude?: string;
  /** The handler's success value, an expression over `input`; default `{ items: [] }`. */
  result?: string;
  /** operation.json's title and description; default the PascalCase name. */
  title?: string;
}

/**
 * A connector written directly (not by the generators, which are proven elsewhere): connector.json,
 * package.json, the tsconfig.json `tray-cdk connector init` writes, a token auth type, and per
 * operation its operation.json, input.ts, output.ts (`{ items: { id: string }[] }`) and a composite
 * handler that type-checks against @trayio/cdk-dsl. With `deployOptions`, a project.json with them.
 * For specs that need several connectors quickly. Returns the connector's folder.
 */
export function writeConnectorFiles(
  ws: TestWorkspace,
  name: string,
  options: { operations: Record<string, OperationFiles>; deployOptions?: Record<string, unknown> },
): string {
  const dir = `connectors/${name}`;
  const title = pascal(name);
  const auth = `${title}Auth`;
  const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
  ws.write(
    `${dir}/connector.json`,
    json({
      name,
      version: '1.0',
      title,
      description: `${title} connector`,
      service: { name, version: '1' },
      tags: ['service'],
      isTrigger: false,
    }),
  );
  ws.write(`${dir}/package.json`, json({ name, version: '1.0.0', private: true, dependencies: { '@trayio/cdk-dsl': '4.65.0' } }));
  ws.write(
    `${dir}/tsconfig.json`,
    json({
      compilerOptions: {
        target: 'ES2021',
        module: 'commonjs',
        rootDir: './src',
        outDir: './dist',
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
      },
      include: ['src/**/*.ts'],
    }),
  );
  if (options.deployOptions) ws.write(`${dir}/project.json`, json({ name, targets: { deploy: { options: options.deployOptions } } }));
  ws.write(
    `${dir}/src/${auth}.ts`,
    "import { TokenOperationHandlerAuth } from '@trayio/cdk-dsl/connector/operation/OperationHandler';\n" +
      `export type ${auth} = TokenOperationHandlerAuth<{ access_token: string }, Record<string, never>>;\n`,
  );
  for (const [op, files] of Object.entries(options.operations)) {
    const P = pascal(op);
    ws.write(`${dir}/src/${op}/operation.json`, json({ name: op, title: files.title ?? P, description: files.title ?? P }));
    ws.write(`${dir}/src/${op}/input.ts`, `${files.inputPrelude ?? ''}export type ${P}Input = {\n${files.inputFields}};\n`);
    ws.write(`${dir}/src/${op}/output.ts`, `export type ${P}Output = {\n  items: { id: string }[];\n};\n`);
    ws.write(
      `${dir}/src/${op}/handler.ts`,
      [
        "import { OperationHandlerSetup } from '@trayio/cdk-dsl/connector/operation/OperationHandlerSetup';",
        "import { OperationHandlerResult } from '@trayio/cdk-dsl/connector/operation/OperationHandler';",
        `import { ${auth} } from '../${auth}';`,
        `import { ${P}Input } from './input';`,
        `import { ${P}Output } from './output';`,
        '',
        `export const ${op}Handler = OperationHandlerSetup.configureHandler<${auth}, ${P}Input, ${P}Output>((handler) =>`,
        `  handler.usingComposite(async (_ctx, input) => OperationHandlerResult.success(${files.result ?? '{ items: [] }'})),`,
        ');',
        '',
      ].join('\n'),
    );
  }
  return dir;
}
