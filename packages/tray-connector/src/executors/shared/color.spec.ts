import * as fs from 'fs';
import { colorWanted, stripAnsi } from './color';
import { nxLogger } from './executor-context';

describe('colours only when the output reaches a terminal', () => {
  const underNx = (pid: number | string, extra: NodeJS.ProcessEnv = {}) => ({
    FORCE_COLOR: 'true',
    NX_INVOCATION_ANCESTOR_PIDS: `${pid},999999`,
    ...extra,
  });

  it("follows the outermost nx process's stdout: a terminal yes, a pipe or a file no", () => {
    const links: Record<string, string> = {
      '/proc/11/fd/1': '/dev/pts/3',
      '/proc/12/fd/1': 'pipe:[4711]',
      '/proc/13/fd/1': '/home/me/build.log',
    };
    const linkOf = (p: string) =>
      links[p] ??
      (() => {
        throw new Error('ENOENT');
      })();
    expect(colorWanted(underNx(11), linkOf)).toBe(true);
    expect(colorWanted(underNx(12), linkOf)).toBe(false);
    expect(colorWanted(underNx(13), linkOf)).toBe(false);
    // no /proc to look at: Nx's FORCE_COLOR decides, as before
    expect(colorWanted(underNx(14), linkOf)).toBe(true);
  });

  it('NO_COLOR and FORCE_COLOR=0 always turn colours off', () => {
    expect(colorWanted(underNx(11, { NO_COLOR: '1' }), () => '/dev/pts/3')).toBe(false);
    expect(colorWanted({ FORCE_COLOR: '0' }, () => '/dev/pts/3')).toBe(false);
  });

  (fs.existsSync('/proc/self/fd/1') ? it : it.skip)('sees the real pipe this test process writes to', () => {
    // jest workers write to a pipe: as an nx run piped to a file or a CI log would
    const ownStdout = fs.readlinkSync(`/proc/${process.pid}/fd/1`);
    expect(colorWanted(underNx(process.pid))).toBe(/^\/dev\/(pts\/|tty)/.test(ownStdout));
  });

  it('errors and warnings are written plain when not wanted, still redacted', () => {
    const errors: unknown[] = [];
    const warnings: unknown[] = [];
    const error = jest.spyOn(console, 'error').mockImplementation((m) => void errors.push(m));
    const warn = jest.spyOn(console, 'warn').mockImplementation((m) => void warnings.push(m));
    try {
      const log = nxLogger(false, ['s3cret'], false);
      log.error('\u001b[31macme: build failed\u001b[39m with s3cret');
      log.warn('careful');
    } finally {
      error.mockRestore();
      warn.mockRestore();
    }
    expect(errors).toEqual(['acme: build failed with ***']);
    expect(warnings).toEqual(['careful']);
  });

  it('stripAnsi removes OSC (title, clipboard, hyperlinks), DCS, C1 CSI and two-character escapes too (issue 28.4)', () => {
    expect(
      stripAnsi(
        'a\u001b]0;PWNED\u0007b\u001b]52;c;aGk=\u001b\\c\u001b]8;;https://x/\u0007link\u001b]8;;\u0007d\u001bP1$r0m\u001b\\e\u009b31mf\u001bcg\u009d0;t\u009ch',
      ),
    ).toBe('abclinkdefgh');
  });

  it("a message with a server's escape sequences is printed with them as text, colours kept or dropped as wanted (issue 28.4)", () => {
    const errors: unknown[] = [];
    const infos: unknown[] = [];
    const error = jest.spyOn(console, 'error').mockImplementation((m) => void errors.push(m));
    const info = jest.spyOn(console, 'info').mockImplementation((m) => void infos.push(m));
    try {
      nxLogger(false, ['s3cret'], false).error('x\u001b]52;c;aGk=\u0007y\u001b[1A\u001b[2K\rz\u202e s3cret\nnext');
    } finally {
      error.mockRestore();
      info.mockRestore();
    }
    // stripAnsi drops whole sequences; whatever control is left is written as \uXXXX; line feeds stay.
    expect(errors).toEqual(['xy\\u000dz\\u202e ***\nnext']);
  });

  it('stripAnsi removes colours and cursor moves', () => {
    expect(stripAnsi('\u001b[1m\u001b[31mred\u001b[39m\u001b[22m \u001b[2A\r\u001b[2Kline')).toBe('red \rline');
  });
});
