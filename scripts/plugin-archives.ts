/**
 * The provider plugin's release archives, one per platform the Pulumi CLI downloads for,
 * named as it asks a release for them (`pulumi-resource-gitlab-sources-v<version>-<os>-<arch>.tar.gz`),
 * each holding at its top level the executable, `schema.json`, `LICENSE` and `README.md`:
 *
 * - standalone, on the platform the release is built on: Node.js's single executable
 *   application (https://nodejs.org/api/single-executable-applications.html), the node
 *   running this script with the bundle injected by postject, so nothing else is needed
 *   where it runs (`.exe` on Windows);
 * - elsewhere: the bundle (`plugin.js`) and a launcher that runs it with the `node` on PATH
 *   after checking that it is Node.js 20 or later (a sh script, or a `.cmd` on Windows). The
 *   release workflow builds those platforms' standalone archives on their own runners.
 *
 * The bundle is `bin/plugin/main.js` and everything it requires, by esbuild, in one file
 * (bin/ must be current: `npm run build`).
 */
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as esbuild from "esbuild";
import * as tar from "tar";
import { archiveName, hostPlatform, PLATFORMS, PLUGIN, repo, type Platform } from "./project";

const run = promisify(execFile);
const ENTRY = path.join(repo, "bin", "plugin", "main.js");
/** Beside the executable in every archive. */
export const DOCUMENTS = ["schema.json", "LICENSE", "README.md"];
/** Archive entries' time: fixed, so that the same files make the same archive (and checksum). */
const MTIME = new Date("2000-01-01T00:00:00Z");
/** The fuse Node.js's single executable applications are injected behind (Node's docs). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/**
 * Left out of the bundle: nothing. The plugin's dependencies (@grpc/grpc-js, google-protobuf,
 * the @pulumi/pulumi modules it requires, axios, gitbeaker, zod) are all JavaScript, and the
 * bundle requires Node.js built-ins only, as a single executable application must. Whatever
 * esbuild warns about (a computed `require`, a `require.resolve`) is printed, and the
 * archives are written only once the plugin has started and printed its port.
 */
const EXTERNAL: string[] = [];

/**
 * Runs plugin.js beside it with the node on PATH, once it is Node.js 20 or later. It resolves
 * its own folder through symlinks (a link on PATH to the installed file still finds plugin.js)
 * and with CDPATH unset; only sh built-ins besides node and readlink.
 */
export const LAUNCHER = `#!/bin/sh
# ${PLUGIN}: the gitlab-sources resource provider plugin for Pulumi, plugin.js beside this file.
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
found=$(node --version 2>/dev/null) || found=
case $found in
  v[2-9][0-9].* | v[1-9][0-9][0-9]*.*) ;;
  "")
    echo "${PLUGIN} needs Node.js 20 or later on PATH, and PATH has no node." >&2
    exit 127 ;;
  *)
    echo "${PLUGIN} needs Node.js 20 or later on PATH, and the node on PATH is $found." >&2
    exit 1 ;;
esac
exec node "$dir/plugin.js" "$@"
`;

/** The same for Windows, which runs a plugin's `.cmd` (Pulumi's getCandidateExtensions); CRLF line ends. */
export const CMD_LAUNCHER = `@echo off
rem ${PLUGIN}: the gitlab-sources resource provider plugin for Pulumi, plugin.js beside this file.
rem Needs Node.js 20 or later on PATH.
setlocal
set "found="
for /f "delims=" %%v in ('node --version 2^>nul') do set "found=%%v"
if not defined found (
  echo ${PLUGIN} needs Node.js 20 or later on PATH, and PATH has no node. 1>&2
  exit /b 9009
)
set "major="
for /f "tokens=1 delims=v." %%m in ("%found%") do set "major=%%m"
if %major% LSS 20 (
  echo ${PLUGIN} needs Node.js 20 or later on PATH, and the node on PATH is %found%. 1>&2
  exit /b 1
)
node "%~dp0plugin.js" %*
`.replace(/\n/g, "\r\n");

/** `standalone`: one executable with Node.js inside; `node`: the bundle and a launcher. */
export type Build = "standalone" | "node";

/** The executable's file name in an archive. */
export function executableName(platform: Platform, build: Build): string {
  if (platform.os !== "windows") return PLUGIN;
  return build === "standalone" ? `${PLUGIN}.exe` : `${PLUGIN}.cmd`;
}

/** What an archive holds, by build: the executable and beside it. */
export function archiveContents(platform: Platform, build: Build): string[] {
  return [executableName(platform, build), ...(build === "node" ? ["plugin.js"] : []), ...DOCUMENTS].sort();
}

/** esbuild's bundle of the built plugin into outFile; returns esbuild's warnings. */
export async function bundle(outFile: string): Promise<string[]> {
  if (!fs.existsSync(ENTRY)) throw new Error(`plugin archives: ${path.relative(repo, ENTRY)} is missing: run npm run build first`);
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    outfile: outFile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: EXTERNAL,
    sourcemap: false,
    legalComments: "eof",
    logLevel: "silent",
  });
  fs.chmodSync(outFile, 0o644);
  return (await esbuild.formatMessages(result.warnings, { kind: "warning", color: false })).map((w) => w.trim());
}

