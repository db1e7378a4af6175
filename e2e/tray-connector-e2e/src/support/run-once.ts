import * as fs from 'fs';

/** How long a process waits for another one's work (an npm install, a publish) before it gives up. */
const WAIT_MS = 15 * 60 * 1000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `work` once for `target` across every process of the run (jest workers run suites in
 * parallel): the first caller takes the lock (`<target>.run-once.lock`, made atomically by mkdir),
 * runs it and writes `<target>.run-once.done`, or `.failed` with the error; every other caller waits
 * until then and fails with the same error. Synchronous, like the spawnSync-based workspace setup.
 */
export function waitForOnce(target: string, work: () => void, waitMs = WAIT_MS): void {
  const lock = `${target}.run-once.lock`;
  const done = `${target}.run-once.done`;
  const failed = `${target}.run-once.failed`;
  if (fs.existsSync(done)) return;
  let owner = false;
  try {
    fs.mkdirSync(lock);
    owner = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  if (owner) {
    try {
      work();
      fs.writeFileSync(done, '');
    } catch (e) {
      fs.writeFileSync(failed, e instanceof Error ? (e.stack ?? e.message) : String(e));
      throw e;
    }
    return;
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (fs.existsSync(done)) return;
    if (fs.existsSync(failed)) throw new Error(`another test process failed to prepare ${target}:\n${fs.readFileSync(failed, 'utf8')}`);
    if (Date.now() > deadline)
      throw new Error(`waited ${waitMs / 1000} s for another test process to prepare ${target}; remove ${lock} if no run is using it`);
    sleepSync(200);
  }
}
