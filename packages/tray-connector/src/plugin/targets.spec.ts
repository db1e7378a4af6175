import {
  BUILD_INPUTS,
  buildTarget,
  connectorTargets,
  DEFAULT_TARGET_NAMES,
  DEPLOY_ENV_INPUTS,
  deployTarget,
  shareTarget,
  statusTarget,
  verifyTarget,
  TEST_NODE_OPTIONS,
  testTarget,
  TYPECHECK_INPUTS,
  typecheckTarget,
} from './targets';

describe('connector targets', () => {
  it('build is cached, writes .tray/connector.zip, and takes as inputs what goes into the zip and nothing that must not', () => {
    const build = buildTarget();
    expect(build.cache).toBe(true);
    expect(build.options).toEqual({ outputPath: '{projectRoot}/.tray/connector.zip' });
    expect(build.outputs).toEqual(['{options.outputPath}']);
    expect(build.inputs).toEqual(BUILD_INPUTS);
    for (const zipped of ['connector.json', 'package.json', 'tsconfig*.json', 'jest.config.js', 'src/**/*']) {
      expect(BUILD_INPUTS).toContain(`{projectRoot}/${zipped}`);
    }
    // No exception for credential files: git-ignored ones are not inputs (Nx leaves them out, as the build does);
    // one git does not ignore must re-run the build, which refuses it, or a cached zip would hide it.
    expect((BUILD_INPUTS as string[]).filter((i) => typeof i === 'string' && i.startsWith('!'))).toEqual([]);
    // Not the whole folder: a README or the build output would select a deploy whose zip cannot change.
    expect(BUILD_INPUTS).not.toContain('{projectRoot}/**/*');
    // Imported workspace libraries are vendored into the zip.
    expect(BUILD_INPUTS).toContain('^default');
  });

  it('deploy depends on build, is selected by the zip and the Tray organisation (URL and token variables), and is never input-less', () => {
    const deploy = deployTarget(['us', 'eu']);
    expect(deploy.dependsOn).toEqual(['build']);
    expect(deploy.cache).toBe(false);
    expect(deploy.outputs).toEqual(['{projectRoot}/.tray/deploy-result.json']);
    expect(deploy.options).toEqual({ regions: ['us', 'eu'] });
    expect(deploy.inputs).toEqual([
      { dependentTasksOutputFiles: '**/*.zip' },
      ...DEPLOY_ENV_INPUTS.map((env) => ({ env })),
      { externalDependencies: ['tray-connector'] },
    ]);
    expect([...DEPLOY_ENV_INPUTS].sort()).toEqual(
      [
        'TRAY_API_TOKEN',
        'TRAY_API_TOKEN_US',
        'TRAY_API_TOKEN_EU',
        'TRAY_API_TOKEN_APAC',
        'TRAY_API_URL',
        'TRAY_API_URL_US',
        'TRAY_API_URL_EU',
        'TRAY_API_URL_APAC',
      ].sort(),
    );
    expect(deploy.metadata?.description).toMatch(/never replayed from the cache/);
    expect(deploy.metadata?.description).toMatch(/deploy-result\.json/);
  });

  it('every target names the external packages it reads, so a lock-file change to any other package selects none of them (issue 22.1)', () => {
    const externals = (inputs: unknown[] | undefined) =>
      (inputs ?? []).flatMap((i) =>
        i && typeof i === 'object' && 'externalDependencies' in i ? (i as { externalDependencies: string[] }).externalDependencies : [],
      );
    const targets = connectorTargets(['us']);
    // Without an externalDependencies entry Nx hashes every package of the lock file into the task.
    expect(externals(targets.deploy.inputs)).toEqual(['tray-connector']);
    expect(externals(targets.build.inputs)).toEqual(['tray-connector', 'typescript', '@trayio/cdk-dsl']);
    expect(externals(testTarget().inputs)).toEqual(['jest', 'ts-jest', 'typescript', '@trayio/cdk-dsl', '@trayio/cdk-runtime']);
    expect(externals(targets.typecheck.inputs)).toEqual([
      'tray-connector',
      'typescript',
      '@trayio/cdk-dsl',
      '@trayio/cdk-runtime',
      '@types/jest',
    ]);
  });

  it('deploy is never replayed from a cache, wherever the plugin defines it; build stays cached', () => {
    // connectorTargets is what the new generator writes to project.json and createNodes infers.
    const targets = connectorTargets(['us']);
    expect(deployTarget(['us']).cache).toBe(false);
    expect(targets.deploy.cache).toBe(false);
    expect(targets.build.cache).toBe(true);
  });

  it('deploy depends on the build target under its configured name', () => {
    const names = { build: 'tray-build', test: 'tray-test', deploy: 'tray-deploy', share: 'tray-share' };
    expect(deployTarget(['eu'], names).dependsOn).toEqual(['tray-build']);
    expect(Object.keys(connectorTargets(['eu'], names))).toEqual([
      'tray-build',
      'tray-test',
      'typecheck',
      'tray-deploy',
      'tray-share',
      'status',
      'verify',
    ]);
  });

  it('share is never cached; test runs jest from the connector folder', () => {
    expect(shareTarget().cache).toBe(false);
    expect(testTarget().options).toEqual({
      command: 'tray-connector test-context && jest --config jest.config.js --passWithNoTests',
      cwd: '{projectRoot}',
      env: { NODE_OPTIONS: '--max-old-space-size=384' },
    });
    expect(testTarget().cache).toBe(true);
  });

  it('test gives jest a 384 MB heap limit, so V8 collects the garbage of each test file sooner (issue 29.7)', () => {
    // Each test file evaluates Tray's CDK again; with a machine-sized limit V8 held about 1 GB of its garbage for
    // a 180-operation connector (docs/benchmarks.md). The connector targets `new` writes carry it as well.
    expect(TEST_NODE_OPTIONS).toBe('--max-old-space-size=384');
    expect(testTarget().options.env).toEqual({ NODE_OPTIONS: TEST_NODE_OPTIONS });
    expect(connectorTargets(['us']).test.options.env).toEqual({ NODE_OPTIONS: TEST_NODE_OPTIONS });
  });
});

