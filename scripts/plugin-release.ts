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
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as esbuild from "esbuild";

const repo = path.resolve(__dirname, "..");
export const PLUGIN = "pulumi-resource-gitlab-sources";
const ENTRY = path.join(repo, "bin", "plugin", "main.js");

/**
 * Left out of the bundle: only node-gyp's command-line script, which @npmcli/run-script (npm's
 * script runner, reached from @pulumi/pulumi's Automation API) looks up with `require.resolve` to
 * spawn it as a process of its own: a file path cannot be bundled, and a provider plugin never
 * runs npm scripts. Everything else is JavaScript esbuild bundles (@grpc/grpc-js included), so
 * `node` alone runs the plugin; esbuild's other warnings are printed, not hidden.
 */
const EXTERNAL = ["node-gyp/bin/node-gyp.js"];

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
