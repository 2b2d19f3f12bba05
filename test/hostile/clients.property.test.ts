/**
 * Issue 13, item 9: the real clients (Torque, EnOS, the GitLab check) against a local server
 * answering with generated hostility. Whatever it answers: nothing is thrown at the process,
 * no HTTP call outlives its budget, every failure is one ProviderError sentence naming the API
 * and the endpoint or setting, and no credential appears in any message, although the server
 * echoes them back.
 */
import * as vm from "node:vm";
import fc from "fast-check";
import { Context, stackConfigContext, TransportSettings } from "../../provider/core/context";
import { ProviderError } from "../../provider/core/errors";
import { rememberSecret, safeText } from "../../provider/core/secrets";
import { EnosClient } from "../../provider/enos/client";
import { enosSettings, EnosSettings } from "../../provider/enos/settings";
import { checkGitLab, type PreflightResult } from "../../provider/gitlab/preflight";
import { HttpClient } from "../../provider/http/client";
import type { RetryPolicy } from "../../provider/http/retry";
import { credentialBody, TorqueClient } from "../../provider/torque/client";
import { torqueSettings, TorqueSettings } from "../../provider/torque/settings";
import { CREDENTIAL_ECHO, HostileServer, hostility, startHostileServer, type Hostility } from "./server";

const TIMEOUT_S = 0.25;
const MAX_MB = 1 / 16;
/** The retry policy the Torque and EnOS clients get here (GitLab's budget is its timeout). */
const RETRY: Partial<RetryPolicy> = { baseDelayMs: 5, maxDelayMs: 20, retryAfterCapMs: 50, totalMs: 2 * TIMEOUT_S * 1000 };
/** Timers fire late on a busy machine: what a call may take beyond its budget. */
const SLACK_MS = 750;
const RUNS = Number(process.env.HOSTILE_RUNS ?? 30);

let server: HostileServer;
let serial = 0;
/** Operations run by the current test (a property stops at its first counterexample). */
let runs = 0;
/** Every credential the provider was given or handed in this file. */
const secrets = new Set<string>();
/** jest hands each test file a copy of `process`; the one that ends the host on an uncaught error is the main context's. */
const realProcess = vm.runInThisContext("process") as NodeJS.Process;
const thrownAtProcess: unknown[] = [];
const onThrown = (err: unknown) => thrownAtProcess.push(err);
/** Each HTTP call: how long it took against what its client allows (the retry budget plus one more attempt), and the size of the body it returned against the cap. */
const calls: { api: string; path: string; ms: number; budgetMs: number; bytes: number; capBytes: number }[] = [];
const request = HttpClient.prototype.request;

function plausible(path: string, seed: number): string {
  const pick = <T>(choices: T[]): T => choices[seed % choices.length];
  const record = { dataSourceId: `ds-${seed}`, name: `n${seed}`, type: "GITLAB", connection: { gitUrl: "http://git/x/y" }, createTime: seed };
  if (path.includes("/apim-token-service/")) {
    const token = `access-${serial}-${seed}`;
    secrets.add(token);
    return JSON.stringify(pick([{ status: 0, msg: "OK", data: { accessToken: token, expire: 7200 } }, { stauts: 0, data: { accessToken: token, expire: 1 } }, { status: 1002, msg: CREDENTIAL_ECHO }, { code: 0, data: null }]));
  }
  if (path.includes("/data-sources")) {
    return JSON.stringify(
      pick([
        { code: 0, msg: "OK", data: { dataSourceId: `ds-${seed}` } },
        { code: 0, msg: "OK", data: [record, { ...record, dataSourceId: 7 }], pagination: { totalSize: seed % 250 } },
        { code: 0, data: record },
        { code: 0, data: { success: seed % 2 === 0, message: CREDENTIAL_ECHO } },
        { code: 1203, msg: "expired" },
        { code: 40401, msg: "none" },
        { code: 40001, msg: CREDENTIAL_ECHO },
      ]),
    );
  }
  if (path.includes("/personal_access_tokens/self")) {
    return JSON.stringify({ scopes: pick([["api", "read_user", "read_repository"], ["read_api"], "api"]), expires_at: pick([null, "2099-01-01", "2000-01-01", 5]), active: seed % 3 !== 0 });
  }
  if (path.includes("/api/v4/projects/")) return JSON.stringify(pick([{ archived: false }, { archived: true }, { message: CREDENTIAL_ECHO }]));
  if (path.includes("/repository_providers")) {
    return JSON.stringify(pick([`guid-${seed}`, { id: `guid-${seed}` }, [{ id: `guid-${seed}`, name: "p", type: "gitLabEnterprise", details: { base_url: "http://git/" } }, { id: 3 }], { errors: [{ message: CREDENTIAL_ECHO }] }]));
  }
  if (path.includes("/settings/credentialstore")) {
    return JSON.stringify(pick([{ name: `c${seed}`, description: "d", credential_data: { type: "gitlabEnterprise" } }, { name: 7 }, { errors: [{ message: CREDENTIAL_ECHO }] }, null]));
  }
  if (path.includes("/repositories")) {
    return JSON.stringify(pick([[{ name: "r", repository_url: "http://git/x", use_all_agents: true, status: "Connected" }, { name: "s" }], { errors: [{ message: CREDENTIAL_ECHO }] }, []]));
  }
  return "{}";
}

