import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { startEnos, type EnosServer } from "../../test/sandbox";
import { EnosClient } from "./client";
import { DEFAULT_SERVICE_PATH } from "./settings";
import { stackConfigContext } from "../core/context";

/*
 * Listing an organization's data sources against the sandbox EnOS: pages of 100, the pages
 * after the first asked for at once. Each test starts its own gateway, so the process-wide
 * list cache (keyed by gateway and organization) is never shared.
 */
const APP = { appKey: "list-app", appSecret: "list-app-secret", orgId: "o-list" };
const SERVICE = `${DEFAULT_SERVICE_PATH}/data-sources`;

let enos: EnosServer;
let client: EnosClient;
beforeEach(async () => {
  enos = await startEnos();
  enos.addApp(APP);
  client = new EnosClient({ apiGateway: enos.url, orgId: APP.orgId, appKey: APP.appKey, appSecret: APP.appSecret, servicePath: DEFAULT_SERVICE_PATH, transport: {}, names: stackConfigContext({ get: () => undefined }) });
});
afterEach(() => enos.close());

const seed = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    enos.seedDataSource({ orgId: APP.orgId, name: `ds_${i}`, type: "GITLAB", description: "", gitUrl: `http://git.example.com/g/p${i}`, token: "glpat-x", createBy: `app:${APP.appKey}` }).dataSourceId,
  );
/** A search answer's envelope with page `pageNo` of the seeded data sources, for faults that replay it. */
function searchBody(pageNo: number) {
  const data = enos
    .dataSources()
    .slice((pageNo - 1) * 100, pageNo * 100)
    .map((d) => ({ dataSourceId: d.dataSourceId, name: d.name, type: d.type, description: d.description, connection: { gitUrl: d.gitUrl }, createBy: d.createBy, createTime: d.createTime }));
  return { code: 0, msg: "OK", data };
}

const searches = () => enos.requests.filter((r) => r.path === SERVICE && r.query.action === "search").length;

