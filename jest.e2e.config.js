/**
 * The end-to-end tier (`npm run test:e2e`): the packed package in fresh Pulumi projects under
 * the real `pulumi` CLI, against the sandbox servers. See CONTRIBUTING.md.
 */
/** @type {import('jest').Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/test/e2e"],
  testMatch: ["**/*.e2e.ts"],
  globalSetup: "<rootDir>/test/e2e/global-setup.ts",
  globalTeardown: "<rootDir>/test/e2e/global-teardown.ts",
  testTimeout: 300000,
  // Each scenario drives the CLI, two Node.js processes and the sandbox: two at a time fill 2 cores.
  maxWorkers: 2,
};