describe('status target', () => {
  it('runs tray-connector:status, never cached (it reports what Tray says now)', () => {
    expect(connectorTargets(['us']).status).toEqual(statusTarget());
    expect(statusTarget()).toMatchObject({ executor: 'tray-connector:status', cache: false, options: {} });
    expect(Object.keys(connectorTargets(['us'], { ...DEFAULT_TARGET_NAMES, status: 'tray-status' }))).toContain('tray-status');
  });
});

describe('verify target', () => {
  it('runs tray-connector:verify after the build, never cached, with the inputs of deploy and .tray/verify-result.json as output', () => {
    expect(connectorTargets(['us']).verify).toEqual(verifyTarget());
    const verify = verifyTarget({ ...DEFAULT_TARGET_NAMES, build: 'tray-build' });
    expect(verify).toMatchObject({ executor: 'tray-connector:verify', cache: false, options: {}, dependsOn: ['tray-build'] });
    expect(verify.inputs).toEqual(deployTarget(['us']).inputs);
    expect(verify.outputs).toEqual(['{projectRoot}/.tray/verify-result.json']);
    expect(verify.metadata?.description).toMatch(/never cached/);
    expect(Object.keys(connectorTargets(['us'], { ...DEFAULT_TARGET_NAMES, verify: 'tray-verify' }))).toContain('tray-verify');
  });
});

describe('typecheck target', () => {
  it('type-checks the whole connector with the plugin command from its folder: cached, no outputs, not a dependency of test', () => {
    const typecheck = typecheckTarget();
    expect(connectorTargets(['us']).typecheck).toEqual(typecheck);
    expect(typecheck).toMatchObject({
      executor: 'nx:run-commands',
      cache: true,
      outputs: [],
      options: { command: 'tray-connector typecheck', cwd: '{projectRoot}' },
    });
    expect(typecheck.dependsOn).toBeUndefined();
    expect(testTarget().dependsOn).toBeUndefined();
    expect(typecheck.metadata?.description).toMatch(/tests included/);
    expect(Object.keys(connectorTargets(['us'], { ...DEFAULT_TARGET_NAMES, typecheck: 'tray-typecheck' }))).toContain('tray-typecheck');
  });

  it("takes as inputs the connector's sources and tests, tsconfig and package.json, the libraries and the workspace tsconfig files", () => {
    expect(typecheckTarget().inputs).toEqual(TYPECHECK_INPUTS);
    for (const input of ['package.json', 'tsconfig*.json', 'src/**/*']) expect(TYPECHECK_INPUTS).toContain(`{projectRoot}/${input}`);
    for (const input of ['^default', '{workspaceRoot}/tsconfig.base.json', '{workspaceRoot}/tsconfig.json']) {
      expect(TYPECHECK_INPUTS).toContain(input);
      expect(BUILD_INPUTS).toContain(input);
    }
    // Not the build output: a new zip must not re-run the type check.
    expect(TYPECHECK_INPUTS).not.toContain('{projectRoot}/**/*');
  });
});
