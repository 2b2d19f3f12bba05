/**
 * The GitLab connectivity test called directly (no provider host) against sandbox GitLabs:
 * the verdicts, the property each failure blames, the URL arithmetic and the caching.
 */
import * as crypto from "node:crypto";
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { startGitLab, type GitLabServer, type GitLabTokenSpec } from "../../test/sandbox";
import { startTlsServer } from "../../test/support/servers";
import { Context, stackConfigContext } from "../core/context";
import { candidateRoots, checkGitLab, projectPath, type GitLabCheck, type PreflightResult } from "./preflight";

let gl: GitLabServer;
let rel: GitLabServer;
let serial = 0;
const tokens: string[] = [];

beforeAll(async () => {
  gl = await startGitLab();
  rel = await startGitLab({ root: "/gitlab" });
});
afterAll(async () => {
  await gl?.close();
  await rel?.close();
});
beforeEach(() => {
  gl.resetLog();
  rel.resetLog();
});
afterEach(() => {
  gl.faults.clear();
  // No verdict, warning or failure may carry a token.
  expect(tokens.filter((t) => seen.some((text) => text.includes(t)))).toEqual([]);
  seen.length = 0;
});

const seen: string[] = [];

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

function token(spec: Partial<GitLabTokenSpec> = {}, server = gl): string {
  const value = `glpat-unit${++serial}-${crypto.randomBytes(8).toString("hex")}`;
  server.addToken({ token: value, scopes: ["api", "read_user", "read_repository"], expiresAt: day(365), userId: 1, ...spec });
  tokens.push(value);
  return value;
}

function project(spec: { archived?: boolean; members?: number[] } = {}, server = gl): string {
  const path = `grp${++serial}/sub/proj${serial}`;
  server.addProject({ path, visibility: "private", members: [1], ...spec });
  return path;
}

/** A Torque-style check: the root given, projects as repos[i]. */
function torqueCheck(root: string, t: string, repos: string[], full = true): GitLabCheck {
  return { roots: [root], rootProperty: "baseUrl", token: t, projects: repos.map((url, i) => ({ url, property: `repos[${i}]` })), target: "torque", full };
}

/** An EnOS-style check: roots guessed from the project URL. */
function enosCheck(gitUrl: string, t: string, full = true): GitLabCheck {
  return { roots: candidateRoots(gitUrl), rootProperty: "gitUrl", token: t, projects: [{ url: gitUrl, property: "gitUrl" }], target: "enos", full };
}

async function run(check: GitLabCheck, ctx: Context = stackConfigContext({ get: () => undefined })): Promise<PreflightResult> {
  const result = await checkGitLab(ctx, check);
  seen.push(JSON.stringify(result));
  for (const f of result.failures) expect(f.reason).not.toMatch(/\n/);
  return result;
}

const tokenRequests = (server = gl) => server.count({ path: "/personal_access_tokens/self" });
const projectRequests = (server = gl) => server.count({ path: "/projects/" });

describe("projectPath", () => {
  test.each([
    ["http://h", "http://h/group/project", "group/project"],
    ["http://h", "http://h/group/sub/project.git", "group/sub/project"],
    ["http://h", "http://h/group/project/", "group/project"],
    ["http://h/gitlab", "http://h/gitlab/group/sub/project", "group/sub/project"],
    ["http://h/gitlab/", "http://h/gitlab/group/project.git", "group/project"],
    ["https://h:8443", "https://h:8443/my-group/my%20project", "my-group/my project"],
    // A relative root that is only a prefix of the first segment is not the root.
    ["http://h/git", "http://h/gitlab/project", "gitlab/project"],
  ])("root %s, url %s -> %s", (root, url, expected) => {
    expect(projectPath(root, url)).toBe(expected);
  });
});

describe("candidateRoots", () => {
  test.each([
    ["http://h:8080/group/project", ["http://h:8080"]],
    ["http://h/group/project.git", ["http://h"]],
    ["http://h/gitlab/group/project", ["http://h", "http://h/gitlab"]],
    ["https://h/a/b/c/d", ["https://h", "https://h/a"]],
  ])("%s -> %j", (url, expected) => {
    expect(candidateRoots(url)).toEqual(expected);
  });
});

