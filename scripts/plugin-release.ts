/**
 * The release tarball of the provider plugin (`npm run plugin:release`, after `npm run build`):
 * `bin/plugin/main.js` and everything it requires bundled by esbuild into one `plugin.js`, beside
 * `pulumi-resource-gitlab-sources`, a sh script that runs it with the `node` on PATH, and
 * `schema.json`. Only Node.js 20 or later is needed where it runs:
 *
 *   pulumi plugin install resource gitlab-sources <version> --file dist/pulumi-resource-gitlab-sources-v<version>-linux-amd64.tar.gz
 *
 * The JavaScript is the same on every platform; the name carries linux-amd64 because that is
 * the platform `pulumi plugin install` is given it for.
 */
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as esbuild from "esbuild";

const repo = path.resolve(__dirname, "..");
export const PLUGIN = "pulumi-resource-gitlab-sources";
const ENTRY = path.join(repo, "bin", "plugin", "main.js");

/**
 * Left out of the bundle: nothing. The plugin's dependencies (@grpc/grpc-js, google-protobuf,
 * the @pulumi/pulumi modules it requires, axios, gitbeaker, zod) are all JavaScript, and the
 * bundle requires Node.js built-ins only, so `node` alone runs it. Whatever esbuild warns about
 * (a computed `require`, a `require.resolve`) is printed, and the bundle must start and print
 * its port before the tarball is written.
 */
const EXTERNAL: string[] = [];

/**
 * Runs plugin.js beside it with the node on PATH. It resolves its own folder through symlinks
 * (a link on PATH to the installed file still finds plugin.js) and with CDPATH unset.
 */
export const LAUNCHER = `#!/bin/sh
# ${PLUGIN}: the gitlab-sources resource provider plugin for Pulumi, in JavaScript.
# Needs Node.js 20 or later on PATH.
self=$0
while [ -L "$self" ]; do
  target=$(readlink -- "$self")
  case $target in
    /*) self=$target ;;
    *) self=$(dirname -- "$self")/$target ;;
  esac
done
dir=$(CDPATH= cd -- "$(dirname -- "$self")" && pwd -P) || exit 1
if ! command -v node >/dev/null 2>&1; then
  echo "${PLUGIN}: node (Node.js 20 or later) is not on PATH" >&2
  exit 127
fi
exec node "$dir/plugin.js" "$@"
`;

export function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string }).version;
}

export function tarballName(v = version()): string {
  return `${PLUGIN}-v${v}-linux-amd64.tar.gz`;
}

export interface Release {
  tarball: string;
  version: string;
  /** Size of plugin.js in bytes. */
  bundleBytes: number;
  warnings: string[];
}

/** Bundles the built plugin (bin/ must be current: `npm run build`) and writes the tarball into outDir. */
export async function buildRelease(outDir = path.join(repo, "dist")): Promise<Release> {
  if (!fs.existsSync(ENTRY)) throw new Error(`plugin-release: ${path.relative(repo, ENTRY)} is missing: run npm run build first`);
  const v = version();
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), "gitlab-sources-plugin-"));
  try {
    const result = await esbuild.build({
      entryPoints: [ENTRY],
      outfile: path.join(stage, "plugin.js"),
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      external: EXTERNAL,
      sourcemap: false,
      legalComments: "eof",
      logLevel: "silent",
    });
    const warnings = (await esbuild.formatMessages(result.warnings, { kind: "warning", color: false })).map((w) => w.trim());
    fs.writeFileSync(path.join(stage, PLUGIN), LAUNCHER);
    fs.chmodSync(path.join(stage, PLUGIN), 0o755);
    fs.chmodSync(path.join(stage, "plugin.js"), 0o644);
    fs.copyFileSync(path.join(repo, "schema.json"), path.join(stage, "schema.json"));
    fs.chmodSync(path.join(stage, "schema.json"), 0o644);
    await startsAndPrintsPort(path.join(stage, PLUGIN));

    fs.mkdirSync(outDir, { recursive: true });
    const tarball = path.join(path.resolve(outDir), tarballName(v));
    fs.rmSync(tarball, { force: true });
    // Flags both GNU tar and bsdtar take; the files at the top of the archive, as Pulumi's own plugins.
    await promisify(execFile)("tar", ["-czf", tarball, "-C", stage, PLUGIN, "plugin.js", "schema.json"]);
    return { tarball, version: v, bundleBytes: fs.statSync(path.join(stage, "plugin.js")).size, warnings };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/**
 * Runs the plugin as the engine does (from another folder, without the engine's address, which
 * it may do without) and waits for its first line, the port; then stops it. Throws with what it
 * printed when it exits first or takes longer than timeoutMs.
 */
export function startsAndPrintsPort(executable: string, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, [], { cwd: os.tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`plugin-release: ${path.basename(executable)} ${why}:\n${stdout}${stderr}`));
    };
    const timer = setTimeout(() => fail(`printed no port within ${timeoutMs / 1000} s`), timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      const line = /^(.*)\n/.exec(stdout);
      if (!line) return;
      if (!/^\d+$/.test(line[1].trim())) return fail("printed something else than its port first");
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.kill("SIGTERM");
      resolve(Number(line[1]));
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (err) => fail(`could not start (${err.message})`));
    child.on("exit", (code, sig) => fail(`exited (${sig ?? code}) before printing its port`));
  });
}

if (require.main === module) {
  buildRelease().then(
    (r) => {
      for (const w of r.warnings) console.warn(w);
      const size = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
      console.log(`wrote ${path.relative(process.cwd(), r.tarball)} (${size(fs.statSync(r.tarball).size)}; plugin.js ${size(r.bundleBytes)})`);
      console.log(`install: pulumi plugin install resource gitlab-sources ${r.version} --file ${r.tarball}`);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
