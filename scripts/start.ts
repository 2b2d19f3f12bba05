/**
 * `npm start`: the main job on the embedded sandbox. Builds what is stale (bin/, then the plugin
 * into .sandbox/plugin, where Pulumi.yaml points), starts the sandbox on free ports, gets a
 * `pulumi` CLI (PATH, else scripts/pulumi-cli.sh), runs `pulumi up` of the top-level Pulumi.yaml
 * in the stack `sandbox` (state in .sandbox/state), then the nightly drift check, and says where
 * to look. Keeps the sandbox up until Ctrl-C; `npm start -- --once` exits (for CI).
 */
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs, promisify } from "node:util";
import { seedDemo, startSandbox, type Sandbox } from "../test/sandbox";
import { sandboxConfig, stackConfig, type SandboxConfig } from "../test/sandbox/config";
import { syncSetting, SYNC_USAGE } from "../test/sandbox/sync";
import { writeArchives } from "./plugin-archives";
import { hostPlatform } from "./project";

const repo = path.resolve(__dirname, "..");
export const WORK = path.join(repo, ".sandbox");
export const PLUGIN_DIR = path.join(WORK, "plugin");
const STATE = path.join(WORK, "state");
export const STACK = "sandbox";
/** The stack's secrets are the sandbox's demo values: a fixed passphrase, said where to look. */
const PASSPHRASE = "sandbox";

const run = promisify(execFile);

function say(line: string): void {
  process.stderr.write(process.stderr.isTTY ? `\x1b[1m${line}\x1b[0m\n` : `${line}\n`);
}

/** Newest modification time of the files under `folder` that `keep` accepts (0 when none). */
function newest(folder: string, keep: (file: string) => boolean = () => true): number {
  if (!fs.existsSync(folder)) return 0;
  if (fs.statSync(folder).isFile()) return fs.statSync(folder).mtimeMs;
  const files = (fs.readdirSync(folder, { recursive: true, encoding: "utf8" }) as string[]).filter(keep);
  return Math.max(0, ...files.map((file) => fs.statSync(path.join(folder, file)).mtimeMs));
}

/** bin/ from provider/ (tsc), and the plugin as released (bundled), when older than their sources. */
async function build(): Promise<void> {
  const sources = Math.max(newest(path.join(repo, "provider"), (f) => f.endsWith(".ts") && !f.endsWith(".test.ts")), newest(path.join(repo, "tsconfig.json")), newest(path.join(repo, "tsconfig.build.json")));
  const main = path.join(repo, "bin", "plugin", "main.js");
  if (newest(main) < sources) {
    say("npm start: building bin/ (tsc) ...");
    await run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(repo, "tsconfig.build.json")], { cwd: repo });
  }
  const bundle = path.join(PLUGIN_DIR, "plugin.js");
  if (newest(bundle) < Math.max(newest(main), newest(path.join(repo, "schema.json")))) {
    say(`npm start: bundling the plugin into ${path.relative(repo, PLUGIN_DIR)}/ ...`);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "gitlab-sources-start-"));
    try {
      const host = hostPlatform();
      if (!host) throw new Error(`npm start: no plugin archive is made for ${process.platform}-${process.arch}`);
      const tarball = (await writeArchives(out, { platforms: [host], standalone: false })).archives[0].file;
      fs.rmSync(PLUGIN_DIR, { recursive: true, force: true });
      fs.mkdirSync(PLUGIN_DIR, { recursive: true });
      await run("tar", ["-xzf", tarball, "-C", PLUGIN_DIR]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }
}

