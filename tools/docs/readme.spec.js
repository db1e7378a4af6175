const fs = require('fs');
const path = require('path');

const PLUGIN = path.resolve(__dirname, '../../packages/tray-connector');

/** `cache` of each target definition in src/plugin/targets.ts (`export function <name>Target(...)`), by target name. */
function cacheOfTargets() {
  const source = fs.readFileSync(path.join(PLUGIN, 'src/plugin/targets.ts'), 'utf8');
  const out = {};
  for (const m of source.matchAll(/export function (\w+)Target\([^)]*\)[^{]*\{([\s\S]*?)\n\}/g)) {
    const cache = /\bcache: (true|false)/.exec(m[2]);
    if (cache) out[m[1]] = cache[1] === 'true';
  }
  return out;
}

describe("the plugin README's targets table", () => {
  it('says for every inferred target what targets.ts says about caching (deploy: never)', () => {
    const readme = fs.readFileSync(path.join(PLUGIN, 'README.md'), 'utf8');
    const targets = cacheOfTargets();
    expect(Object.keys(targets).sort()).toEqual(['build', 'deploy', 'share', 'status', 'test', 'typecheck', 'verify']);
    for (const [name, cached] of Object.entries(targets)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row ?? `no row for ${name}`).toMatch(/^\|/);
      const last = row.split('|').slice(-2)[0].trim();
      expect(`${name}: ${last}`).toBe(`${name}: ${cached ? 'yes' : name === 'deploy' ? '**never**' : 'never'}`);
    }
  });
});