beforeAll(async () => {
  realProcess.on("uncaughtException", onThrown);
  realProcess.on("unhandledRejection", onThrown);
  server = await startHostileServer({ maxResponseBytes: MAX_MB * 2 ** 20, plausible });
  HttpClient.prototype.request = async function timed(this: HttpClient, req) {
    const started = Date.now();
    let bytes = 0;
    try {
      const res = await request.call(this, req);
      bytes = Buffer.byteLength(res.body);
      return res;
    } finally {
      const { timeoutMs = 30_000, retry, maxResponseBytes = Infinity } = this.options;
      calls.push({ api: this.options.api, path: req.path, ms: Date.now() - started, budgetMs: (retry?.totalMs ?? 60_000) + timeoutMs, bytes, capBytes: maxResponseBytes });
    }
  };
});

afterAll(async () => {
  HttpClient.prototype.request = request;
  realProcess.off("uncaughtException", onThrown);
  realProcess.off("unhandledRejection", onThrown);
  await server?.close();
});

afterEach(() => {
  expect(thrownAtProcess).toEqual([]);
  expect(calls.filter((c) => c.ms > c.budgetMs + SLACK_MS)).toEqual([]);
  expect(calls.filter((c) => c.bytes > c.capBytes)).toEqual([]);
  expect(calls.length).toBeGreaterThanOrEqual(runs); // every operation asks at least once
  calls.length = 0;
  runs = 0;
});

/** Stack config for run `n`: names no run shares, so that no cache answers in place of the server. */
let ctx: Context;
function configure(n: number): { gitlabToken: string } {
  const config: Record<string, string> = {
    "torque:url": `${server.url}/r${n}`,
    "torque:token": `torque-secret-${n}`,
    "torque:timeoutSeconds": String(TIMEOUT_S),
    "torque:onboardingTimeoutSeconds": String(TIMEOUT_S),
    "torque:maxResponseMegabytes": String(MAX_MB),
    "enos:apiGateway": server.url,
    "enos:orgId": `org-${n}`,
    "enos:appKey": `app-${n}`,
    "enos:appSecret": `enos-secret-${n}`,
    "enos:timeoutSeconds": String(TIMEOUT_S),
    "enos:maxResponseMegabytes": String(MAX_MB),
    "gitlab:timeoutSeconds": String(TIMEOUT_S),
    "gitlab:maxResponseMegabytes": String(MAX_MB),
  };
  ctx = stackConfigContext({ get: (key: string) => config[key] });
  const gitlabToken = `glpat-secret-${n}`;
  for (const secret of [config["torque:token"], config["enos:appSecret"], gitlabToken]) secrets.add(secret);
  // As the provider does with every secret input when it checks the inputs, before any call.
  rememberSecret(gitlabToken);
  return { gitlabToken };
}

/** The settings the provider reads, with a retry policy short enough for a test (the clients hand their transport settings on whole). */
function fast<T extends TorqueSettings | EnosSettings>(settings: T | { reason: string }): T {
  if ("reason" in settings) throw new Error(settings.reason);
  return { ...settings, transport: { ...settings.transport, retry: RETRY } as TransportSettings };
}

/** One sentence of ours, naming the API and where (a path, an action, a host or a setting), with no credential. */
function expectClear(message: string, api: RegExp): void {
  expect(message).not.toMatch(/\n|\r|\s{2}at /);
  expect(message).toMatch(/[.)]$/);
  expect(message).toMatch(api);
  expect(message).toMatch(/\/[\w%.-]+|action=\w+|127\.0\.0\.1:\d+|\b(torque|enos|gitlab):\w+|\b(baseUrl|gitUrl|token|repos\[\d+\])\b/);
  for (const secret of secrets) expect(message).not.toContain(secret);
}

/**
 * The outcome of an operation: a failure is one clear sentence; a success is judged against
 * what the server answered by `judge`, which names the claim no complete answer supports.
 */
