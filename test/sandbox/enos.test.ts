import { createHash } from "node:crypto";
import { apiSignature, paramsData, tokenEncryption } from "./enos-auth";
import { startEnos, type EnosApp, type EnosServer } from "./enos";
import { startGitLab, type GitLabServer } from "./gitlab";
import {
  accessToken,
  call,
  jsonInit,
  send,
  signedCall,
  tokenBody,
  tokenCall,
  type EnosEnvelope,
} from "./testing";

const APP: EnosApp = { appKey: "app-key-1", appSecret: "secret-1", orgId: "o-1" };
const COLLEAGUE: EnosApp = { appKey: "app-key-2", appSecret: "secret-2", orgId: "o-1" };
const STRANGER: EnosApp = { appKey: "app-key-3", appSecret: "secret-3", orgId: "o-2" };
const ENVELOPE_KEYS = ["code", "data", "msg", "requestId"];

function dataSource(overrides: Record<string, unknown> = {}, connection: Record<string, unknown> = {}) {
  return {
    name: "model_repo",
    type: "GITLAB",
    description: "models for line 3",
    connection: { gitUrl: "http://git.example.com:8080/ml/models", token: "glpat-secret", ...connection },
    ...overrides,
  };
}

describe("EnOS signing helpers", () => {
  it("sort query parameters by key and append the body, as in the documented example", () => {
    expect(paramsData(new URLSearchParams("k3=v3&k1=v1&k2=v2"), '{"a":1}')).toBe('k1v1k2v2k3v3{"a":1}');
    expect(paramsData(new URLSearchParams("b=1&B=2&a=3"), "")).toBe("B2a3b1");
  });

  it("hash with lowercase hex sha256", () => {
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(tokenEncryption("key", 1700000000000, "secret")).toBe(sha("key1700000000000secret"));
    const query = new URLSearchParams("orgId=o&action=get");
    expect(apiSignature("tok", query, "{}", "17", "s")).toBe(sha("tokactiongetorgIdo{}17s"));
  });
});

