import { formatFiles, type GeneratorCallback, getProjects, joinPathFragments, logger, readJson, type Tree } from '@nx/devkit';
import * as fs from 'fs';
import { CONNECTOR_FILE, toKebabCase } from '../../core/connector/connector-config';
import { TrayConnectorError } from '../../core/errors';
import { chooseAuth, type ConnectorAuthKind, importReport, planImport, type ImportPlan } from '../../core/openapi/import-plan';
import { loadOpenApi, specPath } from '../../core/openapi/load-spec';
import { checkSelection } from '../../core/openapi/operation-selection';
import { operationName } from '../../core/openapi/operations';
import { newGenerator, parseList, SAMPLE_OPERATIONS } from '../new/generator';
import { findAuthType, GLOBAL_CONFIG_FILE } from '../operation/generator';
import { baseUrlEnvName, pascalCase } from '../shared/names';
import type { ImportGeneratorSchema } from './schema';
import { refuseUnknownGeneratorOptions } from '../shared/known-options';
import { zipSizeWarning } from './zip-size-warning';
import { formatNotice } from './format-notice';

/** The spec as a file: relative to the workspace root, else to the current folder. */
function resolveSpec(tree: Tree, spec: string): string {
  const fromRoot = specPath(spec, tree.root);
  if (fs.existsSync(fromRoot)) return fromRoot;
  const fromCwd = specPath(spec, process.cwd());
  return fs.existsSync(fromCwd) ? fromCwd : fromRoot;
}

/** Operation folders (src/<x>/operation.json) a connector already has. */
function existingOperations(tree: Tree, connectorRoot: string): Set<string> {
  const src = joinPathFragments(connectorRoot, 'src');
  if (!tree.exists(src)) return new Set();
  return new Set(tree.children(src).filter((child) => tree.exists(joinPathFragments(src, child, 'operation.json'))));
}

function writePlan(tree: Tree, connectorRoot: string, plan: ImportPlan): void {
  for (const [file, content] of Object.entries(plan.connectorFiles)) tree.write(joinPathFragments(connectorRoot, file), content);
  for (const op of plan.operations) {
    for (const [file, content] of Object.entries(op.files)) tree.write(joinPathFragments(connectorRoot, 'src', op.name, file), content);
  }
}

/** The `--auth` kind of an existing connector, read from its <Name>Auth.ts (what `new` writes). */
export function authKindOf(authFile: string): ConnectorAuthKind {
  if (/\bOauth2(ClientCredentials|Password)?OperationHandlerAuth\b/.test(authFile)) return 'oauth2';
  if (/\bTokenOperationHandlerAuth\b/.test(authFile)) return 'token';
  return 'none';
}

/**
 * `nx g tray-connector:import --spec=openapi.yaml --name=acme-crm`: a connector with one http
 * operation per OpenAPI operation; `--connector=<project>` adds the missing ones to an existing connector.
 */