async function expectOutcome<V>(operation: Promise<V>, api: RegExp, judge: (value: V) => string | undefined): Promise<void> {
  const outcome = await operation.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ("value" in outcome) {
    const unfounded = judge(outcome.value);
    if (unfounded) throw new Error(`a success the server never answered: ${unfounded}; the server answered ${JSON.stringify(server.exchanges)}`);
    return;
  }
  expect(outcome.error).toBeInstanceOf(ProviderError);
  expectClear((outcome.error as Error).message, api);
}

/** Whether a complete answer to a `method` request passes `says`. */
const answered = (method: string, says: (answer: { status: number; body: string; action?: string }) => boolean) =>
  server.exchanges.some((e) => e.method === method && e.answer !== undefined && says({ ...e.answer, action: new URLSearchParams(e.url.split("?")[1] ?? "").get("action") ?? undefined }));
/** undefined when the claim holds, else what was claimed. */
const claim = (holds: boolean, what: string) => (holds ? undefined : what);
const statusIn = (...statuses: number[]) => (a: { status: number }) => statuses.includes(a.status);

/** Torque's error shape `{"errors":[{"message"}...]}`: the only 404 that says an object is absent. */
function torqueShaped(body: string): boolean {
  try {
    const value = JSON.parse(body) as { errors?: unknown };
    return Array.isArray(value.errors) && value.errors.every((e) => typeof (e as { message?: unknown } | null)?.message === "string");
  } catch {
    return false;
  }
}

/** An EnOS answer to `action` with a 2xx status and one of `codes` in its envelope. */
const enosSaid = (action: string, ...codes: number[]) =>
  answered("POST", (a) => {
    if (a.action !== action || a.status < 200 || a.status > 299) return false;
    try {
      return codes.includes((JSON.parse(a.body) as { code?: unknown }).code as number);
    } catch {
      return false;
    }
  });

const script = fc.array(hostility(TIMEOUT_S * 1000), { minLength: 1, maxLength: 6 });
const property = <T>(operation: fc.Arbitrary<T>, run: (op: T, n: number) => Promise<void>, examples: [Hostility[], T][] = []) =>
  fc.assert(
    fc.asyncProperty(script, operation, async (answers, op) => {
      const n = ++serial;
      runs++;
      server.play(answers);
      await run(op, n);
    }),
    { numRuns: RUNS, examples },
  );

const TORQUE_OPERATIONS = [
  "listProviders", "createProvider", "updateProvider", "deleteProvider",
  "createSpaceRepository", "listSpaceRepositories", "updateSpaceRepository", "deleteSpaceRepository",
  "createCredential", "getCredential", "updateCredential", "deleteCredential",
] as const;
type TorqueOperation = (typeof TORQUE_OPERATIONS)[number];

/**
 * Run `n`'s Torque operations, each resolving to the claim of its success that no answer
 * supports (undefined when one does). Only a 404 in Torque's error shape says an object is not there.
 */
function torqueOperations(n: number): Record<TorqueOperation, () => Promise<string | undefined>> {
  const absent = (a: { status: number; body: string }) => a.status === 404 && torqueShaped(a.body);
  const { gitlabToken } = configure(n);
  const torque = new TorqueClient(fast<TorqueSettings>(torqueSettings(ctx)));
  const provider = { name: `p${n}`, type: "gitLabEnterprise" as const, details: { token: gitlabToken, base_url: "http://git/" }, repos: [] };
  const credential = credentialBody("space", `c${n}`, "hostile", gitlabToken);
  const repository = { repository_name: `r${n}`, repository_url: "http://git/x", token: gitlabToken, branch: "main", credential_name: `r${n}-token`, use_all_agents: true, agents: [], eac_auto_registration: false };
  const gone = (what: string) => claim(answered("DELETE", (a) => statusIn(200, 202, 204)(a) || absent(a)), `${what} deleted`);
  const listed = (what: string) => claim(answered("GET", statusIn(200)), `${what} listed`);
  const written = (method: string, what: string) => claim(answered(method, statusIn(200, 201, 202, 204)), what);
  return {
    listProviders: () => torque.listProviders(true).then(() => listed("providers")),
    createProvider: () => torque.createProvider(provider).then((id) => written("POST", `provider ${id} created`)),
    updateProvider: () => torque.updateProvider("guid-1", provider).then(() => written("PUT", "provider updated")),
    deleteProvider: () => torque.deleteProvider("guid-1").then(() => gone("provider")),
    createSpaceRepository: () => torque.createSpaceRepository("space", repository).then(() => written("POST", "repository created")),
    listSpaceRepositories: () => torque.listSpaceRepositories("space", true).then(() => listed("repositories")),
    updateSpaceRepository: () => torque.updateSpaceRepository("space", "r", { credential_name: "stored", agents: [], use_all_agents: true }).then(() => written("PUT", "repository updated")),
    deleteSpaceRepository: () => torque.deleteSpaceRepository("space", "r").then(() => gone("repository")),
    createCredential: () => torque.createCredential(credential).then(() => written("POST", "credential created")),
    getCredential: () =>
      torque.getCredential("space", `c${n}`).then((found) =>
        found ? claim(answered("GET", statusIn(200)), "credential read") : claim(answered("GET", absent), "credential absent"),
      ),
    updateCredential: () => torque.updateCredential(credential).then(() => written("PUT", "credential updated")),
    deleteCredential: () => torque.deleteCredential("space", `c${n}`).then(() => gone("credential")),
  };
}

