import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import {
  brokenConnectorTargets,
  connectorJsonProblem,
  describeConnectorJsonProblem,
  problemTargets,
  reportBrokenConnector,
} from './broken-connector';

describe('broken connector.json', () => {
  it('names the line, column and reason of a syntax error (not a character position)', () => {
    expect(connectorJsonProblem('{\n  "name": "x",\n}\n')).toEqual({
      line: 3,
      column: 1,
      reason: 'Expected double-quoted property name (not valid JSON)',
    });
    expect(connectorJsonProblem('{\n  "name" "x"\n}')).toMatchObject({ line: 2, column: 10 });
    expect(connectorJsonProblem('{ "name": ')).toMatchObject({ line: 1, column: 11 });
    expect(connectorJsonProblem('// a comment\n{}')).toMatchObject({ line: 1, column: 1 });
    expect(connectorJsonProblem('"text"')).toEqual({
      line: 1,
      column: 1,
      reason: "must hold a JSON object with the connector's name, version and title",
    });
    expect(connectorJsonProblem('{"name":"x"}')).toBeUndefined();
  });

  it('says which file to fix, and that nothing else is affected', () => {
    expect(describeConnectorJsonProblem('connectors/a/connector.json', { line: 3, column: 1, reason: 'r' })).toBe(
      'connectors/a/connector.json:3:1: r. Fix connectors/a/connector.json so the tray-connector plugin can read the connector; the other projects of the workspace are not affected.',
    );
  });

  it('quotes a hostile folder name into the command; the file text never reaches it', () => {
    const root = "connectors/x'; touch pwned; echo '$(id)`";
    const targets = brokenConnectorTargets(root, ['build', 'deploy']);
    const command = targets.build.options.command as string;
    const args = spawnSync('bash', ['-c', `printf '%s\\n' ${command.replace(/^node /, '')}`], { encoding: 'utf8' }).stdout.split('\n');
    expect(args[1]).toBe(`${root}/connector.json`);
    expect(targets.deploy).toEqual(targets.build);
    expect(targets.build).toMatchObject({ executor: 'nx:run-commands', cache: false });
  });

  describe('the reporter the targets run', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-broken-'))));
    /** broken-connector.ts compiled as the package ships it (CommonJS), into `<dir>/<name>/`. */
    const compileReporter = (name: string): string => {
      const out = path.join(dir, name);
      const source = path.join(__dirname, 'broken-connector.ts');
      const { outputText } = ts.transpileModule(fs.readFileSync(source, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS } });
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'broken-connector.js'), outputText);
      return out;
    };
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('reads the file again: the problem, a file fixed since, a missing file', () => {
      fs.writeFileSync(path.join(dir, 'connector.json'), '{\n  "a": 1,\n}');
      expect(reportBrokenConnector(dir, 'c/connector.json')).toEqual({
        fine: false,
        message: expect.stringMatching(/^c\/connector\.json:3:1: Expected double-quoted property name/),
      });
      fs.writeFileSync(path.join(dir, 'connector.json'), '{}');
      expect(reportBrokenConnector(dir, 'c/connector.json')).toMatchObject({
        fine: true,
        message: expect.stringContaining('run the command again'),
      });
      fs.rmSync(path.join(dir, 'connector.json'));
      expect(reportBrokenConnector(dir, 'c/connector.json')).toMatchObject({
        fine: false,
        message: 'c/connector.json cannot be read (ENOENT)',
      });
    });

    it('as a process (compiled as the package ships it): prints the problem and exits 1', () => {
      const out = compileReporter('out');
      fs.mkdirSync(path.join(dir, 'ws', 'connectors', 'b'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'ws', 'connectors', 'b', 'connector.json'), '{\n  "name": "b",\n}');
      const r = spawnSync('node', [path.join(out, 'broken-connector.js'), 'connectors/b/connector.json'], {
        cwd: path.join(dir, 'ws'),
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: path.join(__dirname, '..', '..', '..', '..', 'node_modules') },
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^connectors\/b\/connector\.json:3:1: Expected double-quoted property name/);
    });

    it('problemTargets: the message reaches the reporter through the environment, never a shell (issue 28.7)', () => {
      const out = compileReporter('out2');
      const message = 'folder "x$(touch pwned)`id`" cannot be named';
      const targets = problemTargets(message, ['build', 'deploy']);
      expect(Object.keys(targets)).toEqual(['build', 'deploy']);
      const { command, env } = targets.deploy.options as { command: string; env: Record<string, string> };
      expect(command).not.toContain('pwned');
      const r = spawnSync(
        'bash',
        ['-c', command.replace(path.join(__dirname, 'broken-connector.js'), path.join(out, 'broken-connector.js'))],
        {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, ...env, NODE_PATH: path.join(__dirname, '..', '..', '..', '..', 'node_modules') },
        },
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`${message}\n`);
      expect(fs.existsSync(path.join(dir, 'pwned'))).toBe(false);
    });
  });
});