export async function importGenerator(tree: Tree, schema: ImportGeneratorSchema): Promise<GeneratorCallback | void> {
  refuseUnknownGeneratorOptions('import', schema);
  const file = resolveSpec(tree, schema.spec);
  const started = Date.now();
  const doc = await loadOpenApi(file, { allowRemoteRefs: schema.allowRemoteRefs, remoteRefsTimeout: schema.remoteRefsTimeout });
  const selection = { operations: parseList(schema.operations), paths: parseList(schema.paths), tags: parseList(schema.tags) };
  // Fails closed: a tag, path or operation glob that matches nothing stops the import, listing what the spec has.
  checkSelection(doc, selection, operationName);
  let callback: GeneratorCallback | void = undefined;
  let plan: ImportPlan;
  let connectorName: string;
  let connectorRoot: string;
  // The build target's options, read before the operations are written: Nx's getProjects() scans every file the tree holds.
  let buildOptions: Record<string, unknown> | undefined;

  if (schema.connector) {
    if (schema.name || schema.directory || schema.regions || schema.auth || schema.title) {
      throw new TrayConnectorError(
        '--connector adds operations to an existing connector: leave out --name, --directory, --regions, --auth and --title (they are for a new connector; its own auth and title are kept)',
      );
    }
    const project = getProjects(tree).get(schema.connector);
    if (!project)
      throw new TrayConnectorError(
        `Cannot find project ${JSON.stringify(schema.connector)} (--connector): run \`nx show projects\` to list the workspace's projects`,
      );
    connectorRoot = project.root;
    buildOptions = project.targets?.build?.options;
    const connectorJson = joinPathFragments(connectorRoot, CONNECTOR_FILE);
    if (!tree.exists(connectorJson)) {
      throw new TrayConnectorError(
        `Project ${JSON.stringify(schema.connector)} is not a Tray connector: ${connectorJson} does not exist (import into a new one with --name)`,
      );
    }
    const config = readJson<{ name?: string }>(tree, connectorJson);
    connectorName = typeof config.name === 'string' && config.name ? config.name : schema.connector;
    const authType = findAuthType(tree, connectorRoot, connectorName);
    const globalConfig = joinPathFragments(connectorRoot, 'src', GLOBAL_CONFIG_FILE);
    const text = tree.exists(globalConfig) ? (tree.read(globalConfig, 'utf-8') ?? '') : '';
    if (!text.includes('globalConfigHttp') || !text.includes('BASE_URL_ENV')) {
      throw new TrayConnectorError(
        `${globalConfig} must export globalConfigHttp and BASE_URL_ENV, which imported handlers and their tests use (a connector made by \`nx g tray-connector:new\` has them)`,
      );
    }
    plan = planImport(doc, {
      connectorName,
      authType,
      baseUrlEnv: baseUrlEnvName(connectorName),
      selection,
      server: schema.server,
      existingOperations: existingOperations(tree, connectorRoot),
      newConnector: false,
      existingAuth: authKindOf(tree.read(joinPathFragments(connectorRoot, 'src', `${authType}.ts`), 'utf-8') ?? ''),
    });
  } else {
    const title = schema.title?.trim() || (typeof doc.info?.title === 'string' ? doc.info.title.trim() : '');
    connectorName = (schema.name ?? '').trim() || toKebabCase(title);
    if (!connectorName)
      throw new TrayConnectorError(
        "Give the new connector a name: --name=<kebab-case name> (neither --title nor the document's info.title gives one)",
      );
    const auth = chooseAuth(doc, schema.auth);
    plan = planImport(doc, {
      auth: schema.auth,
      title: schema.title,
      connectorName,
      authType: `${pascalCase(connectorName)}Auth`,
      baseUrlEnv: baseUrlEnvName(connectorName),
      selection,
      server: schema.server,
      newConnector: true,
    });
    if (!plan.operations.length) {
      const why = plan.filteredOut ? ` (--operations/--paths/--tags left out ${plan.filteredOut})` : '';
      throw new TrayConnectorError(
        `${file}: no operation can be imported${why}; nothing was written.${plan.skipped.length ? `\n${importReport(plan, connectorName).join('\n')}` : ''}`,
      );
    }
    callback = await newGenerator(tree, {
      name: connectorName,
      directory: schema.directory,
      regions: schema.regions,
      title: plan.title || undefined,
      description: plan.description.slice(0, 500),
      auth: auth.kind,
      operationKind: 'http',
      skipFormat: true,
      skipInstall: schema.skipInstall,
    });
    const project = getProjects(tree).get(connectorName)!;
    connectorRoot = project.root;
    buildOptions = project.targets?.build?.options;
    // `new` adds a sample operation; an imported connector has the document's operations instead.
    tree.delete(joinPathFragments(connectorRoot, 'src', SAMPLE_OPERATIONS.http.name));
  }

  writePlan(tree, connectorRoot, plan);
  for (const line of importReport(plan, `${connectorName} (${connectorRoot}) from ${file}`)) logger.info(line);
  const tooBig = zipSizeWarning(tree, connectorRoot, connectorName, buildOptions);
  if (tooBig) logger.warn(tooBig);
  logger.info(`Import took ${Date.now() - started} ms`);
  if (!schema.skipFormat) {
    const notice = formatNotice(tree, tree.listChanges().length);
    if (notice) logger.info(notice);
    await formatFiles(tree);
  }
  return callback;
}

export default importGenerator;
