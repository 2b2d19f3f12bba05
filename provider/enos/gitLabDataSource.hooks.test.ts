import { inProcess } from "../../test/support/inProcess";
import { useSandbox } from "../../test/support/fixture";
import gitLabDataSource = require("./gitLabDataSource.hooks");

/*
 * enos:GitLabDataSource's provider object called in this process against the sandbox EnOS:
 * what a search that lags behind writes or shifts under them must not do (drop a resource at
 * refresh, turn our own interrupted create into a name clash).
 */
const fx = useSandbox();
const SERVICE = "/data-source-registration/v2.0/data-sources";
const enos = () => fx.sandbox.enos;
const named = (name: string) => enos().dataSources().filter((d) => d.name === name);

let provider: Awaited<ReturnType<typeof inProcess<typeof gitLabDataSource>>>;
let app = { appKey: "", orgId: "" };
let serial = 0;
// Each test in an organization of its own: the provider process caches a list per organization.
beforeEach(async () => {
  serial++;
  app = { appKey: `consistency-app-${serial}`, orgId: `o-consistency-${serial}` };
  enos().addApp({ ...app, appSecret: "consistency-secret" });
  provider = await inProcess(gitLabDataSource, { ...fx.config(), "enos:appKey": app.appKey, "enos:appSecret": "consistency-secret", "enos:orgId": app.orgId });
});
afterEach(() => {
  enos().lagSearch(0);
  enos().shiftSearchPages(false);
  enos().faults.clear();
});

const inputs = (name: string) => ({ name, gitUrl: `${fx.sandbox.gitlab.url}/platform/ml/models`, token: fx.demo.gitlabToken, description: "", preflight: "off" });
const seed = (name: string) =>
  enos().seedDataSource({ orgId: app.orgId, createBy: `app:${app.appKey}`, name, type: "GITLAB", description: "", gitUrl: `${fx.sandbox.gitlab.url}/g/p`, token: "glpat-x" });

describe("refresh never drops a data source because of a list", () => {
  test("a search that lags behind the create: read confirms with get and keeps it", async () => {
    await provider.read("ds-primes-the-search-history", {});
    const { id } = await provider.create(inputs("lagging_list"));
    enos().lagSearch(1);
    const read = await provider.read(id, inputs("lagging_list"));
    expect(read.id).toBe(id);
    expect(read.props).toMatchObject({ dataSourceId: id, name: "lagging_list" });
  });

  test("pages that shift under a concurrent delete skip an entry: read confirms with get and keeps it", async () => {
    const ids = Array.from({ length: 150 }, (_, i) => seed(`shift_${i}`).dataSourceId);
    enos().shiftSearchPages(true);
    const atBoundary = ids[100];
    enos().resetLog();
    const read = await provider.read(atBoundary, {});
    expect(read.id).toBe(atBoundary);
    expect(enos().requests.filter((r) => r.path === SERVICE && r.query.action === "get")).toHaveLength(1);
  });

  test("a data source that is really gone is dropped: the get confirms its absence", async () => {
    const gone = seed("really_gone").dataSourceId;
    enos().removeDataSource(gone);
    expect((await provider.read(gone, {})).id).toBe("");
  });
});

describe("our own interrupted create is never a name clash", () => {
  test("the create's answer is lost and the search lags two reads: the retry's 40901 is looked up until found, and adopted", async () => {
    await provider.read("ds-primes-the-search-history", {});
    enos().lagSearch(2);
    enos().faults.add({ kind: "lostResponse", method: "POST", path: SERVICE, times: 1 });
    enos().resetLog();
    const { id } = await provider.create(inputs("interrupted_create"));
    expect(named("interrupted_create").map((d) => d.dataSourceId)).toEqual([id]);
    expect(enos().requests.filter((r) => r.path === SERVICE && r.query.action === "create")).toHaveLength(2);
  });
});
