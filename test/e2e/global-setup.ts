import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { writeArchives } from "../../scripts/plugin-archives";
import { hostPlatform } from "../../scripts/project";

const run = promisify(execFile);
const repo = path.resolve(__dirname, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
/** As a user installs it: from npm's cache when it holds the package, without the audit. */
export const NPM_INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

/**
 * The end-to-end tier's fixtures, once per run: the real `pulumi` CLI (built on first use by
 * scripts/pulumi-cli.sh), the package built and packed as it would be published, and a
 * workspace where the scenario programs run with that tarball installed from it.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-gitlab-sources-e2e-"));
  const cli = run("bash", [path.join(repo, "scripts", "pulumi-cli.sh")], { maxBuffer: 1 << 26 });
  cli.child.stderr?.pipe(process.stderr); // a cold build takes minutes: show its progress
  const tarball = (async () => {
    // `prepare` builds bin/ first, as for any npm pack or publish.
    const { stdout } = await run(npm, ["pack", "--json", "--pack-destination", root], { cwd: repo });
    return path.join(root, JSON.parse(stdout)[0].filename as string);
  })();
  // This platform's plugin archive with the bundle and its launcher, as users install it without
  // npm: bundled from the bin/ the pack built (release.e2e.ts tests the standalone one of dist/).
  const host = hostPlatform();
  if (!host) throw new Error(`e2e: no plugin archive is made for ${process.platform}-${process.arch}`);
  const pluginTarball = tarball.then(() => writeArchives(root, { platforms: [host], standalone: false })).then(({ archives }) => archives[0].file);
  pluginTarball.catch(() => {}); // awaited below: no unhandled rejection while the install runs
  const workspace = path.join(root, "workspace");
  fs.mkdirSync(workspace);
  const manifest = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
  fs.writeFileSync(
    path.join(workspace, "package.json"),
    JSON.stringify({
      name: "e2e-scenarios",
      private: true,
      dependencies: { "@pulumi/pulumi": manifest.dependencies["@pulumi/pulumi"] },
      devDependencies: { typescript: manifest.devDependencies.typescript, "@types/node": manifest.devDependencies["@types/node"] },
    }),
  );
  await run(npm, [...NPM_INSTALL, await tarball], { cwd: workspace });

  process.env.E2E_ROOT = root;
  process.env.E2E_TARBALL = await tarball;
  process.env.E2E_WORKSPACE = workspace;
  process.env.E2E_PLUGIN_TARBALL = await pluginTarball;
  process.env.E2E_CLI_DIR = (await cli).stdout.trim();
  const { stdout: version } = await run(path.join(process.env.E2E_CLI_DIR, "pulumi"), ["version"]);
  console.log(`\ne2e: pulumi ${version.trim()} from ${process.env.E2E_CLI_DIR}; set up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
