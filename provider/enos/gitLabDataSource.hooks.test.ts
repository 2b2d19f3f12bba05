import type { Declaration } from "../../test/harness/stack";
import { startEnos } from "../../test/sandbox";
import { useSandbox } from "../../test/support/fixture";
import { freshProcess, inProcess, previewChecks } from "../../test/support/inProcess";
import { withEnv } from "../../test/support/servers";
import gitLabDataSource = require("./gitLabDataSource.hooks");
import { clashAdvice } from "../../test/support/messages";

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
beforeEach(() => enos().resetLog());
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

/* ---------------------------------------------------------------------------------------
 * Check and client behaviour: the provider object in this process, as the host would call
 * it (each `previewChecks` in a fresh module registry, as a fresh provider process).
 * ------------------------------------------------------------------------------------- */

const gitUrl = (path = "platform/ml/models") => `${fx.sandbox.gitlab.url}/${path}`;
const SECOND_PROJECT = "platform/ml/models_v2";
const calls = (action?: string) => enos().requests.filter((r) => r.path === SERVICE && (action === undefined || r.query.action === action)).length;
const declared = (resource: string, name: string, args: Record<string, unknown> = {}): Declaration => ({
  kind: "enos:GitLabDataSource",
  name: resource,
  args: { name, gitUrl: gitUrl(), token: fx.demo.gitlabToken, description: "models for line 3", ...args },
});
const argsOf = (name: string, over: Record<string, unknown> = {}) => ({ name, gitUrl: gitUrl(), token: fx.demo.gitlabToken, description: "models for line 3", preflight: "strict", ...over });

beforeAll(() => fx.sandbox.gitlab.addProject({ path: SECOND_PROJECT, visibility: "private", members: [1] }));

describe("diff", () => {
  test("only the name replaces; nothing asks to delete first (EnOS keeps no other property unique)", async () => {
    const olds = { ...argsOf("dbr_a"), dataSourceId: "ds-1", type: "GITLAB", createdAt: "2026-01-01T00:00:00.000Z" };
    expect(await provider.diff("ds-1", olds, argsOf("dbr_a"))).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    const keepName = await provider.diff("ds-1", olds, argsOf("dbr_a", { description: "x", gitUrl: gitUrl(SECOND_PROJECT), token: "glpat-other" }));
    expect(keepName).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await provider.diff("ds-1", olds, argsOf("dbr_b"))).toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
    expect(await provider.diff("ds-1", olds, { ...argsOf("dbr_a"), preflight: "off" })).toMatchObject({ changes: false });
  });
});

