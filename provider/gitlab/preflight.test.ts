/**
 * The preview-time GitLab connectivity test: `torque:RepositoryProvider` and
 * `enos:GitLabDataSource` checked as a preview checks them, against the local sandbox. Every
 * outcome is a check failure on the property at fault, or a warning in the provider's log.
 * The checks run in this process, each preview in a fresh module registry (a fresh provider
 * process: empty caches); what depends on the host (its diagnostics, an up, the checkpoint)
 * runs through the real provider host.
 */
import * as crypto from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { UNKNOWN } from "../../test/harness/host";
import type { Declaration, OperationResult, Stack } from "../../test/harness/stack";
import { previewChecks, type Checked } from "../../test/support/inProcess";
import { loopbackFetch } from "../../test/sandbox/enos-probe";
import { startEnos, startGitLab, type EnosServer, type GitLabServer, type GitLabTokenSpec } from "../../test/sandbox";
import { leakedSecrets, useSandbox } from "../../test/support/fixture";

const fx = useSandbox();

const FULL_SCOPES = ["api", "read_user", "read_repository"];
/** Every GitLab token a test made: none may appear in any output. */
const tokens: string[] = [];
let serial = 0;

const gitlab = (): GitLabServer => fx.sandbox.gitlab;
const enos = (): EnosServer => fx.sandbox.enos;

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

/** A new token in a sandbox GitLab (default: all EnOS scopes, expiring in a year). */
function token(spec: Partial<GitLabTokenSpec> = {}, server: GitLabServer = gitlab()): string {
  const value = `glpat-pf${++serial}-${crypto.randomBytes(8).toString("hex")}`;
  server.addToken({ token: value, scopes: FULL_SCOPES, expiresAt: day(365), userId: 1, ...spec });
  tokens.push(value);
  return value;
}

/** A new project (default: private, the sandbox user 1 a member); returns its full path. */
function project(spec: { archived?: boolean; members?: number[]; visibility?: "public" | "internal" | "private" } = {}, server: GitLabServer = gitlab()): string {
  const path = `team${++serial}/sub/app${serial}`;
  server.addProject({ path, visibility: "private", members: [1], ...spec });
  return path;
}

const unique = (prefix: string) => `${prefix}${++serial}`;

interface TorqueArgs {
  baseUrl?: unknown;
  token: unknown;
  repos?: unknown[];
  preflight?: string;
}

function torque(name: string, args: TorqueArgs, base = `${gitlab().url}/`): Declaration {
  const { token: t, ...rest } = args;
  // The name the resource class gives it: the resource's own.
  return { kind: "torque:RepositoryProvider", name, args: { name, baseUrl: base, repos: [], ...rest, token: secret(t) } };
}

function dataSource(name: string, args: { gitUrl: unknown; token: unknown; preflight?: string }): Declaration {
  return { kind: "enos:GitLabDataSource", name, args: { ...args, token: secret(args.token), name } };
}

/** Tokens are given as secrets, as a program would (`pulumi.secret` or `config.requireSecret`). */
function secret(value: unknown): unknown {
  return typeof value === "string" ? { $secret: value } : value;
}

const repo = (path: string, server: GitLabServer = gitlab()) => `${server.url}/${path}`;

/** Asserts no token leaked into anything the operation produced, and returns it. */
function clean<R extends OperationResult | Checked>(result: R, stack?: Stack): R {
  const haystacks = "hostStderr" in result ? [JSON.stringify(result.errors), JSON.stringify(result.programErrors), result.hostStdout, result.hostStderr] : [JSON.stringify(result.failures), ...result.warnings];
  if (stack) haystacks.push(stack.checkpoint());
  expect(leakedSecrets(haystacks, tokens)).toEqual([]);
  return result;
}

/** The checks of a preview of `program` in a fresh provider process; `olds`: inputs in state. */
async function preview(program: Declaration[], config: Record<string, string> = {}, olds: Checked["inputs"] = {}): Promise<Checked> {
  return clean(await previewChecks(program, { ...fx.config(), ...config }, olds));
}

/** The check failures of the resource declared under `name`. */
function failuresOf(result: Checked, name: string) {
  return result.failures[name] ?? [];
}