/**
 * A 404 that is not in Torque's error shape (an HTML page from a wrong URL prefix, an empty
 * body) never counts as "deleted" or "not there" (issue 22, item 7): examples make sure such
 * answers are met by every operation that could take them so; the random scripts meet them now and then.
 */
const notTorques404: Hostility[] = [
  { kind: "answer", status: 404, contentType: "text/html", body: { text: "<html><body>Not Found</body></html>" }, gzip: false },
  { kind: "answer", status: 404, body: { text: "" }, gzip: false },
];
/** An empty list, for the provider delete that lists after a 404. */
const emptyList: Hostility = { kind: "answer", status: 200, contentType: "application/json", body: { text: "[]" }, gzip: false };
const torqueExamples = (["deleteProvider", "deleteSpaceRepository", "deleteCredential", "getCredential"] as const).flatMap((op) =>
  notTorques404.map((answer): [Hostility[], TorqueOperation] => [[answer, emptyList], op]),
);

test("Torque client: every failure is one clear sentence; every success follows an answer that says so", () =>
  property(
    fc.constantFrom(...TORQUE_OPERATIONS),
    async (op, n) => {
      await expectOutcome(torqueOperations(n)[op](), /Torque/, (unfounded) => unfounded);
    },
    torqueExamples,
  ));

/** A token, then a success envelope under an error status: no success (the random scripts meet it rarely). */
const successEnvelopeUnder = (status: number): Hostility[] => [
  { kind: "answer", status: 200, body: { plausible: 0 }, gzip: false },
  { kind: "answer", status, body: { plausible: 0 }, gzip: false },
];
const enosExamples: [Hostility[], "create" | "delete"][] = [[successEnvelopeUnder(409), "create"], [successEnvelopeUnder(400), "delete"]];

test("EnOS client: every failure is one clear sentence; every success follows an answer that says so", () =>
  property(fc.constantFrom("create", "get", "list", "update", "delete", "test"), async (op, n) => {
    const { gitlabToken } = configure(n);
    const enos = new EnosClient(fast<EnosSettings>(enosSettings(ctx)));
    const body = { description: "d", connection: { gitUrl: "http://git/x/y", token: gitlabToken } };
    const operations = {
      create: () => enos.create({ name: `ds_${n}`, type: "GITLAB", ...body }).then((id) => claim(enosSaid("create", 0), `data source ${id} created`)),
      get: () => enos.get("ds-1").then((found) => (found ? claim(enosSaid("get", 0), "data source read") : claim(enosSaid("get", 40401), "data source absent"))),
      list: () => enos.list().then(() => claim(enosSaid("search", 0), "data sources listed")),
      update: () => enos.update("ds-1", body).then(() => claim(enosSaid("update", 0), "data source updated")),
      delete: () => enos.delete("ds-1").then(() => claim(enosSaid("delete", 0, 40401), "data source deleted")),
      test: () => enos.test("http://git/x/y", gitlabToken).then(() => claim(enosSaid("test", 0), "connection tested")),
    };
    await expectOutcome(operations[op](), /EnOS/, (unfounded) => unfounded);
  }, enosExamples));

test("GitLab connectivity check", () =>
  property(fc.constantFrom("torque" as const, "enos" as const), async (target, n) => {
    configure(n);
    const token = `glpat-check-${n}`;
    secrets.add(token);
    const root = `${server.url}/gl${n}`;
    const result: PreflightResult = await checkGitLab(ctx, { roots: [root, `${root}/sub`], rootProperty: "baseUrl", token, projects: [{ url: `${root}/group/project`, property: "repos[0]" }], target, full: true });
    // Verdicts leave the provider through safeText (check failures, warnings in the log), as errors do when made.
    for (const failure of result.failures) expectClear(safeText(failure.reason), /GitLab|token|baseUrl|repos\[0\]/);
    for (const warning of result.warnings) for (const secret of secrets) expect(safeText(warning)).not.toContain(secret);
  }));
