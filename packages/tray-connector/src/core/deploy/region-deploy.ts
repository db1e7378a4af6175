import { Deadline } from '../tray-api/deadline';
import { StoppedError, TrayConnectorError } from '../errors';
import type { Logger } from '../logger';
import { formatDuration, reportRetries, type ProgressReporter } from '../tray-api/progress';
import type { Region, RegionEndpoint } from '../tray-api/regions';
import { redact } from '../redact';
import type { RetryPolicy } from '../tray-api/retry';
import { TrayApiError, TrayClient, type DeploymentAnswer, type ServerHandle } from '../tray-api/tray-client';

export { trayWords } from '../tray-api/tray-client';
import { nextPollAge } from '../tray-api/deploy-durations';
import type { PollSchedule } from '../tray-api/poll-schedule';
import { pacerFor, type TrayPacer } from '../tray-api/tray-pacer';
import { describeShare, shareInRegion, type AddressResult } from './share-with-emails';
import { guardRegion, type BreakingChange, type GuardPlan } from './breaking-guard';

/**
 * One region's deploy, as named steps of a small object: **check** what the region serves (the
 * breaking-change guard, when on; a refusal ends the region before any upload), **send** the zip (again after a
 * `repeatDeployment` answer, once the other deployment is over), **wait** (poll until a final
 * status, learning how long Tray takes), then **share** with `shareWith`. Each step sets the
 * phase a stop (deadline, interrupt, a too-long Retry-After) is reported in. Everything it reads
 * is in its RegionDeployPlan, resolved once by deploy-connector.ts.
 */

/** What one region's deploy needs, resolved once from the deploy's options (deploy-connector.ts). */
export interface RegionDeployPlan {
  name: string;
  version: string;
  zipPath: string;
  zipSize: number;
  /** Wait until Deployed; false: done once Tray accepted the deployment. */
  wait: boolean;
  timeoutMs: number;
  /** Names the timeout option in messages, e.g. "timeoutSeconds". */
  timeoutOption: string;
  schedule: PollSchedule;
  /** How many repeatDeployment answers are waited out before giving up. */
  maxRepeats: number;
  /** The breaking-change guard, when on: checked before the first upload. */
  guard?: GuardPlan;
  /** Share with these once Deployed (none: no share). */
  emails: readonly string[];
  allowPartialShare: boolean;
  retry?: Partial<RetryPolicy>;
  idleTimeoutMs?: number;
  maxRequestsPerSecond?: number;
  maxConcurrentUploads?: number;
  signal?: AbortSignal;
  /** Every token of the deploy: masked in Tray's words. */
  secrets: readonly string[];
  logger: Logger;
  progress: ProgressReporter;
}

export interface RegionOutcome {
  region: Region;
  ok: boolean;
  /** Final deployment status (Deployed, Failed, ...), or Error / Timed out / Dry run / Submitted. */
  status: string;
  deploymentId?: string;
  durationMs: number;
  /** Why it failed, for a person (no secret in it). */
  message?: string;
  /** Times a running deployment of the same version was waited out (repeatDeployment). */
  repeats: number;
  statusUrl?: string;
  shareMessage?: string;
  /** What shareWith did per address, when it ran. */
  shareAddresses?: AddressResult[];
  /** The deployment was interrupted (SIGINT/SIGTERM) while in flight. */
  interrupted?: boolean;
  /** What the breaking-change check found, in short (when it ran). */
  check?: string;
  /** The region was refused before any upload: the breaking changes (none when a strict check could not read the listing). */
  refused?: { changes: BreakingChange[]; truncated: boolean };
}

type Phase = 'checking' | 'sending' | 'waiting' | 'waiting-other' | 'sharing';

const KEEP_WAITING = new Set(['Deploying', 'Building']);
/** Longest sleep before a wait for the next poll is planned again. */
const RECHECK_MS = 100;
/** Deploys to one region (see RegionDeploy); never throws: every failure is in the outcome. */
export function deployRegion(endpoint: RegionEndpoint, plan: RegionDeployPlan): Promise<RegionOutcome> {
  return new RegionDeploy(endpoint, plan).run();
}

export class RegionDeploy {
  private readonly region: Region;
  private readonly started = Date.now();
  private readonly deadline: Deadline;
  private readonly pacer: TrayPacer;
  private readonly client: TrayClient;
  private readonly outcome: RegionOutcome;
  /** What is going on, for a message when the region is stopped. */
  private phase: Phase = 'checking';
  private lastStatus = '';
  private readonly retries: ReturnType<typeof reportRetries>;

