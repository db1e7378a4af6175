// Runs the unit-test projects before the e2e project, so `npm test` shows results within seconds
// instead of staying silent for minutes while jest's default order (slowest file first) runs a long
// e2e spec. Within each group, jest's default order (failed first, then slowest) stays.
const Sequencer = require('@jest/test-sequencer').default;

const isE2e = (test) => test.context.config.displayName?.name === 'e2e' || /[\\/]e2e[\\/]/.test(test.path);

class UnitFirstSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter((t) => !isE2e(t)), ...sorted.filter((t) => isE2e(t))];
  }
}

module.exports = UnitFirstSequencer;
