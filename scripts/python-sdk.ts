/**
 * The Python SDK's distributions (a wheel and an sdist) by PyPA's `python -m build`, and the
 * tools of its publication (twine), from a virtual environment of their own that this
 * script makes on first use with pinned versions from PyPI.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { repo } from "./project";

const run = promisify(execFile);
/** PyPA's builder and uploader, pinned: the venv is made again when they change. */
const TOOLS = ["build==1.3.0", "twine==6.2.0"];
const windows = process.platform === "win32";

/** The cache folder the project keeps its tools in (scripts/pulumi-cli.sh keeps the CLI there). */
function cacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-gitlab-sources");
}

/** The python of the tools' venv, made (with `python3`, or PYTHON) when missing or of other pins. */
export async function toolsPython(): Promise<string> {
  const venv = path.join(cacheDir(), "release-python");
  const python = path.join(venv, windows ? "Scripts" : "bin", windows ? "python.exe" : "python");
  const stamp = path.join(venv, "tools.txt");
  if (fs.existsSync(python) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === TOOLS.join("\n")) return python;
  fs.rmSync(venv, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  await run(process.env.PYTHON ?? (windows ? "python" : "python3"), ["-m", "venv", venv]);
  await run(python, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", ...TOOLS], { maxBuffer: 1 << 26 });
  fs.writeFileSync(stamp, TOOLS.join("\n"));
  return python;
}

/**
 * Builds sdk/python into outDir as a wheel and an sdist; returns their paths. It builds a copy
 * (setuptools writes build/ and egg-info beside the sources), with the repository's README.md,
 * which pyproject.toml names as the project's description, and LICENSE.
 */
export async function buildPythonSdk(outDir: string): Promise<string[]> {
  const python = await toolsPython();
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "gitlab-sources-python-"));
  try {
    fs.cpSync(path.join(repo, "sdk", "python"), copy, { recursive: true, filter: (src) => !/(__pycache__|\.egg-info|[\\/]build)$/.test(src) });
    for (const file of ["README.md", "LICENSE"]) fs.copyFileSync(path.join(repo, file), path.join(copy, file));
    const before = new Set(fs.existsSync(outDir) ? fs.readdirSync(outDir) : []);
    // An sdist, then the wheel built from it: the sdist is proved complete.
    await run(python, ["-m", "build", "--outdir", path.resolve(outDir), copy], { maxBuffer: 1 << 26 });
    return fs
      .readdirSync(outDir)
      .filter((f) => !before.has(f))
      .map((f) => path.join(outDir, f));
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}
