import type { ExecutorContext, TargetConfiguration } from '@nx/devkit';
import { logger } from '@nx/devkit';
import * as path from 'path';
import { TrayConnectorError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { printableLines, redact } from '../../core/redact';
import { colorWanted, stripAnsi } from './color';

/** The project an executor runs for: its name, root (relative and absolute) and targets. */
export function projectOf(context: ExecutorContext): {
  name: string;
  root: string;
  absRoot: string;
  targets: Record<string, TargetConfiguration>;
} {
  const name = context.projectName;
  if (!name) throw new TrayConnectorError('This executor must run for a project (nx run <project>:<target>)');
  const config = context.projectsConfigurations?.projects?.[name] ?? context.projectGraph?.nodes?.[name]?.data;
  if (!config) throw new TrayConnectorError(`Project ${name} is not in the workspace configuration`);
  return { name, root: config.root, absRoot: path.resolve(context.root, config.root), targets: config.targets ?? {} };
}

/** The first target of the project run by `executor` (or named `fallbackName`). */
export function findTarget(
  targets: Record<string, TargetConfiguration>,
  executor: string,
  fallbackName: string,
): TargetConfiguration | undefined {
  return Object.values(targets).find((t) => t.executor === executor) ?? targets[fallbackName];
}

/** An option path as an absolute path: `{projectRoot}` / `{workspaceRoot}` replaced (when Nx left them), relative paths against the workspace root. */
export function resolveProjectPath(value: string, workspaceRoot: string, projectRoot: string): string {
  const replaced = value.replace(/\{projectRoot\}/g, projectRoot).replace(/\{workspaceRoot\}\/?/g, '');
  return path.resolve(workspaceRoot, replaced);
}

/** A list option given as an array or a comma list. */
export function listOption(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return (typeof value === 'string' ? [value] : [...value])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Every Tray token in the environment: masked in anything an executor prints. */
export function tokensInEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([k, v]) => /^TRAY_API_TOKEN(_|$)/.test(k) && v)
    .map(([, v]) => v as string);
}

/**
 * The core's Logger over Nx's logger; every line passes through redaction. Nx's logger colours
 * warnings and errors; when the output does not reach a terminal (piped, CI log), they are written
 * plain (see colorWanted).
 */
export function nxLogger(verbose: boolean, secrets: string[], color: boolean = colorWanted()): Logger {
  // Masked, and no control character but line feeds, tabs and colours (an escape sequence that moves the
  // cursor, sets the title or writes the clipboard is shown, not obeyed; colours go too when not wanted).
  const safe = (m: string) => printableLines(redact(m, secrets), true);
  const plain = (m: string) => printableLines(stripAnsi(redact(m, secrets)));
  return {
    info: (m) => logger.info(safe(m)),
    warn: (m) => (color ? logger.warn(safe(m)) : console.warn(plain(m))),
    error: (m) => (color ? logger.error(safe(m)) : console.error(plain(m))),
    debug: (m) => {
      if (verbose) logger.info(safe(m));
    },
  };
}

/** What deploy uses when its target names no regions (its schema default). */
const DEPLOY_DEFAULT_REGIONS: string[] = require('../deploy/schema.json').properties.regions.default;

/**
 * The regions and base URLs of the project's deploy target, which share and status default to so that
 * they go where deploy went: `regions` given wins, then the deploy target's, then deploy's schema default
 * (when the project has a deploy target at all).
 */
export function deployPlaces<A>(
  targets: Record<string, TargetConfiguration>,
  options: { regions?: string | readonly string[]; apiUrls?: A },
): { regions: string[]; apiUrls: A | undefined } {
  const deploy = findTarget(targets, 'tray-connector:deploy', 'deploy');
  const regions =
    listOption(options.regions) ?? listOption(deploy?.options?.regions as string[] | undefined) ?? (deploy ? DEPLOY_DEFAULT_REGIONS : []);
  return { regions, apiUrls: options.apiUrls ?? (deploy?.options?.apiUrls as A | undefined) };
}
