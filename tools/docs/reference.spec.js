const fs = require('fs');
const path = require('path');
const { renderReference, staleFiles, REGENERATE } = require('./reference');

const PLUGIN = path.resolve(__dirname, '../../packages/tray-connector');

describe('the generated reference (packages/tray-connector/docs/reference)', () => {
  it('is what tools/docs/reference.js writes from the schemas', () => {
    const stale = staleFiles();
    if (stale.length) throw new Error(`${stale.join(', ')} differ from the schemas: run \`${REGENERATE}\` and commit the result`);
  });

  it('names every option of every executor and generator with its type and default', () => {
    const text = Object.values(renderReference()).join('\n');
    for (const kind of ['executors', 'generators']) {
      const manifest = JSON.parse(fs.readFileSync(path.join(PLUGIN, `${kind}.json`), 'utf8'))[kind];
      for (const [name, entry] of Object.entries(manifest)) {
        const heading = `## \`tray-connector:${name}\``;
        expect(text).toContain(heading);
        const section = text.split(heading)[1].split('\n## ')[0];
        const schema = JSON.parse(fs.readFileSync(path.join(PLUGIN, entry.schema), 'utf8'));
        for (const [option, prop] of Object.entries(schema.properties ?? {})) {
          const row = section.split('\n').find((l) => l.startsWith(`| \`${option}\` |`));
          expect(row ?? `no row for ${name} ${option}`).toMatch(/^\| `/);
          if (prop.default !== undefined) expect(row).toContain(`\`${JSON.stringify(prop.default).replace(/^"(.*)"$/, '$1')}\``);
        }
      }
    }
  });
});
