import { ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser } from "playwright-core";
import { signal, tree } from "./processes";

/**
 * `npm start` as a new user runs it in the checkout: the top-level Pulumi.yaml with the plugin
 * built from this checkout, `pulumi up` and the drift check on the embedded sandbox; then the
 * sandbox's pages in a real browser (Debian's chromium, headless, driven by playwright-core)
 * list exactly what the stack registered. It uses the checkout's own .sandbox/ folder.
 */
const repo = path.resolve(__dirname, "..", "..");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const started = new Set<ChildProcess>();
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does), or set CHROMIUM`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

afterAll(async () => {
  await browser?.close();
  for (const child of started) signal(tree(child.pid!), "SIGKILL");
});

interface Start {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** `npm start -- <args>` with the tier's CLI first on PATH, in a process group of its own (Ctrl-C reaches all of it). */
function npmStart(args: string[]): Start {
  const env = { ...process.env, PATH: [process.env.E2E_CLI_DIR, process.env.PATH].join(path.delimiter) };
  const child = spawn("npm", ["start", "--", ...args], { cwd: repo, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  started.add(child);
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (output += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (output += d));
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => (started.delete(child), resolve(code))));
  return { child, output: () => output, exit };
}

async function printed(start: Start, text: string, ms = 240_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!start.output().includes(text)) {
    if (start.child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not print ${JSON.stringify(text)}:\n${start.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What the stack holds, by kind, from `pulumi stack export` with the environment npm start printed. */
async function stackState(output: string) {
  const exported = /export PATH=(\S+):\$PATH PULUMI_BACKEND_URL=(\S+) PULUMI_CONFIG_PASSPHRASE=(\S+)/.exec(output)!;
  const env = { ...process.env, PULUMI_BACKEND_URL: exported[2], PULUMI_CONFIG_PASSPHRASE: exported[3], PULUMI_SKIP_UPDATE_CHECK: "true" };
  const { stdout } = await promisify(execFile)(path.join(exported[1], "pulumi"), ["stack", "export", "--stack", "sandbox"], { cwd: repo, env, maxBuffer: 1 << 24 });
  const resources: { type: string; outputs: Record<string, any> }[] = JSON.parse(stdout).deployment.resources;
  const of = (type: string) => resources.filter((r) => r.type === `gitlab-sources:${type}`).map((r) => r.outputs);
  return {
    dataSources: of("enos:GitLabDataSource").map((o) => [o.name, "GITLAB", o.gitUrl, o.description]),
    providers: of("torque:RepositoryProvider").map((o) => [o.name, o.type, o.baseUrl, o.repos.join(", ")]),
    repositories: of("torque:SpaceRepository").map((o) => [o.repositoryName, o.repositoryUrl, o.branch, o.status]),
    credentials: of("torque:GitCredential").map((o) => [o.name, o.description]),
  };
}

/** A table row as the page's DOM has it (the type-check has no DOM library). */
type Row = { children: ArrayLike<{ textContent: string | null }> };

/** The rows of a table of the page, each cell's text. */
async function rows(url: string, table: string): Promise<string[][]> {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    // Runs in the page: the cells of each row (`td` elements: the "none" row of an empty table has one).
    const cells = await page.$$eval(`#${table} tbody tr`, (trs) => trs.map((tr) => Array.from((tr as unknown as Row).children, (td) => td.textContent ?? "")));
    return cells.length === 1 && cells[0].length === 1 && cells[0][0] === "none" ? [] : cells;
  } finally {
    await page.close();
  }
}

function urls(output: string) {
  const url = (name: string) => new RegExp(`^  ${name}\\s+(http\\S+)$`, "m").exec(output)![1];
  return { torque: url("Torque"), enos: url("EnOS"), gitlab: url("GitLab") };
}

test("npm start: up, a clean drift check, and the sandbox's pages list exactly what the stack registered, until Ctrl-C", async () => {
  const start = npmStart([]);
  await printed(start, "The sandbox runs until Ctrl-C.");
  const output = start.output();
  expect(output).toMatch(/Resources:\n\s+\+ 6 created/);
  expect(output).toMatch(/Resources:\n\s+6 unchanged/);
  expect(output).toContain("npm start: up succeeded and the drift check is clean.");
  expect(output).not.toMatch(/warning/i);

  const state = await stackState(output);
  const { torque, enos, gitlab } = urls(output);
  const ds = await rows(enos, "data-sources");
  expect(ds.map((cells) => cells.slice(0, 4))).toEqual(state.dataSources);
  expect(ds.map((cells) => cells[4])).toEqual(["app:sandbox-app-key"]);
  expect((await rows(torque, "repository-providers")).map((cells) => cells.slice(0, 4))).toEqual(state.providers);
  const repositories = await rows(torque, "repositories-platform");
  expect(repositories.map(([name, url, branch, , , status]) => [name, url, branch, status]).sort()).toEqual(state.repositories.sort());
  expect(repositories.map((cells) => cells[6])).toEqual(["", ""]); // no sync errors
  const credentials = await rows(torque, "credentials-platform");
  expect(credentials.map(([name, , description]) => [name, description]).filter(([name]) => name !== "gitlab-demo-credential")).toEqual(state.credentials);
  expect((await rows(gitlab, "tokens")).map((cells) => cells.slice(0, 5))).toEqual([["pulumi-demo", "personal", "api, read_user, read_repository", "never", "active"]]);
  const requests = await rows(torque, "requests");
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.some(([method, p, status]) => method === "POST" && p === "/api/settings/repository_providers" && status === "201")).toBe(true);

  signal([-start.child.pid!], "SIGINT");
  await start.exit; // npm itself ends by the signal
  expect(start.output()).toContain("npm start: the sandbox stopped.");
  await expect(fetch(enos)).rejects.toThrow();
});

test("a second npm start -- --once starts a fresh stack cleanly and exits 0 after a clean drift check", async () => {
  const start = npmStart(["--once"]);
  expect(await start.exit).toBe(0);
  expect(start.output()).toContain("npm start: a fresh stack sandbox");
  expect(start.output()).toMatch(/Resources:\n\s+\+ 6 created/);
  expect(start.output()).toContain("npm start: up succeeded and the drift check is clean.");
});

test("--torque-sync=fail: up fails with Torque's message, and the page shows the repositories' sync errors", async () => {
  const start = npmStart(["--torque-sync=fail"]);
  await printed(start, "The sandbox runs until Ctrl-C.");
  expect(start.output()).toContain("npm start: pulumi up failed");
  expect(start.output()).toContain("the sandbox's --torque-sync=fail switch is on");
  const repositories = await rows(urls(start.output()).torque, "repositories-platform");
  expect(repositories.map((cells) => [cells[0], cells[5]]).sort()).toEqual([["infra", "Error"], ["models", "Error"]]);
  signal([-start.child.pid!], "SIGINT");
  expect(await start.exit).not.toBe(0);
});