describe("list", () => {
  test("reads every page, the pages after the first at once", async () => {
    const ids = seed(250);
    enos.latencyMs = 30;
    const list = await client.list();
    expect(ids.every((id) => list.get(id)?.dataSourceId === id)).toBe(true);
    expect(searches()).toBe(3);
    expect(enos.peakInFlight).toBe(2); // the token, page 1, then pages 2 and 3 together
    await client.list();
    expect(searches()).toBe(3); // once per process
  });

  test("an empty organization costs one search", async () => {
    expect((await client.list()).get("ds-none")).toBeUndefined();
    expect(searches()).toBe(1);
  });

  test("a total smaller than the truth does not truncate: full pages keep the reading going", async () => {
    const ids = seed(250);
    const firstPage = searchBody(1);
    enos.faults.add({ kind: "body", status: 200, body: JSON.stringify({ ...firstPage, pagination: { pageNo: 1, pageSize: 100, totalSize: 120 } }), path: SERVICE, times: 1 });
    const list = await client.list();
    expect(ids.every((id) => list.get(id)?.dataSourceId === id)).toBe(true);
    expect(searches()).toBe(3);
  });

  test("a server that ignores pageNo and sends no total: one repeated page ends it with a clear error", async () => {
    seed(100);
    const page = searchBody(1);
    enos.faults.add({ kind: "body", status: 200, body: JSON.stringify(page), path: SERVICE });
    enos.resetLog();
    await expect(client.list()).rejects.toThrow(
      "EnOS answered action=search page 2 with the same data sources as page 1 (it ignores pageNo), so the list cannot be read whole; check enos:servicePath",
    );
    expect(searches()).toBe(2);
  });

  test("a total of 1e8 fails after one request instead of asking for a million pages", async () => {
    seed(100);
    const page = searchBody(1);
    enos.faults.add({ kind: "body", status: 200, body: JSON.stringify({ ...page, pagination: { pageNo: 1, pageSize: 100, totalSize: 1e8 } }), path: SERVICE });
    enos.resetLog();
    await expect(client.list()).rejects.toThrow("EnOS action=search reports 100000000 data sources, more than the 50000 this provider reads");
    expect(searches()).toBe(1);
  });

  test("a server that keeps answering new full pages past its total stops at 500 pages; at most 8 pages are in flight", async () => {
    let n = 0;
    const fullPage = () => Array.from({ length: 100 }, () => ({ dataSourceId: `ds-${++n}`, name: `n_${n}`, type: "GITLAB", connection: { gitUrl: "http://git.example.com/g/p" }, createTime: 1 }));
    let inFlight = 0;
    let peak = 0;
    const endless = http.createServer((req, res) => {
      peak = Math.max(peak, ++inFlight);
      res.on("finish", () => inFlight--);
      req.resume().on("end", () => {
        const body = req.url!.startsWith("/apim-token-service")
          ? { status: 0, msg: "SUCCESS", data: { accessToken: "at-endless", expire: 7200 } }
          : { code: 0, msg: "OK", data: fullPage(), pagination: { pageNo: 1, pageSize: 100, totalSize: 49_999 } };
        res.setHeader("Content-Type", "application/json");
        setTimeout(() => res.end(JSON.stringify(body)), 10);
      });
    });
    await new Promise<void>((resolve) => endless.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(endless.address() as AddressInfo).port}`;
      const runaway = new EnosClient({ apiGateway: url, orgId: APP.orgId, appKey: APP.appKey, appSecret: APP.appSecret, servicePath: DEFAULT_SERVICE_PATH, transport: {}, names: stackConfigContext({ get: () => undefined }) });
      await expect(runaway.list()).rejects.toThrow("EnOS action=search keeps answering full pages past page 500");
      expect(n).toBe(500 * 100);
      expect(peak).toBe(8);
    } finally {
      endless.close();
    }
  });

  test("without a total in the answer, pages are read one by one until a short one", async () => {
    const ids = seed(250);
    const firstPage = Array.from({ length: 100 }, (_, i) => ({ dataSourceId: `first-${i}`, name: `first_${i}`, type: "GITLAB", connection: { gitUrl: "http://git.example.com/g/f" }, createTime: 1 }));
    enos.faults.add({ kind: "body", status: 200, body: JSON.stringify({ code: 0, msg: "OK", data: firstPage }), path: SERVICE, times: 1 });
    const list = await client.list();
    expect(searches()).toBe(3);
    expect(list.get("first-0")?.name).toBe("first_0");
    expect(list.get(ids[249])?.dataSourceId).toBe(ids[249]);
  });
});

describe("signing, against a gateway that refuses a stale timestamp and a replayed signature", () => {
  // The gateway answers only calls whose apim-timestamp is now in milliseconds and whose signature is new.
  test("identical calls at once, and a retry after a lost answer, are each signed afresh", async () => {
    const [id] = seed(1);
    const reads = await Promise.all([client.get(id), client.get(id), client.get(id)]);
    expect(reads.map((r) => r?.dataSourceId)).toEqual([id, id, id]);
    enos.faults.add({ kind: "lostResponse", path: SERVICE, times: 1 });
    expect((await client.get(id))?.dataSourceId).toBe(id);
    const gets = enos.requests.filter((r) => r.query.action === "get");
    expect(gets.map((r) => [r.status, r.fault])).toEqual([[200, undefined], [200, undefined], [200, undefined], [0, "lostResponse"], [200, undefined]]);
  });
});

describe("failures: one sentence naming the call and the way out", () => {
  const answer = (status: number, body: unknown, times = 1) => enos.faults.add({ kind: "body", status, body: JSON.stringify(body), contentType: "application/json", path: SERVICE, method: "POST", times });
  const ds = { name: "ds_fail", type: "GITLAB" as const, description: "", connection: { gitUrl: "http://git.example.com/g/p", token: "glpat-x" } };
  const call = (action: string) => `POST ${SERVICE}?action=${action}`;

  test("a 403 quotes the gateway's msg and names the organization setting", async () => {
    answer(403, { msg: "application not authorised" });
    await expect(client.get("ds-1")).rejects.toThrow(
      `EnOS refused ${call("get")} (403) "application not authorised"; check enos:orgId and that the application is authorised for the Data Source Registration service.`,
    );
    answer(403, { msg: "" });
    await expect(client.get("ds-1")).rejects.toThrow(`EnOS refused ${call("get")} (403); check enos:orgId`);
  });

  test("a 500 may hide an applied create, not an applied update", async () => {
    answer(500, { code: 500, msg: "boom" });
    await expect(client.create(ds)).rejects.toMatchObject({ message: `EnOS answered 500 to ${call("create")}; the service may be down, try again later.`, ambiguous: true });
    answer(500, { code: 500, msg: "boom" });
    await expect(client.update("ds-1", { description: "", connection: ds.connection })).rejects.toMatchObject({ ambiguous: false });
  });

  test("a success envelope under a status that is not 2xx is no success", async () => {
    answer(302, { code: 0, msg: "OK", data: { dataSourceId: "ds-2" } });
    await expect(client.create(ds)).rejects.toMatchObject({
      message: expect.stringMatching(new RegExp(`^EnOS answered 302 to ${call("create").replace(/[?]/g, "\\?")} with a success envelope \\(code 0\\), which is no success`)),
      ambiguous: true,
    });
  });

  test("business codes: a name taken, an unknown data source outside an update, any other code", async () => {
    answer(200, { code: 40901, msg: "name exists" });
    await expect(client.create(ds)).rejects.toMatchObject({ code: 40901, message: "EnOS already has a data source with that name (40901): name exists." });
    answer(200, { code: 40401, msg: "" });
    await expect(client.test("http://git.example.com/g/p", "glpat-x")).rejects.toThrow("EnOS has no such data source (40401).");
    answer(200, { code: 50017, msg: "quota" });
    await expect(client.create(ds)).rejects.toThrow("EnOS answered action=create with code 50017: quota.");
  });
});

describe("answers that are no success, each one sentence naming the call", () => {
  const call = `POST ${SERVICE}?action=search`;
  const failure = () => client.list().then(() => "listed", (e: Error) => e.message);

  test("a success envelope under a status outside 2xx is no success", async () => {
    enos.faults.add({ kind: "body", status: 302, body: JSON.stringify(searchBody(1)), path: SERVICE, times: 1 });
    expect(await failure()).toBe(`EnOS answered 302 to ${call} with a success envelope (code 0), which is no success; check enos:apiGateway and enos:servicePath (now ${DEFAULT_SERVICE_PATH}).`);
  });

  test("a route the gateway does not offer, and a rate limit that outlasts the retries", async () => {
    enos.faults.add({ kind: "body", status: 405, body: "{}", path: SERVICE, times: 1 });
    expect(await failure()).toMatch(/^EnOS at 127\.0\.0\.1:\d+ does not offer POST .*\?action=search \(405\); check enos:servicePath \(now \/data-source-registration\/v2\.0\), see docs\/guides\/api-contracts\.md\.$/);
    enos.faults.add({ kind: "body", status: 429, body: "{}", path: SERVICE });
    expect(await failure()).toBe(`EnOS kept rate-limiting ${call} (429) after retries; try again later or lower --parallel.`);
  });
});