describe("EnOS emulator", () => {
  let enos: EnosServer;
  let token: string;
  const dsCall = async <T = unknown>(query: Record<string, string>, body: unknown = {}, app = APP) =>
    send<T>(signedCall(enos.url, app, app === APP ? token : await accessToken(enos.url, app), query, body));
  const create = async (overrides: Record<string, unknown> = {}, app = APP): Promise<string> => {
    const answer = await dsCall<{ dataSourceId: string }>({ action: "create" }, dataSource(overrides), app);
    expect(answer.json.code).toBe(0);
    return answer.json.data.dataSourceId;
  };

  beforeEach(async () => {
    enos = await startEnos();
    for (const app of [APP, COLLEAGUE, STRANGER]) enos.addApp(app);
    token = await accessToken(enos.url, APP);
  });
  afterEach(() => enos.close());

  describe("token service", () => {
    it("issues a token with the documented answer and returns the same one while it is valid", async () => {
      const answer = await tokenCall(enos.url, "get", tokenBody(APP));
      expect(answer).toEqual({
        status: 0,
        msg: "SUCCESS",
        business: "apim-token-service",
        data: { accessToken: token, expire: expect.any(Number) },
      });
      expect(answer.data?.expire).toBeGreaterThan(7190);
      expect(answer.data?.expire).toBeLessThanOrEqual(7200);
      expect(enos.tokensIssued).toBe(1);
    });

    it.each([
      ["1002 for an unknown appKey", { ...tokenBody(APP), appKey: "nope" }, 1002],
      ["1003 for a wrong encryption", { ...tokenBody(APP), encryption: "0".repeat(64) }, 1003],
      ["1003 for an uppercase encryption", (() => {
        const body = tokenBody(APP);
        return { ...body, encryption: String(body.encryption).toUpperCase() };
      })(), 1003],
      ["1202 for a missing field", { appKey: APP.appKey, timestamp: Date.now() }, 1202],
      ["1202 for an empty field", { ...tokenBody(APP), appKey: "" }, 1202],
      ["1004 for a timestamp string", { ...tokenBody(APP), timestamp: String(Date.now()) }, 1004],
      ["1004 for a timestamp six minutes old", tokenBody(APP, Date.now() - 6 * 60_000), 1004],
      ["1004 for a body that is no JSON object", [], 1004],
    ])("answers status %s", async (_, body, status) => {
      const answer = await tokenCall(enos.url, "get", body);
      expect(answer).toEqual({ status, msg: expect.any(String), business: "apim-token-service", data: null });
    });

    it("answers 1001 when the same encryption comes twice", async () => {
      const body = tokenBody(APP);
      expect((await tokenCall(enos.url, "get", body)).status).toBe(0);
      expect((await tokenCall(enos.url, "get", body)).status).toBe(1001);
    });

    it("refreshes a token of the same app into a new one, and refuses others' tokens with 1204", async () => {
      const refreshed = await tokenCall(enos.url, "refresh", { ...tokenBody(APP), accessToken: token });
      expect(refreshed.status).toBe(0);
      expect(refreshed.data?.accessToken).not.toBe(token);
      expect(enos.tokensIssued).toBe(2);
      const foreign = await tokenCall(enos.url, "refresh", { ...tokenBody(COLLEAGUE), accessToken: token });
      expect(foreign.status).toBe(1204);
      expect((await tokenCall(enos.url, "refresh", tokenBody(APP))).status).toBe(1202);
    });

    it("answers 1203 once tokens expire, and issues a new token afterwards", async () => {
      enos.expireTokens();
      const expired = await dsCall({ action: "search" });
      expect([expired.status, expired.json.code]).toEqual([200, 1203]);
      const fresh = await accessToken(enos.url, APP);
      expect(fresh).not.toBe(token);
      expect(enos.tokensIssued).toBe(2);
      expect((await send(signedCall(enos.url, APP, fresh, { action: "search" }))).json.code).toBe(0);
    });

    it("lets tokens expire after tokenLifetimeSeconds", async () => {
      enos.tokenLifetimeSeconds = 0.2;
      const shortLived = await tokenCall(enos.url, "refresh", { ...tokenBody(APP), accessToken: token });
      await new Promise((resolve) => setTimeout(resolve, 250));
      const answer = await send(signedCall(enos.url, APP, shortLived.data?.accessToken ?? "", { action: "search" }));
      expect(answer.json.code).toBe(1203);
    });
  });

  describe("signed service calls", () => {
    it("answers the envelope with a requestId", async () => {
      const answer = await dsCall({ action: "search" });
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.json).sort()).toEqual([...ENVELOPE_KEYS, "pagination"].sort());
      expect(answer.json).toMatchObject({ code: 0, msg: "OK", requestId: expect.stringMatching(/.+/) });
    });

    it.each(["apim-accesstoken", "apim-timestamp", "apim-signature"])("answers HTTP 401 without %s", async (header) => {
      const request = signedCall(enos.url, APP, token, { action: "search" });
      delete request.init.headers[header];
      const answer = await send(request);
      expect(answer.status).toBe(401);
      expect(Object.keys(answer.json).sort()).toEqual(ENVELOPE_KEYS);
      expect(answer.json).toMatchObject({ code: 401, msg: expect.stringContaining(header), data: null });
    });

    it("answers HTTP 401 to an unknown access token", async () => {
      const answer = await send(signedCall(enos.url, APP, "not-issued", { action: "search" }));
      expect([answer.status, answer.json.code]).toEqual([401, 401]);
    });

    it.each([
      ["the body changed after signing", (request: ReturnType<typeof signedCall>) => {
        request.init.body = request.init.body.replace("{}", "{ }");
      }],
      ["a query value changed after signing", (request: ReturnType<typeof signedCall>) => {
        request.url = request.url.replace("action=search", "action=get");
      }],
      ["another timestamp", (request: ReturnType<typeof signedCall>) => {
        request.init.headers["apim-timestamp"] = "1";
      }],
      ["an uppercase signature", (request: ReturnType<typeof signedCall>) => {
        request.init.headers["apim-signature"] = request.init.headers["apim-signature"].toUpperCase();
      }],
    ])("answers HTTP 401 naming the signature for %s", async (_, spoil) => {
      const request = signedCall(enos.url, APP, token, { action: "search" });
      spoil(request);
      const answer = await send(request);
      expect([answer.status, answer.json.code]).toEqual([401, 401]);
      expect(answer.json.msg).toContain("signature");
    });

    it.each([
      ["six minutes old", () => String(Date.now() - 6 * 60_000)],
      ["six minutes ahead", () => String(Date.now() + 6 * 60_000)],
      ["in seconds", () => String(Math.floor(Date.now() / 1000))],
      ["not a number", () => "now"],
    ])("answers HTTP 401 naming apim-timestamp for a timestamp %s, however well signed", async (_, timestamp) => {
      const answer = await send(signedCall(enos.url, APP, token, { action: "search" }, {}, undefined, timestamp()));
      expect([answer.status, answer.json.code]).toEqual([401, 401]);
      expect(answer.json.msg).toMatch(/apim-timestamp .* is not within 5 minutes/);
    });

    it("accepts a timestamp four minutes off either way", async () => {
      for (const offset of [-4 * 60_000, 4 * 60_000]) {
        const answer = await send(signedCall(enos.url, APP, token, { action: "search" }, {}, undefined, String(Date.now() + offset)));
        expect(answer.json.code).toBe(0);
      }
    });

    it("answers HTTP 401 to a replayed call: the same signature twice, whatever the first call's outcome", async () => {
      const request = signedCall(enos.url, APP, token, { action: "search" });
      expect((await send(request)).json.code).toBe(0);
      const again = await send(request);
      expect([again.status, again.json.code]).toEqual([401, 401]);
      expect(again.json.msg).toContain("Replayed request");
      const failed = signedCall(enos.url, APP, token, { action: "get", dataSourceId: "ds-none" });
      expect((await send(failed)).json.code).toBe(40401);
      expect((await send(failed)).json.msg).toContain("Replayed request");
    });

    it("verifies the signature over the sorted query, whatever order the URL has", async () => {
      const request = signedCall(enos.url, APP, token, { action: "search" });
      const [base, query] = request.url.split("?");
      request.url = `${base}?${query.split("&").reverse().join("&")}`;
      expect((await send(request)).json.code).toBe(0);
    });

    it("answers 40001 for another Content-Type, accepting case and spacing variants", async () => {
      const plain = signedCall(enos.url, APP, token, { action: "search" });
      plain.init.headers["Content-Type"] = "application/json";
      expect((await send(plain)).json).toMatchObject({ code: 40001, msg: expect.stringContaining("Content-Type") });
      const variant = signedCall(enos.url, APP, token, { action: "search" });
      variant.init.headers["Content-Type"] = "Application/JSON; charset=utf-8";
      expect((await send(variant)).json.code).toBe(0);
    });

    it("answers HTTP 403 for another organization and 40001 without orgId", async () => {
      const foreign = await dsCall({ action: "search", orgId: "o-2" });
      expect([foreign.status, foreign.json.code]).toEqual([403, 403]);
      const request = signedCall(enos.url, APP, token, { action: "search" });
      request.url = request.url.replace(/orgId=[^&]*&?/, "");
      request.init.headers["apim-signature"] = apiSignature(
        token,
        new URLSearchParams(request.url.split("?")[1]),
        request.init.body,
        request.init.headers["apim-timestamp"],
        APP.appSecret,
      );
      expect((await send(request)).json).toMatchObject({ code: 40001, msg: expect.stringContaining("orgId") });
    });

    it("answers 40001 for a missing or unknown action and for a body that is no JSON object", async () => {
      expect((await dsCall({})).json).toMatchObject({ code: 40001, msg: expect.stringContaining("action") });
      const unknown = await dsCall({ action: "destroy" });
      expect(unknown.json).toMatchObject({ code: 40001, msg: expect.stringContaining("action") });
      expect((await dsCall({ action: "search" }, [])).json.code).toBe(40001);
    });

    it("answers unknown paths with a 404 envelope and other methods with 405", async () => {
      const unknown = await call<EnosEnvelope>(`${enos.url}/nothing`, jsonInit("POST", {}));
      expect([unknown.status, unknown.json.code]).toEqual([404, 404]);
      const get = await call<EnosEnvelope>(`${enos.url}/data-source-registration/v2.0/data-sources?action=search`);
      expect([get.status, get.json.code]).toEqual([405, 405]);
    });

    it("answers status and rateLimit faults as envelopes", async () => {
      enos.faults.add({ kind: "status", status: 500, times: 1 });
      const failed = await dsCall({ action: "search" });
      expect([failed.status, failed.json.code, failed.json.msg]).toEqual([500, 500, "Internal Server Error"]);
      enos.faults.add({ kind: "rateLimit", retryAfter: 2, times: 1 });
      const limited = await dsCall({ action: "search" });
      expect([limited.status, limited.json.code, limited.headers.get("retry-after")]).toEqual([429, 429, "2"]);
      expect(Object.keys(limited.json).sort()).toEqual(ENVELOPE_KEYS);
    });
  });

  describe("data sources", () => {
    it("creates, then gets the documented object without the token", async () => {
      const id = await create();
      expect(id).toMatch(/^ds-/);
      const answer = await dsCall({ action: "get", dataSourceId: id });
      expect(answer.json.data).toEqual({
        dataSourceId: id,
        name: "model_repo",
        type: "GITLAB",
        description: "models for line 3",
        connection: { gitUrl: "http://git.example.com:8080/ml/models" },
        createBy: `app:${APP.appKey}`,
        createTime: expect.any(Number),
        updateTime: expect.any(Number),
      });
      expect(answer.text).not.toContain("glpat-secret");
      expect(enos.dataSources()[0]).toMatchObject({ orgId: "o-1", token: "glpat-secret", createBy: "app:app-key-1" });
    });

    it.each([
      ["name", dataSource({ name: "a".repeat(51) })],
      ["name", dataSource({ name: "model-repo" })],
      ["name", dataSource({ name: "" })],
      ["name", dataSource({ name: undefined })],
      ["type", dataSource({ type: "GITHUB" })],
      ["description", dataSource({ description: "d".repeat(101) })],
      ["owner", dataSource({ owner: "me" })],
      ["connection.user", dataSource({}, { user: "root" })],
      ["connection.token", dataSource({}, { token: undefined })],
      ["connection.gitUrl", dataSource({}, { gitUrl: "http://git.example.com/only-namespace" })],
      ["connection.gitUrl", dataSource({}, { gitUrl: "http://user:pw@git.example.com/ml/models" })],
      ["connection.gitUrl", dataSource({}, { gitUrl: "http://git.example.com/ml/models?ref=main" })],
      ["connection.gitUrl", dataSource({}, { gitUrl: "http://git.example.com/ml/models#readme" })],
      ["connection.gitUrl", dataSource({}, { gitUrl: "ssh://git.example.com/ml/models" })],
      ["connection.gitUrl", dataSource({}, { gitUrl: "http://git.example.com/ml/models/" })],
      ["connection", dataSource({ connection: "http://git.example.com/ml/models" })],
    ])("answers 40001 naming %s", async (field, body) => {
      const answer = await dsCall({ action: "create" }, body);
      expect(answer.json).toMatchObject({ code: 40001, msg: expect.stringContaining(field), data: null });
      expect(enos.dataSources()).toEqual([]);
    });

    it("accepts the limits of the rules", async () => {
      await create({ name: `A_z09${"x".repeat(45)}`, description: "d".repeat(100) });
      await create({ name: "nested", description: undefined, connection: { gitUrl: "https://h/a/b/c/d", token: "t" } });
      expect(enos.dataSources().map((record) => record.description)).toEqual(["d".repeat(100), ""]);
    });

    it("answers 40901 for a name taken in the organization, but not in another one", async () => {
      await create();
      expect((await dsCall({ action: "create" }, dataSource())).json.code).toBe(40901);
      await create({}, STRANGER);
    });

    it("answers 40401 for unknown ids and for ids of another organization", async () => {
      const foreign = await create({}, STRANGER);
      for (const action of ["get", "update", "delete"]) {
        for (const id of ["ds-nope", foreign]) {
          const body = action === "update" ? { description: "x" } : {};
          expect([action, (await dsCall({ action, dataSourceId: id }, body)).json.code]).toEqual([action, 40401]);
        }
      }
      const withoutId = await dsCall({ action: "get" });
      expect(withoutId.json).toMatchObject({ code: 40001, msg: expect.stringContaining("dataSourceId") });
    });

    it("updates description and connection, keeping the stored token when it is omitted", async () => {
      const id = await create();
      const update = { description: "new", connection: { gitUrl: "http://git.example.com:8080/ml/models2" } };
      const answer = await dsCall({ action: "update", dataSourceId: id }, update);
      expect(answer.json.data).toMatchObject({ description: "new", connection: { gitUrl: update.connection.gitUrl } });
      expect(enos.dataSources()[0].token).toBe("glpat-secret");
      const withToken = { connection: { ...update.connection, token: "glpat-new" } };
      await dsCall({ action: "update", dataSourceId: id }, withToken);
      expect(enos.dataSources()[0]).toMatchObject({ token: "glpat-new", description: "new" });
    });

    it("answers 40001 when an update names the data source or carries unknown fields", async () => {
      const id = await create();
      const renamed = await dsCall({ action: "update", dataSourceId: id }, { name: "other" });
      expect(renamed.json).toMatchObject({ code: 40001, msg: expect.stringContaining("name cannot be changed") });
      const typed = await dsCall({ action: "update", dataSourceId: id }, { type: "GITLAB" });
      expect(typed.json).toMatchObject({ code: 40001, msg: expect.stringContaining("type") });
    });

    it("answers 40301 when another app of the organization updates, deletes or tests by id", async () => {
      const id = await create();
      expect((await dsCall({ action: "get", dataSourceId: id }, {}, COLLEAGUE)).json.code).toBe(0);
      const update = await dsCall({ action: "update", dataSourceId: id }, { description: "x" }, COLLEAGUE);
      expect(update.json.code).toBe(40301);
      expect((await dsCall({ action: "delete", dataSourceId: id }, {}, COLLEAGUE)).json.code).toBe(40301);
      expect((await dsCall({ action: "test" }, { dataSourceId: id }, COLLEAGUE)).json.code).toBe(40301);
      expect(enos.dataSources()[0].description).toBe("models for line 3");
    });

    it("deletes with data null, then answers 40401", async () => {
      const id = await create();
      const deleted = await dsCall({ action: "delete", dataSourceId: id });
      expect(deleted.json).toMatchObject({ code: 0, data: null });
      expect((await dsCall({ action: "get", dataSourceId: id })).json.code).toBe(40401);
      expect((await dsCall({ action: "delete", dataSourceId: id }, { extra: 1 })).json.code).toBe(40001);
    });

    it("searches one organization with pagination and an exact name filter", async () => {
      for (const name of ["a_1", "a_2", "a_3"]) await create({ name });
      await create({ name: "a_1" }, STRANGER);
      const secondPage = { type: "GITLAB", pagination: { pageNo: 2, pageSize: 2 } };
      const page = await dsCall<{ name: string }[]>({ action: "search" }, secondPage);
      expect(page.json.data.map((item) => item.name)).toEqual(["a_3"]);
      expect(page.json.pagination).toEqual({ pageNo: 2, pageSize: 2, totalSize: 3 });
      const named = await dsCall<{ name: string }[]>({ action: "search" }, { name: "a_2" });
      expect([named.json.data.map((item) => item.name), named.json.pagination?.totalSize]).toEqual([["a_2"], 1]);
      expect((await dsCall<unknown[]>({ action: "search" }, { name: "a" })).json.data).toEqual([]);
    });

    it.each([
      ["pagination.pageSize", { pagination: { pageNo: 1, pageSize: 101 } }],
      ["pagination.pageNo", { pagination: { pageNo: 0, pageSize: 10 } }],
      ["pagination.pageSize", { pagination: { pageNo: 1 } }],
      ["type", { type: "GITHUB" }],
      ["sort", { sort: "name" }],
    ])("answers a search with 40001 naming %s", async (field, body) => {
      const answer = await dsCall({ action: "search" }, body);
      expect(answer.json).toMatchObject({ code: 40001, msg: expect.stringContaining(field) });
    });

    it("shows admin seeds, edits and removals", async () => {
      const seeded = enos.seedDataSource({
        orgId: "o-1",
        name: "seeded",
        type: "GITLAB",
        description: "",
        gitUrl: "http://h/a/b",
        token: "t",
        createBy: "app:someone",
      });
      enos.editDataSource(seeded.dataSourceId, { description: "edited" });
      const answer = await dsCall({ action: "get", dataSourceId: seeded.dataSourceId });
      expect(answer.json.data).toMatchObject({ description: "edited", createBy: "app:someone" });
      enos.removeDataSource(seeded.dataSourceId);
      expect((await dsCall({ action: "get", dataSourceId: seeded.dataSourceId })).json.code).toBe(40401);
    });

    it("creates hundreds of data sources in parallel, and exactly one of racing same-name creates", async () => {
      const distinct = await Promise.all(
        Array.from({ length: 200 }, (_, index) => dsCall({ action: "create" }, dataSource({ name: `ds_${index}` }))),
      );
      expect(distinct.every((answer) => answer.json.code === 0)).toBe(true);
      const racing = await Promise.all(Array.from({ length: 50 }, () => dsCall({ action: "create" }, dataSource())));
      expect(racing.filter((answer) => answer.json.code === 0)).toHaveLength(1);
      expect(enos.dataSources()).toHaveLength(201);
    });

    it("serves the data sources under a configured service path", async () => {
      const custom = await startEnos({ servicePath: "/dsr/v9/" });
      custom.addApp(APP);
      try {
        const customToken = await accessToken(custom.url, APP);
        const answer = await send(signedCall(custom.url, APP, customToken, { action: "search" }, {}, "/dsr/v9"));
        expect(answer.json.code).toBe(0);
        const oldPath = await send(signedCall(custom.url, APP, customToken, { action: "search" }));
        expect(oldPath.status).toBe(404);
      } finally {
        await custom.close();
      }
    });
  });

  describe("test action", () => {
    let gitlab: GitLabServer;
    let rooted: GitLabServer;
    const gitUrl = (server: GitLabServer, path = "ml/models") => `${server.url}/${path}`;
    const testConnection = async (connection: { gitUrl: string; token: string }) =>
      (await dsCall<{ success: boolean; message: string }>({ action: "test" }, { type: "GITLAB", connection })).json;

    beforeAll(async () => {
      gitlab = await startGitLab();
      rooted = await startGitLab({ root: "/gitlab" });
      for (const server of [gitlab, rooted]) {
        server.addToken({ token: "good", scopes: ["api", "read_user", "read_repository"], userId: 1 });
        server.addToken({ token: "narrow", scopes: ["read_api", "read_repository"], userId: 1 });
        server.addProject({ path: "ml/models", members: [1] });
        server.addProject({ path: "ml/hidden" });
      }
    });
    afterAll(async () => {
      await gitlab.close();
      await rooted.close();
    });

    it("succeeds when EnOS reaches GitLab with a good token and a visible project", async () => {
      gitlab.resetLog();
      const answer = await testConnection({ gitUrl: gitUrl(gitlab), token: "good" });
      expect(answer).toMatchObject({ code: 0, data: { success: true, message: expect.any(String) } });
      expect(gitlab.count({ path: "/api/v4/personal_access_tokens/self" })).toBe(1);
      expect(gitlab.count({ path: "/api/v4/projects/ml%2Fmodels" })).toBe(1);
    });

    it("finds GitLab under a relative root", async () => {
      const answer = await testConnection({ gitUrl: gitUrl(rooted), token: "good" });
      expect(answer.data).toEqual({ success: true, message: expect.any(String) });
    });

    it.each([
      ["a missing scope", "narrow", "ml/models", /read_user/],
      ["a token GitLab rejects", "nope", "ml/models", /401/],
      ["a project the token cannot see", "good", "ml/hidden", /ml\/hidden/],
    ])("fails for %s", async (_, token, path, message) => {
      const answer = await testConnection({ gitUrl: gitUrl(gitlab, path), token });
      expect(answer.code).toBe(0);
      expect(answer.data.success).toBe(false);
      expect(answer.data.message).toMatch(message);
    });

    it("tests a stored data source by id", async () => {
      const id = await create({ connection: { gitUrl: gitUrl(gitlab), token: "good" } });
      const byId = await dsCall<{ success: boolean }>({ action: "test" }, { dataSourceId: id });
      expect(byId.json.data.success).toBe(true);
      expect((await dsCall({ action: "test" }, { dataSourceId: "ds-nope" })).json.code).toBe(40401);
      expect((await dsCall({ action: "test" }, { dataSourceId: id, type: "GITLAB" })).json.code).toBe(40001);
    });

    it("fails with a connection message for unreachable hosts, closed ports and other networks", async () => {
      enos.unreachableHosts.add(`127.0.0.1:${gitlab.port}`);
      const unreachable = await testConnection({ gitUrl: gitUrl(gitlab), token: "good" });
      expect(unreachable.data).toEqual({ success: false, message: expect.stringContaining("cannot connect") });
      enos.unreachableHosts.clear();
      const closed = await startGitLab();
      await closed.close();
      const refused = await testConnection({ gitUrl: gitUrl(closed), token: "good" });
      expect(refused.data.message).toMatch(/cannot connect.*ECONNREFUSED/);
      const outside = await testConnection({ gitUrl: "http://gitlab.example.com/ml/models", token: "good" });
      expect(outside.data.message).toMatch(/cannot connect.*outside the sandbox/);
    });

    it("reports a GitLab server error with its status", async () => {
      gitlab.faults.add({ kind: "status", status: 503, times: 1 });
      const answer = await testConnection({ gitUrl: gitUrl(gitlab), token: "good" });
      expect(answer.data).toEqual({ success: false, message: expect.stringContaining("503") });
    });

    it("answers HTTP 500 in the envelope when the emulator itself fails (a seeded gitUrl that is no URL)", async () => {
      const seed = { orgId: "o-1", name: "broken", type: "GITLAB", description: "", gitUrl: "no url", token: "t" };
      const { dataSourceId } = enos.seedDataSource({ ...seed, createBy: `app:${APP.appKey}` });
      const answer = await dsCall({ action: "test" }, { dataSourceId });
      expect([answer.status, answer.json.code, answer.json.msg]).toEqual([500, 500, "Internal Server Error"]);
    });

    it("answers testOverride without connecting", async () => {
      enos.testOverride = { success: false, message: "overridden" };
      gitlab.resetLog();
      expect((await testConnection({ gitUrl: gitUrl(gitlab), token: "good" })).data).toEqual(enos.testOverride);
      expect(gitlab.count()).toBe(0);
    });

    it("validates the body of a test", async () => {
      const answer = await dsCall({ action: "test" }, { type: "GITLAB", connection: { gitUrl: "nope", token: "t" } });
      expect(answer.json).toMatchObject({ code: 40001, msg: expect.stringContaining("connection.gitUrl") });
    });
  });
});