describe("checkGitLab verdicts", () => {
  test("valid: no failure; the answering root is returned; Torque warns about an expiry date, EnOS not beyond 30 days", async () => {
    const t = token({ expiresAt: day(90) });
    const p = project();
    const torque = await run(torqueCheck(gl.url, t, [`${gl.url}/${p}`]));
    expect(torque).toEqual({ failures: [], warnings: [expect.stringContaining(`token expires on ${day(90)}: Torque expects a token without an expiration date`)], root: gl.url });
    const enos = await run(enosCheck(`${gl.url}/${p}`, t));
    expect(enos).toEqual({ failures: [], warnings: [], root: gl.url });
  });

  test("a token without expiry: no warning for either target", async () => {
    const t = token({ expiresAt: null });
    const p = project();
    expect((await run(torqueCheck(gl.url, t, [`${gl.url}/${p}`]))).warnings).toEqual([]);
    expect((await run(enosCheck(`${gl.url}/${p}`, t))).warnings).toEqual([]);
  });

  test.each([
    ["unknown", () => { const t = `glpat-unknown-${crypto.randomBytes(6).toString("hex")}`; tokens.push(t); return t; }],
    ["revoked", () => token({ revoked: true })],
    ["expired", () => token({ expiresAt: day(-1) })],
  ])("401 (%s token): failure on token naming the fix", async (_what, make) => {
    const t = make();
    const result = await run(enosCheck(`${gl.url}/${project()}`, t));
    expect(result.failures).toEqual([{ property: "token", reason: expect.stringMatching(/^token is invalid, expired or revoked \(GitLab at 127\.0\.0\.1:\d+ answered 401\); create a new access token with scopes api, read_user, read_repository and set it\.$/) }]);
    expect(projectRequests()).toBe(0);
  });

  test("400 (OAuth token): failure on token", async () => {
    const result = await run(torqueCheck(gl.url, token({ kind: "oauth" }), []));
    expect(result.failures).toEqual([{ property: "token", reason: expect.stringMatching(/^token is not a personal, project or group access token .* answered 400, as it does for OAuth tokens\); create an access token with scopes read_api, read_repository\.$/) }]);
  });

  test.each([
    [["read_api", "read_repository"], "torque", null],
    [["api", "read_repository"], "torque", null],
    [["read_api"], "torque", "scope read_repository"],
    [["read_repository"], "torque", "scope read_api or api"],
    [["read_user"], "torque", "scopes read_api or api, read_repository"],
    [["api", "read_user", "read_repository"], "enos", null],
    [["read_api", "read_repository"], "enos", "scopes api, read_user"],
    [["api", "read_repository"], "enos", "scope read_user"],
    [["read_api"], "enos", "scopes api, read_user, read_repository"],
  ] as const)("scopes %j for %s: %s missing", async (scopes, target, missing) => {
    const t = token({ scopes: [...scopes] });
    const p = project();
    const check = target === "torque" ? torqueCheck(gl.url, t, [`${gl.url}/${p}`]) : enosCheck(`${gl.url}/${p}`, t);
    const result = await run(check);
    if (missing === null) {
      expect(result.failures).toEqual([]);
      expect(projectRequests()).toBe(1);
    } else {
      const needed = target === "torque" ? "scopes read_api, read_repository" : "scopes api, read_user, read_repository";
      expect(result.failures).toEqual([{ property: "token", reason: `token lacks ${missing} (it has ${scopes.join(", ")}); GitLab cannot add scopes to a token, so create a new one at 127.0.0.1:${gl.port} with ${needed} and set it.` }]);
      expect(projectRequests()).toBe(0);
    }
  });

  test.each([
    [0, true],
    [1, true],
    [30, true],
    [31, false],
    [200, false],
  ])("EnOS and a token expiring in %i days: warning %s", async (days, warns) => {
    const result = await run(enosCheck(`${gl.url}/${project()}`, token({ expiresAt: day(days) })));
    expect(result.failures).toEqual([]);
    const when = days === 0 ? "today" : days === 1 ? "in 1 day" : `in ${days} days`;
    expect(result.warnings).toEqual(warns ? [`token expires on ${day(days)} (${when}); renew it before then or EnOS will lose access to the repository.`] : []);
  });

  test("missing and invisible projects fail on their own property; found ones do not; archived warns", async () => {
    const t = token();
    const [ok, hidden, archived] = [project(), project({ members: [] }), project({ archived: true })];
    const result = await run(torqueCheck(gl.url, t, [`${gl.url}/${ok}`, `${gl.url}/nobody/missing`, `${gl.url}/${hidden}`, `${gl.url}/${archived}`]));
    const host = `127.0.0.1:${gl.port}`;
    expect(result.failures).toEqual([
      { property: "repos[1]", reason: `repos[1]: project nobody/missing is missing on ${host} or not visible to this token (GitLab answers 404 for both); check the path and that the token's user can see the project.` },
      { property: "repos[2]", reason: expect.stringContaining(`project ${hidden} is missing on ${host} or not visible to this token`) },
    ]);
    expect(result.warnings).toEqual([expect.stringContaining("token expires on"), expect.stringContaining(`: project ${archived} on ${host} is archived`)]);
  });

  test("a 200 token answer that is inactive or past its date (a GitLab that still answers) is an error, not a warning", async () => {
    const self = (body: object) => gl.faults.add({ kind: "body", status: 200, body: JSON.stringify({ id: 1, name: "t", scopes: ["api", "read_user", "read_repository"], user_id: 1, ...body }), path: "/personal_access_tokens/self", times: 1 });
    self({ active: false, revoked: true, expires_at: null });
    expect((await run(enosCheck(`${gl.url}/g/p`, token()))).failures).toEqual([{ property: "token", reason: expect.stringMatching(/^token is revoked or inactive \(GitLab at 127\.0\.0\.1:\d+\); create a new access token/) }]);
    self({ active: true, revoked: false, expires_at: day(-2) });
    expect((await run(torqueCheck(gl.url, token(), []))).failures).toEqual([{ property: "token", reason: `token expired on ${day(-2)}; create a new token with scopes read_api, read_repository and set it.` }]);
  });

  test("a project path with a stray % is asked for as written, not a crash", async () => {
    const result = await run(torqueCheck(gl.url, token(), [`${gl.url}/group/100%25done`, `${gl.url}/group/50%off`]));
    expect(result.failures.map((f) => f.property)).toEqual(["repos[0]", "repos[1]"]);
    expect(result.failures[1].reason).toContain("project group/50%off is missing");
  });

  test("not full (unchanged resource): the token only, no project request", async () => {
    const t = token();
    const result = await run(torqueCheck(gl.url, t, [`${gl.url}/nobody/missing`], false));
    expect(result.failures).toEqual([]);
    expect([tokenRequests(), projectRequests()]).toEqual([1, 0]);
  });
});

