import { createRecordingLogger } from '../logger';
import { createProgressReporter, formatDuration, formatTable } from './progress';

function fakeClock(start = Date.parse('2026-11-27T10:00:00.000Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('progress', () => {
  it('formats durations and tables', () => {
    expect([formatDuration(250), formatDuration(1500), formatDuration(125_000)]).toEqual(['250ms', '1.5s', '2m05s']);
    expect([formatDuration(899_700), formatDuration(100_000_000)]).toEqual(['15m00s', '27h46m40s']);
    expect(
      formatTable(
        ['Region', 'Status'],
        [
          ['us', 'Deployed'],
          ['apac', 'Failed'],
        ],
      ),
    ).toBe(['Region  Status', '------  --------', 'us      Deployed', 'apac    Failed'].join('\n'));
  });

  it('off a terminal: one timestamped line per event with elapsed time, then the summary', () => {
    const log = createRecordingLogger();
    const clock = fakeClock();
    const p = createProgressReporter({ logger: log, tty: false, now: clock.now, regions: ['us', 'eu'] });
    p.event({ type: 'submitted', region: 'eu', deploymentId: 'd-1', status: 'Deploying' });
    clock.advance(2500);
    p.event({ type: 'retry', region: 'eu', operation: 'status', retry: 1, retries: 4, reason: 'HTTP 503', delayMs: 400 });
    p.event({ type: 'status', region: 'eu', deploymentId: 'd-1', status: 'Building' });
    clock.advance(1000);
    p.event({ type: 'done', region: 'eu', ok: true, status: 'Deployed' });
    p.finish('TABLE');
    expect(log.lines).toEqual([
      '2026-11-27T10:00:00.000Z eu   submitted, deployment d-1: Deploying [0ms]',
      '2026-11-27T10:00:02.500Z eu   status request failed (HTTP 503); retry 1/4 in 400ms [2.5s]',
      '2026-11-27T10:00:02.500Z eu   Building (deployment d-1) [2.5s]',
      '2026-11-27T10:00:03.500Z eu   Deployed [3.5s]',
      'TABLE',
    ]);
  });

  it('on a terminal: one live line per region, rewritten in place, and the summary through the logger', () => {
    const log = createRecordingLogger();
    const clock = fakeClock();
    const writes: string[] = [];
    const stream = { isTTY: true, columns: 100, write: (s: string) => writes.push(s) };
    const p = createProgressReporter({ logger: log, stream, tty: true, now: clock.now, regions: ['us', 'eu'], tickMs: 0 });
    p.event({ type: 'submitted', region: 'us', deploymentId: 'd-us', status: 'Deploying' });
    clock.advance(1200);
    p.event({ type: 'retry', region: 'eu', operation: 'deploy', retry: 2, retries: 4, reason: 'HTTP 429 rate limited', delayMs: 1000 });
    p.event({ type: 'done', region: 'us', ok: true, status: 'Deployed' });
    p.finish('SUMMARY');
    expect(writes[0]).toBe('\r\x1b[2K.... us       0ms  submitted, deployment d-us: Deploying\n\r\x1b[2K.... eu       0ms  waiting\n');
    // later frames move the cursor back over the two lines first
    expect(writes[1].startsWith('\x1b[2A')).toBe(true);
    expect(writes[1]).toContain('.... eu      1.2s  waiting  (retry 2/4: HTTP 429 rate limited)');
    expect(writes[2]).toContain('done us      1.2s  Deployed');
    expect(log.lines).toEqual(['SUMMARY']);
  });

  it('on a terminal, live lines mask the secrets in every encoded form', () => {
    const writes: string[] = [];
    const secret = 'tok-live-5ecret-77';
    const p = createProgressReporter({
      logger: createRecordingLogger(),
      stream: { isTTY: true, columns: 300, write: (s: string) => writes.push(s) },
      tty: true,
      tickMs: 0,
      secrets: [secret],
    });
    p.event({
      type: 'note',
      region: 'us',
      message: `echo ${secret} ${encodeURIComponent(secret)} ${Buffer.from(secret).toString('base64')}`,
    });
    p.finish('done');
    expect(writes.join('')).toContain('echo *** *** ***');
    expect(writes.join('')).not.toContain(Buffer.from(secret).toString('base64'));
  });

  it('on a terminal, lines are cut to the terminal width', () => {
    const writes: string[] = [];
    const p = createProgressReporter({
      logger: createRecordingLogger(),
      stream: { isTTY: true, columns: 50, write: (s: string) => writes.push(s) },
      tty: true,
      tickMs: 0,
    });
    p.event({ type: 'note', region: 'apac', message: 'x'.repeat(200) });
    const line = writes[0].replace('\r\x1b[2K', '').replace('\n', '');
    expect(line.length).toBe(49);
  });

  it('a failed region shows its reason once, without repeating the region', () => {
    const log = createRecordingLogger();
    const p = createProgressReporter({ logger: log, tty: false, now: () => 0 });
    p.event({
      type: 'done',
      region: 'eu',
      ok: false,
      status: 'HTTP 401',
      message: 'eu: Tray refused the token from TRAY_API_TOKEN_EU\nmore',
    });
    expect(log.lines).toEqual(['1970-01-01T00:00:00.000Z eu   HTTP 401: Tray refused the token from TRAY_API_TOKEN_EU [0ms]']);
  });

  it('a terminal that reports no width gets 120 columns', () => {
    const writes: string[] = [];
    const p = createProgressReporter({
      logger: createRecordingLogger(),
      stream: { isTTY: true, columns: 0, write: (s: string) => writes.push(s) },
      tty: true,
      tickMs: 0,
    });
    p.event({ type: 'note', region: 'us', message: 'y'.repeat(300) });
    expect(writes[0].replace('\r\x1b[2K', '').replace('\n', '').length).toBe(119);
  });

  it('on a terminal writes no control sequence but its own, whatever the events carry (issue 28.4)', () => {
    const writes: string[] = [];
    const log = createRecordingLogger();
    const p = createProgressReporter({
      logger: log,
      stream: { isTTY: true, columns: 400, write: (s: string) => writes.push(s) },
      tty: true,
      now: fakeClock().now,
      regions: ['us'],
      tickMs: 0,
    });
    const hostile = 'dep-\u001b[2J\u001b]0;PWNED\u0007\u009b31m\rFAKE\u001b]52;c;aGk=\u0007\u202e';
    p.event({ type: 'submitted', region: 'us', deploymentId: hostile, status: 'Deploying' });
    p.event({ type: 'retry', region: 'us', operation: 'status', retry: 1, retries: 3, reason: hostile, delayMs: 10 });
    p.event({ type: 'done', region: 'us', ok: false, status: 'Failed', message: `\u001b[1A\u001b[2KDeployed OK ${hostile}` });
    // The reporter's own: cursor up, carriage return + erase line, line feed. Nothing else is a control character.
    // eslint-disable-next-line no-control-regex
    const own = writes.join('').replace(/\u001b\[\d+A|\r\u001b\[2K|\n/g, '');
    // eslint-disable-next-line no-control-regex
    expect(own).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(own).toContain('dep-\\u001b[2J\\u001b]0;PWNED\\u0007\\u009b31m\\u000dFAKE');
  });
});