  constructor(
    private readonly endpoint: RegionEndpoint,
    private readonly plan: RegionDeployPlan,
  ) {
    this.region = endpoint.region;
    this.outcome = { region: this.region, ok: false, status: 'Error', durationMs: 0, repeats: 0 };
    this.deadline = new Deadline(plan.timeoutMs, { interrupt: plan.signal });
    this.retries = reportRetries(plan.progress, this.region);
    this.pacer = pacerFor(endpoint.baseUrl, endpoint.token, {
      maxRequestsPerSecond: plan.maxRequestsPerSecond,
      maxConcurrentUploads: plan.maxConcurrentUploads,
    });
    this.client = new TrayClient({
      endpoint,
      retry: plan.retry,
      idleTimeoutMs: plan.idleTimeoutMs,
      deadline: this.deadline,
      onRetry: this.retries,
      pacer: this.pacer,
      secrets: plan.secrets,
    });
  }

  async run(): Promise<RegionOutcome> {
    try {
      const refused = await this.checkBreakingChanges();
      if (refused) return refused;
      for (;;) {
        const answer = await this.send();
        if (!answer.repeatDeployment) return await this.submitted(answer);
        const gaveUp = await this.waitOutOther(answer);
        if (gaveUp) return gaveUp;
      }
    } catch (e) {
      if (e instanceof StoppedError) return this.stopped(e);
      return this.finish({ status: e instanceof TrayApiError && e.status ? `HTTP ${e.status}` : 'Error', message: errorMessage(e) });
    } finally {
      this.deadline.dispose();
    }
  }

  /**
   * Step 0, checking (the breaking-change guard): read what the region serves at this name and
   * version and refuse the region, before any upload, when the build would break it.
   */
  private async checkBreakingChanges(): Promise<RegionOutcome | undefined> {
    const { guard, name, version, progress, logger } = this.plan;
    if (!guard) return undefined;
    this.phase = 'checking';
    progress.event({
      type: 'note',
      region: this.region,
      message: `reading what ${this.region} serves at ${name} ${version} (breaking-change check)`,
    });
    const verdict = await guardRegion({
      endpoint: this.endpoint,
      name,
      version,
      plan: guard,
      deadline: this.deadline,
      pacer: this.readPacer(guard),
      retry: this.plan.retry,
      idleTimeoutMs: this.plan.idleTimeoutMs,
      onRetry: (e) => this.retries({ ...e, operation: 'operations' }),
      secrets: this.plan.secrets,
    });
    if (this.deadline.stopped) throw this.deadline.error({ operation: 'operations' });
    this.outcome.check = verdict.note;
    if (verdict.warning) logger.warn(redact(verdict.warning, this.plan.secrets));
    if (!verdict.go) {
      const status = verdict.breaking.length ? 'Refused (breaking change)' : 'Refused (check failed)';
      return this.finish({ status, message: verdict.message, refused: { changes: verdict.breaking, truncated: !!verdict.truncated } });
    }
    progress.event({ type: 'note', region: this.region, message: `breaking-change check: ${verdict.note}` });
    return undefined;
  }

  /** The pacer of the token that reads the listing: the region's own when it is the deploy token. */
  private readPacer(guard: GuardPlan): TrayPacer {
    const token = guard.access[this.region]?.token;
    if (!token || token === this.endpoint.token) return this.pacer;
    return pacerFor(this.endpoint.baseUrl, token, { maxRequestsPerSecond: this.plan.maxRequestsPerSecond });
  }

  /** Step 1, sending: POST the zip; Tray answers with a deployment (or another one's, repeatDeployment). */
  private async send(): Promise<DeploymentAnswer> {
    const { name, version, zipSize, zipPath, progress } = this.plan;
    this.phase = 'sending';
    progress.event({
      type: 'start',
      region: this.region,
      message: `sending ${name} ${version} (${zipSize} bytes zipped) to ${this.endpoint.baseUrl}`,
    });
    const answer = await this.client.deployFromSource(name, version, zipPath);
    this.outcome.deploymentId = answer.id;
    this.outcome.statusUrl = this.client.shownStatusUrl(name, version, answer.handle);
    return answer;
  }

  /** repeatDeployment: this source was not taken; wait for the other deployment, then send again (or give up after maxRepeats). */
  private async waitOutOther(answer: DeploymentAnswer): Promise<RegionOutcome | undefined> {
    const { name, version, maxRepeats, progress } = this.plan;
    const region = this.region;
    this.outcome.repeats++;
    if (this.outcome.repeats > maxRepeats) {
      return this.finish({
        status: 'Not taken',
        message: `${region}: Tray kept answering repeatDeployment (another deployment of ${name} ${version} in progress) ${maxRepeats} times; this source was not deployed. Run deploy again later.`,
      });
    }
    progress.event({
      type: 'note',
      region,
      message: `repeatDeployment: another deployment of ${name} ${version} (${answer.id}) is in progress and Tray did NOT take this source; waiting for it to finish, then deploying again`,
    });
    this.phase = 'waiting-other';
    const other = await this.waitFor(answer.handle, answer, false);
    progress.event({ type: 'note', region, message: `the other deployment ended ${other.deploymentStatus}; deploying this source again` });
    return undefined;
  }

