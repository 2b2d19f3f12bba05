/** @type {import('jest').Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/provider"],
  testMatch: ["**/*.test.ts"],
  globalSetup: "<rootDir>/test/harness/global-setup.ts",
  globalTeardown: "<rootDir>/test/harness/global-teardown.ts",
  testTimeout: 120000,
  // Two workers for the two cores the machines have: the lifecycle tests spend most of their
  // time waiting on child processes (provider hosts, the language host) and local servers.
  maxWorkers: 2,
};
