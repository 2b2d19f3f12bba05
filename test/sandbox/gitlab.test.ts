import { startGitLab, type GitLabServer } from "./gitlab";
import { call } from "./testing";

const TOKEN_SELF_FIELDS = [
  "active",
  "created_at",
  "description",
  "expires_at",
  "id",
  "last_used_at",
  "name",
  "revoked",
  "scopes",
  "user_id",
];
const UNAUTHORIZED = { message: "401 Unauthorized" };
const INSUFFICIENT_SCOPE = {
  error: "insufficient_scope",
  error_description: "The request requires higher privileges than provided by the access token.",
  scope: "read_user read_api api",
};
const PROJECT_NOT_FOUND = { message: "404 Project Not Found" };

function day(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

describe("GitLab emulator at the origin", () => {
  let gitlab: GitLabServer;
  const get = (path: string, token?: string, header = "PRIVATE-TOKEN") =>
    call(`${gitlab.url}/api/v4${path}`, { headers: token === undefined ? {} : { [header]: token } });

  beforeAll(async () => {
    gitlab = await startGitLab();
    gitlab.addToken({ token: "full", scopes: ["api", "read_user", "read_repository"], userId: 7, expiresAt: day(30) });
    gitlab.addToken({ token: "repo-only", scopes: ["read_repository"], userId: 7 });
    gitlab.addToken({ token: "user-only", scopes: ["read_user"], userId: 7 });
    gitlab.addToken({ token: "outsider", scopes: ["read_api"], userId: 8 });
    gitlab.addToken({ token: "oauth", scopes: ["api"], kind: "oauth" });
    gitlab.addProject({ path: "team/sub/private-app", members: [7], defaultBranch: "develop" });
    gitlab.addProject({ path: "team/public-lib", visibility: "public", archived: true });
    gitlab.addProject({ path: "team/internal-lib", visibility: "internal" });
  });
  afterAll(() => gitlab.close());

  it("has its URL at the origin without a trailing slash", () => {
    expect(gitlab.url).toBe(`http://127.0.0.1:${gitlab.port}`);
  });

  describe("GET /personal_access_tokens/self", () => {
    it("answers exactly the documented fields, by PRIVATE-TOKEN and by Bearer", async () => {
      for (const [header, value] of [["PRIVATE-TOKEN", "full"], ["Authorization", "Bearer full"]]) {
        const answer = await get("/personal_access_tokens/self", value, header);
        expect(answer.status).toBe(200);
        expect(Object.keys(answer.json as object).sort()).toEqual(TOKEN_SELF_FIELDS);
        expect(answer.json).toMatchObject({
          revoked: false,
          active: true,
          scopes: ["api", "read_user", "read_repository"],
          user_id: 7,
          expires_at: day(30),
        });
      }
    });

    it("answers expires_at null for a token without expiry, whatever its scopes", async () => {
      const answer = await get("/personal_access_tokens/self", "repo-only");
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ expires_at: null, scopes: ["read_repository"] });
    });

    it("accepts a token that expires today (UTC) and rejects one that expired yesterday", async () => {
      gitlab.addToken({ token: "today", scopes: ["api"], expiresAt: day(0) });
      gitlab.addToken({ token: "yesterday", scopes: ["api"], expiresAt: day(-1) });
      expect((await get("/personal_access_tokens/self", "today")).status).toBe(200);
      const expired = await get("/personal_access_tokens/self", "yesterday");
      expect([expired.status, expired.json]).toEqual([401, UNAUTHORIZED]);
    });

    it.each([
      ["an unknown", "nope"],
      ["a missing", undefined],
    ])("answers 401 for %s token", async (_, token) => {
      const answer = await get("/personal_access_tokens/self", token);
      expect([answer.status, answer.json]).toEqual([401, UNAUTHORIZED]);
    });

    it("answers 401 once a token is revoked through updateToken", async () => {
      gitlab.addToken({ token: "to-revoke", scopes: ["api"] });
      gitlab.updateToken("to-revoke", { revoked: true });
      const answer = await get("/personal_access_tokens/self", "to-revoke");
      expect([answer.status, answer.json]).toEqual([401, UNAUTHORIZED]);
    });

    it("answers 400 with the documented message for an OAuth token", async () => {
      const answer = await get("/personal_access_tokens/self", "Bearer oauth", "Authorization");
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({
        message: "400 Bad request - This endpoint requires token type to be a personal access token",
      });
    });

    it("records when the token was last used", async () => {
      await get("/personal_access_tokens/self", "user-only");
      const answer = await get("/personal_access_tokens/self", "user-only");
      expect((answer.json as { last_used_at: string }).last_used_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    });
  });

  describe("GET /user, /metadata, /version", () => {
    it.each(["full", "user-only", "outsider"])("answers 200 to a token with %s scopes", async (token) => {
      const user = await get("/user", token);
      expect(user.status).toBe(200);
      expect(user.json).toMatchObject({ id: expect.any(Number), username: expect.any(String), state: "active" });
      const metadata = await get("/metadata", token);
      expect(metadata.json).toMatchObject({ version: "17.5.1", revision: expect.any(String), enterprise: false });
      expect((await get("/version", token)).json).toMatchObject({ version: "17.5.1" });
    });

    it.each(["/user", "/metadata", "/version"])("answers %s with 403 to read_repository alone", async (path) => {
      const answer = await get(path, "repo-only");
      expect([answer.status, answer.json]).toEqual([403, INSUFFICIENT_SCOPE]);
    });

    it("answers 401 to an unknown token", async () => {
      const answer = await get("/user", "nope");
      expect([answer.status, answer.json]).toEqual([401, UNAUTHORIZED]);
    });
  });

  describe("GET /projects/:id", () => {
    it("finds a private project by URL-encoded path for a member, with the documented fields", async () => {
      const answer = await get(`/projects/${encodeURIComponent("team/sub/private-app")}`, "full");
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        id: expect.any(Number),
        path_with_namespace: "team/sub/private-app",
        web_url: `${gitlab.url}/team/sub/private-app`,
        http_url_to_repo: `${gitlab.url}/team/sub/private-app.git`,
        default_branch: "develop",
        archived: false,
        visibility: "private",
      });
    });

    it("finds a project by numeric id", async () => {
      const byPath = await get(`/projects/${encodeURIComponent("team/public-lib")}`, "full");
      const { id } = byPath.json as { id: number };
      const byId = await get(`/projects/${id}`, "full");
      expect(byId.json).toEqual(byPath.json);
      expect(byId.json).toMatchObject({ archived: true, visibility: "public" });
    });

    it("shows public and internal projects to a non-member and hides private ones as not found", async () => {
      expect((await get(`/projects/${encodeURIComponent("team/public-lib")}`, "outsider")).status).toBe(200);
      expect((await get(`/projects/${encodeURIComponent("team/internal-lib")}`, "outsider")).status).toBe(200);
      const hidden = await get(`/projects/${encodeURIComponent("team/sub/private-app")}`, "outsider");
      expect([hidden.status, hidden.json]).toEqual([404, PROJECT_NOT_FOUND]);
    });

    it("answers 404 Project Not Found for a missing project and a route 404 for an unencoded path", async () => {
      const missing = await get(`/projects/${encodeURIComponent("team/nothing")}`, "full");
      expect([missing.status, missing.json]).toEqual([404, PROJECT_NOT_FOUND]);
      const unencoded = await get("/projects/team/public-lib", "full");
      expect([unencoded.status, unencoded.json]).toEqual([404, { error: "404 Not Found" }]);
    });

    it("needs api or read_api", async () => {
      const answer = await get(`/projects/${encodeURIComponent("team/public-lib")}`, "user-only");
      expect(answer.status).toBe(403);
      expect(answer.json).toEqual({ ...INSUFFICIENT_SCOPE, scope: "api read_api" });
    });

    it("reflects updateProject and removeProject", async () => {
      gitlab.addProject({ path: "team/changing" });
      const path = `/projects/${encodeURIComponent("team/changing")}`;
      expect((await get(path, "full")).status).toBe(404);
      gitlab.updateProject("team/changing", { members: [7], archived: true });
      expect((await get(path, "full")).json).toMatchObject({ archived: true });
      gitlab.removeProject("team/changing");
      expect((await get(path, "full")).json).toEqual(PROJECT_NOT_FOUND);
    });
  });

  it("answers an unknown API route with a JSON 404 and anything outside /api/v4 with an HTML 404", async () => {
    const route = await get("/nothing", "full");
    expect([route.status, route.json]).toEqual([404, { error: "404 Not Found" }]);
    const page = await call(`${gitlab.url}/users/sign_in`);
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.text).toContain("<html>");
    expect(page.headers.get("ratelimit-limit")).toBeNull();
  });

  it("puts the rate-limit headers on every JSON answer, counting down", async () => {
    const first = await get("/user", "full");
    const second = await get("/nothing", "full");
    for (const answer of [first, second]) {
      expect(answer.headers.get("ratelimit-limit")).toBe("2000");
      expect(Number(answer.headers.get("ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    }
    const header = (answer: typeof first, name: string) => Number(answer.headers.get(name));
    const sameWindow = header(first, "ratelimit-reset") === header(second, "ratelimit-reset");
    const expected = sameWindow ? header(first, "ratelimit-remaining") - 1 : 1999;
    expect(header(second, "ratelimit-remaining")).toBe(expected);
  });

  it("answers a rateLimit fault with 429, Retry-After and a plain-text body, and a status fault as JSON", async () => {
    gitlab.faults.add({ kind: "rateLimit", retryAfter: 7, path: "/user", times: 1 });
    const limited = await get("/user", "full");
    expect([limited.status, limited.text, limited.headers.get("retry-after")]).toEqual([429, "Retry later", "7"]);
    expect(limited.headers.get("content-type")).toMatch(/^text\/plain/);
    gitlab.faults.add({ kind: "status", status: 503, times: 1 });
    const unavailable = await get("/user", "full");
    expect([unavailable.status, unavailable.json]).toEqual([503, { message: "503 Service Unavailable" }]);
    expect(unavailable.headers.get("ratelimit-limit")).toBe("2000");
  });

  it("answers hundreds of parallel calls", async () => {
    const answers = await Promise.all(Array.from({ length: 300 }, () => get("/personal_access_tokens/self", "full")));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
  });

  it("refuses admin calls that name nothing stored", () => {
    expect(() => gitlab.updateToken("nope", { revoked: true })).toThrow(/nope/);
    expect(() => gitlab.addProject({ path: "team/public-lib" })).toThrow(/already exists/);
  });
});

describe("GitLab emulator under a relative URL root", () => {
  let gitlab: GitLabServer;
  beforeAll(async () => {
    gitlab = await startGitLab({ root: "/gitlab/" });
    gitlab.addToken({ token: "full", scopes: ["api"] });
    gitlab.addProject({ path: "group/app", visibility: "public" });
  });
  afterAll(() => gitlab.close());

  it("includes the root in its URL and in web_url", async () => {
    expect(gitlab.url).toBe(`http://127.0.0.1:${gitlab.port}/gitlab`);
    const answer = await call(`${gitlab.url}/api/v4/projects/group%2Fapp`, { headers: { "PRIVATE-TOKEN": "full" } });
    expect(answer.json).toMatchObject({ web_url: `${gitlab.url}/group/app` });
  });

  it("answers the API at the origin, and a doubled slash, with the HTML 404 page", async () => {
    for (const url of [`http://127.0.0.1:${gitlab.port}/api/v4/user`, `${gitlab.url}//api/v4/user`]) {
      const answer = await call(url, { headers: { "PRIVATE-TOKEN": "full" } });
      expect(answer.status).toBe(404);
      expect(answer.json).toBeUndefined();
      expect(answer.headers.get("content-type")).toMatch(/^text\/html/);
    }
  });

  it("refuses a root that does not start with a slash", async () => {
    await expect(startGitLab({ root: "gitlab" })).rejects.toThrow(/root/);
  });
});
