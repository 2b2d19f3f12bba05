import { startEnos, type EnosServer } from "../../test/sandbox";
import { clientFor, HttpClient } from "../http/client";
import { EnosClient, type DataSourceBody } from "./client";
import { DEFAULT_SERVICE_PATH, type EnosSettings } from "./settings";
import { accessToken, TokenCache } from "./tokens";
import { stackConfigContext } from "../core/context";

/** The token cache of one client (a configuration's EnOS client holds one). */
const issued: TokenCache = new Map();

/*
 * The access-token flow against the strict sandbox EnOS (it checks every token request's
 * encryption and every call's signature), through the module functions with the real HTTP
 * client. Each test starts its own gateway: the process-wide token cache is keyed by
 * gateway and appKey, so tests never share a token.
 */
const APP = { appKey: "tokens-app", appSecret: "tokens-app-secret", orgId: "o-tokens" };
const TOKEN_GET = "/apim-token-service/v2.0/token/get";
const TOKEN_ANY = "/apim-token-service/v2.0/token/";
const SERVICE = `${DEFAULT_SERVICE_PATH}/data-sources`;

let enos: EnosServer;
let settings: EnosSettings;
let http: HttpClient;

beforeEach(async () => {
  enos = await startEnos();
  enos.addApp(APP);
  settings = { apiGateway: enos.url, orgId: APP.orgId, appKey: APP.appKey, appSecret: APP.appSecret, servicePath: DEFAULT_SERVICE_PATH, transport: {}, names: stackConfigContext({ get: () => undefined }) };
  http = clientFor({ api: "EnOS", url: enos.url });
});
afterEach(() => enos.close());

const tokenRequests = () => enos.count({ method: "POST", path: TOKEN_ANY });
const serviceCalls = (action: string) => enos.requests.filter((r) => r.path === SERVICE && r.query.action === action).length;
const body = (name: string, description = "models for line 3"): DataSourceBody => ({
  name,
  type: "GITLAB",
  description,
  connection: { gitUrl: "http://127.0.0.1:1/platform/ml/models", token: "glpat-tokens-test" },
});

