/**
 * torque:RepositoryProvider's provider object called in this process against the sandbox
 * Torque and GitLab: the input rules (nothing sent when they fail), normalisation, every hook
 * with the answers Torque may give, the designed routes a server may lack, and lists that lag.
 * repositoryProvider.test.ts drives it through the provider host.
 */
import type * as pulumi from "@pulumi/pulumi";
import { UNKNOWN } from "../core/unknown";
import { checkedInputs, createChecked, freshProcess, inProcess } from "../../test/support/inProcess";
import { withEnv } from "../../test/support/servers";
import { useSandbox } from "../../test/support/fixture";
import repositoryProvider = require("./repositoryProvider.hooks");

const fx = useSandbox();
const PROVIDERS = "/api/settings/repository_providers";
const TYPE = "gitLabEnterprise";
const torque = () => fx.sandbox.torque;
const base = () => `${fx.sandbox.gitlab.url}/`;
/** The same server under another name (`localhost`), for an in-place baseUrl change. */
const otherBase = () => `http://localhost:${fx.sandbox.gitlab.port}/`;
const repo = (path: string, root = base()) => `${root}${path}`;
const INFRA = "platform/infra";
const record = (id: string) => torque().providers().find((p) => p.id === id);
const byName = (name: string) => torque().providers().filter((p) => p.name === name);

type Provider = Required<pulumi.dynamic.ResourceProvider>;
let provider: Provider;
const configure = async (config = fx.config()) => {
  provider = await inProcess(repositoryProvider, config);
};
beforeAll(() => configure());
afterEach(() => {
  torque().faults.clear();
  torque().lagLists(0);
  torque().designedRoutes = "on";
  torque().createResponseShape = "string";
});

/** The provider object as a new provider process (a refresh, the next up) has it: no list cached yet. */
const newProcess = async () => (await freshProcess(fx.config()))["torque:RepositoryProvider"].provider;

const inputs = (name: string, extra: Record<string, unknown> = {}) => ({ name, baseUrl: base(), token: fx.demo.gitlabToken, preflight: "off", ...extra });

const checked = (news: Record<string, unknown>, olds: Record<string, unknown> = {}) => checkedInputs(provider, news, olds);

const up = (news: Record<string, unknown>) => createChecked(provider, news);

const creating = async (news: Record<string, unknown>) => provider.create(await checked(news));
const failure = (promise: Promise<unknown>): Promise<string> => promise.then(() => "no failure", (err: Error) => err.message);

