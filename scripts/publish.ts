/**
 * `npm run release:publish`: publishes dist/ (made by `npm run release`, its archives possibly
 * replaced by other platforms' standalone ones, see .github/workflows/release.yml):
 *
 * 1. SHA256SUMS written again for what dist/ now holds, and dist/ checked (scripts/dist.ts);
 * 2. npm: the tarball (`npm publish`, token in NODE_AUTH_TOKEN);
 * 3. PyPI: the wheel and the sdist (`twine check`, then `twine upload`, token in TWINE_PASSWORD);
 * 4. the GitHub release v<version> with every file of dist/ and the changelog's entry as notes
 *    (`gh`, token in GH_TOKEN);
 * 5. the Go module's tag sdk/go/v<version> on the commit released.
 *
 * Without `--publish` (as .ci/run runs it) it does all it can without publishing: the checks,
 * `npm publish --dry-run`, `twine check`, and it prints the commands it would run.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { problems, releaseFiles, writeChecksums, SUMS } from "./dist";
import { goModule, repo, version } from "./project";
import { toolsPython } from "./python-sdk";

const run = promisify(execFile);
const DIST = path.join(repo, "dist");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** The changelog's entry of version v, without its heading: the release notes. */
export function releaseNotes(v = version()): string {
  const text = fs.readFileSync(path.join(repo, "CHANGELOG.md"), "utf8");
  const entry = new RegExp(`^## ${v.replace(/\./g, "\\.")}\\n([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, "m").exec(text);
  if (!entry?.[1].trim()) throw new Error(`CHANGELOG.md has no entry for ${v}: write what changed for users before releasing`);
  return entry[1].trim();
}

async function main(publish: boolean): Promise<void> {
  const v = version();
  const tag = `v${v}`;
  if (publish && process.env.GITHUB_REF_NAME !== undefined && process.env.GITHUB_REF_NAME !== tag) {
    throw new Error(`release:publish: the tag is ${process.env.GITHUB_REF_NAME}, package.json says ${v}: tag v${v}, or set the version`);
  }
  writeChecksums(DIST);
  const found = await problems(DIST);
  if (found.length) throw new Error(`release:publish: dist/ is not a release of ${v}:\n${found.join("\n")}`);
  const notes = releaseNotes(v);
  const file = (name: string) => path.join(DIST, name);
  const npmTarball = file(`pulumi-gitlab-sources-${v}.tgz`);
  const python = releaseFiles(v).filter((f) => f.startsWith("pulumi_gitlab_sources-")).map(file);
  const say = (command: string[]) => console.log(`${publish ? "running" : "would run"}: ${command.join(" ")}`);

  // npm: a dry run packs and checks the tarball's manifest without the registry's write.
  const npmPublish = ["publish", npmTarball, "--access", "public", ...(publish ? [] : ["--dry-run"])];
  say([npm, ...npmPublish]);
  await run(npm, npmPublish, { cwd: repo, maxBuffer: 1 << 26, shell: process.platform === "win32" });

  // PyPI: twine checks the metadata PyPI renders (the README as the description).
  const twine = await toolsPython();
  await run(twine, ["-m", "twine", "check", "--strict", ...python], { maxBuffer: 1 << 26 });
  const upload = ["-m", "twine", "upload", "--non-interactive", ...python];
  say(["python", ...upload]);
  if (publish) await run(twine, upload, { env: { ...process.env, TWINE_USERNAME: "__token__" }, maxBuffer: 1 << 26 });

  // GitHub: the release page the CLI downloads the plugin from.
  const assets = fs.readdirSync(DIST).sort().map(file);
  if (!assets.some((a) => path.basename(a) === SUMS)) throw new Error(`release:publish: dist/ has no ${SUMS}`);
  const notesFile = path.join(os.tmpdir(), `pulumi-gitlab-sources-notes-${v}.md`);
  fs.writeFileSync(notesFile, `${notes}\n`);
  try {
    const release = ["release", "create", tag, ...assets, "--title", tag, "--notes-file", notesFile, "--verify-tag"];
    say(["gh", ...release]);
    if (publish) await run("gh", release, { cwd: repo, maxBuffer: 1 << 26 });
  } finally {
    fs.rmSync(notesFile, { force: true });
  }

  // Go: a module in a subfolder is released by a tag of that folder's path.
  const module = /^module (\S+)$/m.exec(fs.readFileSync(path.join(repo, "sdk", "go", "go.mod"), "utf8"))?.[1];
  if (module !== goModule()) throw new Error(`release:publish: sdk/go/go.mod is module ${module}, not ${goModule()}: run npm run schema and npm run sdk`);
  const goTag = `sdk/go/${tag}`;
  for (const command of [["tag", goTag, "HEAD"], ["push", "origin", goTag]]) {
    say(["git", ...command]);
    if (publish) await run("git", command, { cwd: repo });
  }
  console.log(publish ? `published ${v}` : `release:publish: dist/ is ready to publish as ${v} (dry run; --publish publishes)`);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--publish");
  if (unknown.length) {
    console.error(`release:publish: unknown argument ${unknown.join(" ")} (only --publish)`);
    process.exit(2);
  }
  main(args.includes("--publish")).catch((err: unknown) => {
    const e = err as { stderr?: string; message?: string };
    console.error([e.message, e.stderr].filter(Boolean).join("\n") || err);
    process.exit(1);
  });
}
