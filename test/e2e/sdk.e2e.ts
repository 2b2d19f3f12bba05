import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateSdks, SDK_LANGUAGES } from "../../scripts/sdk";

/**
 * sdk/python and sdk/go are what Pulumi's generators make of schema.json (sdk/gen), as
 * committed: regenerated into the run's folder, every file is the same and none is missing or
 * extra. Stale SDKs fail here; `npm run sdk` rewrites them.
 */
const repo = path.resolve(__dirname, "..", "..");

/** Every file under dir, by path relative to it, with its content. */
function files(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[]) {
    const file = path.join(dir, entry);
    if (fs.statSync(file).isFile()) found.set(entry.split(path.sep).join("/"), fs.readFileSync(file, "utf8"));
  }
  return found;
}

/** The files of the repository's sdk/<language> that git holds or would add (not what it ignores, such as a pip build). */
function committedFiles(language: string): Map<string, string> {
  const dir = path.join(repo, "sdk", language);
  const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z", "."], { cwd: dir, encoding: "utf8" });
  const found = new Map<string, string>();
  for (const entry of listed.split("\0").filter(Boolean)) {
    const file = path.join(dir, entry);
    if (fs.existsSync(file)) found.set(entry, fs.readFileSync(file, "utf8"));
  }
  return found;
}

test("the committed SDKs are those sdk/gen generates from schema.json (npm run sdk)", async () => {
  const started = Date.now();
  const out = fs.mkdtempSync(path.join(process.env.E2E_ROOT ?? os.tmpdir(), "sdk-"));
  await generateSdks(out);
  const stale: string[] = [];
  for (const language of SDK_LANGUAGES) {
    const committed = committedFiles(language);
    const generated = files(path.join(out, language));
    for (const [file, text] of generated) if (committed.get(file) !== text) stale.push(`sdk/${language}/${file}: ${committed.has(file) ? "differs" : "missing"}`);
    for (const file of committed.keys()) if (!generated.has(file)) stale.push(`sdk/${language}/${file}: not generated any more`);
  }
  if (stale.length) throw new Error(`the SDKs are stale, run npm run sdk:\n${stale.join("\n")}`);
  console.log(`sdk: regenerated and compared in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 600_000);
