import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * Packs the package as a user gets it: a plain `npm pack` (whose `prepare` script builds
 * bin/) in a fresh copy of the working tree holding what a clone would (tracked and new
 * files, nothing ignored: no bin/), then installs the tarball into a program directory of
 * this test run (`test/.program/<run>`), where the tests' programs and provider hosts run,
 * as a user's project would install it; its dependencies resolve from the repository's
 * node_modules. Concurrent test runs pack one at a time.
 */
export default function globalSetup(): void {
  const tarball = withLock(path.join(root, "test", ".program", ".lock"), packFreshCopy);
  const programDir = fs.mkdtempSync(path.join(root, "test", ".program", "run-"));
  const target = path.join(programDir, "node_modules", "pulumi-gitlab-sources");
  fs.mkdirSync(target, { recursive: true });
  execFileSync("tar", ["xzf", tarball, "-C", target, "--strip-components=1"]);
  fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
  process.env.PULUMI_GITLAB_SOURCES_PROGRAM_DIR = programDir;
}

function packFreshCopy(): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "fresh-clone-"));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pack-"));
  try {
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const file of files) {
      const from = path.join(root, file);
      if (!fs.existsSync(from)) continue; // deleted in the working tree
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      fs.copyFileSync(from, path.join(copy, file));
    }
    fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"), "dir");
    execFileSync(npm, ["pack", "--silent", "--pack-destination", out], { cwd: copy, stdio: ["ignore", "ignore", "inherit"] });
    const [tarball] = fs.readdirSync(out).filter((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack in a fresh copy of ${root} produced no tarball`);
    const listing = execFileSync("tar", ["tzf", path.join(out, tarball)], { encoding: "utf8" });
    if (!listing.includes("package/bin/index.js")) throw new Error("npm pack in a fresh copy shipped no bin/index.js: the prepare script did not build the package");
    return path.join(out, tarball);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

function withLock<T>(lock: string, body: () => T): T {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} is held by another test run; remove it if no run is going on`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return body();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