describe("EnOS's own connection test at preview", () => {
  test("runs for a new data source, not for an unchanged one; a changed gitUrl or token runs it again", async () => {
    const program = [declared("models", "pf_test")];
    const first = await previewChecks(program, fx.config());
    expect(first.failures).toEqual({});
    expect([calls("test"), calls("create")]).toEqual([1, 0]);
    enos().resetLog();
    expect((await previewChecks(program, fx.config(), first.inputs)).failures).toEqual({});
    expect(calls("test")).toBe(0);
    await previewChecks([declared("models", "pf_test", { gitUrl: gitUrl(SECOND_PROJECT) })], fx.config(), first.inputs);
    expect(calls("test")).toBe(1);
  });

  test("its failure is a check failure on gitUrl naming EnOS's message; nothing is created", async () => {
    const host = new URL(fx.sandbox.gitlab.url).host;
    enos().unreachableHosts.add(host);
    try {
      const unreachable = await previewChecks([declared("models", "pf_unreachable")], fx.config());
      expect(unreachable.failures.models).toEqual([
        { property: "gitUrl", reason: expect.stringMatching(/EnOS's own connection test failed \("EnOS cannot connect to http:\/\/127\.0\.0\.1:\d+: connection timed out"\).*firewalls/) },
      ]);
    } finally {
      enos().unreachableHosts.delete(host);
    }
    enos().testOverride = { success: false, message: "PKIX path building failed: unable to find valid certification path" };
    try {
      const overridden = await previewChecks([declared("models", "pf_unreachable")], fx.config());
      expect(overridden.failures.models).toEqual([{ property: "gitUrl", reason: expect.stringContaining("PKIX path building failed") }]);
    } finally {
      enos().testOverride = undefined;
    }
    expect(calls("create")).toBe(0);
  });

  test('"warn": the failure is a warning and the create goes on; "off": no test request, no GitLab request', async () => {
    const host = new URL(fx.sandbox.gitlab.url).host;
    enos().unreachableHosts.add(host);
    try {
      const warned = await previewChecks([declared("models", "pf_warn", { preflight: "warn" })], fx.config());
      expect(warned.failures).toEqual({});
      expect(warned.warnings).toEqual([expect.stringMatching(/^warning: .*preflight \(warn mode\): gitUrl: EnOS's own connection test failed \("EnOS cannot connect/)]);
      expect(calls("test")).toBe(1);
      await provider.create(warned.inputs.models);
      expect(named("pf_warn")).toHaveLength(1);

      enos().resetLog();
      const gitlabBefore = fx.sandbox.gitlab.requests.length;
      const off = await previewChecks([declared("models", "pf_off", { preflight: "off" })], fx.config());
      expect(off).toMatchObject({ failures: {}, warnings: [] });
      await provider.create(off.inputs.models);
      expect([calls("test"), calls("create"), fx.sandbox.gitlab.requests.length - gitlabBefore]).toEqual([0, 1, 0]);
    } finally {
      enos().unreachableHosts.delete(host);
    }
  });
});

describe("bad input: a clear check failure, nothing sent", () => {
  test("names, gitUrls, description and token", async () => {
    const origin = new URL(fx.sandbox.gitlab.url).origin;
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ["name_empty", { name: "" }, "name", /name must be 1 to 50 characters of a-z, A-Z, 0-9 and _ \(got ""\)/],
      ["name_51", { name: "a".repeat(51) }, "name", /name must be 1 to 50 characters/],
      ["name_dash", { name: "model-repo" }, "name", /name must be 1 to 50 characters.*\(got "model-repo"\)/],
      ["name_space", { name: "model repo" }, "name", /name must be 1 to 50 characters/],
      ["name_accent", { name: "modèle_repo" }, "name", /name must be 1 to 50 characters/],
      ["name_cjk", { name: "模型" }, "name", /name must be 1 to 50 characters/],
      ["name_huge", { name: "n".repeat(100_000) }, "name", /name must be 1 to 50 characters.*\(got "n{57}\.\.\."\)/],
      ["url_host_only", { gitUrl: origin }, "gitUrl", /gitUrl must name a project: http\(s\):\/\/host\[:port\]\/namespace\/project/],
      ["url_no_namespace", { gitUrl: `${origin}/models` }, "gitUrl", /gitUrl must name a project/],
      ["url_user_info", { gitUrl: origin.replace("http://", "http://deploy:pw@") + "/platform/ml/models" }, "gitUrl", /gitUrl must not contain user info/],
      ["url_query", { gitUrl: `${gitUrl()}?ref=main` }, "gitUrl", /gitUrl must not have a query/],
      ["url_fragment", { gitUrl: `${gitUrl()}#readme` }, "gitUrl", /gitUrl must not have a fragment/],
      ["url_ssh", { gitUrl: origin.replace("http://", "ssh://") + "/platform/ml/models" }, "gitUrl", /gitUrl must use http or https, not ssh/],
      ["url_scp_style", { gitUrl: "git@127.0.0.1:platform/ml/models.git" }, "gitUrl", /gitUrl must be an absolute http\(s\) URL/],
      ["url_double_slash", { gitUrl: `${origin}/platform//models` }, "gitUrl", /gitUrl must not have an empty path segment/],
      ["url_non_ascii", { gitUrl: `${origin}/platform/modèles` }, "gitUrl", /gitUrl must be ASCII .*percent-encode/],
      ["description_101", { description: "d".repeat(101) }, "description", /description must be at most 100 characters \(got 101\)/],
      ["token_empty", { token: "" }, "token", /token must not be empty/],
      ["token_missing", { token: undefined }, "token", /token is required/],
      ["token_newline", { token: `${fx.demo.gitlabToken}\n` }, "token", /token must be printable ASCII without spaces or line breaks \(a token read from a file often ends with a newline\)/],
      ["preflight_bad", { preflight: "sometimes" }, "preflight", /preflight must be "strict", "warn" or "off"/],
    ];
    const before = { enos: enos().requests.length, issued: enos().tokensIssued, gitlab: fx.sandbox.gitlab.requests.length };
    const checked = await previewChecks(cases.map(([resource, args]) => declared(resource, `bad_${resource}`, args)), fx.config());
    expect({ enos: enos().requests.length, issued: enos().tokensIssued, gitlab: fx.sandbox.gitlab.requests.length }).toEqual(before);
    expect(Object.keys(checked.failures)).toHaveLength(cases.length);
    for (const [resource, , property, reason] of cases) expect(checked.failures[resource]).toEqual([{ property, reason: expect.stringMatching(reason) }]);
    expect(JSON.stringify(checked.failures)).not.toContain(fx.demo.gitlabToken);
    // the limits themselves are accepted
    const edge = await previewChecks([declared("edge", "a".repeat(50), { description: "d".repeat(100) }), declared("edge2", "A_b_9")], fx.config());
    expect(edge.failures).toEqual({});
  });

  test("a token pasted into gitUrl as user info or query is not echoed", async () => {
    const userInfo = gitUrl().replace("http://", `http://oauth2:${fx.demo.gitlabToken}@`);
    const query = `${gitUrl()}?private_token=${fx.demo.gitlabToken}`;
    const checked = await previewChecks([declared("a", "userinfo", { gitUrl: userInfo }), declared("b", "query", { gitUrl: query })], fx.config());
    expect(Object.keys(checked.failures)).toEqual(["a", "b"]);
    expect(JSON.stringify([checked.failures, checked.warnings])).not.toContain(fx.demo.gitlabToken);
  });
});

describe("EnOS configuration", () => {
  test("missing credentials: the failure names the config keys and the environment variables; nothing is sent", async () => {
    const none = await previewChecks([declared("models", "no_credentials")], { "project:unused": "x" });
    const [failure] = none.failures.models;
    expect(failure.property).toBe("enos:apiGateway");
    for (const name of ["enos:apiGateway", "enos:orgId", "enos:appKey", "enos:appSecret", "ENOS_API_GATEWAY", "ENOS_ORG_ID", "ENOS_APP_KEY", "ENOS_APP_SECRET"]) expect(failure.reason).toContain(name);
    expect(failure.reason).toContain("pulumi config set --secret enos:appSecret");

    const { "enos:appSecret": _secret, ...withoutSecret } = fx.config();
    const partial = (await previewChecks([declared("models", "no_credentials")], withoutSecret)).failures.models[0];
    expect(partial.property).toBe("enos:appSecret");
    expect(partial.reason).toMatch(/enos:appSecret missing.*pulumi config set --secret enos:appSecret .*ENOS_APP_SECRET/);
    expect(partial.reason).not.toContain("enos:orgId");
    expect(enos().requests).toEqual([]);
  });

  test("ENOS_* environment variables work instead of stack config", async () => {
    const env = { ENOS_API_GATEWAY: enos().url, ENOS_ORG_ID: app.orgId, ENOS_APP_KEY: app.appKey, ENOS_APP_SECRET: "consistency-secret" };
    await withEnv(env, async () => {
      const fromEnv = await inProcess(gitLabDataSource, { "project:unused": "x" });
      const checked = await fromEnv.check({}, argsOf("from_env"));
      expect(checked.failures).toEqual([]);
      const { id } = await fromEnv.create(checked.inputs);
      expect(named("from_env")).toEqual([expect.objectContaining({ createBy: `app:${app.appKey}`, dataSourceId: id })]);
      await fromEnv.delete(id, {});
      expect(named("from_env")).toEqual([]);
    });
  });

  test("a wrong enos:appSecret gets the token service's 1003, named as the setting to fix; no data source call is made", async () => {
    const wrong = "definitely-not-the-app-secret";
    const { id } = await provider.create(argsOf("bad_secret", { preflight: "off" }));
    enos().resetLog();
    const bad = await previewChecks([declared("models", "bad_secret_new")], { ...fx.config(), "enos:appKey": app.appKey, "enos:orgId": app.orgId, "enos:appSecret": wrong });
    expect(bad.failures.models).toEqual([{ property: "", reason: expect.stringMatching(/rejected the token request's encryption \(1003\); check enos:appSecret/) }]);
    expect(calls()).toBe(0);
    const misconfigured = (await freshProcess({ ...fx.config(), "enos:appKey": app.appKey, "enos:orgId": app.orgId, "enos:appSecret": wrong }))["enos:GitLabDataSource"].provider;
    await expect(misconfigured.update(id, {}, argsOf("bad_secret", { description: "never sent" }))).rejects.toThrow(/\(1003\); check enos:appSecret/);
    expect(calls()).toBe(0);
    expect(enos().dataSources().find((d) => d.dataSourceId === id)).toMatchObject({ description: "models for line 3" });
  });

  test("a call signed with a stale secret is refused (401), naming enos:appKey and enos:appSecret; the new secret works", async () => {
    const rotating = { appKey: `rotating-${serial}`, appSecret: "rotating-secret-one", orgId: app.orgId };
    enos().addApp(rotating);
    const config = { ...fx.config(), "enos:appKey": rotating.appKey, "enos:appSecret": rotating.appSecret, "enos:orgId": rotating.orgId };
    const stale = await inProcess(gitLabDataSource, config);
    const checked = await stale.check({}, argsOf("rotated"));
    expect(checked.failures).toEqual([]);
    rotating.appSecret = "rotating-secret-two"; // rotated in the console while pulumi up runs
    await expect(stale.create(checked.inputs)).rejects.toThrow(/EnOS rejected the access token or signature \(401 on POST .*action=create\).*check enos:appKey and enos:appSecret/);
    expect(named("rotated")).toEqual([]);
    const renewed = await inProcess(gitLabDataSource, { ...config, "enos:appSecret": rotating.appSecret });
    await renewed.create(checked.inputs);
    expect(named("rotated")).toEqual([expect.objectContaining({ createBy: `app:${rotating.appKey}` })]);
  });

  test("enos:servicePath: a wrong prefix fails naming the endpoint and the setting; the right one works", async () => {
    const wrong = await previewChecks([declared("models", "wrong_path")], { ...fx.config(), "enos:servicePath": "/data-source-registration/v1.0" });
    expect(wrong.failures.models[0].reason).toMatch(/EnOS at 127\.0\.0\.1:\d+ does not offer POST \/data-source-registration\/v1\.0\/data-sources\?action=test \(404\); check enos:servicePath \(now \/data-source-registration\/v1\.0\)/);

    const other = await startEnos({ servicePath: "/dsr/v3" });
    try {
      other.addApp({ ...app, appSecret: "consistency-secret" });
      other.testOverride = { success: true, message: "ok" };
      const elsewhere = await inProcess(gitLabDataSource, { ...fx.config(), "enos:apiGateway": other.url, "enos:servicePath": "dsr/v3/", "enos:appKey": app.appKey, "enos:appSecret": "consistency-secret", "enos:orgId": app.orgId });
      const { id } = await elsewhere.create(argsOf("other_path"));
      expect(other.dataSources()).toEqual([expect.objectContaining({ name: "other_path", dataSourceId: id })]);
      expect(other.requests.filter((r) => r.path === "/dsr/v3/data-sources").length).toBeGreaterThan(0);
      expect((await elsewhere.read(id, argsOf("other_path"))).props).toMatchObject({ dataSourceId: id });
      await elsewhere.delete(id, {});
      expect(other.dataSources()).toEqual([]);
      expect(named("other_path")).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe("business codes become clear messages", () => {
  test("40001: an invalid parameter by a server-side rule names the field", async () => {
    // The provider checks every documented rule itself, so no input it accepts meets a 40001
    // from the sandbox: a server with a rule of its own, answering in EnOS's format.
    enos().faults.add({ kind: "body", status: 200, path: SERVICE, times: 1, body: JSON.stringify({ code: 40001, msg: "Invalid parameter: description must not contain '<'", requestId: "r-1", data: null }) });
    await expect(provider.create(argsOf("rule_40001", { preflight: "off" }))).rejects.toThrow(
      "EnOS rejected action=create as an invalid parameter (40001): Invalid parameter: description must not contain '<'; fix the input it names.",
    );
    expect(named("rule_40001")).toEqual([]);
  });

  test("40401: updating a data source deleted outside Pulumi says to refresh", async () => {
    const { id } = await provider.create(argsOf("gone_40401", { preflight: "off" }));
    enos().removeDataSource(id);
    await expect(provider.update(id, {}, argsOf("gone_40401", { description: "changed" }))).rejects.toThrow(/no such data source \(40401\).*deleted outside Pulumi; run `pulumi refresh`/);
  });

  test("40301: a data source created by another application can be adopted but not changed or deleted", async () => {
    const seeded = enos().seedDataSource({ orgId: app.orgId, createBy: "app:someone-elses-app", name: "not_ours", type: "GITLAB", description: "not ours", gitUrl: gitUrl(), token: "glpat-someone-elses-token" });
    const declared = argsOf("not_ours", { description: "not ours", preflight: "off" });
    const adopted = await provider.create({ ...declared, importId: seeded.dataSourceId });
    expect(adopted.id).toBe(seeded.dataSourceId);
    await expect(provider.update(seeded.dataSourceId, adopted.outs, { ...declared, description: "ours now" })).rejects.toThrow(
      /only the creator to change this data source \(40301\).*use the provider with the application credentials \(EnOS app key and secret\) that created it/,
    );
    // A later pulumi destroy: another provider process (in this one, the import just handed the object to a resource).
    const later = (await freshProcess({ ...fx.config(), "enos:appKey": app.appKey, "enos:appSecret": "consistency-secret", "enos:orgId": app.orgId }))["enos:GitLabDataSource"].provider;
    await expect(later.delete(seeded.dataSourceId, adopted.outs)).rejects.toThrow(/only the creator to delete this data source \(40301\).*pulumi state delete/);
    expect(enos().dataSources().find((d) => d.dataSourceId === seeded.dataSourceId)).toEqual(seeded);
  });

  test("a delete of a data source already gone succeeds (EnOS answers 40401)", async () => {
    const { id } = await provider.create(argsOf("gone_delete", { preflight: "off" }));
    enos().removeDataSource(id);
    enos().resetLog();
    await provider.delete(id, {});
    expect(calls("delete")).toBe(1);
  });
});

describe("a name that is taken", () => {
  test("40901 for a name a person took names the existing data source and what to do; the import then adopts it, writing nothing", async () => {
    const seeded = enos().seedDataSource({ orgId: app.orgId, createBy: "u-a-person-in-the-console", name: "taken", type: "GITLAB", description: "models for line 3", gitUrl: gitUrl(), token: fx.demo.gitlabToken });
    await expect(provider.create(argsOf("taken", { preflight: "off" }))).rejects.toThrow(clashAdvice("EnOS already has a data source named taken", seeded.dataSourceId));
    enos().resetLog();
    const checked = await provider.check({}, { ...argsOf("taken", { preflight: "off" }), importId: seeded.dataSourceId });
    expect(checked.failures).toEqual([]);
    const adopted = await provider.create(checked.inputs);
    expect(adopted.id).toBe(seeded.dataSourceId);
    expect([calls("create"), calls("update"), calls("delete")]).toEqual([0, 0, 0]);
    expect(named("taken")).toEqual([seeded]);
  });

  test("40901 for a data source this application made with these very settings (another resource's, or a killed run's) is refused, never adopted", async () => {
    // The old object of an up --replace, a rename, a duplicate declaration or another stack looks exactly like this.
    const ours = enos().seedDataSource({ orgId: app.orgId, createBy: `app:${app.appKey}`, name: "killed", type: "GITLAB", description: "models for line 3", gitUrl: gitUrl(), token: fx.demo.gitlabToken });
    await expect(provider.create(argsOf("killed", { preflight: "off" }))).rejects.toThrow(clashAdvice("EnOS already has a data source named killed", ours.dataSourceId));
    expect(named("killed")).toEqual([ours]);
  });

  test("an interrupted create meeting this application's object made before it was sent refuses it: only what this call made is adopted", async () => {
    const before = enos().seedDataSource({ orgId: app.orgId, createBy: `app:${app.appKey}`, name: "made_earlier", type: "GITLAB", description: "models for line 3", gitUrl: gitUrl(), token: fx.demo.gitlabToken, createTime: Date.now() - 60_000 });
    enos().faults.add({ kind: "lostResponse", method: "POST", path: SERVICE, times: 1 });
    await expect(provider.create(argsOf("made_earlier", { preflight: "off" }))).rejects.toThrow(/EnOS already has a data source named made_earlier \(id [^)]+\) \(a create of this run failed without an answer, and the server cannot show that it made this one\).*import: "/);
    expect(named("made_earlier")).toEqual([before]);
  });
});
