// A jest reporter (root jest.config.ts): at the end of a run, the slowest test files with their
// durations, so where the run's time goes is visible on every run (`npm test` on CI included).
// Option `count` (default 10) is how many it lists.

/** The `count` slowest files of a run's results, slowest first, as `{ file, seconds, project }`. */
function slowestSuites(testResults, count = 10, rootDir = process.cwd()) {
  const path = require('path');
  return testResults
    .filter((r) => r.perfStats && r.perfStats.end > 0 && r.perfStats.start > 0)
    .map((r) => ({
      file: path.relative(rootDir, r.testFilePath).split(path.sep).join('/'),
      seconds: (r.perfStats.end - r.perfStats.start) / 1000,
      project: r.displayName?.name,
    }))
    .sort((a, b) => b.seconds - a.seconds || (a.file < b.file ? -1 : 1))
    .slice(0, count);
}

/** The lines the reporter prints: a heading and one line per file, durations right-aligned. */
function formatSlowest(suites, totalSeconds) {
  if (!suites.length) return [];
  const width = Math.max(...suites.map((s) => s.seconds.toFixed(1).length));
  return [
    `Slowest test files${totalSeconds === undefined ? '' : ` (whole run ${totalSeconds.toFixed(1)} s)`}:`,
    ...suites.map((s) => `  ${s.seconds.toFixed(1).padStart(width)} s  ${s.file}${s.project ? `  [${s.project}]` : ''}`),
  ];
}

class SlowestSuitesReporter {
  constructor(globalConfig, options = {}) {
    this.rootDir = globalConfig.rootDir;
    this.count = Number.isInteger(options.count) && options.count > 0 ? options.count : 10;
  }

  onRunComplete(_contexts, results) {
    const total = results.startTime ? (Date.now() - results.startTime) / 1000 : undefined;
    const lines = formatSlowest(slowestSuites(results.testResults, this.count, this.rootDir), total);
    if (lines.length) process.stderr.write(`\n${lines.join('\n')}\n`);
  }
}

module.exports = SlowestSuitesReporter;
module.exports.slowestSuites = slowestSuites;
module.exports.formatSlowest = formatSlowest;