  /** Tray took this source: wait for its final status (unless told not to), then share. */
  private async submitted(answer: DeploymentAnswer): Promise<RegionOutcome> {
    this.plan.progress.event({ type: 'submitted', region: this.region, deploymentId: answer.id, status: answer.deploymentStatus });
    if (!this.plan.wait) return this.finish({ ok: true, status: `${answer.deploymentStatus} (not waited for)` });
    this.phase = 'waiting';
    const final = await this.waitFor(answer.handle, answer, true);
    if (final.deploymentStatus !== 'Deployed') return this.notDeployed(answer.id, final);
    if (this.plan.emails.length) return this.share();
    return this.finish({ ok: true, status: 'Deployed' });
  }

  /**
   * Step 2, waiting: polls until a final status (transient failures retried until the deadline);
   * returns the final answer. For this source's own deployment (`learn`), the polls follow what the
   * region's earlier deployments showed about Tray's duration, and its own bounds are kept for the next ones.
   */
  private async waitFor(id: ServerHandle, initial: DeploymentAnswer, learn: boolean): Promise<DeploymentAnswer> {
    const { name, version, progress } = this.plan;
    let answer = initial;
    const accepted = Date.now();
    const pollAges: number[] = [];
    const tracked = learn ? this.pacer.durations.track() : undefined;
    this.lastStatus = answer.deploymentStatus;
    try {
      while (KEEP_WAITING.has(answer.deploymentStatus)) {
        await this.untilNextPoll(accepted, pollAges, learn, tracked);
        const next = await this.client.getDeployment(name, version, id, { untilDeadline: true });
        const ageMs = Date.now() - accepted;
        if (next.deploymentStatus !== answer.deploymentStatus && KEEP_WAITING.has(next.deploymentStatus)) {
          progress.event({ type: 'status', region: this.region, deploymentId: id.shown, status: next.deploymentStatus });
        }
        answer = next;
        this.lastStatus = answer.deploymentStatus;
        if (KEEP_WAITING.has(answer.deploymentStatus)) pollAges.push(ageMs);
        else if (learn) this.pacer.durations.record({ notFinalMs: pollAges.at(-1) ?? 0, finalMs: ageMs });
      }
      return answer;
    } finally {
      tracked?.done();
    }
  }

  /** Sleeps until the next poll is due, re-planned every RECHECK_MS: an estimate may arrive (or the older deployment end) meanwhile. */
  private async untilNextPoll(
    accepted: number,
    pollAges: readonly number[],
    learn: boolean,
    tracked: { olderInFlight(): boolean; youngerInFlight(): boolean } | undefined,
  ): Promise<void> {
    for (;;) {
      const ageMs = Date.now() - accepted;
      const estimate = learn ? this.pacer.durations.estimate() : undefined;
      const due = nextPollAge(
        { ageMs, pollAges, olderInFlight: tracked?.olderInFlight(), youngerInFlight: tracked?.youngerInFlight() },
        this.plan.schedule,
        estimate,
      );
      if (due <= ageMs) return;
      await this.deadline.sleep(Math.max(1, Math.min(due - ageMs, RECHECK_MS, this.deadline.left())), { operation: 'status' });
    }
  }

  /** Step 3, sharing: shareWith once Deployed; a partial share fails the region unless allowPartialShare. */
  private async share(): Promise<RegionOutcome> {
    const { name, version, emails, allowPartialShare, logger, progress } = this.plan;
    this.phase = 'sharing';
    try {
      const shared = describeShare(await shareInRegion(this.client, name, version, [...emails]), {
        region: this.region,
        name,
        version,
        allowPartial: allowPartialShare,
        allowOption: 'allowPartialShare',
      });
      this.outcome.shareMessage = shared.summary;
      this.outcome.shareAddresses = shared.addresses;
      if (!shared.complete) {
        if (!allowPartialShare) return this.finish({ status: 'Deployed, share partial', message: shared.message });
        logger.warn(shared.message);
      }
      progress.event({ type: 'note', region: this.region, message: `shared with ${emails.join(', ')}: ${shared.summary}` });
      return this.finish({ ok: true, status: 'Deployed' });
    } catch (e) {
      if (e instanceof StoppedError) throw e;
      return this.finish({ status: 'Deployed, share failed', message: errorMessage(e) });
    }
  }

