// `npm run test:mutation`: StrykerJS on the provider's shared mechanisms and the three
// clients, against the in-process tier (jest.mutation.config.js). See CONTRIBUTING.md
// ("Mutation testing") for what is excluded and why, the time it takes and the scores.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "jest",
  jest: { configFile: "jest.mutation.config.js" },
  coverageAnalysis: "perTest",
  mutate: [
    "provider/core/**/*.ts",
    "provider/plugin/**/*.ts",
    "provider/http/**/*.ts",
    "provider/gitlab/**/*.ts",
    "provider/torque/client.ts",
    "provider/enos/client.ts",
    "provider/enos/tokens.ts",
    "provider/enos/signing.ts",
    "!provider/**/*.test.ts",
    // Run only in their own processes, out of the in-process tier's reach: the plugin's
    // entry point (a provider host the engine starts), the plugin-mode resource classes and
    // core/resource.ts, which builds every resource class's inputs (a Pulumi program). The
    // harness and end-to-end tiers test them.
    "!provider/plugin/main.ts",
    "!provider/plugin/sdk/**",
    "!provider/core/resource.ts",
  ],
  // A static mutant (a module-level value) needs every test again with the module reloaded:
  // in provider/core/url.ts, 18% of the mutants took an estimated 49% of the time.
  ignoreStatic: true,
  // Re-runs test only the mutants of changed code or reached by changed tests.
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  ignorePatterns: ["/bin", "/dist", "/sdk", "/docs", "/examples", "/bench", "/reports", "/.sandbox", "/test/.program", "/test/e2e"],
  reporters: ["html", "json", "clear-text", "progress"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  concurrency: 2,
};