describe("check: bad input is one failure naming the property, and nothing is sent", () => {
  const port = () => fx.sandbox.gitlab.port;
  const cases: [string, () => Record<string, unknown>, string, RegExp][] = [
    ["an empty name", () => ({ name: "" }), "name", /name must not be empty/],
    ["an over-long name", () => ({ name: "n".repeat(101) }), "name", /name must be at most 100 characters \(got 101\)/],
    ["a baseUrl with user info", () => ({ baseUrl: `http://user:secret@127.0.0.1:${port()}/` }), "baseUrl", /baseUrl must not contain user info/],
    ["a baseUrl with a query", () => ({ baseUrl: `${base()}?private=1` }), "baseUrl", /baseUrl must not have a query/],
    ["a baseUrl with a fragment", () => ({ baseUrl: `${base()}#top` }), "baseUrl", /baseUrl must not have a fragment/],
    ["a baseUrl with a non-http scheme", () => ({ baseUrl: `ssh://127.0.0.1:${port()}/` }), "baseUrl", /baseUrl must use http or https, not ssh/],
    ["a baseUrl without a host", () => ({ baseUrl: "http://" }), "baseUrl", /baseUrl must be an absolute http\(s\) URL/],
    ["a baseUrl that is only a path", () => ({ baseUrl: "/gitlab/" }), "baseUrl", /baseUrl must be an absolute http\(s\) URL/],
    ["a repo outside baseUrl", () => ({ repos: ["http://elsewhere.example.com/team/assets"] }), "repos[0]", /does not lie under baseUrl/],
    ["the server root itself as a repo", () => ({ repos: [base()] }), "repos[0]", /does not lie under baseUrl/],
    ["duplicate repos", () => ({ repos: [repo(INFRA), `${repo(INFRA)}/`] }), "repos[1]", /is listed twice/],
    ["an empty token", () => ({ token: "" }), "token", /token must not be empty/],
    ["no token", () => ({ token: undefined }), "token", /token is required/],
  ];

  test.each(cases)("%s", async (_what, args, property, reason) => {
    const before = torque().requests.length + fx.sandbox.gitlab.requests.length;
    const result = await provider.check({}, inputs("rp-bad-input", { preflight: "strict", ...args() }));
    expect(result.failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
    expect(torque().requests.length + fx.sandbox.gitlab.requests.length).toBe(before);
  });

  test("missing Torque credentials: the failure names both ways to set them", async () => {
    const { "torque:token": _token, ...config } = fx.config();
    await withEnv({ TORQUE_TOKEN: "" }, async () => {
      await configure(config);
      expect((await provider.check({}, inputs("rp-no-credentials"))).failures).toEqual([
        { property: "torque:token", reason: expect.stringMatching(/pulumi config set --secret torque:token.*TORQUE_TOKEN/) },
      ]);
    }).finally(() => configure());
  });

  test("stack config wins over the environment", async () => {
    await withEnv({ TORQUE_URL: "http://127.0.0.1:1/", TORQUE_TOKEN: "not-a-torque-token" }, async () => {
      await configure();
      const { id, state } = await up(inputs("rp-config-wins"));
      expect(byName("rp-config-wins")).toHaveLength(1);
      await provider.delete(id, state);
    });
  });

  test("a baseUrl and a token not known at preview: no failure, no request carrying an unknown value", async () => {
    const gitlabBefore = fx.sandbox.gitlab.requests.length;
    for (const unknown of [{ baseUrl: UNKNOWN }, { token: UNKNOWN }]) {
      const result = await provider.check({}, inputs("rp-unknown", { preflight: "strict", repos: [repo(INFRA)], ...unknown }));
      expect(result.failures).toEqual([]);
    }
    for (const r of fx.sandbox.gitlab.requests.slice(gitlabBefore)) expect(JSON.stringify(r)).not.toContain(UNKNOWN);
  });
});

describe("check and diff: normalised URLs and unordered repos are no change", () => {
  test("HTTP://Host:Port with or without a trailing slash, and reordered repos, never show a diff", async () => {
    const port = fx.sandbox.gitlab.port;
    const declared = (baseUrl: string, repos: string[]) => checked(inputs("rp-normalised", { baseUrl, repos }));
    const first = await declared(`HTTP://LOCALHOST:${port}`, [`HTTP://LOCALHOST:${port}/platform/infra/`, `http://localhost:${port}/platform/ml/models`]);
    expect(first).toMatchObject({ baseUrl: `http://localhost:${port}/`, repos: [`http://localhost:${port}/platform/infra`, `http://localhost:${port}/platform/ml/models`] });
    for (const [baseUrl, repos] of [
      [`HTTP://LOCALHOST:${port}/`, [`http://localhost:${port}/platform/ml/models`, `http://localhost:${port}/platform/infra`]],
      [`http://localhost:${port}//`, [`Http://LocalHost:${port}/platform/infra/`, `http://localhost:${port}/platform/ml/models`]],
    ] as const) {
      expect(await provider.diff("id", first, await declared(baseUrl, [...repos]))).toMatchObject({ changes: false });
    }
  });

  test.each([
    ["name", { name: "renamed" }],
    ["baseUrl", { baseUrl: "http://other.example.com/" }],
    ["token", { token: "glpat-rotated" }],
    ["repos", { repos: ["http://git.example.com/platform/infra"] }],
  ])("%s updates in place", async (_key, news) => {
    const state = { ...inputs("d"), repos: [], providerId: "id", type: TYPE };
    expect(await provider.diff("id", state, { ...state, ...news })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });
});

describe("create: the documented call and the answers Torque may give", () => {
  test("registers exactly what was declared", async () => {
    const { id, state } = await up(inputs("rp-create", { repos: [repo("platform/ml/models"), repo(INFRA)] }));
    expect(record(id)).toEqual({ id, name: "rp-create", type: TYPE, baseUrl: base(), token: fx.demo.gitlabToken, repos: [repo("platform/ml/models"), repo(INFRA)] });
    expect(state).toMatchObject({ providerId: id, type: TYPE, token: fx.demo.gitlabToken });
    await provider.delete(id, state);
  });

  test.each(["string", "text", "object"] as const)("the GUID answered as a %s", async (shape) => {
    torque().createResponseShape = shape;
    const { id, state } = await up(inputs(`rp-answer-${shape}`));
    expect(byName(`rp-answer-${shape}`)).toEqual([expect.objectContaining({ id })]);
    await provider.delete(id, state);
  });

  test("401: a bad torque:token, never echoed", async () => {
    await configure({ ...fx.config(), "torque:token": "not-a-torque-token" });
    try {
      const message = await failure(creating(inputs("rp-401")));
      expect(message).toMatch(/Torque rejected the API token \(401 on POST \/api\/settings\/repository_providers\); set a valid one with `pulumi config set --secret torque:token <token>`/);
      expect(message).not.toContain("not-a-torque-token");
    } finally {
      await configure();
    }
  });

  test("403: an API token without Torque Admin permissions", async () => {
    torque().addApiToken("torque-member-token", { admin: false });
    await configure({ ...fx.config(), "torque:token": "torque-member-token" });
    try {
      expect(await failure(creating(inputs("rp-403")))).toMatch(/Torque refused POST \/api\/settings\/repository_providers \(403\).*Admin permissions/);
      expect(byName("rp-403")).toEqual([]);
    } finally {
      await configure();
    }
  });

  test("409: the name is taken; the message gives the existing provider's id to import (Torque cannot tell who made it)", async () => {
    const existing = torque().seedProvider({ name: "rp-taken", type: TYPE, baseUrl: base(), token: fx.demo.gitlabToken, repos: [] });
    const message = await failure(creating(inputs("rp-taken")));
    expect(message).toContain(`repository provider named rp-taken (id ${existing.id})`);
    expect(message).toContain(`import: "${existing.id}"`);
    expect(byName("rp-taken")).toEqual([existing]);
  });

  test("429 with Retry-After is retried and the create succeeds", async () => {
    torque().faults.add({ kind: "rateLimit", retryAfter: 1, method: "POST", path: PROVIDERS, times: 2 });
    const mark = torque().requests.length;
    const { id, state } = await up(inputs("rp-429"));
    expect(torque().requests.slice(mark).filter((r) => r.method === "POST").map((r) => r.status)).toEqual([429, 429, 201]);
    expect(byName("rp-429")).toHaveLength(1);
    await provider.delete(id, state);
  });

  test("429 that never ends: a clear message after bounded retries, nothing created", async () => {
    torque().faults.add({ kind: "rateLimit", retryAfter: 1, method: "POST", path: PROVIDERS });
    expect(await failure(creating(inputs("rp-429-forever")))).toMatch(/Torque kept rate-limiting POST \/api\/settings\/repository_providers \(429\) after retries; try again later/);
    expect(byName("rp-429-forever")).toEqual([]);
  });

  test.each([500, 502, 503])("%i on create: the message names the status and the call; nothing is left behind", async (status) => {
    torque().faults.add({ kind: "status", status, method: "POST", path: PROVIDERS });
    expect(await failure(creating(inputs(`rp-create-${status}`)))).toMatch(
      new RegExp(`Torque answered ${status} to POST /api/settings/repository_providers.*the service may be down`),
    );
    expect(byName(`rp-create-${status}`)).toEqual([]);
  });
});

describe("read, update and delete: the designed routes", () => {
  test("drift made in Torque reads back; a provider deleted there is dropped", async () => {
    const { id, state } = await up(inputs("rp-drift", { repos: [repo(INFRA)] }));
    torque().editProvider(id, { name: "renamed-in-the-ui", baseUrl: otherBase(), repos: [] });
    expect((await (await newProcess()).read(id, state)).props).toMatchObject({ name: "renamed-in-the-ui", baseUrl: otherBase(), repos: [], token: fx.demo.gitlabToken });
    torque().removeProvider(id);
    expect(await (await newProcess()).read(id, state)).toEqual({ id: "", props: {} });
  });

  test("every property updates in place: one PUT, same providerId", async () => {
    const { id, state } = await up(inputs("rp-update"));
    const news = await checked(inputs("rp-update-2", { baseUrl: otherBase(), repos: [repo(INFRA, otherBase())], token: "glpat-rotated-update" }), state);
    const mark = torque().requests.length;
    const updated = await provider.update(id, state, news);
    expect(torque().requests.slice(mark).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual([`PUT ${PROVIDERS}/${id}`]);
    expect(updated.outs).toMatchObject({ providerId: id, name: "rp-update-2" });
    expect(record(id)).toEqual({ id, name: "rp-update-2", type: TYPE, baseUrl: otherBase(), token: "glpat-rotated-update", repos: [repo(INFRA, otherBase())] });
    await provider.delete(id, updated.outs!);
  });

  test("5xx on read, update and delete name the status and the call", async () => {
    const { id, state } = await up(inputs("rp-5xx"));
    torque().faults.add({ kind: "status", status: 503, method: "GET", path: PROVIDERS });
    expect(await failure((await newProcess()).read(id, state))).toMatch(/Torque answered 503 to GET \/api\/settings\/repository_providers: Service Unavailable; the service may be down/);
    torque().faults.clear();
    torque().faults.add({ kind: "status", status: 500, method: "PUT", path: PROVIDERS });
    expect(await failure(provider.update(id, state, await checked(inputs("rp-5xx-renamed"), state)))).toMatch(
      new RegExp(`Torque answered 500 to PUT /api/settings/repository_providers/${id}: Internal Server Error`),
    );
    torque().faults.clear();
    torque().faults.add({ kind: "status", status: 502, method: "DELETE", path: PROVIDERS });
    expect(await failure(provider.delete(id, state))).toMatch(new RegExp(`Torque answered 502 to DELETE /api/settings/repository_providers/${id}: Bad Gateway`));
    expect(record(id)?.name).toBe("rp-5xx");
    torque().faults.clear();
    await provider.delete(id, state);
  });

  test("an update of a provider deleted behind Pulumi's back says to refresh; a delete of one already gone succeeds", async () => {
    const { id, state } = await up(inputs("rp-gone"));
    torque().removeProvider(id);
    expect(await failure(provider.update(id, state, await checked(inputs("rp-gone-renamed"), state)))).toMatch(
      new RegExp(`repository provider ${id} no longer exists in Torque; run \`pulumi refresh\``),
    );
    await provider.delete(id, state);
  });

  test.each([404, 405] as const)("a server without the designed routes (%i): create still works; read, update and delete say what is designed and where to look", async (status) => {
    torque().designedRoutes = status;
    const { id, state } = await up(inputs(`rp-routes-${status}`));
    expect(record(id)?.name).toBe(`rp-routes-${status}`);
    const designed = (method: string, path: string) =>
      `does not offer ${method} ${path} (${status}): Torque documents only the create of repository providers, and this read, update or delete is a route this package designed; see Repository providers in docs/guides/torque.md`;
    expect(await failure((await newProcess()).read(id, state))).toContain(designed("GET", PROVIDERS));
    expect(await failure(provider.update(id, state, await checked(inputs(`rp-routes-${status}-renamed`), state)))).toMatch(/does not offer (PUT|GET) \/api\/settings\/repository_providers\S* \(40[45]\): Torque documents only the create/);
    expect(await failure(provider.delete(id, state))).toMatch(/does not offer (DELETE|GET) \/api\/settings\/repository_providers\S* \(40[45]\): Torque documents only the create/);
    torque().designedRoutes = "on";
    expect(record(id)?.name).toBe(`rp-routes-${status}`);
    await provider.delete(id, state);
  });
});

describe("lists that lag behind writes", () => {
  test("refresh does not drop a provider its first list does not show yet: a second, fresh list does", async () => {
    await fetch(`${torque().url}${PROVIDERS}`, { headers: { Authorization: `Bearer ${fx.demo.torqueToken}` } });
    torque().lagLists(1);
    const seeded = torque().seedProvider({ name: "rp-lagging", type: TYPE, baseUrl: base(), token: fx.demo.gitlabToken, repos: [] });
    const refresh = await newProcess();
    const lists = torque().count({ method: "GET", path: new RegExp(`^${PROVIDERS}$`) });
    expect((await refresh.read(seeded.id, inputs("rp-lagging"))).id).toBe(seeded.id);
    expect(torque().count({ method: "GET", path: new RegExp(`^${PROVIDERS}$`) }) - lists).toBe(2);
    torque().removeProvider(seeded.id);
  });

  test("our own interrupted create (its answer lost) under a lagging list is adopted, not reported as a name clash", async () => {
    await fetch(`${torque().url}${PROVIDERS}`, { headers: { Authorization: `Bearer ${fx.demo.torqueToken}` } });
    torque().lagLists(2);
    torque().faults.add({ kind: "lostResponse", method: "POST", path: PROVIDERS, times: 1 });
    const mark = torque().requests.length;
    const { id, state } = await up(inputs("rp-interrupted"));
    expect(byName("rp-interrupted").map((p) => p.id)).toEqual([id]);
    expect(torque().requests.slice(mark).filter((r) => r.method === "POST").map((r) => r.status)).toEqual([0, 409]);
    torque().lagLists(0);
    await provider.delete(id, state);
  });
});