/**
 * The bundle as a single executable application of the node running this script (so for this
 * machine's platform only), written to outFile: Node's preparation blob with the bundle and
 * its V8 code cache, injected into a copy of node by postject. macOS requires the copy's
 * signature removed first and an ad-hoc one after; on Windows the copy stays unsigned.
 */
export async function standalone(bundleFile: string, outFile: string): Promise<void> {
  const node = process.execPath;
  if (!fs.readFileSync(node).includes(SEA_FUSE)) {
    throw new Error(`plugin archives: ${node} (Node.js ${process.version}) cannot make a single executable application (it lacks Node's SEA fuse): build with Node.js 20 or later from nodejs.org`);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "gitlab-sources-sea-"));
  try {
    const config = path.join(work, "sea-config.json");
    const blob = path.join(work, "sea-prep.blob");
    fs.writeFileSync(config, JSON.stringify({ main: bundleFile, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }));
    await run(node, ["--experimental-sea-config", config], { cwd: work });
    fs.copyFileSync(node, outFile);
    fs.chmodSync(outFile, 0o755);
    if (process.platform === "darwin") await run("codesign", ["--remove-signature", outFile]);
    // postject's own API (its CLI prints the ELF notes' warnings of a node built with debug info).
    const { inject } = require("postject") as { inject: (file: string, name: string, data: Buffer, options: object) => Promise<void> };
    await inject(outFile, "NODE_SEA_BLOB", fs.readFileSync(blob), {
      sentinelFuse: SEA_FUSE,
      ...(process.platform === "darwin" ? { machoSegmentName: "NODE_SEA" } : {}),
    });
    if (process.platform === "darwin") await run("codesign", ["--sign", "-", outFile]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export interface Archive {
  platform: Platform;
  build: Build;
  file: string;
  bytes: number;
}

export interface Archives {
  archives: Archive[];
  /** Sizes in bytes of plugin.js and of the standalone executable (when one was built). */
  bundleBytes: number;
  standaloneBytes?: number;
  warnings: string[];
}

/**
 * Writes the archives of `platforms` into outDir; with `standalone`, this machine's platform
 * gets the standalone executable. The executables this machine can run (the standalone one,
 * the sh launcher) must start and print their port first.
 */
export async function writeArchives(outDir: string, options: { platforms?: readonly Platform[]; standalone: boolean }): Promise<Archives> {
  const platforms = options.platforms ?? PLATFORMS;
  const host = hostPlatform();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "gitlab-sources-plugin-"));
  try {
    const bundleFile = path.join(work, "plugin.js");
    const warnings = await bundle(bundleFile);
    const result: Archives = { archives: [], bundleBytes: fs.statSync(bundleFile).size, warnings };
    fs.mkdirSync(outDir, { recursive: true });
    let launcherStarted = false;
    for (const platform of platforms) {
      const build: Build = options.standalone && platform === host ? "standalone" : "node";
      const stage = path.join(work, `${platform.os}-${platform.arch}`);
      fs.mkdirSync(stage);
      const executable = path.join(stage, executableName(platform, build));
      if (build === "standalone") {
        await standalone(bundleFile, executable);
        result.standaloneBytes = fs.statSync(executable).size;
      } else {
        fs.copyFileSync(bundleFile, path.join(stage, "plugin.js"));
        fs.writeFileSync(executable, platform.os === "windows" ? CMD_LAUNCHER : LAUNCHER, { mode: 0o755 });
      }
      for (const document of DOCUMENTS) {
        fs.copyFileSync(path.join(repo, document), path.join(stage, document));
        fs.chmodSync(path.join(stage, document), 0o644);
      }
      // The sh launcher is the same in every archive that has it: started once.
      if (build === "standalone" || (!launcherStarted && platform.os !== "windows" && process.platform !== "win32")) {
        await startsAndPrintsPort(executable);
        launcherStarted ||= build === "node";
      }
      const file = path.join(outDir, archiveName(platform));
      fs.rmSync(file, { force: true });
      await tar.create({ gzip: { level: 9 }, file, cwd: stage, portable: true, mtime: MTIME }, archiveContents(platform, build));
      result.archives.push({ platform, build, file, bytes: fs.statSync(file).size });
    }
    return result;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Runs the plugin as the engine does (from another folder, without the engine's address, which
 * it may do without) and waits for its first line, the port; then stops it. Throws with what it
 * printed when it exits first or takes longer than timeoutMs.
 */
export function startsAndPrintsPort(executable: string, options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(executable, [], { cwd: os.tmpdir(), env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`plugin archives: ${path.basename(executable)} ${why}:\n${stdout}${stderr}`));
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
