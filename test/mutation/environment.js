// The test environment of mutation runs (jest.mutation.config.js), on a faster clock
// (clock.js). Under Stryker:
// - in the initial run (no active mutant), it records each test file's tests and their
//   durations, for sequencer.js;
// - in a mutant's run, once a test has failed the mutant is killed, so the tests after it
//   are skipped, and runner.js starts no further file (jest's own `bail` counts whole
//   files, and Stryker turns it off).
const { TestEnvironment } = require("jest-environment-node");
const { recordTests } = require("./tests");
const { speedUpClock } = require("./clock");

const ACTIVE_MUTANT = "__STRYKER_ACTIVE_MUTANT__";
/** The mutant a test of this worker failed under. */
let killed;

class MutationEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.rootDir = config.projectConfig.rootDir;
    this.testPath = context.testPath;
    this.durations = {};
    speedUpClock(this.global);
  }

  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT];
    if (event.name === "test_start" && mutant !== undefined && killed === mutant) event.test.mode = "skip";
    if (event.name === "test_done") {
      if (mutant !== undefined && event.test.errors.length > 0) killed = mutant;
      if (mutant === undefined) this.durations[testId(event.test)] = event.test.duration ?? 0;
    }
  }

  async teardown() {
    const underStryker = this.global.__stryker__ !== undefined;
    if (underStryker && process.env[ACTIVE_MUTANT] === undefined) recordTests(this.rootDir, this.testPath, this.durations);
    await super.teardown();
  }
}

/** The name jest matches `testNamePattern` against and Stryker names a test by. */
function testId(test) {
  const names = [];
  for (let block = test.parent; block && block.parent; block = block.parent) names.unshift(block.name);
  return [...names, test.name].join(" ");
}

/** Whether a test of this worker has killed the active mutant (runner.js then starts no other file). */
function killedNow() {
  const mutant = process.env[ACTIVE_MUTANT];
  return mutant !== undefined && killed === mutant;
}

module.exports = MutationEnvironment;
module.exports.killedNow = killedNow;
