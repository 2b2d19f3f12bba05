import { startEnos, type EnosServer } from "../../test/sandbox";
import { EnosClient } from "./client";
import { DEFAULT_SERVICE_PATH } from "./settings";

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
  client = new EnosClient({ apiGateway: enos.url, orgId: APP.orgId, appKey: APP.appKey, appSecret: APP.appSecret, servicePath: DEFAULT_SERVICE_PATH, transport: {} });
});
afterEach(() => enos.close());

const seed = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    enos.seedDataSource({ orgId: APP.orgId, name: `ds_${i}`, type: "GITLAB", description: "", gitUrl: `http://git.example.com/g/p${i}`, token: "glpat-x", createBy: `app:${APP.appKey}` }).dataSourceId,
  );
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
