import type * as http from "node:http";
import { startServer, type LocalServer } from "../../test/support/servers";
import { GitLabApi } from "./api";
import { GitLabResponseError } from "./requester";

/**
 * The GitLab calls of the connectivity test (gitbeaker on the shared HTTP layer) against a
 * server whose answers each test sets: what each answer is read as, and what is an error.
 */
let server: LocalServer;
let answer: (req: http.IncomingMessage) => { status?: number; type?: string; body: string; headers?: Record<string, string> };
const asked: string[] = [];
beforeAll(async () => {
  server = await startServer((req, res) => {
    asked.push(`${req.method} ${req.url} ${req.headers["private-token"] ?? ""}`.trim());
    const { status = 200, type = "application/json", body, headers = {} } = answer(req);
    res.writeHead(status, { "Content-Type": type, ...headers }).end(body);
  });
});
afterAll(() => server.close());
beforeEach(() => (asked.length = 0));

const api = (root = server.url) => new GitLabApi(root, "glpat-api-test", {});
const json = (value: unknown, status = 200) => () => ({ status, body: JSON.stringify(value) });
const failure = (call: Promise<unknown>) => call.then(() => undefined, (e: GitLabResponseError) => e);

describe("what each answer is read as", () => {
  test("the token: scopes, expiry, and active unless GitLab says inactive or revoked", async () => {
    answer = json({ scopes: ["api", 7], expires_at: "2027-01-31", active: true, revoked: false });
    expect(await api().tokenSelf()).toEqual({ scopes: ["api", "7"], expiresAt: "2027-01-31", active: true });
    expect(asked).toEqual(["GET /api/v4/personal_access_tokens/self glpat-api-test"]);
    answer = json({ expires_at: 20270131 });
    expect(await api().tokenSelf()).toEqual({ scopes: [], expiresAt: null, active: true });
    answer = json({ active: false });
    expect((await api().tokenSelf()).active).toBe(false);
    answer = json({ active: true, revoked: true });
    expect((await api().tokenSelf()).active).toBe(false);
  });

  test("the version, the user's state and a project's archived flag", async () => {
    answer = json({ version: "15.4.1-ee" });
    expect(await api().version()).toBe("15.4.1-ee");
    answer = json({ revision: "abc" });
    expect(await api().version()).toBe("");
    for (const [state, active] of [[undefined, true], ["active", true], ["blocked", false], ["deactivated", false]] as const) {
      answer = json({ id: 1, state });
      expect(await api().userActive()).toBe(active);
    }
    answer = json({ archived: true });
    expect(await api().project("grp/sub/proj")).toEqual({ archived: true });
    answer = json({ archived: "yes" });
    expect(await api().project("grp/sub/proj")).toEqual({ archived: false });
    expect(asked.slice(-1)).toEqual(["GET /api/v4/projects/grp%2Fsub%2Fproj glpat-api-test"]);
  });

  test("a relative URL root is kept in every path", async () => {
    answer = json({ version: "17.0.0" });
    await api(`${server.url}/gitlab`).version();
    expect(asked).toEqual(["GET /gitlab/api/v4/version glpat-api-test"]);
  });
});

describe("what is an error: a status outside 2xx, or no JSON object where one belongs", () => {
  test("GitLab's error names the status and path; its message is read from error_description, message or error", async () => {
    answer = json({ error: "invalid_token", error_description: "Token was revoked" }, 401);
    const revoked = await failure(api().tokenSelf());
    expect(revoked).toBeInstanceOf(GitLabResponseError);
    expect([revoked!.status, revoked!.isJson, revoked!.path, revoked!.message, revoked!.gitlabMessage]).toEqual([
      401,
      true,
      "/api/v4/personal_access_tokens/self",
      "GitLab answered 401 to GET /api/v4/personal_access_tokens/self",
      "Token was revoked",
    ]);
    answer = json({ message: "404 Not Found", error: "x" }, 404);
    expect((await failure(api().tokenSelf()))!.gitlabMessage).toBe("404 Not Found");
    answer = json({ error: "insufficient_scope" }, 403);
    expect((await failure(api().tokenSelf()))!.gitlabMessage).toBe("insufficient_scope");
    answer = json({}, 403);
    expect((await failure(api().tokenSelf()))!.gitlabMessage).toBe("");
    answer = () => ({ status: 500, type: "text/plain", body: "{not json" });
    const broken = await failure(api().version());
    expect([broken!.status, broken!.isJson, broken!.gitlabMessage, broken!.body]).toEqual([500, false, "", "{not json"]);
  });

  test.each([
    ["a JSON list", { body: "[1]" }],
    ["JSON null", { body: "null" }],
    ["a number", { body: "7" }],
    ["HTML", { type: "text/html", body: "<html>sign in</html>" }],
    ["JSON sent as text", { type: "text/plain", body: '{"version":"17.0.0"}' }],
    ["JSON cut short", { body: '{"version":' }],
  ])("a 200 with %s is no GitLab answer", async (_what, given) => {
    answer = () => given;
    const err = await failure(api().version());
    expect([err!.status, err!.isJson]).toEqual([200, false]);
  });

  test("a redirect away is not followed; a 429 keeps its Retry-After when it is longer than the check may wait", async () => {
    answer = () => ({ status: 302, type: "text/html", body: "", headers: { Location: "https://elsewhere.example/" } });
    expect((await failure(api().version()))!.message).toMatch(/redirected GET \/api\/v4\/version to https:\/\/elsewhere\.example\/, another origin/);
    answer = () => ({ status: 429, type: "text/plain", body: "Retry later", headers: { "Retry-After": "60" } });
    const limited = await failure(api().version());
    expect([limited!.status, limited!.retryAfter]).toEqual([429, "60"]);
  });
});
