// @nx/devkit 22.0.0 has no `@nx/devkit/internal` entry point at all: requiring it throws
// "Cannot find module '@nx/devkit/internal'". Every nx command failed while nx-compat imported it.
jest.mock('@nx/devkit/internal', () => {
  throw Object.assign(new Error("Cannot find module '@nx/devkit/internal'"), { code: 'MODULE_NOT_FOUND' });
});

describe('nx-compat on Nx 22.0 (no @nx/devkit/internal)', () => {
  it('loads, and reports no cache helpers instead of throwing', () => {
    const { pluginCacheSupport } = require('./nx-compat') as typeof import('./nx-compat');
    expect(pluginCacheSupport()).toBeUndefined();
  });

  it('createNodes still infers a connector (without the cache)', async () => {
    const fs = require('fs') as typeof import('fs');
    const os = require('os') as typeof import('os');
    const path = require('path') as typeof import('path');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-nx22-0-'));
    try {
      fs.mkdirSync(path.join(root, 'connectors/acme'), { recursive: true });
      fs.writeFileSync(path.join(root, 'connectors/acme/connector.json'), JSON.stringify({ name: 'acme', version: '1.0', title: 'Acme' }));
      const { createNodes } = require('./create-nodes') as typeof import('./create-nodes');
      const results = await createNodes[1](['connectors/acme/connector.json'], undefined, { workspaceRoot: root, nxJsonConfiguration: {} });
      expect(results[0][1].projects?.['connectors/acme']?.name).toBe('acme');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('the rest of the repo reaches @nx/devkit/internal only through nx-compat (type imports aside)', () => {
    const fs = require('fs') as typeof import('fs');
    const path = require('path') as typeof import('path');
    const src = path.join(__dirname, '..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== '__fixtures__') walk(full);
        } else if (/\.ts$/.test(e.name) && !/\.spec\.ts$/.test(e.name) && full !== path.join(__dirname, 'nx-compat.ts')) {
          const text = fs.readFileSync(full, 'utf8');
          if (/^import\s+(?!type\b)[^;]*from\s+'@nx\/devkit\/internal'/m.test(text) || /require\('@nx\/devkit\/internal'\)/.test(text)) {
            offenders.push(path.relative(src, full));
          }
        }
      }
    };
    walk(src);
    expect(offenders).toEqual([]);
  });
});