/** The one failure of resource `name`: on `property`, one line; returns its reason. */
function failure(result: Checked, name: string, property: string): string {
  const failures = failuresOf(result, name);
  expect(failures).toEqual([{ property, reason: expect.any(String) }]);
  expect(failures[0].reason).not.toMatch(/\n/);
  return failures[0].reason;
}

function noFailures(result: Checked): void {
  expect(result.failures).toEqual({});
}

/** The provider's warnings: in the host, its stderr, which Pulumi shows as diagnostics. */
function warnings(result: Checked | OperationResult): string[] {
  const lines = "hostStderr" in result ? result.hostStderr.split("\n") : result.warnings;
  return lines.filter((line) => /^warning: /.test(line));
}

function hostOk(result: OperationResult): void {
  expect(result.errors).toEqual([]);
  expect(result.programErrors).toEqual([]);
}

const tokenRequests = (server: GitLabServer = gitlab()) => server.count({ path: "/personal_access_tokens/self" });
const projectRequests = (server: GitLabServer = gitlab()) => server.count({ path: "/projects/" });
const enosTests = () => enos().requests.filter((r) => r.query.action === "test").length;

beforeEach(() => {
  gitlab().resetLog();
  enos().resetLog();
});

afterEach(() => {
  gitlab().faults.clear();
  enos().testOverride = undefined;
});

describe("valid token and projects", () => {
  test("no failure; Torque warns that an expiring token expires, naming the date; EnOS does not beyond 30 days", async () => {
    const t = token({ expiresAt: day(200) });
    const [a, b] = [project(), project()];
    const result = await preview([
      torque(unique("tq"), { token: t, repos: [repo(a), repo(b)] }),
      dataSource(unique("ds_"), { gitUrl: repo(a), token: t }),
    ]);
    noFailures(result);
    expect(Object.keys(result.inputs)).toHaveLength(2);
    expect(warnings(result)).toEqual([expect.stringContaining(`token expires on ${day(200)}`)]);
    expect(warnings(result)[0]).toMatch(/Torque expects a token without an expiration date/);
    expect(enosTests()).toBe(1);
  });

  test("a token that never expires gives Torque no warning", async () => {
    const t = token({ expiresAt: null, scopes: ["read_api", "read_repository"] });
    const result = await preview([torque(unique("tq"), { token: t, repos: [repo(project())] })]);
    noFailures(result);
    expect(warnings(result)).toEqual([]);
  });
});

describe("rejected tokens", () => {
  test("401: an unknown, revoked or expired token fails on token, for both targets", async () => {
    const unknownToken = `glpat-never-issued-${crypto.randomBytes(8).toString("hex")}`;
    tokens.push(unknownToken);
    const revoked = token({ revoked: true });
    const expired = token({ expiresAt: day(-1) });
    const p = project();
    const cases = { unknown: unknownToken, revoked, expired };
    const program = Object.entries(cases).flatMap(([what, t]) => [
      torque(`tq_${what}${serial}`, { token: t, repos: [repo(p)] }),
      dataSource(`ds_${what}${serial}`, { gitUrl: repo(p), token: t }),
    ]);
    const result = await preview(program);
    for (const d of program) {
      const reason = failure(result, d.name, "token");
      expect(reason).toMatch(/token is invalid, expired or revoked \(GitLab at 127\.0\.0\.1:\d+ answered 401\)/);
      expect(reason).toMatch(d.kind === "enos:GitLabDataSource" ? /create a new access token with scopes api, read_user, read_repository/ : /create a new access token with scopes read_api, read_repository/);
    }
    expect(projectRequests()).toBe(0);
    expect(enosTests()).toBe(0);
  });

  test("400: an OAuth token fails on token: it must be a personal, project or group access token", async () => {
    const t = token({ kind: "oauth" });
    const p = project();
    const result = await preview([torque(unique("tq"), { token: t, repos: [repo(p)] }), dataSource(unique("ds_"), { gitUrl: repo(p), token: t })]);
    for (const name of Object.keys(result.failures)) {
      expect(failure(result, name, "token")).toMatch(/token is not a personal, project or group access token \(GitLab at .* answered 400, as it does for OAuth tokens\); create an access token with scopes/);
    }
    expect(Object.keys(result.failures)).toHaveLength(2);
  });

  test("project and group access tokens are accepted", async () => {
    const p = project();
    const result = await preview([
      torque(unique("tq"), { token: token({ kind: "project" }), repos: [repo(p)] }),
      dataSource(unique("ds_"), { gitUrl: repo(p), token: token({ kind: "group" }) }),
    ]);
    noFailures(result);
  });
});

