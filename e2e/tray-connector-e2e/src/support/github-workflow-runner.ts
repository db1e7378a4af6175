import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

/**
 * Runs one job of a GitHub Actions workflow file on this machine, the way a runner would: each
 * `run:` step in order with `bash --noprofile --norc -eo pipefail` (GitHub's default shell), in the
 * checked-out folder, with GitHub's environment variables (GITHUB_ACTIONS, CI, GITHUB_EVENT_NAME,
 * GITHUB_SHA, GITHUB_REF, GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_OUTPUT,
 * RUNNER_TEMP), `${{ secrets.X }}` / `${{ vars.X }}` replaced from the maps given, and GITHUB_ENV
 * lines carried to later steps. `uses:` steps are actions, not commands: the caller says what each
 * one does here (actions/checkout: the folder is already a fresh clone; setup-node: Node is
 * installed; nrwl/nx-set-shas: the NX_BASE/NX_HEAD it would export). A step's `if:` may only be
 * `always()`: such a step runs after a failed one too (as on GitHub); the others are skipped then.
 * Async, so that a server in the calling process (the emulator) keeps answering while a step runs.
 */

export interface WorkflowStep {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  if?: string;
}

export interface StepResult {
  label: string;
  code: number;
  output: string;
}

export interface JobRun {
  steps: StepResult[];
  /** Every step's output, in order. */
  output: string;
  /** The job succeeded: every step exited 0 (a failing step stops the job but for `if: always()` steps, as on GitHub). */
  success: boolean;
  /** What the steps appended to GITHUB_STEP_SUMMARY. */
  summary: string;
}

export interface RunJobOptions {
  /** The checked-out repository (a fresh clone at the commit under test). */
  workspace: string;
  workflowFile: string;
  job: string;
  event: 'push' | 'pull_request';
  ref: string;
  sha: string;
  secrets: Record<string, string>;
  vars?: Record<string, string>;
  /** Environment of the runner itself (tool settings, PATH, ...). */
  env: NodeJS.ProcessEnv;
  /** What each action (`uses:`) does here: the environment it exports, or nothing. */
  actions: Record<string, (step: WorkflowStep) => Record<string, string> | void>;
  /** `run:` steps (by name) to replace with something equivalent here, and what to say instead of their output. */
  replaceSteps?: Record<string, () => string>;
  timeoutMs?: number;
}

/** The job's steps as the workflow file at the checked-out commit has them. */
export function readJob(workspace: string, workflowFile: string, job: string): { if?: string; steps: WorkflowStep[] } {
  const workflow = parse(fs.readFileSync(path.join(workspace, workflowFile), 'utf8')) as {
    jobs: Record<string, { if?: string; steps: WorkflowStep[] }>;
  };
  const found = workflow.jobs?.[job];
  if (!found) throw new Error(`${workflowFile} has no job ${job}`);
  return found;
}

function substitute(text: string, options: RunJobOptions, where: string): string {
  const replaced = text.replace(
    /\$\{\{\s*(secrets|vars)\.([A-Za-z0-9_]+)\s*\}\}/g,
    (_m, kind: string, name: string) => (kind === 'secrets' ? options.secrets : (options.vars ?? {}))[name] ?? '',
  );
  if (replaced.includes('${{')) throw new Error(`${where} uses an expression this runner does not evaluate: ${replaced}`);
  return replaced;
}

function runBash(script: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const file = path.join(env.RUNNER_TEMP as string, `step-${process.hrtime.bigint()}.sh`);
    fs.writeFileSync(file, script);
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], { cwd, env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** Lines `NAME=value` of a GITHUB_ENV file (the heredoc form `NAME<<EOF` too). */
function readEnvFile(file: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      result[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      result[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return result;
}

export async function runJob(options: RunJobOptions): Promise<JobRun> {
  const { steps } = readJob(options.workspace, options.workflowFile, options.job);
  const runnerTemp = fs.mkdtempSync(path.join(path.dirname(options.workspace), 'runner-temp-'));
  const files = {
    summary: path.join(runnerTemp, 'step-summary.md'),
    env: path.join(runnerTemp, 'github-env'),
    output: path.join(runnerTemp, 'github-output'),
  };
  for (const f of Object.values(files)) fs.writeFileSync(f, '');
  const github: Record<string, string> = {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_REF: options.ref,
    GITHUB_SHA: options.sha,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_OUTPUT: files.output,
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
  };
  const results: StepResult[] = [];
  let exported: Record<string, string> = {};
  let failed = false;
  try {
    for (const [i, step] of steps.entries()) {
      const label = step.name ?? step.uses ?? step.run!.split('\n')[0];
      const always = step.if !== undefined && /^(\$\{\{\s*)?always\(\)(\s*\}\})?$/.test(step.if.trim());
      if (step.if !== undefined && !always) throw new Error(`step ${i + 1} (${label}) has an if: this runner does not evaluate`);
      if (failed && !always) continue;
      if (step.uses) {
        const action = Object.keys(options.actions).find((a) => step.uses === a || step.uses!.startsWith(`${a}@`));
        if (!action) throw new Error(`step ${i + 1} uses ${step.uses}, which this runner does not know`);
        exported = { ...exported, ...(options.actions[action](step) ?? {}) };
        results.push({
          label,
          code: 0,
          output: `(action ${step.uses}${Object.keys(exported).length ? `: ${JSON.stringify(exported)}` : ''})`,
        });
        continue;
      }
      const replacement = step.name ? options.replaceSteps?.[step.name] : undefined;
      if (replacement) {
        results.push({ label, code: 0, output: `(replaced here: ${replacement()})` });
        continue;
      }
      const stepEnv = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(String(v), options, `step ${label} env ${k}`)]),
      );
      const env: NodeJS.ProcessEnv = { ...options.env, ...github, ...exported, ...readEnvFile(files.env), ...stepEnv };
      const script = substitute(step.run!, options, `step ${label}`);
      const r = await runBash(script, options.workspace, env, options.timeoutMs ?? 10 * 60 * 1000);
      results.push({ label, code: r.code, output: r.output });
      if (r.code !== 0) failed = true;
    }
    return {
      steps: results,
      output: results.map((r) => `::group::${r.label} (exit ${r.code})\n${r.output}`).join('\n'),
      success: !failed && results.length === steps.length && results.every((r) => r.code === 0),
      summary: fs.readFileSync(files.summary, 'utf8'),
    };
  } finally {
    fs.rmSync(runnerTemp, { recursive: true, force: true });
  }
}
