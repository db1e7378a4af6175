import type { TargetConfiguration } from '@nx/devkit';
import { readFileSync } from 'fs';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { dirname, join } from 'path';

/**
 * A connector.json the plugin cannot read breaks only its own connector: createNodes gives that folder a
 * project whose targets all run this file's reporter, which reads the file again and fails naming the
 * file, line, column and reason. The rest of the workspace keeps its project graph.
 */

export const CONNECTOR_JSON = 'connector.json';

/** Where and why a connector.json is not a JSON object: 1-based line and column, and the reason. Undefined when it is one. */
export interface JsonProblem {
  line: number;
  column: number;
  reason: string;
}

/** The problem of a connector.json's text, or undefined when it holds a JSON object (strict JSON: no comments, no trailing commas). */
export function connectorJsonProblem(text: string): JsonProblem | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const errors: ParseError[] = [];
    parse(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
    const message = (e as Error).message;
    const position = /at position (\d+)/.exec(message);
    const offset = errors[0]?.offset ?? (position ? Number(position[1]) : 0);
    const reason =
      message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)/, '') ||
      (errors[0] ? printParseErrorCode(errors[0].error) : 'not valid JSON');
    return { ...lineAndColumn(text, offset), reason: `${reason} (not valid JSON)` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { line: 1, column: 1, reason: "must hold a JSON object with the connector's name, version and title" };
  }
  return undefined;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** `connectors/x/connector.json:3:1: <reason>; fix it ...`: what a broken connector's targets print. */
export function describeConnectorJsonProblem(file: string, problem: JsonProblem): string {
  return `${file}:${problem.line}:${problem.column}: ${problem.reason}. Fix ${file} so the tray-connector plugin can read the connector; the other projects of the workspace are not affected.`;
}

/** Quotes a path for a POSIX shell (and cmd for paths without quotes), whatever it holds. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The targets of a connector (folder `root`) whose connector.json cannot be read: the usual names, each
 * running the reporter on that file (no text of the file reaches the command, only its path, quoted;
 * the reporter reads the file itself).
 */
export function brokenConnectorTargets(root: string, targetNames: string[]): Record<string, TargetConfiguration> {
  const reporter = join(__dirname, 'broken-connector.js');
  const file = root === '.' || root === '' ? CONNECTOR_JSON : `${root}/${CONNECTOR_JSON}`;
  const target: TargetConfiguration = {
    executor: 'nx:run-commands',
    cache: false,
    options: { command: `node ${shellQuote(reporter)} ${shellQuote(file)}` },
    metadata: { description: 'connector.json cannot be read: this target fails, naming the line, column and reason, until it is fixed' },
  };
  return Object.fromEntries(targetNames.map((name) => [name, structuredClone(target)]));
}

/** What the reporter prints for the connector folder `dir` (shown as `shownAs`), and whether the file is fine after all. */
export function reportBrokenConnector(dir: string, shownAs = CONNECTOR_JSON): { fine: boolean; message: string } {
  let text: string;
  try {
    text = readFileSync(join(dir, CONNECTOR_JSON), 'utf8');
  } catch (e) {
    return { fine: false, message: `${shownAs} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  const problem = connectorJsonProblem(text);
  if (!problem) return { fine: true, message: `${shownAs} reads as a JSON object now: run the command again (Nx recomputes the project)` };
  return { fine: false, message: describeConnectorJsonProblem(shownAs, problem) };
}

/** The variable through which problemTargets hand their message to the reporter (never through the shell). */
export const PROBLEM_ENV = 'TRAY_CONNECTOR_PROBLEM';

/**
 * The targets of a connector the plugin refuses for a reason known when the graph is made (its folder's
 * name, another connector of the same name): each fails printing `message`, which reaches the reporter
 * in an environment variable, so no text of it is ever read by a shell.
 */
export function problemTargets(message: string, targetNames: string[]): Record<string, TargetConfiguration> {
  const reporter = join(__dirname, 'broken-connector.js');
  const target: TargetConfiguration = {
    executor: 'nx:run-commands',
    cache: false,
    options: { command: `node ${shellQuote(reporter)}`, env: { [PROBLEM_ENV]: message } },
    metadata: { description: `This connector cannot be built or deployed: ${message}` },
  };
  return Object.fromEntries(targetNames.map((name) => [name, structuredClone(target)]));
}

// Run by a broken connector's targets, in the workspace root: `node broken-connector.js <root>/connector.json`
// (or, for problemTargets, with the message in TRAY_CONNECTOR_PROBLEM).
if (require.main === module) {
  const file = process.argv[2] ?? CONNECTOR_JSON;
  const problem = process.env[PROBLEM_ENV];
  const { message } = problem && !process.argv[2] ? { message: problem } : reportBrokenConnector(dirname(file), file);
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
