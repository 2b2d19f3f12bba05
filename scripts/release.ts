/**
 * `npm run release`: everything a release publishes, built from the working tree into dist/
 * (emptied first), as RELEASING.md describes:
 *
 * - the npm tarball (`npm pack`, whose `prepare` script builds bin/);
 * - the plugin archives of every platform (scripts/plugin-archives.ts), this machine's with
 *   the standalone executable;
 * - the Python SDK's wheel and sdist (`python -m build`, scripts/python-sdk.ts);
 * - SHA256SUMS;
 *
 * then checks dist/ as `npm run release:publish` will (scripts/dist.ts) and prints what it
 * made, with sizes and times. The Go SDK is published as a tag of the repository (sdk/go).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { problems, writeChecksums } from "./dist";
import { writeArchives } from "./plugin-archives";
import { hostPlatform, repo, version } from "./project";
import { buildPythonSdk } from "./python-sdk";

const run = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
export const DIST = path.join(repo, "dist");

async function main(): Promise<void> {
  const started = Date.now();
  const timings: string[] = [];
  const step = async <T>(name: string, body: () => Promise<T>): Promise<T> => {
    const since = Date.now();
    const result = await body();
    timings.push(`${name} ${((Date.now() - since) / 1000).toFixed(1)} s`);
    return result;
  };
  fs.rmSync(DIST, { recursive: true, force: true });
  fs.mkdirSync(DIST);

  await step("npm pack", () => run(npm, ["pack", "--silent", "--pack-destination", DIST], { cwd: repo, maxBuffer: 1 << 26, shell: process.platform === "win32" }));
  const plugin = await step("plugin archives", () => writeArchives(DIST, { standalone: hostPlatform() !== undefined }));
  for (const warning of plugin.warnings) console.warn(warning);
  await step("python -m build", () => buildPythonSdk(DIST));
  writeChecksums(DIST);

  const found = await problems(DIST);
  if (found.length) throw new Error(`release: dist/ is not a release of ${version()}:\n${found.join("\n")}`);
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  for (const file of fs.readdirSync(DIST).sort()) console.log(`${mb(fs.statSync(path.join(DIST, file)).size).padStart(9)}  dist/${file}`);
  const standalone = plugin.standaloneBytes === undefined ? "no standalone executable for this platform" : `standalone executable ${mb(plugin.standaloneBytes)}`;
  console.log(`release ${version()}: plugin.js ${mb(plugin.bundleBytes)}, ${standalone}; ${timings.join(", ")}; ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    const e = err as { stderr?: string; message?: string };
    console.error([e.message, e.stderr].filter(Boolean).join("\n") || err);
    process.exit(1);
  });
}
