import { minimatch } from 'minimatch';
import { TrayConnectorError } from '../errors';
import type { OpenApiDocument } from './load-spec';

/**
 * Which operations of a spec to import (`--operations`, `--paths`, `--tags`). Each option is a list
 * of globs (minimatch, any case); an operation is imported when, for every option given, one of
 * its globs matches.
 */
export interface OperationSelection {
  /** Globs on operationId, the snake_case name or the path (`/pets/**`); any match selects. */
  operations?: string[];
  /** Globs on the operation's path (`/repos/**`). */
  paths?: string[];
  /** Globs on the operation's tags. */
  tags?: string[];
}

/** What a selection is matched against for one operation. */
export interface SelectableOperation {
  operationId?: string;
  /** The snake_case operation name. */
  name: string;
  path: string;
  tags: string[];
}

/** The methods a Path Item may hold (those collectOperations reads). */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** How many of a spec's names an error lists (a big spec has over a thousand operations). */
const LISTED = 40;

function matches(value: string | undefined, glob: string): boolean {
  return value !== undefined && minimatch(value, glob, { nocase: true, dot: true });
}

function operationMatches(op: SelectableOperation, glob: string): boolean {
  return matches(op.operationId, glob) || matches(op.name, glob) || matches(op.path, glob);
}

/** Whether `op` is imported under `selection` (no option given: every operation is). */
export function selected(selection: OperationSelection, op: SelectableOperation): boolean {
  const { operations = [], paths = [], tags = [] } = selection;
  if (operations.length && !operations.some((g) => operationMatches(op, g))) return false;
  if (paths.length && !paths.some((g) => matches(op.path, g))) return false;
  if (tags.length && !tags.some((g) => op.tags.some((t) => matches(t, g)))) return false;
  return true;
}

/** The spec's operations as the selection sees them; `name` is computed by the caller's naming rule. */
function selectableOperations(doc: OpenApiDocument, name: (operationId: string | undefined, method: string, path: string) => string) {
  const found: SelectableOperation[] = [];
  for (const [apiPath, item] of Object.entries(doc.paths ?? {})) {
    if (!item || typeof item !== 'object') continue;
    for (const method of METHODS) {
      const op = (item as Record<string, any>)[method];
      if (!op || typeof op !== 'object') continue;
      const operationId = typeof op.operationId === 'string' && op.operationId.trim() ? op.operationId.trim() : undefined;
      const tags: string[] = Array.isArray(op.tags) ? op.tags.filter((t: unknown) => typeof t === 'string') : [];
      found.push({ operationId, name: name(operationId, method, apiPath), path: apiPath, tags });
    }
  }
  return found;
}

function listed(values: string[]): string {
  const unique = [...new Set(values)].sort((a, b) => a.localeCompare(b));
  if (!unique.length) return '(none)';
  const shown = unique.slice(0, LISTED).map((v) => JSON.stringify(v));
  return unique.length > LISTED ? `${shown.join(', ')} and ${unique.length - LISTED} more` : shown.join(', ');
}

/**
 * Fails closed: every glob of every option must match at least one operation of the spec (on its
 * own, before the other options narrow it), else the import stops, naming the glob and listing
 * what the spec has. `name` is the importer's snake_case naming rule (operationName).
 */
export function checkSelection(
  doc: OpenApiDocument,
  selection: OperationSelection,
  name: (operationId: string | undefined, method: string, path: string) => string,
): void {
  const { operations = [], paths = [], tags = [] } = selection;
  if (!operations.length && !paths.length && !tags.length) return;
  const all = selectableOperations(doc, name);
  const problems: string[] = [];
  const unmatchedTags = tags.filter((g) => !all.some((op) => op.tags.some((t) => matches(t, g))));
  if (unmatchedTags.length) {
    const declared = Array.isArray(doc.tags) ? doc.tags.map((t: any) => t?.name).filter((n: unknown) => typeof n === 'string') : [];
    problems.push(
      `--tags ${unmatchedTags.map((g) => JSON.stringify(g)).join(', ')} match${unmatchedTags.length === 1 ? 'es' : ''} no operation's tag. The spec's tags: ${listed([...all.flatMap((op) => op.tags), ...declared])}`,
    );
  }
  const unmatchedPaths = paths.filter((g) => !all.some((op) => matches(op.path, g)));
  if (unmatchedPaths.length) {
    problems.push(
      `--paths ${unmatchedPaths.map((g) => JSON.stringify(g)).join(', ')} match${unmatchedPaths.length === 1 ? 'es' : ''} no path (globs like /repos/** or /pets/*). The spec's paths: ${listed(all.map((op) => op.path))}`,
    );
  }
  const unmatchedOps = operations.filter((g) => !all.some((op) => operationMatches(op, g)));
  if (unmatchedOps.length) {
    problems.push(
      `--operations ${unmatchedOps.map((g) => JSON.stringify(g)).join(', ')} match${unmatchedOps.length === 1 ? 'es' : ''} no operationId, operation name or path. The spec's operations: ${listed(all.map((op) => op.operationId ?? op.name))}`,
    );
  }
  if (problems.length) throw new TrayConnectorError(`Nothing was imported: ${problems.join('\n')}`);
}
