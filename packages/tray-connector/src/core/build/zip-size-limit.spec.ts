import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { minimalConnector, tempDir, writeFiles } from '../__fixtures__/temp-connector';
import type { Logger } from '../logger';
import { buildConnector } from './build-connector';
import { checkZipSize, DEFAULT_MAX_ZIP_BYTES, resolveMaxZipBytes } from './zip-size-limit';

jest.setTimeout(120_000);

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Issue 19.8: `build` refuses a zip over maxZipBytes, naming the largest files; nothing is zipped silently. */
describe('build: maxZipBytes', () => {
  let ws: string;
  const dir = () => path.join(ws, 'connectors/big-data');
  const zipPath = () => path.join(dir(), '.tray/connector.zip');
  const build = (maxZipBytes?: number) =>
    buildConnector({ connectorDir: dir(), workspaceRoot: ws, outputPath: zipPath(), logger: quiet, typeCheck: false, maxZipBytes });
  beforeEach(() => {
    ws = tempDir('tc-zip-limit-');
    writeFiles(
      ws,
      Object.fromEntries(Object.entries(minimalConnector('big-data', ['get_thing'])).map(([k, v]) => [`connectors/big-data/${k}`, v])),
    );
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('refuses before reading or zipping when the files alone are over the limit, naming the largest files', async () => {
    fs.writeFileSync(path.join(dir(), 'src/dump.bin'), randomBytes(300_000));
    fs.writeFileSync(path.join(dir(), 'src/get_thing/sample.json'), JSON.stringify({ data: 'y'.repeat(120_000) }));
    const failure = build(200_000);
    await expect(failure).rejects.toThrow(
      /^big-data: the zip would be at least 41\d\.\d kB \(\d+ bytes\), over "maxZipBytes" \(195\.3 kB, 200000 bytes\)/,
    );
    await expect(failure).rejects.toThrow(
      /Largest files:\n {2}src\/dump\.bin: 293\.0 kB \(300000 bytes\)\n {2}src\/get_thing\/sample\.json: 117\.2 kB \(120011 bytes\)\n/,
    );
    await expect(failure).rejects.toThrow(/raise "maxZipBytes" in the build target's options/);
    expect(fs.existsSync(zipPath())).toBe(false);
  });

  it('refuses a zip whose exact size (generated schemas included) is just over the limit, and keeps the previous zip', async () => {
    const built = await build();
    const before = fs.readFileSync(zipPath());
    fs.writeFileSync(path.join(dir(), 'src/extra.ts'), 'export const extra = 1;\n');
    const failure = build(built.size + 10);
    await expect(failure).rejects.toThrow(/^big-data: the zip is \d+\.\d kB \(\d+ bytes\), over "maxZipBytes"/);
    expect(fs.readFileSync(zipPath()).equals(before)).toBe(true);
    expect(fs.readdirSync(path.dirname(zipPath()))).toEqual(['connector.zip']);
    await expect(build(built.size + 1000)).resolves.toMatchObject({ name: 'big-data' });
  });

  it('defaults to 10 MiB and refuses a limit that is not a positive whole number', () => {
    expect(resolveMaxZipBytes(undefined)).toBe(DEFAULT_MAX_ZIP_BYTES);
    expect(DEFAULT_MAX_ZIP_BYTES).toBe(10 * 1024 * 1024);
    for (const bad of [0, -1, 1.5, '100'])
      expect(() => resolveMaxZipBytes(bad)).toThrow(/"maxZipBytes" must be a positive whole number of bytes/);
    expect(() => checkZipSize('x', 10, 10, [])).not.toThrow();
  });
});
