/**
 * The tests `npm run test:mutation` runs (StrykerJS, stryker.config.mjs): the in-process tier,
 * whose provider code runs in the jest worker, where Stryker measures which test reaches which
 * mutant. No global setup: jest runs it on every one of Stryker's runs, and the harness tier's
 * provider code runs in child processes (provider and language hosts), out of Stryker's sight.
 */
const path = require("node:path");
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
  preset: base.preset,
  testEnvironment: path.join(__dirname, "test", "mutation", "environment.js"),
  testSequencer: path.join(__dirname, "test", "mutation", "sequencer.js"),
  runner: path.join(__dirname, "test", "mutation", "runner.js"),
  testTimeout: base.testTimeout,
  roots: ["<rootDir>/provider", "<rootDir>/test"],
  testMatch: [
    "<rootDir>/provider/**/*.test.ts",
    "<rootDir>/test/checks.property.test.ts",
    "<rootDir>/test/hostile/clients.property.test.ts",
  ],
  // Harness lifecycles: the provider runs in a provider host, a child process.
  testPathIgnorePatterns: [
    "/node_modules/",
    "<rootDir>/provider/enos/gitLabDataSource.test.ts",
    "<rootDir>/provider/torque/(gitCredential|repositoryProvider|spaceRepository).test.ts",
    "<rootDir>/provider/gitlab/preflight.test.ts",
  ],
};