describe("scopes per target", () => {
  test("read_api + read_repository is enough for Torque; EnOS names the missing api and read_user and the fix", async () => {
    const t = token({ scopes: ["read_api", "read_repository"] });
    const p = project();
    const tq = unique("tq");
    const ds = unique("ds_");
    const result = await preview([torque(tq, { token: t, repos: [repo(p)] }), dataSource(ds, { gitUrl: repo(p), token: t })]);
    expect(failuresOf(result, tq)).toEqual([]);
    const reason = failure(result, ds, "token");
    expect(reason).toMatch(/token lacks scopes api, read_user \(it has read_api, read_repository\)/);
    expect(reason).toMatch(/GitLab cannot add scopes to a token, so create a new one at 127\.0\.0\.1:\d+ with scopes api, read_user, read_repository and set it/);
    expect(enosTests()).toBe(0);
  });

  test("a token with only read_api fails for Torque (read_repository) and for EnOS (api, read_user, read_repository)", async () => {
    const t = token({ scopes: ["read_api"] });
    const p = project();
    const tq = unique("tq");
    const ds = unique("ds_");
    const result = await preview([torque(tq, { token: t, repos: [repo(p)] }), dataSource(ds, { gitUrl: repo(p), token: t })]);
    expect(failure(result, tq, "token")).toMatch(/token lacks scope read_repository \(it has read_api\).*create a new one at .* with scopes read_api, read_repository/);
    expect(failure(result, ds, "token")).toMatch(/token lacks scopes api, read_user, read_repository \(it has read_api\)/);
    expect(projectRequests()).toBe(0);
  });

  test("api + read_repository without read_user: fine for Torque, EnOS names read_user", async () => {
    const t = token({ scopes: ["api", "read_repository"] });
    const p = project();
    const tq = unique("tq");
    const ds = unique("ds_");
    const result = await preview([torque(tq, { token: t, repos: [repo(p)] }), dataSource(ds, { gitUrl: repo(p), token: t })]);
    expect(failuresOf(result, tq)).toEqual([]);
    expect(failure(result, ds, "token")).toMatch(/token lacks scope read_user \(it has api, read_repository\)/);
  });

  test("read_user + read_repository fails for Torque, naming read_api or api", async () => {
    const t = token({ scopes: ["read_user", "read_repository"] });
    const tq = unique("tq");
    const result = await preview([torque(tq, { token: t, repos: [repo(project())] })]);
    expect(failure(result, tq, "token")).toMatch(/token lacks scope read_api or api \(it has read_user, read_repository\)/);
  });
});

describe("expiry", () => {
  test("EnOS warns when the token expires within 30 days, naming the date, and not beyond", async () => {
    const p = project();
    const soon = token({ expiresAt: day(5) });
    const limit = token({ expiresAt: day(30) });
    const later = token({ expiresAt: day(31) });
    const result = await preview([
      dataSource(unique("ds_"), { gitUrl: repo(p), token: soon }),
      dataSource(unique("ds_"), { gitUrl: repo(p), token: limit }),
      dataSource(unique("ds_"), { gitUrl: repo(p), token: later }),
    ]);
    noFailures(result);
    const lines = warnings(result);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`token expires on ${day(5)} (in 5 days)`),
        expect.stringContaining(`token expires on ${day(30)} (in 30 days)`),
      ]),
    );
    expect(lines).toHaveLength(2);
    expect(result.warnings.join("\n")).not.toContain(day(31));
  });

  test("an expired token is an error (GitLab answers 401), for Torque and EnOS", async () => {
    const t = token({ expiresAt: day(-3) });
    const p = project();
    const tq = unique("tq");
    const ds = unique("ds_");
    const result = await preview([torque(tq, { token: t, repos: [repo(p)] }), dataSource(ds, { gitUrl: repo(p), token: t })]);
    expect(failure(result, tq, "token")).toMatch(/expired/);
    expect(failure(result, ds, "token")).toMatch(/expired/);
  });
});

