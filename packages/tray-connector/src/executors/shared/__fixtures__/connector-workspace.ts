import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../../../core/__fixtures__/deploy-kit';

export const PROJECT = 'acme-crm';
export const ROOT = 'connectors/acme-crm';

export interface ConnectorWorkspaceOptions {
  connector?: Record<string, unknown>;
  /** The build target's outputPath. */
  buildOutput?: string;
  /** The deploy target's options.regions; undefined leaves the option out. */
  deployRegions?: string[];
  targetName?: string;
}

/** A temp workspace folder with one connector project (build/deploy/share targets), and the ExecutorContext Nx would pass for it. */
export function connectorWorkspace(options: ConnectorWorkspaceOptions = {}): { root: string; context: ExecutorContext } {
  const root = tempDir('tray-executor-ws-');
  fs.mkdirSync(path.join(root, ROOT), { recursive: true });
  fs.writeFileSync(path.join(root, ROOT, 'connector.json'), JSON.stringify(options.connector ?? { name: 'acme-crm', version: '1.0', title: 'Acme CRM' }));
  const targets = {
    build: { executor: 'tray-connector:build', options: { outputPath: options.buildOutput ?? '{projectRoot}/.tray/connector.zip' } },
    deploy: {
      executor: 'tray-connector:deploy',
      dependsOn: ['build'],
      options: options.deployRegions ? { regions: options.deployRegions } : {},
    },
    share: { executor: 'tray-connector:share', options: {} },
  };
  const context = {
    root,
    cwd: root,
    isVerbose: false,
    projectName: PROJECT,
    targetName: options.targetName,
    projectsConfigurations: { version: 2, projects: { [PROJECT]: { root: ROOT, projectType: 'library', targets } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as unknown as ExecutorContext;
  return { root, context };
}