describe("access tokens: one per process, shared, renewed", () => {
  test("one token is requested and reused by later calls", async () => {
    const first = await accessToken(issued, settings, http);
    const again = [await accessToken(issued, settings, http), await accessToken(issued, settings, http), await accessToken(issued, settings, http)];
    expect(again).toEqual([first, first, first]);
    expect(enos.tokensIssued).toBe(1);
    expect(enos.count({ path: TOKEN_GET })).toBe(1);
  });

  test("concurrent callers share ONE token request", async () => {
    enos.latencyMs = 150; // every caller asks while the first request is still in flight
    const tokens = await Promise.all(Array.from({ length: 20 }, () => accessToken(issued, settings, http)));
    expect(new Set(tokens).size).toBe(1);
    expect(tokenRequests()).toBe(1);
    expect(enos.tokensIssued).toBe(1);
  });

  test("concurrent signed calls of an EnosClient share one token", async () => {
    enos.latencyMs = 50;
    const client = new EnosClient(settings);
    await Promise.all(Array.from({ length: 8 }, (_, i) => client.create(body(`concurrent_${i}`))));
    expect(enos.dataSources()).toHaveLength(8);
    expect(tokenRequests()).toBe(1);
  });

  test("each application gets its own token", async () => {
    const other = { appKey: "tokens-app-2", appSecret: "other-secret", orgId: APP.orgId };
    enos.addApp(other);
    const mine = await accessToken(issued, settings, http);
    const theirs = await accessToken(issued, { ...settings, appKey: other.appKey, appSecret: other.appSecret }, http);
    expect(theirs).not.toBe(mine);
    expect(await accessToken(issued, settings, http)).toBe(mine);
    expect(enos.tokensIssued).toBe(2);
  });

  test("a token close to its expiry is renewed before it expires, once for concurrent callers", async () => {
    // The gateway and the provider share this process's clock: moving it moves both.
    const realNow = Date.now.bind(Date);
    let offsetMs = 0;
    const clock = jest.spyOn(Date, "now").mockImplementation(() => realNow() + offsetMs);
    try {
      const first = await accessToken(issued, settings, http); // expire: 7200 s; renewal starts 300 s before
      offsetMs = 6800_000;
      expect(await accessToken(issued, settings, http)).toBe(first);
      expect(tokenRequests()).toBe(1);

      offsetMs = 7000_000; // 200 s before the gateway expires it
      const renewed = await Promise.all(Array.from({ length: 5 }, () => accessToken(issued, settings, http)));
      expect(new Set(renewed).size).toBe(1);
      expect(renewed[0]).not.toBe(first);
      expect(enos.tokensIssued).toBe(2);
      expect(tokenRequests()).toBe(2);
      // token/get would answer the still-valid old token: the renewal is a token/refresh
      expect(enos.count({ path: "/apim-token-service/v2.0/token/refresh" })).toBe(1);

      offsetMs = 7300_000; // the first token has expired; the renewed one is used, no request
      expect(await accessToken(issued, settings, http)).toBe(renewed[0]);
      expect(tokenRequests()).toBe(2);
      // Another configuration's client holds tokens of its own.
      await expect(new EnosClient(settings).create(body("after_renewal"))).resolves.toMatch(/^ds-/);
      expect(tokenRequests()).toBe(3);
    } finally {
      clock.mockRestore();
    }
  });

  test("a renewal the gateway refuses falls back to token/get", async () => {
    const realNow = Date.now.bind(Date);
    let offsetMs = 0;
    const clock = jest.spyOn(Date, "now").mockImplementation(() => realNow() + offsetMs);
    try {
      const first = await accessToken(issued, settings, http);
      enos.faults.add({ kind: "status", status: 404, path: "/token/refresh", times: 1 });
      offsetMs = 7300_000; // expired at the gateway: token/get issues a new one
      const next = await accessToken(issued, settings, http);
      expect(next).not.toBe(first);
      expect(enos.count({ path: "/apim-token-service/v2.0/token/refresh" })).toBe(1);
      expect(enos.count({ path: TOKEN_GET })).toBe(2);
    } finally {
      clock.mockRestore();
    }
  });

  test("a 1203 answer gets one new token and one retry (update and create)", async () => {
    const client = new EnosClient(settings);
    const id = await client.create(body("expiring"));
    expect(enos.tokensIssued).toBe(1);

    enos.expireTokens();
    await client.update(id, { description: "after expiry", connection: body("x").connection });
    expect(serviceCalls("update")).toBe(2); // 1203, then the retry
    expect(enos.tokensIssued).toBe(2);
    expect(enos.dataSources().find((d) => d.dataSourceId === id)?.description).toBe("after expiry");

    enos.expireTokens();
    await client.create(body("created_after_expiry"));
    expect(serviceCalls("create")).toBe(3); // the first, then 1203 and its retry
    expect(enos.tokensIssued).toBe(3);
    expect(enos.dataSources().map((d) => d.name).sort()).toEqual(["created_after_expiry", "expiring"]);
  });

  test("concurrent calls that all meet 1203 share one new token", async () => {
    const client = new EnosClient(settings);
    const ids = await Promise.all(["a", "b", "c", "d"].map((n) => client.create(body(`shared_${n}`))));
    enos.expireTokens();
    enos.latencyMs = 30;
    await Promise.all(ids.map((id) => client.update(id, { description: "renewed", connection: body("x").connection })));
    expect(enos.tokensIssued).toBe(2);
    expect(serviceCalls("update")).toBe(8);
  });

  test("a token expired again after its renewal: one retry only, then a message about the clock", async () => {
    enos.tokenLifetimeSeconds = 0; // every token is expired as soon as it is issued
    const client = new EnosClient(settings);
    await expect(client.create(body("never"))).rejects.toThrow(/expired again after a renewal \(1203\).*clock/);
    expect(serviceCalls("create")).toBe(2);
    expect(enos.tokensIssued).toBe(2);
    expect(enos.dataSources()).toEqual([]);
  });
});