describe("projects", () => {
  test("a missing project fails on its repos[i] / gitUrl, saying missing OR not visible", async () => {
    const t = token();
    const exists = project();
    const missing = "zzz-nobody/missing";
    const tq = unique("tq");
    const ds = unique("ds_");
    const result = await preview([
      torque(tq, { token: t, repos: [repo(exists), repo(missing)] }),
      dataSource(ds, { gitUrl: repo(missing), token: t }),
    ]);
    for (const [name, property] of [[tq, "repos[1]"], [ds, "gitUrl"]]) {
      const reason = failure(result, name, property);
      expect(reason).toMatch(/project zzz-nobody\/missing is missing on 127\.0\.0\.1:\d+ or not visible to this token/);
      expect(reason).toMatch(/check the path and that the token's user can see the project/);
    }
    expect(enosTests()).toBe(0);
  });

  test("a private project the token's user cannot see fails the same way; a member's token passes", async () => {
    const hidden = project({ members: [] });
    const outsider = token({ userId: 7 });
    const member = token({ userId: 1 });
    const tq = unique("tq");
    const ds = unique("ds_");
    const result = await preview([
      torque(tq, { token: outsider, repos: [repo(hidden)] }),
      dataSource(ds, { gitUrl: repo(hidden), token: outsider }),
      torque(unique("tq"), { token: member, repos: [repo(project())] }),
    ]);
    expect(failure(result, tq, "repos[0]")).toMatch(/is missing on .* or not visible to this token/);
    expect(failure(result, ds, "gitUrl")).toMatch(/is missing on .* or not visible to this token/);
    expect(Object.keys(result.failures)).toHaveLength(2);
  });

  test("an archived project is a warning, not a failure: one per resource that uses it, naming the object and the property", async () => {
    const archived = project({ archived: true });
    const [tq, ds] = [unique("tq"), unique("ds_")];
    const result = await preview([
      torque(tq, { token: token({ expiresAt: null }), repos: [repo(archived)] }),
      dataSource(ds, { gitUrl: repo(archived), token: token() }),
    ]);
    noFailures(result);
    const said = `project ${archived} on 127.0.0.1:${gitlab().port} is archived`;
    expect(warnings(result).sort()).toEqual([
      expect.stringContaining(`enos:GitLabDataSource ${ds}: gitUrl: ${said}`),
      expect.stringContaining(`torque:RepositoryProvider ${tq}: repos[0]: ${said}`),
    ]);
  });
});

/** A server of our own that answers every request with an HTML page, as a login page or portal does. */
async function htmlServer(status: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { "Content-Type": "text/html; charset=utf-8" }).end("<!DOCTYPE html><html><body>Sign in</body></html>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

describe("server URL", () => {
  let rel: GitLabServer;
  let relEnos: EnosServer;
  beforeAll(async () => {
    rel = await startGitLab({ root: "/gitlab" });
    // An EnOS whose own connection test reaches this GitLab (the shared one reaches only the shared GitLab).
    relEnos = await startEnos({ gitlabFetch: loopbackFetch(rel.port) });
    relEnos.addApp({ appKey: fx.demo.enosAppKey, appSecret: fx.demo.enosAppSecret, orgId: fx.demo.enosOrgId });
  });
  afterAll(async () => {
    await rel?.close();
    await relEnos?.close();
  });
  beforeEach(() => rel.resetLog());

  test("relative URL root: baseUrl .../gitlab/ and gitUrl .../gitlab/group/project work, never //api", async () => {
    const t = token({}, rel);
    const [a, b] = [project({}, rel), project({}, rel)];
    expect(rel.url).toMatch(/\/gitlab$/);
    const result = await preview([
      torque(unique("tq"), { token: t, repos: [repo(a, rel), repo(b, rel)] }, `${rel.url}/`),
      dataSource(unique("ds_"), { gitUrl: repo(a, rel), token: t }),
    ], { "enos:apiGateway": relEnos.url });
    noFailures(result);
    const paths = rel.requests.map((r) => r.path);
    expect(paths.some((p) => p.includes("//"))).toBe(false);
    expect(paths).toEqual(expect.arrayContaining([
      "/gitlab/api/v4/personal_access_tokens/self",
      `/gitlab/api/v4/projects/${encodeURIComponent(a)}`,
      `/gitlab/api/v4/projects/${encodeURIComponent(b)}`,
    ]));
    const test = relEnos.requests.filter((r) => r.query.action === "test");
    expect(test).toEqual([expect.objectContaining({ status: 200 })]);
  });

  test("HTML where the API belongs: a GitLab under /gitlab given without it is 'not a GitLab API at this URL'", async () => {
    const t = token({}, rel);
    const p = project({}, rel).split("/").slice(-1)[0];
    const origin = rel.url.replace(/\/gitlab$/, "");
    const tq = unique("tq");
    const ds = unique("ds_");
    const result = await preview([
      torque(tq, { token: t, repos: [`${origin}/group/${p}`] }, `${origin}/`),
      dataSource(ds, { gitUrl: `${origin}/group/${p}`, token: t }),
    ]);
    expect(failure(result, tq, "baseUrl")).toMatch(/not a GitLab API at this URL: GET http:\/\/127\.0\.0\.1:\d+\/api\/v4\/personal_access_tokens\/self answered 404 with HTML; check the server URL and its relative URL root/);
    expect(failure(result, ds, "gitUrl")).toMatch(/not a GitLab API at this URL/);
  });

  test("HTML from a server that is not GitLab (a sign-in page answering 200)", async () => {
    const portal = await htmlServer(200);
    try {
      const t = token();
      const tq = unique("tq");
      const ds = unique("ds_");
      const result = await preview([
        torque(tq, { token: t, repos: [`${portal.url}/group/project`] }, `${portal.url}/`),
        dataSource(ds, { gitUrl: `${portal.url}/group/sub/project`, token: t }),
      ]);
      expect(failure(result, tq, "baseUrl")).toMatch(/not a GitLab API at this URL: .* answered 200 with HTML/);
      // Both candidate roots (origin and origin/group) fail: the URL as given is blamed.
      expect(failure(result, ds, "gitUrl")).toMatch(new RegExp(`not a GitLab API at this URL: GET ${portal.url}/api/v4/personal_access_tokens/self answered 200 with HTML`));
    } finally {
      await portal.close();
    }
  });

  test("connection refused names the host and the cause", async () => {
    const closed = await htmlServer(200);
    await closed.close();
    const host = closed.url.replace("http://", "");
    const t = token();
    const tq = unique("tq");
    const ds = unique("ds_");
    const result = await preview([
      torque(tq, { token: t, repos: [`${closed.url}/group/project`] }, `${closed.url}/`),
      dataSource(ds, { gitUrl: `${closed.url}/group/project`, token: t }),
    ]);
    expect(failure(result, tq, "baseUrl")).toContain(`${host} refused the connection; check the port in the URL and that the server is running`);
    expect(failure(result, ds, "gitUrl")).toContain(`${host} refused the connection`);
  });

  test("a server that never answers: the check fails after gitlab:timeoutSeconds, naming the host", async () => {
    const sockets = new Set<import("node:net").Socket>();
    let received = 0;
    const silent = http.createServer(() => {
      received++; // never answer
    });
    silent.on("connection", (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const t = token();
      const tq = unique("tq");
      const ds = unique("ds_");
      const result = await preview(
        [torque(tq, { token: t, repos: [`http://${host}/group/project`] }, `http://${host}/`), dataSource(ds, { gitUrl: `http://${host}/group/project`, token: t })],
        { "gitlab:timeoutSeconds": "1" },
      );
      expect(failure(result, tq, "baseUrl")).toMatch(new RegExp(`${host} did not answer GET /api/v4/personal_access_tokens/self within 1 s; check that the server is reachable`));
      expect(failure(result, ds, "gitUrl")).toContain(`${host} did not answer`);
      // One attempt per (root, token) pair: a timeout is not retried past the check's budget.
      expect(received).toBe(1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("rate limit", () => {
  test("429 with Retry-After: the check waits and succeeds", async () => {
    gitlab().faults.add({ kind: "rateLimit", retryAfter: 1, times: 1, path: "/personal_access_tokens/self" });
    const result = await preview([torque(unique("tq"), { token: token(), repos: [repo(project())] })]);
    noFailures(result);
    expect(gitlab().requests.filter((r) => r.path.endsWith("/personal_access_tokens/self")).map((r) => r.status)).toEqual([429, 200]);
    expect(projectRequests()).toBe(1);
  });

  test("a 429 that outlasts the check's time budget fails on the URL, saying so, not 'not GitLab'", async () => {
    gitlab().faults.add({ kind: "rateLimit", retryAfter: 60, path: "/personal_access_tokens/self" });
    const tq = unique("tq");
    const result = await preview([torque(tq, { token: token(), repos: [repo(project())] })]);
    const reason = failure(result, tq, "baseUrl");
    expect(reason).toMatch(/is rate-limiting requests \(429\) and asks to retry after 60 s; run again later/);
    expect(reason).not.toMatch(/not a GitLab API/);
  });
});

describe("unknown inputs at preview", () => {
  test("a token or URL from a resource not yet created skips the parts that need it; no request carries the sentinel", async () => {
    // Were the sentinel ever sent as a token, the sandbox would record its use.
    const sentinel = gitlab().addToken({ token: UNKNOWN, scopes: FULL_SCOPES, userId: 1 });
    const first = token();
    const gitUrlKnownToken = token();
    const reposPartlyUnknown = token();
    const [p1, p2, p3] = [project(), project(), project()];
    const a = unique("tq");
    const names = [unique("tq"), unique("ds_"), unique("ds_"), unique("tq"), unique("tq")];
    const unknown = { $ref: a, output: "providerId" };
    const result = await preview([
      torque(a, { token: first, repos: [repo(p1)] }),
      torque(names[0], { token: unknown, repos: [repo(p2)] }),
      dataSource(names[1], { gitUrl: repo(p2), token: unknown }),
      dataSource(names[2], { gitUrl: unknown, token: gitUrlKnownToken }),
      torque(names[3], { token: reposPartlyUnknown, repos: [repo(p3), unknown] }),
      torque(names[4], { token: first, baseUrl: unknown, repos: [] }),
    ]);
    noFailures(result);
    expect(Object.keys(result.inputs)).toHaveLength(6);
    expect(sentinel.lastUsedAt).toBeNull();
    expect(JSON.stringify(gitlab().requests)).not.toContain(UNKNOWN);
    // Token checks: `first` (shared) and the token whose repos are partly unknown; gitUrl unknown: nothing.
    expect(tokenRequests()).toBe(2);
    expect(gitlab().requests.map((r) => r.path)).toEqual(expect.arrayContaining([`/api/v4/projects/${encodeURIComponent(p1)}`]));
    expect(projectRequests()).toBe(1);
    expect(enosTests()).toBe(0);
  });
});

describe("preflight modes", () => {
  test('"warn": problems become warnings and the preview and the up go on', async () => {
    const bad = `glpat-revoked-${crypto.randomBytes(8).toString("hex")}`;
    tokens.push(bad);
    const t = token();
    const tq = unique("tq");
    const ds = unique("ds_");
    const program = [
      torque(tq, { token: bad, repos: [repo(project())], preflight: "warn" }),
      dataSource(ds, { gitUrl: repo("nobody/missing"), token: t, preflight: "warn" }),
    ];
    const stack = fx.stack();
    const previewed = clean(await stack.preview(program), stack);
    hostOk(previewed);
    expect(warnings(previewed)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/preflight \(warn mode\): token is invalid, expired or revoked/),
        expect.stringMatching(/preflight \(warn mode\): gitUrl: project nobody\/missing is missing .* or not visible/),
      ]),
    );
    const up = clean(await stack.up(program), stack);
    hostOk(up);
    expect(up.steps.map((s) => s.op)).toEqual(["create", "create"]);
    expect(warnings(up).join("\n")).toMatch(/preflight \(warn mode\): token is invalid/);
    clean(await stack.destroy(), stack);
  });

  test('"off": no GitLab request at all, whatever is wrong', async () => {
    const bad = `glpat-never-${crypto.randomBytes(8).toString("hex")}`;
    tokens.push(bad);
    const result = await preview([
      torque(unique("tq"), { token: bad, repos: [repo("nobody/missing")], preflight: "off" }),
      dataSource(unique("ds_"), { gitUrl: repo("nobody/missing"), token: bad, preflight: "off" }),
    ]);
    noFailures(result);
    expect(gitlab().requests).toEqual([]);
    expect(enosTests()).toBe(0);
  });
});

describe("request counting", () => {
  test("one provider process asks once per (GitLab root, token) and once per project", async () => {
    enos().testOverride = { success: true, message: "ok" }; // EnOS's own probe would add GitLab requests
    const t = token({ expiresAt: null });
    const projects = [project(), project(), project()];
    const program: Declaration[] = [];
    for (let i = 0; i < 10; i++) {
      const repos = [repo(projects[i % 3]), ...(i % 2 === 0 ? [repo(projects[(i + 1) % 3])] : [])].sort();
      program.push(torque(unique("tq"), { token: t, repos }));
    }
    program.push(dataSource(unique("ds_"), { gitUrl: repo(projects[0]), token: t }));
    program.push(dataSource(unique("ds_"), { gitUrl: repo(projects[2]), token: t }));
    const result = await preview(program);
    noFailures(result);
    expect(tokenRequests()).toBe(1);
    expect(projectRequests()).toBe(3);
    expect(enosTests()).toBe(2);
  });

  test("an unchanged resource costs only its token check; a changed URL, token or project runs the whole test again", async () => {
    enos().testOverride = { success: true, message: "ok" };
    const [t1, t2, t3, t4] = [token(), token(), token(), token()];
    const [a, b, c, d] = [project(), project(), project(), project()];
    const [p1, p2, p3, d1, d2] = [unique("tq"), unique("tq"), unique("tq"), unique("ds_"), unique("ds_")];
    const declare = (over: { p1Token?: string; p2Repos?: string[]; d1Url?: string; d2Token?: string } = {}) => [
      torque(p1, { token: over.p1Token ?? t1, repos: [repo(a), repo(b)] }),
      torque(p2, { token: t1, repos: over.p2Repos ?? [repo(a)] }),
      torque(p3, { token: t2, repos: [repo(c)] }),
      dataSource(d1, { gitUrl: over.d1Url ?? repo(a), token: t1 }),
      dataSource(d2, { gitUrl: repo(d), token: over.d2Token ?? t3 }),
    ];
    // What an up leaves in state: the checked inputs.
    const olds = (await preview(declare())).inputs;
    expect(Object.keys(olds)).toHaveLength(5);

    const count = async (program: Declaration[]) => {
      gitlab().resetLog();
      enos().resetLog();
      const result = await preview(program, {}, olds);
      noFailures(result);
      return { tokens: tokenRequests(), projects: projectRequests(), enosTests: enosTests() };
    };

    // Unchanged (a nightly no-op preview): one request per distinct token, nothing else.
    expect(await count(declare())).toEqual({ tokens: 3, projects: 0, enosTests: 0 });
    // A changed token: its resource runs token, scopes and every project again.
    expect(await count(declare({ p1Token: t4 }))).toEqual({ tokens: 4, projects: 2, enosTests: 0 });
    // A changed project list: all of the resource's projects again.
    expect(await count(declare({ p2Repos: [repo(a), repo(c)] }))).toMatchObject({ tokens: 3, projects: 2, enosTests: 0 });
    // A changed gitUrl: the project and EnOS's own test again.
    expect(await count(declare({ d1Url: repo(b) }))).toMatchObject({ tokens: 3, projects: 1, enosTests: 1 });
    // A changed EnOS token: token, project and EnOS's test.
    expect(await count(declare({ d2Token: t4 }))).toMatchObject({ tokens: 3, projects: 1, enosTests: 1 });
  });
});

describe("secrets", () => {
  test("the token is in no failure, warning, host output or checkpoint, whatever the outcome", async () => {
    // Every test above already asserts this (clean()); here, all outcomes at once, and an up's checkpoint.
    const expiring = token({ expiresAt: day(3) });
    const narrow = token({ scopes: ["read_api"] });
    const oauth = token({ kind: "oauth" });
    const archived = project({ archived: true });
    const stack = fx.stack();
    const program = [
      dataSource(unique("ds_"), { gitUrl: repo(archived), token: expiring, preflight: "warn" }),
      dataSource(unique("ds_"), { gitUrl: repo("nobody/missing"), token: narrow, preflight: "warn" }),
      torque(unique("tq"), { token: oauth, repos: [repo(archived)], preflight: "warn" }),
    ];
    const up = clean(await stack.up(program), stack);
    hostOk(up);
    expect(warnings(up).length).toBeGreaterThanOrEqual(4);
    const strict = clean(await stack.preview(program.map((d) => ({ ...d, args: { ...d.args, preflight: "strict" } }))), stack);
    expect(strict.errors.flatMap((e) => e.failures ?? []).map((f) => f.property)).toEqual(["token", "token"]);
    clean(await stack.destroy(), stack);
  });
});
