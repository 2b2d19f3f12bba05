/**
 * Programs that run themselves as Automation API inline programs (examples/python,
 * examples/go; their language hosts cannot be had here), driving the CLI of
 * scripts/pulumi-cli.sh in a Project's folder and environment.
 */
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Project } from "./cli";

const exec = promisify(execFile);

function root(): string {
  const value = process.env.E2E_ROOT;
  if (!value) throw new Error("E2E_ROOT is not set: run through jest -c jest.e2e.config.js");
  return value;
}

/** A Pulumi installation as the Automation API takes one (`<root>/bin/pulumi`): the CLI's folder linked as bin. */
export function pulumiRoot(): string {
  const dir = fs.mkdtempSync(path.join(root(), "pulumi-root-"));
  fs.symlinkSync(process.env.E2E_CLI_DIR!, path.join(dir, "bin"));
  return dir;
}

/**
 * A new venv in the run's folder, `name`, with these pip requirements installed; returns its
 * python. The venv gets no pip of its own when python3's pip can install into it (--python,
 * pip 22.3 and later): ensurepip alone takes seconds.
 */
export async function pythonVenv(name: string, requirements: string[]): Promise<string> {
  const venv = fs.mkdtempSync(path.join(root(), `${name}-`));
  const python = path.join(venv, "bin", "python");
  const outerPip = await exec("python3", ["-m", "pip", "--python", "python3", "--version"]).then(() => true, () => false);
  await exec("python3", ["-m", "venv", ...(outerPip ? ["--without-pip"] : []), venv]);
  await pipInstall(python, requirements);
  return python;
}

/** `pip install` into the venv of this python (a path, a wheel or a requirement each). */
export async function pipInstall(python: string, requirements: string[]): Promise<void> {
  const outerPip = await exec("python3", ["-m", "pip", "--python", "python3", "--version"]).then(() => true, () => false);
  const pip = outerPip ? ["python3", "-m", "pip", "--python", python] : [python, "-m", "pip"];
  await exec(pip[0], [...pip.slice(1), "install", "--disable-pip-version-check", "--no-input", "--quiet", "--no-compile", ...requirements], { maxBuffer: 1 << 26 });
}

/** The requirements of a Python program's requirements.txt that come from PyPI (its local paths left out). */
export function pythonRequirements(folder: string): string[] {
  return fs
    .readFileSync(path.join(folder, "requirements.txt"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#") && !line.startsWith("."));
}

export interface ProgramRun {
  args: string[];
  code: number | null;
  output: string;
  /** The program's last line, `summary: {...}`: operations and their counts. */
  summary: Record<string, number>;
  ms: number;
}

/** Runs the program (`command`, then `args`) in the project's folder, in the project's CLI environment. */
export function runProgram(project: Project, command: string[], args: string[], pulumi: string, env: Record<string, string> = {}): Promise<ProgramRun> {
  const started = Date.now();
  const [file, ...rest] = command;
  const child = spawn(file, [...rest, ...args], {
    cwd: project.dir,
    env: { ...project.environment(), PULUMI_COMMAND_ROOT: pulumi, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const line = /^summary: (.*)$/m.exec(output);
      const result = { args, code, output, summary: line ? JSON.parse(line[1]) : {}, ms: Date.now() - started };
      if (process.env.E2E_VERBOSE === "1") console.log(`${project.name}: ${args.join(" ")}\n${output}`);
      resolve(result);
    });
  });
}

export function expectOk(run: ProgramRun): void {
  if (run.code !== 0) throw new Error(`program ${run.args.join(" ")} exited ${run.code}, expected success:\n${run.output}`);
}