describe("server URL", () => {
  test("relative root: Torque's root with /gitlab and EnOS's guessed root both work; no //api", async () => {
    const t = token({}, rel);
    const p = project({}, rel);
    const torque = await run(torqueCheck(rel.url, t, [`${rel.url}/${p}`]));
    expect(torque.failures).toEqual([]);
    expect(torque.root).toBe(rel.url);
    const enos = await run(enosCheck(`${rel.url}/${p}`, t));
    expect(enos).toEqual({ failures: [], warnings: [], root: rel.url });
    const paths = rel.requests.map((r) => r.path);
    expect(paths.filter((path) => path.includes("//"))).toEqual([]);
    // EnOS tried the origin first (HTML 404), then /gitlab; the project was asked once (cached per root and token).
    expect(paths).toEqual([
      "/gitlab/api/v4/personal_access_tokens/self",
      `/gitlab/api/v4/projects/${encodeURIComponent(p)}`,
      "/api/v4/personal_access_tokens/self",
    ]);
  });

  test("the origin of a relative-root GitLab answers HTML: not a GitLab API at this URL, on the root property", async () => {
    const t = token({}, rel);
    const origin = rel.url.replace(/\/gitlab$/, "");
    const torque = await run(torqueCheck(origin, t, []));
    expect(torque.failures).toEqual([{ property: "baseUrl", reason: `baseUrl: not a GitLab API at this URL: GET ${origin}/api/v4/personal_access_tokens/self answered 404 with HTML; check the server URL and its relative URL root, if any (for example https://host/gitlab/).` }]);
    const enos = await run(enosCheck(`${origin}/group/project`, t));
    expect(enos.failures).toEqual([{ property: "gitUrl", reason: expect.stringContaining("gitUrl: not a GitLab API at this URL") }]);
  });

  test("a text body where JSON belongs is 'not a GitLab API'", async () => {
    gl.faults.add({ kind: "body", status: 200, body: "hello", contentType: "text/plain", path: "/personal_access_tokens/self", times: 1 });
    const result = await run(torqueCheck(gl.url, token(), []));
    expect(result.failures).toEqual([{ property: "baseUrl", reason: expect.stringContaining("answered 200 with a body that is not a JSON object") }]);
  });

  test("a 502 HTML page from a proxy is a failing server, not 'not a GitLab API'", async () => {
    gl.faults.add({ kind: "body", status: 502, body: "<html>Bad Gateway</html>", contentType: "text/html", path: "/personal_access_tokens/self" });
    const result = await run(torqueCheck(gl.url, token(), []));
    expect(result.failures).toEqual([{ property: "baseUrl", reason: expect.stringMatching(/^baseUrl: GitLab at 127\.0\.0\.1:\d+ answered 502 to GET \/api\/v4\/personal_access_tokens\/self: the server or a proxy in front of it is failing; try again later\.$/) }]);
  });

  test("a JSON 404 at the token endpoint of a GitLab 15.5 or later (its /version says so) blames the URL", async () => {
    gl.faults.add({ kind: "status", status: 404, path: "/personal_access_tokens/self", times: 1 });
    const result = await run(torqueCheck(gl.url, token(), []));
    expect(result.failures).toEqual([{ property: "baseUrl", reason: expect.stringMatching(/^baseUrl: GitLab at http:\/\/127\.0\.0\.1:\d+ has no \/personal_access_tokens\/self \(404\), and its \/version names no GitLab older than 15\.5 \(which would lack it\): the URL is wrong; check it and its relative URL root, if any\.$/) }]);
    expect(gl.requests.map((r) => r.path)).toEqual(["/api/v4/personal_access_tokens/self", "/api/v4/version"]);
  });

  test("connection refused: failure on the root property naming host and cause", async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((resolve) => server.close(resolve));
    const result = await run(enosCheck(`http://${host}/group/project`, token()));
    expect(result.failures).toEqual([{ property: "gitUrl", reason: `gitUrl: GitLab: ${host} refused the connection; check the port in the URL and that the server is running.` }]);
  });

  test("a server that never answers: one attempt, then a failure naming the host and gitlab:timeoutSeconds", async () => {
    const sockets = new Set<Socket>();
    let received = 0;
    const silent = http.createServer(() => void received++);
    silent.on("connection", (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const ctx = stackConfigContext({ get: (key: string) => (key === "gitlab:timeoutSeconds" ? "0.5" : undefined) });
    try {
      const result = await run(torqueCheck(`http://${host}`, token(), [`http://${host}/g/p`]), ctx);
      expect(result.failures).toEqual([{ property: "baseUrl", reason: `baseUrl: GitLab: ${host} did not answer GET /api/v4/personal_access_tokens/self within 0.5 s; check that the server is reachable and healthy.` }]);
      expect(received).toBe(1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test("429 with Retry-After: 1 is waited for and the check succeeds", async () => {
    gl.faults.add({ kind: "rateLimit", retryAfter: 1, times: 1, path: "/personal_access_tokens/self" });
    gl.faults.add({ kind: "rateLimit", retryAfter: 1, times: 1, path: "/projects/" });
    const p = project();
    const result = await run(torqueCheck(gl.url, token({ expiresAt: null }), [`${gl.url}/${p}`]));
    expect(result).toEqual({ failures: [], warnings: [], root: gl.url });
    expect(gl.requests.map((r) => r.status)).toEqual([429, 200, 429, 200]);
  });
});

describe("failures of the server while projects are checked, and of the settings", () => {
  test("a project answered 500 or by a dropped connection fails on that project's property, naming the host or the cause", async () => {
    const t = token();
    const p = project();
    gl.faults.add({ kind: "status", status: 500, path: "/projects/" });
    const failing = await run(torqueCheck(gl.url, t, [`${gl.url}/${p}`]));
    const host = new URL(gl.url).host;
    expect(failing.failures).toEqual([{ property: "repos[0]", reason: expect.stringMatching(new RegExp(`^repos\\[0\\]: GitLab at ${host} answered 500 for project ${p}.*; check the server and try again\\.$`)) }]);
    gl.faults.clear();
    gl.faults.add({ kind: "reset", path: "/projects/" });
    const dropped = await run(torqueCheck(gl.url, t, [`${gl.url}/${project()}`]));
    expect(dropped.failures).toEqual([{ property: "repos[0]", reason: expect.stringMatching(/^repos\[0\]: GitLab: 127\.0\.0\.1:\d+ dropped the connection during GET /) }]);
  });

  test("a 429 without Retry-After says so without a wait", async () => {
    gl.faults.add({ kind: "body", status: 429, body: "{}", path: "/personal_access_tokens/self" });
    const limited = await run(torqueCheck(gl.url, token(), []));
    expect(limited.failures).toEqual([
      { property: "baseUrl", reason: `baseUrl: GitLab at ${new URL(gl.url).host} is rate-limiting requests (429); run again later, or set preflight to "off" for this run.` },
    ]);
  });

  test("a wrong gitlab setting is the failure, and nothing is asked", async () => {
    const ctx = stackConfigContext({ get: (key) => (key === "gitlab-sources:gitlabTimeoutSeconds" ? "never" : undefined) });
    const result = await run(torqueCheck(gl.url, token(), []), ctx);
    expect(result.failures).toEqual([{ property: "gitlab-sources:gitlabTimeoutSeconds", reason: expect.stringMatching(/^gitlab-sources:gitlabTimeoutSeconds must be a positive number, not "never"/) }]);
    expect(tokenRequests()).toBe(0);
  });
});

describe("caching per provider process", () => {
  test("once per (root, token), once per (root, token, project); another token or root asks again", async () => {
    const t = token();
    const [a, b, c] = [project(), project(), project()];
    const url = (p: string) => `${gl.url}/${p}`;
    await Promise.all([
      run(torqueCheck(gl.url, t, [url(a), url(b)])),
      run(torqueCheck(gl.url, t, [url(b), url(c)])),
      run(enosCheck(url(a), t)),
      run(enosCheck(url(c), t)),
    ]);
    expect([tokenRequests(), projectRequests()]).toEqual([1, 3]);

    // The same answers judged for another target: the verdict is the target's own, not the cached one's.
    const narrow = token({ scopes: ["read_api", "read_repository"] });
    const forTorque = await run(torqueCheck(gl.url, narrow, [url(a)]));
    const forEnos = await run(enosCheck(url(a), narrow));
    expect(forTorque.failures).toEqual([]);
    expect(forEnos.failures).toEqual([{ property: "token", reason: expect.stringContaining("lacks scopes api, read_user") }]);
    const revoked = token({ revoked: true });
    expect((await run(torqueCheck(gl.url, revoked, []))).failures[0].reason).toMatch(/scopes read_api, read_repository/);
    expect((await run(enosCheck(url(a), revoked))).failures[0].reason).toMatch(/scopes api, read_user, read_repository/);
    expect(tokenRequests()).toBe(3);

    // A network failure cached under one input name is reported under the other's.
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((resolve) => server.close(resolve));
    const t2 = token();
    expect((await run(torqueCheck(`http://${host}`, t2, []))).failures[0].property).toBe("baseUrl");
    expect((await run(enosCheck(`http://${host}/g/p`, t2))).failures[0]).toEqual({ property: "gitUrl", reason: expect.stringMatching(/^gitUrl: /) });

    // Another root with the same token value is another cache entry.
    gl.resetLog();
    rel.addToken({ token: t, scopes: ["api", "read_user", "read_repository"], userId: 1 });
    await run(torqueCheck(rel.url, t, []));
    await run(torqueCheck(gl.url, t, []));
    expect([tokenRequests(rel), tokenRequests(gl)]).toEqual([1, 0]);
  });
});

describe("the caches answer only what they were asked", () => {
  test("a TLS failure cached for one CA bundle is not the answer for another: the right bundle passes", async () => {
    const front = await startTlsServer(gl.url);
    try {
      const t = token({ expiresAt: null });
      const untrusted = await run(torqueCheck(`${front.url}`, t, []));
      expect(untrusted.failures).toEqual([{ property: "baseUrl", reason: expect.stringContaining("TLS verification of") }]);
      const trusted = await run({ ...torqueCheck(`${front.url}`, t, []), caBundle: front.ca });
      expect(trusted.failures).toEqual([]);
    } finally {
      await front.close();
    }
  });

  test("transient answers are not kept: a 500 or a refused connection is asked again by the next check", async () => {
    const t = token({ expiresAt: null });
    gl.faults.add({ kind: "status", status: 500, times: 1, path: "/personal_access_tokens/self" });
    expect((await run(torqueCheck(gl.url, t, []))).failures).toEqual([{ property: "baseUrl", reason: expect.stringContaining("answered 500") }]);
    expect((await run(torqueCheck(gl.url, t, []))).failures).toEqual([]);

    const later = http.createServer();
    await new Promise<void>((resolve) => later.listen(0, "127.0.0.1", resolve));
    const port = (later.address() as AddressInfo).port;
    await new Promise((resolve) => later.close(resolve));
    const refused = await run(torqueCheck(`http://127.0.0.1:${port}`, t, []));
    expect(refused.failures[0].reason).toContain("refused the connection");
    const gitlab = await startGitLab({ port });
    try {
      gitlab.addToken({ token: t, scopes: ["api", "read_user", "read_repository"], userId: 1 });
      expect((await run(torqueCheck(`http://127.0.0.1:${port}`, t, []))).failures).toEqual([]);
    } finally {
      await gitlab.close();
    }
  });

  test("a definite answer is kept: a 401 is asked once", async () => {
    const unknown = `glpat-unknown-${crypto.randomBytes(6).toString("hex")}`;
    tokens.push(unknown);
    await run(torqueCheck(gl.url, unknown, []));
    await run(torqueCheck(gl.url, unknown, []));
    expect(tokenRequests()).toBe(1);
  });
});

describe("a self-managed GitLab older than 15.5 (no /personal_access_tokens/self)", () => {
  let old: GitLabServer;
  beforeAll(async () => {
    old = await startGitLab({ version: "15.4.2-ee" });
  });
  afterAll(() => old?.close());
  beforeEach(() => old.resetLog());

  const unchecked = (host: string, scopes: string) =>
    `GitLab at ${host} is version 15.4.2-ee, older than 15.5, which has no /personal_access_tokens/self: the token's scopes (scopes ${scopes} needed) and its expiry could not be checked; GET /user proved the token valid, and each project is still checked. Check the scopes and expiry in GitLab (User settings > Access tokens).`;

  test("/version and /user prove the token, /projects/:id each project; one warning says what could not be checked and why", async () => {
    const t = token({ expiresAt: day(3) }, old);
    const p = project({}, old);
    const result = await run(torqueCheck(old.url, t, [`${old.url}/${p}`]));
    const host = new URL(old.url).host;
    expect(result).toEqual({ failures: [], warnings: [unchecked(host, "read_api, read_repository")], root: old.url });
    expect(old.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
      "/api/v4/personal_access_tokens/self 404",
      "/api/v4/version 200",
      "/api/v4/user 200",
      `/api/v4/projects/${encodeURIComponent(p)} 200`,
    ]);
    // The answer is cached per root and token like any other: a second resource asks nothing about the token.
    await run(torqueCheck(old.url, t, [`${old.url}/${p}`], false));
    expect(old.requests).toHaveLength(4);
  });

  test("strict still fails what can be checked: a refused token, a missing project, a token that may not read projects", async () => {
    const refused = await run(enosCheck(`${old.url}/${project({}, old)}`, "glpat-not-a-token-0000"));
    expect(refused.failures).toEqual([{ property: "token", reason: expect.stringMatching(/^token is invalid, expired or revoked \(GitLab at 127\.0\.0\.1:\d+ answered 401\)/) }]);

    const missing = await run(torqueCheck(old.url, token({}, old), [`${old.url}/nobody/missing`]));
    expect(missing.failures).toEqual([{ property: "repos[0]", reason: expect.stringContaining("project nobody/missing is missing on") }]);
    expect(missing.warnings).toHaveLength(1);

    const readUserOnly = await run(torqueCheck(old.url, token({ scopes: ["read_user", "read_repository"] }, old), [`${old.url}/${project({}, old)}`]));
    expect(readUserOnly.failures).toEqual([{ property: "token", reason: expect.stringContaining("token may not read project") }]);

    const noApi = await run(torqueCheck(old.url, token({ scopes: ["read_repository"] }, old), []));
    expect(noApi.failures).toEqual([{ property: "token", reason: expect.stringMatching(/^token may not call GET \/api\/v4\/version \(GitLab at 127\.0\.0\.1:\d+ answered 403 "The request requires higher privileges than provided by the access token\."\); create an access token with scopes read_api, read_repository and set it\.$/) }]);
  });

  test("a network failure while asking /version is the network's failure, not the URL's, and is not cached", async () => {
    const t = token({}, old);
    old.faults.add({ kind: "reset", path: "/version" });
    const failed = await run(torqueCheck(old.url, t, []));
    expect(failed.failures).toEqual([{ property: "baseUrl", reason: expect.not.stringContaining("URL is wrong") }]);
    old.faults.clear();
    expect((await run(torqueCheck(old.url, t, []))).failures).toEqual([]);
  });
});