  /** A final status other than Deployed: Failed (Tray's words, what to check) or another one. */
  private notDeployed(id: string, final: DeploymentAnswer): RegionOutcome {
    const { name, version } = this.plan;
    const words = final.words;
    const said = words ? `Tray says: ${words}.` : 'Tray gave no reason.';
    if (final.deploymentStatus === 'Failed') {
      return this.finish({
        status: 'Failed',
        message:
          `${this.region}: Tray reports deployment ${id} of ${name} ${version} Failed. ${said} ` +
          'Tray built the connector from the zip and it did not deploy: check that the connector builds and its tests pass locally, then deploy again.',
      });
    }
    return this.finish({
      status: final.deploymentStatus,
      message:
        `${this.region}: deployment ${id} of ${name} ${version} ended with status "${final.deploymentStatus}", which is not Deployed. ${said} ` +
        `It is not known to be deployed: ${this.check()}, then deploy again.`,
    });
  }

  /** The outcome of a region stopped by its deadline, an interrupt, or a Retry-After longer than the time left. */
  private stopped(e: StoppedError): RegionOutcome {
    const { name, version, timeoutMs, timeoutOption } = this.plan;
    const { region, phase, lastStatus } = this;
    const id = this.outcome.deploymentId;
    const limit = `"${timeoutOption}" (${formatDuration(timeoutMs)})`;
    const mayFinish = this.mayFinish();
    if (e.stop === 'interrupted') {
      return this.finish({
        status: 'Interrupted',
        interrupted: true,
        message: `${region}: interrupted ${
          phase === 'checking'
            ? `while reading what ${region} serves`
            : phase === 'sending'
              ? 'while sending'
              : `while deployment ${id} was ${lastStatus || 'in flight'}`
        }. ${mayFinish}`,
      });
    }
    if (e.stop === 'retry-after') {
      const notTaken = phase === 'sending' ? `Tray did not take this source (it answered 429 to the deploy request).` : mayFinish;
      return this.finish({
        status: 'Rate limited',
        message:
          `${region}: Tray asked to wait ${formatDuration(e.detail.retryAfterMs ?? 0)} (Retry-After on the ${e.detail.operation} request), ` +
          `longer than the ${formatDuration(e.detail.leftMs ?? 0)} left of ${limit}; stopped instead of waiting. ${notTaken} Deploy again later, or raise "${timeoutOption}".`,
      });
    }
    const elapsed = formatDuration(Date.now() - this.started);
    const last = e.detail.lastReason ? ` (last problem: ${e.detail.lastReason})` : '';
    const what =
      phase === 'waiting' || phase === 'waiting-other'
        ? `deployment ${id} of ${name} ${version} was still ${lastStatus || 'in flight'} after ${elapsed} (timeout ${limit})${last}`
        : `${phase === 'sharing' ? 'sharing' : phase === 'checking' ? 'the breaking-change check of' : 'sending'} ${name} ${version} did not finish within ${elapsed} (timeout ${limit})${last}`;
    return this.finish({ status: 'Timed out', message: `${region}: ${what}. ${mayFinish} Or raise "${timeoutOption}".` });
  }

  /** What may still happen at Tray after a stop in the current phase, and what to check. */
  private mayFinish(): string {
    const { name, version } = this.plan;
    const id = this.outcome.deploymentId;
    switch (this.phase) {
      case 'checking':
        return `Nothing was uploaded to ${this.region}.`;
      case 'sending':
        return `The deploy request was in flight: Tray may or may not have taken it; ${this.check()}.`;
      case 'waiting-other':
        return `This source was NOT deployed (another deployment ${id} of ${name} ${version} was running); ${this.check()}.`;
      case 'sharing':
        return `${name} ${version} is Deployed; the share did not finish.`;
      default:
        return `Deployment ${id} may still finish: ${this.check()}.`;
    }
  }

  private check(): string {
    const latestUrl = this.client.url(this.client.statusPath(this.plan.name, this.plan.version, 'latest'));
    return `check GET ${this.outcome.statusUrl ?? latestUrl} (with the ${this.endpoint.tokenEnv} token)`;
  }

  private finish(o: Partial<RegionOutcome>): RegionOutcome {
    const outcome = Object.assign(this.outcome, o, { durationMs: Date.now() - this.started });
    this.plan.progress.event({ type: 'done', region: this.region, ok: outcome.ok, status: outcome.status, message: outcome.message });
    return outcome;
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof TrayConnectorError) return e.message;
  return `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
}