/** The folder holding `pulumi` and its YAML language host: the user's, else the one scripts/pulumi-cli.sh provides. */
async function pulumiFolder(): Promise<string> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    if (!isExecutable(path.join(dir, "pulumi"))) continue;
    const yamlHost = isExecutable(path.join(dir, "pulumi-language-yaml")) || (process.env.PATH ?? "").split(path.delimiter).some((d) => isExecutable(path.join(d, "pulumi-language-yaml")));
    if (yamlHost) return dir;
    break;
  }
  say("npm start: no pulumi with its YAML language host on PATH: scripts/pulumi-cli.sh provides one (a first build takes minutes) ...");
  const cli = spawn("bash", [path.join(repo, "scripts", "pulumi-cli.sh")], { stdio: ["ignore", "pipe", "inherit"] });
  let printed = "";
  cli.stdout.setEncoding("utf8").on("data", (d: string) => (printed += d));
  const code = await exited(cli);
  if (code !== 0) throw new Error("scripts/pulumi-cli.sh could not provide the pulumi CLI (see above); install Pulumi (https://www.pulumi.com/docs/install/) and run npm start again.");
  return printed.trim();
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function exited(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export interface Cli {
  env: NodeJS.ProcessEnv;
  /** Runs `pulumi <args>` in the checkout, its output on this terminal; resolves to its exit code. */
  pulumi(args: string[], options?: { quiet?: boolean }): Promise<number>;
}

let running = 0;

function cliIn(folder: string): Cli {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [folder, process.env.PATH].filter(Boolean).join(path.delimiter),
    PULUMI_BACKEND_URL: `file://${STATE}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // The sandbox is on loopback: never through a proxy of the caller's environment.
    NO_PROXY: ["127.0.0.1", "localhost", process.env.NO_PROXY].filter(Boolean).join(","),
  };
  return {
    env,
    async pulumi(args, { quiet = false } = {}) {
      running++;
      try {
        const child = spawn(path.join(folder, "pulumi"), args, { cwd: repo, env, stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"] });
        return await exited(child);
      } finally {
        running--;
      }
    },
  };
}

/** A fresh stack: the last run's registrations went away with its sandbox, so its state describes nothing that exists. */
async function freshStack(cli: Cli, config: SandboxConfig): Promise<void> {
  const had = fs.existsSync(STATE);
  fs.rmSync(STATE, { recursive: true, force: true });
  fs.rmSync(path.join(repo, `Pulumi.${STACK}.yaml`), { force: true });
  fs.mkdirSync(STATE, { recursive: true });
  if (had) say(`npm start: a fresh stack ${STACK} (the last one's registrations went with its sandbox)`);
  if ((await cli.pulumi(["stack", "init", STACK], { quiet: true })) !== 0) throw new Error(`pulumi stack init ${STACK} failed`);
  const { plain, secret } = stackConfig(config);
  const args = ["config", "set-all", "--stack", STACK];
  for (const [key, value] of Object.entries(plain)) args.push("--plaintext", `${key}=${value}`);
  for (const [key, value] of Object.entries(secret)) args.push("--secret", `${key}=${value}`);
  if ((await cli.pulumi(args, { quiet: true })) !== 0) throw new Error("pulumi config set-all failed");
}

/** `stopping`: why the sandbox stops now, if it does. */
function whereToLook(sandbox: Sandbox, cli: Cli, stopping: string | undefined): string {
  const cliDir = cli.env.PATH!.split(path.delimiter)[0];
  return [
    "",
    "What the stack registered, as the vendors' consoles would show it:",
    `  Torque  ${sandbox.torque.url}/`,
    `  EnOS    ${sandbox.enos.url}/`,
    `  GitLab  ${sandbox.gitlab.url}/`,
    "The stack, from another terminal in this folder:",
    `  export PATH=${cliDir}:$PATH PULUMI_BACKEND_URL=${cli.env.PULUMI_BACKEND_URL} PULUMI_CONFIG_PASSPHRASE=${PASSPHRASE}`,
    `  pulumi stack --stack ${STACK}; pulumi preview --refresh --expect-no-changes --stack ${STACK}`,
    stopping ? `(${stopping}: the sandbox stops now.)` : "The sandbox runs until Ctrl-C.",
  ].join("\n");
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { once: { type: "boolean", default: false }, "torque-sync": { type: "string" }, help: { type: "boolean", default: false } } });
  if (values.help) {
    console.log(`npm start [-- --once] [-- --torque-sync=slow[:seconds]|fail]\n  --once: exit after the drift check (for CI)\n  ${SYNC_USAGE}`);
    return 0;
  }
  const sync = syncSetting(values["torque-sync"]);
  const started = Date.now();
  const [folder] = await Promise.all([pulumiFolder(), build()]);
  const cli = cliIn(folder);
  const sandbox = await startSandbox();
  let interrupted = false;
  const stopped = new Promise<void>((resolve) => {
    process.on("SIGINT", () => {
      interrupted = true;
      if (running === 0) resolve(); // else the CLI, which got the same Ctrl-C, finishes first
    });
    process.on("SIGTERM", () => resolve());
  });
  try {
    await freshStack(cli, sandboxConfig(sandbox, seedDemo(sandbox)));
    if (sync) sandbox.torque.setSync(sync);
    say(`npm start: ready in ${((Date.now() - started) / 1000).toFixed(1)} s; pulumi up of Pulumi.yaml, stack ${STACK}, against the sandbox`);
    const up = await cli.pulumi(["up", "--yes", "--stack", STACK]);
    let drift = 1;
    if (up === 0 && !interrupted) {
      say("npm start: the nightly drift check, pulumi preview --refresh --expect-no-changes");
      drift = await cli.pulumi(["preview", "--refresh", "--expect-no-changes", "--stack", STACK]);
    }
    const code = up !== 0 ? up : drift;
    say(code === 0 ? "npm start: up succeeded and the drift check is clean." : `npm start: ${up !== 0 ? "pulumi up" : "the drift check"} failed (exit ${code}).`);
    process.stderr.write(`${whereToLook(sandbox, cli, interrupted ? "Ctrl-C" : values.once ? "--once" : undefined)}\n`);
    if (interrupted) return 130; // Ctrl-C during the run
    if (!values.once) await stopped;
    return code;
  } finally {
    await sandbox.close();
    if (!values.once) say("npm start: the sandbox stopped.");
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