describe("access tokens: credential errors name the config key", () => {
  test("an unknown appKey (1002) names enos:appKey", async () => {
    const bad = { ...settings, appKey: "no-such-app" };
    await expect(accessToken(issued, bad, http)).rejects.toThrow(/\(1002\).*enos:appKey/);
    expect(enos.tokensIssued).toBe(0);
  });

  test("a wrong appSecret (1003) names enos:appSecret, and the secret is not in the message", async () => {
    const bad = { ...settings, appSecret: "wrong-secret-value" };
    const error = await accessToken(issued, bad, http).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/\(1003\).*enos:appSecret/);
    expect((error as Error).message).not.toContain("wrong-secret-value");
    expect(enos.tokensIssued).toBe(0);
  });

  test("a failed token request is not cached: the next call asks again", async () => {
    const bad = { ...settings, appKey: "late-app", appSecret: "late-secret" };
    await expect(accessToken(issued, bad, http)).rejects.toThrow(/enos:appKey/);
    enos.addApp({ appKey: "late-app", appSecret: "late-secret", orgId: APP.orgId });
    await expect(accessToken(issued, bad, http)).resolves.toEqual(expect.any(String));
    expect(enos.tokensIssued).toBe(1);
  });

  test("a service call with a token signed by a stale secret is refused with a message naming the credentials", async () => {
    const app = { appKey: "rotating-app", appSecret: "old-secret-value", orgId: APP.orgId };
    enos.addApp(app);
    const client = new EnosClient({ ...settings, appKey: app.appKey, appSecret: app.appSecret });
    await client.create(body("before_rotation"));
    // The secret is rotated on the EnOS side while this process holds a valid token: the
    // gateway checks signatures with the new secret, the provider still signs with the old one.
    app.appSecret = "new-secret-value";
    const error = await client.create(body("after_rotation")).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/401.*enos:appKey and enos:appSecret/);
    expect((error as Error).message).not.toContain("old-secret-value");
    expect(enos.dataSources().map((d) => d.name)).toEqual(["before_rotation"]);
  });
});

describe("signed calls carry the exact bytes they were signed over", () => {
  test("a body with non-ASCII text, quotes and backslashes passes the gateway's signature check", async () => {
    const client = new EnosClient(settings);
    const description = 'Modelle für Linie 3 — "Ω" \\ 模型';
    const id = await client.create(body("unicode_body", description));
    expect(enos.dataSources().find((d) => d.dataSourceId === id)?.description).toBe(description);
    expect(enos.requests.every((r) => r.status === 200)).toBe(true);
  });
});

describe("access tokens: the token service's other answers", () => {
  const answer = (status: number, body: unknown, times?: number) => enos.faults.add({ kind: "body", status, body: JSON.stringify(body), contentType: "application/json", method: "POST", path: TOKEN_GET, times });

  test("each refusal says what to check, whichever status field the service fills", async () => {
    answer(200, { status: 1004, msg: "invalid" }, 1);
    await expect(accessToken(issued, settings, http)).rejects.toThrow("EnOS rejected the token request as invalid (1004); check the machine's clock and enos:appKey.");
    answer(200, { stauts: 1202, msg: "empty" }, 1);
    await expect(accessToken(issued, settings, http)).rejects.toThrow("EnOS rejected the token request: a parameter is empty (1202); check enos:appKey and enos:appSecret.");
    answer(200, { code: 1777, msg: "locked" }, 1);
    await expect(accessToken(issued, settings, http)).rejects.toThrow("EnOS token service refused the application (1777 locked); check enos:appKey and enos:appSecret.");
    answer(200, { code: 1777 }, 1);
    await expect(accessToken(issued, settings, http)).rejects.toThrow("EnOS token service refused the application (1777 ); check enos:appKey and enos:appSecret.");
    answer(200, { msg: "no status at all" }, 1);
    await expect(accessToken(issued, settings, http)).rejects.toThrow(/a token service answer/);
    expect(enos.tokensIssued).toBe(0);
  });

  test("a 5xx or a replayed encryption (1001) is asked again, three times at most", async () => {
    answer(502, { msg: "bad gateway" }, 2);
    await expect(accessToken(issued, settings, http)).resolves.toEqual(expect.any(String));
    expect(tokenRequests()).toBe(3);
    enos.resetLog();
    issued.clear();
    answer(200, { status: 1001, msg: "replay" }, 2);
    await expect(accessToken(issued, settings, http)).resolves.toEqual(expect.any(String));
    expect(tokenRequests()).toBe(3);
    enos.resetLog();
    issued.clear();
    answer(500, { msg: "down" });
    await expect(accessToken(issued, settings, http)).rejects.toThrow(`EnOS token service answered 500 to POST ${TOKEN_GET}; check enos:apiGateway (${enos.url}).`);
    expect(tokenRequests()).toBe(3);
  });
});
