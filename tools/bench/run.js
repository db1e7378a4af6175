#!/usr/bin/env node
// `npm run bench`: runs every tools/bench/*.bench.js (each exports `async run({ log })`
// returning { title, markdown }), prints the markdown report and writes it to bench-report.md.
// Benchmarks measure; they never assert on timings.
const fs = require('fs');
const os = require('os');
const path = require('path');

async function main() {
  const only = process.argv.slice(2);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const sections = [];
  for (const file of files) {
    const started = Date.now();
    process.stderr.write(`bench: ${file} ...\n`);
    const { run } = require(path.join(__dirname, file));
    const { title, markdown } = await run({ log: (m) => process.stderr.write(`  ${m}\n`) });
    sections.push(`## ${title}\n\n${markdown.trim()}\n\n_(${file}, ${((Date.now() - started) / 1000).toFixed(1)} s)_\n`);
  }
  const header = [
    '# tray-connector benchmarks',
    '',
    `${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    '',
  ].join('\n');
  const report = `${header}\n${sections.join('\n')}`;
  fs.writeFileSync(path.join(process.cwd(), 'bench-report.md'), report);
  process.stdout.write(report);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
