// The order of test files in mutation runs (jest.mutation.config.js). A mutant's run names
// the tests that reach it (`testNamePattern`); jest would still load every test file to skip
// the others, seconds per mutant. This runs only the files holding one of those tests,
// quickest first (with environment.js's bail, a mutant killed early costs little).
// Before Stryker's initial run has recorded the tests, jest's own order.
const Sequencer = require("@jest/test-sequencer").default;
const { readTests } = require("./tests");

class MutationSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
  }

  sort(tests) {
    const recorded = tests.length > 0 ? readTests(tests[0].context.config.rootDir) : undefined;
    if (!recorded || !tests.every((t) => recorded[t.path])) return super.sort(tests);
    const pattern = this.pattern ? new RegExp(this.pattern, "i") : undefined;
    const cost = (t) => Object.entries(recorded[t.path]).filter(([name]) => !pattern || pattern.test(name)).reduce((sum, [, ms]) => sum + ms, 0);
    const reaching = (t) => !pattern || Object.keys(recorded[t.path]).some((name) => pattern.test(name));
    return tests.filter(reaching).map((t) => [t, cost(t)]).sort((a, b) => a[1] - b[1]).map(([t]) => t);
  }
}

module.exports = MutationSequencer;
