import { ExecutorContext, logger } from '@nx/devkit';
import AdmZip from 'adm-zip';
import * as fs from 'fs';
import * as path from 'path';
import { minimalConnector, tempDir, writeFiles } from '../../core/__fixtures__/temp-connector';
import { DEFAULT_ZIP_PATH } from '../../plugin/targets';
import { resolveProjectPath } from '../shared/executor-context';
import runExecutor from './executor';

// Builds compile TypeScript: give them room on a busy CI machine (timings are benchmarked, not asserted).
jest.setTimeout(120_000);

function contextFor(root: string, projectName: string, projectRoot: string): ExecutorContext {
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName,
    targetName: 'build',
    projectsConfigurations: { version: 2, projects: { [projectName]: { root: projectRoot, name: projectName } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  };
}

describe('build executor', () => {
  let ws: string;
  let info: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    ws = tempDir('tc-build-executor-');
    writeFiles(
      ws,
      Object.fromEntries(
        Object.entries(minimalConnector('acme-crm', ['list_contacts', 'get_contact'])).map(([k, v]) => [`connectors/acme-crm/${k}`, v]),
      ),
    );
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('writes {projectRoot}/.tray/connector.zip by default and prints one line', async () => {
    const result = await runExecutor({}, contextFor(ws, 'acme-crm', 'connectors/acme-crm'));
    expect(result).toEqual({ success: true });
    const zip = path.join(ws, 'connectors/acme-crm/.tray/connector.zip');
    expect(new AdmZip(zip).getEntries().map((e) => e.entryName)).toContain('acme-crm/src/list_contacts/input.json');
    expect(info).toHaveBeenCalledTimes(1);
    expect(info.mock.calls[0][0]).toMatch(
      /^acme-crm 1\.0: 2 operations, .* \(\d+ bytes\), sha256 [0-9a-f]{64} -> connectors\/acme-crm\/\.tray\/connector\.zip$/,
    );
    expect(error).not.toHaveBeenCalled();
  });

  it('replaces tokens Nx left and resolves relative paths against the workspace root', async () => {
    expect(
      await runExecutor({ outputPath: '{workspaceRoot}/out/{projectRoot}/c.zip' }, contextFor(ws, 'acme-crm', 'connectors/acme-crm')),
    ).toEqual({ success: true });
    expect(fs.existsSync(path.join(ws, 'out/connectors/acme-crm/c.zip'))).toBe(true);
    expect(await runExecutor({ outputPath: 'dist/acme.zip' }, contextFor(ws, 'acme-crm', 'connectors/acme-crm'))).toEqual({
      success: true,
    });
    expect(fs.existsSync(path.join(ws, 'dist/acme.zip'))).toBe(true);
    expect(resolveProjectPath(DEFAULT_ZIP_PATH, '/ws', 'c/x')).toBe(path.resolve('/ws/c/x/.tray/connector.zip'));
    expect(resolveProjectPath('/abs/x.zip', '/ws', 'c/x')).toBe(path.resolve('/abs/x.zip'));
  });

  it('fails with a logged error naming the file, no stack trace, and leaves the previous zip as it was', async () => {
    const zip = path.join(ws, 'connectors/acme-crm/.tray/connector.zip');
    writeFiles(ws, {
      'connectors/acme-crm/.tray/connector.zip': 'previous',
      'connectors/acme-crm/connector.json': '{"name":"Acme","version":"1.0","title":"A"}',
    });
    expect(await runExecutor({}, contextFor(ws, 'acme-crm', 'connectors/acme-crm'))).toEqual({ success: false });
    expect(error).toHaveBeenCalledTimes(1);
    const message = error.mock.calls[0][0] as string;
    expect(message).toContain(path.join(ws, 'connectors/acme-crm/connector.json'));
    expect(message).toContain('"name" must be kebab-case');
    expect(message).not.toMatch(/\n\s+at /);
    expect(fs.readFileSync(zip, 'utf8')).toBe('previous');
    expect(info).not.toHaveBeenCalled();
  });

  it('refuses an outputPath that would overwrite a source (package.json) and leaves it intact', async () => {
    const pkg = path.join(ws, 'connectors/acme-crm/package.json');
    const before = fs.readFileSync(pkg, 'utf8');
    expect(await runExecutor({ outputPath: '{projectRoot}/package.json' }, contextFor(ws, 'acme-crm', 'connectors/acme-crm'))).toEqual({
      success: false,
    });
    expect(error.mock.calls[0][0]).toBe(
      `acme-crm: build failed\noutputPath ${pkg} must end in .zip: the build writes the connector zip there (default {projectRoot}/.tray/connector.zip)`,
    );
    expect(fs.readFileSync(pkg, 'utf8')).toBe(before);
  });

  it('passes typeCheck and allowFiles to the build', async () => {
    writeFiles(ws, {
      'connectors/acme-crm/src/list_contacts/handler.ts': 'export const handler: number = "not a number";\n',
      'connectors/acme-crm/src/keys/test.pem': 'CERT',
    });
    const context = contextFor(ws, 'acme-crm', 'connectors/acme-crm');
    expect(await runExecutor({}, context)).toEqual({ success: false });
    expect(error.mock.calls[0][0]).toContain(
      `${path.join(ws, 'connectors/acme-crm/src/keys/test.pem')}: a *.pem/*.key key or certificate file`,
    );
    expect(await runExecutor({ allowFiles: ['src/keys/*.pem'] }, context)).toEqual({ success: false });
    expect(error.mock.calls[1][0]).toContain('1 TypeScript error in the connector');
    expect(await runExecutor({ allowFiles: ['src/keys/*.pem'], typeCheck: false }, context)).toEqual({ success: true });
  });

  it('refuses a zip over maxZipBytes (issue 19.8): a 3 MB file is not zipped silently', async () => {
    writeFiles(ws, { 'connectors/acme-crm/src/data/dump.txt': 'z'.repeat(3 * 1024 * 1024) });
    const context = contextFor(ws, 'acme-crm', 'connectors/acme-crm');
    expect(await runExecutor({ maxZipBytes: 1024 * 1024 }, context)).toEqual({ success: false });
    const message = String(error.mock.calls[0][0]);
    expect(message).toContain('acme-crm: build failed\nacme-crm: the zip would be at least 3.');
    expect(message).toContain('over "maxZipBytes" (1.00 MB, 1048576 bytes)');
    expect(message).toContain('  src/data/dump.txt: 3.00 MB (3145728 bytes)');
    expect(fs.existsSync(path.join(ws, 'connectors/acme-crm/.tray/connector.zip'))).toBe(false);
    // the default (10 MiB) takes it
    expect(await runExecutor({}, context)).toEqual({ success: true });
  });

  it('prints the version of a connector named inject-basic (issue 19.7: "Basic" followed by a word is not a secret)', async () => {
    writeFiles(
      ws,
      Object.fromEntries(
        Object.entries(minimalConnector('inject-basic', ['list_contacts'])).map(([k, v]) => [`connectors/inject-basic/${k}`, v]),
      ),
    );
    expect(await runExecutor({}, contextFor(ws, 'inject-basic', 'connectors/inject-basic'))).toEqual({ success: true });
    expect(info.mock.calls[0][0]).toMatch(/^inject-basic 1\.0: 1 operation, /);
  });

  it('fails cleanly without a project', async () => {
    const context = contextFor(ws, 'acme-crm', 'connectors/acme-crm');
    expect(await runExecutor({}, { ...context, projectName: 'other' })).toEqual({ success: false });
    expect(error.mock.calls[0][0]).toContain('Project other is not in the workspace configuration');
  });
});
