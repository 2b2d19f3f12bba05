/**
 * What a release's dist/ holds, named from the one version and checked before anything is
 * published: the npm tarball, the plugin archive of every platform (each with its executable,
 * the schema of this version, LICENSE and README.md at its top level), the Python wheel and
 * sdist, and SHA256SUMS over all of them (the format `sha256sum -c` reads).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tar from "tar";
import { archiveContents, executableName, type Build } from "./plugin-archives";
import { archiveName, PLATFORMS, repo, version } from "./project";

export const SUMS = "SHA256SUMS";

/** The files of a release of version v, SHA256SUMS aside. */
export function releaseFiles(v = version()): string[] {
  const python = "pulumi_gitlab_sources";
  return [
    `pulumi-gitlab-sources-${v}.tgz`,
    ...PLATFORMS.map((p) => archiveName(p, v)),
    `${python}-${v}-py3-none-any.whl`,
    `${python}-${v}.tar.gz`,
  ].sort();
}

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Writes dir/SHA256SUMS for every other file in dir. */
export function writeChecksums(dir: string): void {
  const files = fs.readdirSync(dir).filter((f) => f !== SUMS && fs.statSync(path.join(dir, f)).isFile()).sort();
  fs.writeFileSync(path.join(dir, SUMS), files.map((f) => `${sha256(path.join(dir, f))}  ${f}\n`).join(""));
}

/** The entries of a tar.gz archive: name, size and mode. */
export async function entries(file: string): Promise<{ path: string; size: number; mode: number }[]> {
  const found: { path: string; size: number; mode: number }[] = [];
  await tar.list({ file, onReadEntry: (e) => void found.push({ path: e.path, size: e.size ?? 0, mode: e.mode ?? 0 }) });
  return found;
}

/** One file's text from a tar.gz archive. */
export async function readEntry(file: string, name: string): Promise<string> {
  let text: string | undefined;
  await tar.list({
    file,
    onReadEntry: (e) => {
      if (e.path !== name) return e.resume();
      const chunks: Buffer[] = [];
      e.on("data", (c: Buffer) => chunks.push(c));
      e.on("end", () => (text = Buffer.concat(chunks).toString("utf8")));
    },
  });
  if (text === undefined) throw new Error(`${path.basename(file)} holds no ${name}`);
  return text;
}

/**
 * Problems with dir as a release of the working tree's version, one sentence each: a file
 * missing or extra, an archive holding other files than its executable (either build) and
 * documents, or another schema.json, a unix executable without its execute bits, a checksum
 * that does not match.
 */
export async function problems(dir: string): Promise<string[]> {
  const found: string[] = [];
  const expected = releaseFiles();
  const present = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f !== SUMS) : [];
  for (const f of expected) if (!present.includes(f)) found.push(`${f} is missing`);
  for (const f of present) if (!expected.includes(f)) found.push(`${f} is not a file of release ${version()}`);
  const schema = fs.readFileSync(path.join(repo, "schema.json"), "utf8");
  for (const platform of PLATFORMS) {
    const file = path.join(dir, archiveName(platform));
    if (!fs.existsSync(file)) continue;
    const listed = await entries(file);
    const names = listed.map((e) => e.path).sort();
    const build = (["standalone", "node"] as Build[]).find((b) => JSON.stringify(archiveContents(platform, b)) === JSON.stringify(names));
    if (!build) {
      found.push(`${path.basename(file)} holds ${names.join(", ")}, not ${archiveContents(platform, "standalone").join(", ")} or ${archiveContents(platform, "node").join(", ")}`);
      continue;
    }
    const executable = listed.find((e) => e.path === executableName(platform, build))!;
    if (platform.os !== "windows" && (executable.mode & 0o111) !== 0o111) found.push(`${path.basename(file)}: ${executable.path} is not executable (mode ${executable.mode.toString(8)})`);
    if ((await readEntry(file, "schema.json")) !== schema) found.push(`${path.basename(file)}: its schema.json is not the working tree's`);
  }
  const sums = path.join(dir, SUMS);
  if (!fs.existsSync(sums)) found.push(`${SUMS} is missing`);
  else {
    const listed = new Map(fs.readFileSync(sums, "utf8").trim().split("\n").map((line) => line.split(/\s+\*?/).reverse() as [string, string]));
    for (const f of present) if (listed.get(f) !== sha256(path.join(dir, f))) found.push(`${SUMS} does not give ${f}'s checksum`);
    for (const f of listed.keys()) if (!present.includes(f)) found.push(`${SUMS} lists ${f}, which is not there`);
  }
  return found;
}
