// The tests of each test file and what each took, as Stryker's initial run saw them
// (written by environment.js, read by sequencer.js): a file in Stryker's sandbox.
const fs = require("node:fs");
const path = require("node:path");

const file = (rootDir) => path.join(rootDir, ".stryker-tests.json");

/** `{ [testPath]: { [testName]: ms } }`, or undefined before Stryker's initial run. */
function readTests(rootDir) {
  try {
    return JSON.parse(fs.readFileSync(file(rootDir), "utf8"));
  } catch {
    return undefined;
  }
}

function recordTests(rootDir, testPath, tests) {
  const all = readTests(rootDir) ?? {};
  all[testPath] = tests;
  fs.writeFileSync(file(rootDir), JSON.stringify(all));
}

module.exports = { readTests, recordTests };
