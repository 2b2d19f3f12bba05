// The test runner of mutation runs (jest.mutation.config.js): jest's own, one file at a time,
// stopping at the first file after a test has killed the mutant. environment.js skips the
// tests after that one in its file; this saves loading the files after it (each loads the
// provider, zod and the sandbox afresh, 0.2 s or so), which a killed mutant no longer needs.
const TestRunner = require("jest-runner").default;
const { killedNow } = require("./environment");

class MutationRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    if (!options.serial) return super.runTests(tests, watcher, options);
    for (const test of tests) {
      if (killedNow()) return;
      await super.runTests([test], watcher, options);
    }
  }
}

module.exports = MutationRunner;
