import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { signalExitCode, whileInterruptible, writeInterruptNotice } from './interrupt';

describe('interrupt', () => {
  it('runs onSignal synchronously in the handler, aborts, sets the exit code and removes its handlers', async () => {
    const exitCode = process.exitCode;
    const before = process.listenerCount('SIGTERM');
    const seen: string[] = [];
    try {
      const { result, interruptedBy } = await whileInterruptible(
        (signal) =>
          new Promise<string>((resolve) => {
            setTimeout(() => {
              process.emit('SIGTERM', 'SIGTERM');
              seen.push(`after emit: aborted=${signal.aborted}`);
            }, 1);
            signal.addEventListener('abort', () => resolve(String(signal.reason)));
          }),
        (name) => seen.push(`onSignal ${name}`),
      );
      expect(result).toBe('SIGTERM');
      expect(interruptedBy).toBe('SIGTERM');
      expect(seen).toEqual(['onSignal SIGTERM', 'after emit: aborted=true']);
      expect(process.exitCode).toBe(143);
      expect(process.listenerCount('SIGTERM')).toBe(before);
    } finally {
      process.exitCode = exitCode;
    }
    expect([signalExitCode('SIGINT'), signalExitCode('SIGTERM')]).toEqual([130, 143]);
  });

  it("writes to the outermost nx process's stderr, which Nx does not silence, and to ours outside Nx", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-interrupt-'));
    const log = path.join(dir, 'outer-stderr.log');
    const fd = fs.openSync(log, 'w');
    // stands in for the outermost nx process: its stderr goes to a file, not to ours
    const outer = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 30000)'], { stdio: ['ignore', 'ignore', fd] });
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      writeInterruptNotice('SIGINT listing', { NX_INVOCATION_ANCESTOR_PIDS: `${outer.pid},${process.pid}` });
      expect(fs.readFileSync(log, 'utf8')).toBe('SIGINT listing\n');
      expect(write).not.toHaveBeenCalled();
      // outside nx, or when nx is gone: our stderr
      writeInterruptNotice('plain', {});
      writeInterruptNotice('gone', { NX_INVOCATION_ANCESTOR_PIDS: '999999999' });
      expect(write.mock.calls.map((c) => String(c[0]))).toEqual(['plain\n', 'gone\n']);
      expect(fs.readFileSync(log, 'utf8')).toBe('SIGINT listing\n');
    } finally {
      write.mockRestore();
      outer.kill();
      fs.closeSync(fd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
