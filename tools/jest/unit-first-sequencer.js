// Runs the unit-test projects before the e2e project, so `npm test` shows results within seconds
// instead of staying silent for minutes while jest's default order (slowest file first) runs a long
// e2e spec. Within each group, jest's default order stays: failed first, then slowest first.
//
// "Slowest" comes from jest's record of earlier runs. A fresh clone (CI) has none, and jest then orders
// by file size, which puts two of the longest e2e suites (import, create-nx-workspace) 13th and 14th of 18,
// where they can leave one worker running them alone at the end. For an e2e file without a record, the
// seconds in e2e-seconds.json (what it took on 2 cores) stand in.
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;
const E2E_SECONDS = require('./e2e-seconds.json');

const REPO_ROOT = path.resolve(__dirname, '../..');
const isE2e = (test) => test.context.config.displayName?.name === 'e2e' || /[\\/]e2e[\\/]/.test(test.path);

class UnitFirstSequencer extends Sequencer {
  time(test) {
    const recorded = super.time(test);
    if (recorded != null || !isE2e(test)) return recorded;
    const seconds = E2E_SECONDS[path.relative(REPO_ROOT, test.path).split(path.sep).join('/')];
    return seconds == null ? undefined : seconds * 1000;
  }

  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter((t) => !isE2e(t)), ...sorted.filter((t) => isE2e(t))];
  }
}

module.exports = UnitFirstSequencer;
