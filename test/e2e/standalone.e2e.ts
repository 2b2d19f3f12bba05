import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { problems } from "../../scripts/dist";
import { archiveName, hostPlatform } from "../../scripts/project";
import { pathWithoutNode, useStandalonePlugin } from "./cli";

/**
 * The plugin scenarios of plugin.e2e.ts again, with the standalone executable of this
 * platform's archive in dist/ (made by `npm run release`, which .ci/run runs first) and no
 * `node` on the CLI's PATH: the CLI, the YAML language host and the plugin find none.
 */
const dist = path.resolve(__dirname, "..", "..", "dist");
useStandalonePlugin(path.join(dist, archiveName(hostPlatform()!)));

beforeAll(async () => {
  const found = await problems(dist);
  if (found.length) throw new Error(`dist/ is not this working tree's release (run npm run release):\n${found.join("\n")}`);
});

test("the CLI's PATH has no node", () => {
  const PATH = pathWithoutNode().join(path.delimiter);
  expect(() => execFileSync("/bin/sh", ["-c", "command -v node"], { env: { PATH }, stdio: "pipe" })).toThrow();
});

// Registers plugin.e2e.ts's tests here, with this file's plugin (its module state is this file's).
require("./plugin.e2e");
