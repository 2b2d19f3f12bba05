import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Builds and packs the package, then installs the tarball into `test/.program`, the
 * directory the tests' programs and provider hosts run in, as a user's project would
 * install it. Its dependencies resolve from the repository's node_modules.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, "..", "..");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  execFileSync(npm, ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pack-"));
  const packed = JSON.parse(execFileSync(npm, ["pack", "--json", "--pack-destination", tmp], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  const target = path.join(root, "test", ".program", "node_modules", "pulumi-gitlab-sources");
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  execFileSync("tar", ["xzf", path.join(tmp, packed[0].filename), "-C", target, "--strip-components=1"]);
  fs.rmSync(tmp, { recursive: true, force: true });
}
