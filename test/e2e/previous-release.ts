/**
 * The previous release, built as it was released: from the commit CHANGELOG.md names for it,
 * by that commit's own scripts (`npm ci`, `npm pack`, `npm run plugin:release`), into a cache
 * folder kept between runs (~/.cache/pulumi-gitlab-sources/release-<version>-<commit>, or
 * under PULUMI_CLI_CACHE's parent), once and under a lock. What the upgrade scenarios need of
 * it: the npm tarball, the plugin archive of this platform, and its source tree's sdk/ and
 * examples/.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const repo = path.resolve(__dirname, "..", "..");

export interface PreviousRelease {
  version: string;
  commit: string;
  /** The npm tarball. */
  tarball: string;
  /** The plugin archive (0.1.0 made linux-amd64 only, its JavaScript with a sh launcher). */
  pluginArchive: string;
  /** Its source tree (without node_modules): sdk/python, examples/... */
  source: string;
}

/** The newest release before this one in CHANGELOG.md, and the commit it names. */
export function previousRelease(): { version: string; commit: string } {
  const entries = [...fs.readFileSync(path.join(repo, "CHANGELOG.md"), "utf8").matchAll(/^## (\S+)\n\n(?:Commit ([0-9a-f]{40}))?/gm)];
  const previous = entries[1];
  if (!previous?.[2]) throw new Error("CHANGELOG.md: the entry before the newest must start with `Commit <40 hex digits>`, the commit it was built from");
  return { version: previous[1], commit: previous[2] };
}

function cacheRoot(): string {
  const cli = process.env.PULUMI_CLI_CACHE;
  return cli ? path.dirname(cli) : path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-gitlab-sources");
}

/** Builds the previous release when the cache lacks it; about two minutes (its npm ci) the first time. */
export async function buildPreviousRelease(): Promise<PreviousRelease> {
  const { version, commit } = previousRelease();
  const dir = path.join(cacheRoot(), `release-${version}-${commit.slice(0, 12)}`);
  const release: PreviousRelease = {
    version,
    commit,
    tarball: path.join(dir, `pulumi-gitlab-sources-${version}.tgz`),
    pluginArchive: path.join(dir, `pulumi-resource-gitlab-sources-v${version}-linux-amd64.tar.gz`),
    source: path.join(dir, "source"),
  };
  const done = path.join(dir, "done");
  if (fs.existsSync(done)) return release;
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const lock = `${dir}.lock`;
  await acquire(lock);
  try {
    if (fs.existsSync(done)) return release;
    fs.rmSync(dir, { recursive: true, force: true });
    const work = path.join(dir, "work");
    fs.mkdirSync(work, { recursive: true });
    try {
      await run("git", ["cat-file", "-e", `${commit}^{commit}`], { cwd: repo });
    } catch {
      throw new Error(`commit ${commit} (release ${version}, CHANGELOG.md) is not in this clone: fetch the full history (git fetch --unshallow)`);
    }
    const archive = path.join(dir, "source.tar");
    await run("git", ["archive", "--format=tar", "-o", archive, commit], { cwd: repo });
    await run("tar", ["-xf", archive, "-C", work]);
    fs.rmSync(archive);
    const npm = { cwd: work, maxBuffer: 1 << 26 };
    await run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], npm);
    await run("npm", ["pack", "--silent", "--pack-destination", dir], npm);
    await run("npm", ["run", "plugin:release"], npm);
    fs.copyFileSync(path.join(work, "dist", path.basename(release.pluginArchive)), release.pluginArchive);
    fs.rmSync(path.join(work, "node_modules"), { recursive: true, force: true });
    fs.rmSync(path.join(work, "bin"), { recursive: true, force: true });
    fs.rmSync(path.join(work, "dist"), { recursive: true, force: true });
    fs.renameSync(work, release.source);
    for (const file of [release.tarball, release.pluginArchive]) if (!fs.existsSync(file)) throw new Error(`building release ${version} made no ${path.basename(file)}`);
    fs.writeFileSync(done, `${new Date().toISOString()}\n`);
    return release;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** A lock folder, waited for (another test run may be building the same release). */
async function acquire(lock: string): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} is held by another test run; remove it if no run is going on`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/**
 * The steps CHANGELOG.md gives users for upgrading a stack to this version, in `mode`, `when`:
 * the `pulumi ...` lines of the sh blocks under "### Upgrading a stack from <previous>" in the
 * newest entry, as CLI arguments. A block's info string may name one mode (`sh dynamic`,
 * `sh plugin`) and `before-up` for a step between installing the new release and the first
 * `pulumi up` with it; other steps come after that `up`. None: nothing but the new release.
 */
export function upgradeSteps(mode: "dynamic" | "plugin", when: "before-up" | "after-up"): string[][] {
  const text = fs.readFileSync(path.join(repo, "CHANGELOG.md"), "utf8");
  const newest = /^## \S+\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text)?.[1] ?? "";
  const section = /^### Upgrading a stack from \S+\n([\s\S]*?)(?=^### |(?![\s\S]))/m.exec(newest);
  if (!section) throw new Error("CHANGELOG.md: the newest entry needs a section \"### Upgrading a stack from <previous version>\" (\"Nothing to do\" when nothing is)");
  return [...section[1].matchAll(/^```sh((?: [\w-]+)*)\n([\s\S]*?)^```/gm)]
    .filter(([, info]) => {
      const words = info.trim().split(/\s+/).filter(Boolean);
      const unknown = words.filter((w) => !["dynamic", "plugin", "before-up"].includes(w));
      if (unknown.length) throw new Error(`CHANGELOG.md: a sh block of "Upgrading a stack" is marked ${unknown.join(" ")}: only dynamic, plugin, before-up`);
      const modes = words.filter((w) => w !== "before-up");
      return (modes.length === 0 || modes.includes(mode)) && words.includes("before-up") === (when === "before-up");
    })
    .flatMap(([, , body]) => body.split("\n").map((line) => line.trim()).filter((line) => line.startsWith("pulumi ")))
    .map((line) => line.split(/\s+/).slice(1));
}
