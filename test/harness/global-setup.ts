import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * Builds and packs the package, then installs the tarball into a program directory of this
 * test run (`test/.program/<run>`), where the tests' programs and provider hosts run, as a
 * user's project would install it; its dependencies resolve from the repository's
 * node_modules. Concurrent test runs build and pack one at a time.
 */
export default function globalSetup(): void {
  const tarball = withLock(path.join(root, "test", ".program", ".lock"), () => {
    execFileSync(npm, ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pack-"));
    const packed = JSON.parse(execFileSync(npm, ["pack", "--json", "--pack-destination", tmp], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    return path.join(tmp, packed[0].filename as string);
  });
  const programDir = fs.mkdtempSync(path.join(root, "test", ".program", "run-"));
  const target = path.join(programDir, "node_modules", "pulumi-gitlab-sources");
  fs.mkdirSync(target, { recursive: true });
  execFileSync("tar", ["xzf", tarball, "-C", target, "--strip-components=1"]);
  fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
  process.env.PULUMI_GITLAB_SOURCES_PROGRAM_DIR = programDir;
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
