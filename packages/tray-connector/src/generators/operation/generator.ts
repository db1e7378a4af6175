import { formatFiles, generateFiles, getProjects, joinPathFragments, logger, readJson, type Tree, writeJson } from '@nx/devkit';
import * as path from 'path';
import { CONNECTOR_FILE } from '../../core/connector/connector-config';
import { TrayConnectorError } from '../../core/errors';
import { id, str } from '../../core/connector/ts-writer';
import { baseUrlEnvName, camelCase, OPERATION_NAME_PATTERN, pascalCase, titleFromName, toSnakeCase } from '../shared/names';
import type { OperationGeneratorSchema, OperationKind } from './schema';
import { refuseUnknownGeneratorOptions } from '../shared/known-options';

export const OPERATION_KINDS: OperationKind[] = ['http', 'composite'];
export const GLOBAL_CONFIG_FILE = 'GlobalConfig.ts';

export interface OperationFilesOptions {
  /** The connector's root folder in the tree. */
  connectorRoot: string;
  /** snake_case, already validated. */
  name: string;
  kind: OperationKind;
  title: string;
  description: string;
  /** The connector's auth type, also the base name of its file in src/ (e.g. AcmeCrmAuth). */
  authType: string;
}

/**
 * `listContacts` / `list-contacts` / `list_contacts` -> `list_contacts`, with a note when it changed.
 * Throws when nothing snake_case can be made of it.
 */
export function normalizeOperationName(raw: string): string {
  const name = (raw ?? '').trim();
  if (OPERATION_NAME_PATTERN.test(name)) return name;
  const converted = toSnakeCase(name);
  if (!OPERATION_NAME_PATTERN.test(converted)) {
    throw new TrayConnectorError(
      `Operation name ${JSON.stringify(raw)} cannot be used: Tray operation names are snake_case (lower-case letters and digits joined by underscores, starting with a letter), e.g. "list_contacts"`,
    );
  }
  logger.info(`Operation name ${JSON.stringify(name)} converted to snake_case, as Tray names operations: ${JSON.stringify(converted)}`);
  return converted;
}

/** Writes src/<name>/ (operation.json, input.ts, output.ts, handler.ts, handler.test.ts) into a connector. */
export function addOperationFiles(tree: Tree, options: OperationFilesOptions): void {
  const folder = joinPathFragments(options.connectorRoot, 'src', options.name);
  const pascal = pascalCase(options.name);
  generateFiles(tree, path.join(__dirname, 'files', options.kind), joinPathFragments(options.connectorRoot, 'src'), {
    folder: options.name,
    pascalId: id(pascal).text,
    camelId: id(camelCase(options.name)).text,
    authTypeId: id(options.authType).text,
    authTypeModule: str(`../${options.authType}`).text,
  });
  writeJson(tree, joinPathFragments(folder, 'operation.json'), {
    name: options.name,
    title: options.title,
    description: options.description,
  });
}

/** Writes src/GlobalConfig.ts: the base URL (and bearer token) every HTTP operation shares. */
export function addGlobalConfig(
  tree: Tree,
  options: { connectorRoot: string; connectorName: string; authType: string; bearerToken: boolean },
): void {
  generateFiles(tree, path.join(__dirname, 'files', 'global-config'), joinPathFragments(options.connectorRoot, 'src'), {
    authTypeId: id(options.authType).text,
    authTypeModule: str(`./${options.authType}`).text,
    apiBaseUrlLiteral: str(`https://api.${options.connectorName}.example.com`).text,
    baseUrlEnvLiteral: str(baseUrlEnvName(options.connectorName)).text,
    bearerToken: options.bearerToken,
  });
}

/** The auth type of a connector: the one `src/<Something>Auth.ts`, else `<Pascal of connector name>Auth`. */
export function findAuthType(tree: Tree, connectorRoot: string, connectorName: string): string {
  const src = joinPathFragments(connectorRoot, 'src');
  const candidates = tree.exists(src)
    ? tree
        .children(src)
        .filter((f) => tree.isFile(joinPathFragments(src, f)) && /^[A-Z][A-Za-z0-9]*Auth\.ts$/.test(f))
        .map((f) => f.replace(/\.ts$/, ''))
    : [];
  const expected = `${pascalCase(connectorName)}Auth`;
  if (candidates.includes(expected)) return expected;
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) {
    throw new TrayConnectorError(
      `${src} has no <Name>Auth.ts: a Tray connector declares the type of its authentication there (e.g. src/${expected}.ts with \`export type ${expected} = never;\`)`,
    );
  }
  throw new TrayConnectorError(
    `${src} has several *Auth.ts files (${candidates.join(', ')}) and none is ${expected}.ts: keep the connector's one auth type`,
  );
}

export async function operationGenerator(tree: Tree, schema: OperationGeneratorSchema): Promise<void> {
  refuseUnknownGeneratorOptions('operation', schema);
  const name = normalizeOperationName(schema.name);
  const kind = schema.kind ?? 'http';
  if (!OPERATION_KINDS.includes(kind)) {
    throw new TrayConnectorError(`Unknown operation kind ${JSON.stringify(kind)}: use ${OPERATION_KINDS.join(' or ')}`);
  }

  const project = getProjects(tree).get(schema.project);
  if (!project) {
    throw new TrayConnectorError(
      `Cannot find project ${JSON.stringify(schema.project)}: run \`nx show projects\` to list the workspace's projects`,
    );
  }
  const connectorRoot = project.root;
  const connectorJsonPath = joinPathFragments(connectorRoot, CONNECTOR_FILE);
  if (!tree.exists(connectorJsonPath)) {
    throw new TrayConnectorError(
      `Project ${JSON.stringify(schema.project)} is not a Tray connector: ${connectorJsonPath} does not exist (create one with \`nx g tray-connector:new\`)`,
    );
  }
  const connector = readJson<{ name?: string }>(tree, connectorJsonPath);
  const connectorName = typeof connector.name === 'string' && connector.name ? connector.name : schema.project;

  const folder = joinPathFragments(connectorRoot, 'src', name);
  if (tree.exists(folder)) {
    throw new TrayConnectorError(
      `Connector ${JSON.stringify(connectorName)} already has an operation ${JSON.stringify(name)} (${folder}): pick another name`,
    );
  }

  const authType = findAuthType(tree, connectorRoot, connectorName);
  if (kind === 'http') {
    const globalConfig = joinPathFragments(connectorRoot, 'src', GLOBAL_CONFIG_FILE);
    if (!tree.exists(globalConfig)) {
      addGlobalConfig(tree, { connectorRoot, connectorName, authType, bearerToken: false });
      logger.info(`Created ${globalConfig}: set your API's base URL (and authentication, e.g. withBearerToken) there`);
    } else {
      const text = tree.read(globalConfig, 'utf-8') ?? '';
      if (!text.includes('globalConfigHttp') || !text.includes('BASE_URL_ENV')) {
        logger.warn(
          `${globalConfig} does not export globalConfigHttp and BASE_URL_ENV, which the new handler and its test import: add them or adjust ${folder}/handler.ts`,
        );
      }
    }
  }

  addOperationFiles(tree, {
    connectorRoot,
    name,
    kind,
    title: schema.title?.trim() || titleFromName(name, 'sentence'),
    description: schema.description ?? '',
    authType,
  });

  if (!schema.skipFormat) await formatFiles(tree);
}

export default operationGenerator;
