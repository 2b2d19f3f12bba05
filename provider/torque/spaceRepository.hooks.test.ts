/**
 * torque:SpaceRepository's provider object called in this process against the sandbox Torque
 * and GitLab: check, diff and every hook, for what does not depend on the provider host
 * (which spaceRepository.test.ts drives). Each test uses its own repository names.
 */
import type * as pulumi from "@pulumi/pulumi";
import { UNKNOWN } from "../core/unknown";
import { checkedInputs, createChecked, freshProcess, inProcess } from "../../test/support/inProcess";
import { startTlsServer, withEnv } from "../../test/support/servers";
import { useSandbox } from "../../test/support/fixture";
import spaceRepository = require("./spaceRepository.hooks");
import { clashAdvice } from "../../test/support/messages";

const fx = useSandbox();
const SPACE = "platform";
const CREDENTIAL = "gitlab-demo-credential";
const AGENT = "sandbox-agent";
const torque = () => fx.sandbox.torque;
const base = () => `${fx.sandbox.gitlab.url}/`;
const url = (name: string) => `${base()}team/${name}`;
const entry = (name: string, space = SPACE) => torque().spaceRepositories(space).find((r) => r.name === name);
const credential = (name: string, space = SPACE) => torque().credentials(space).find((c) => c.name === name);
const writes = (since: number) => torque().requests.slice(since).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path} ${r.status}`);
const ONBOARD = /\/repositories\/gitlabEnterprise$/;

type Provider = Required<pulumi.dynamic.ResourceProvider>;
let provider: Provider;
const configure = async (extra: Record<string, string> = {}) => {
  provider = await inProcess(spaceRepository, { ...fx.config(), ...extra });
};
beforeAll(() => configure());
afterEach(async () => {
  torque().faults.clear();
  torque().lagLists(0);
  torque().setListFields("current");
});

const inputs = (name: string, extra: Record<string, unknown> = {}) => ({ space: SPACE, repositoryName: name, repositoryUrl: url(name), preflight: "off", ...extra });
const withToken = (name: string, extra: Record<string, unknown> = {}) => inputs(name, { token: fx.demo.gitlabToken, ...extra });
const withCredential = (name: string, extra: Record<string, unknown> = {}) => inputs(name, { credentialName: CREDENTIAL, ...extra });

const checked = (news: Record<string, unknown>, olds: Record<string, unknown> = {}) => checkedInputs(provider, news, olds);

/** The provider object as a new provider process (a refresh, the next up) has it: no list cached yet. */
const newProcess = async () => (await freshProcess(fx.config()))["torque:SpaceRepository"].provider;

const up = (news: Record<string, unknown>) => createChecked(provider, news);

/** check, diff and update against `state`, as an up with changed inputs does. */
async function change(id: string, state: Record<string, unknown>, news: Record<string, unknown>) {
  const inputs = await checked(news, state);
  const diff = await provider.diff(id, state, inputs);
  const outs = diff.changes && !diff.replaces?.length ? (await provider.update(id, state, inputs)).outs! : undefined;
  return { diff, inputs, outs };
}

/** The check failures of these inputs, as [property, reason]. */
async function failures(news: Record<string, unknown>): Promise<[string, string][]> {
  const result = await provider.check({}, news);
  return (result.failures ?? []).map((f) => [f.property, f.reason]);
}

describe("check: one way to connect, and where the repository may lie", () => {
  test.each([
    ["none of credential, credentialName, token and repositoryProvider", {}, "token", /exactly one of credential, credentialName, token and repositoryProvider \(none is set\)/],
    ["a provider and a token", { providerId: "p-1", providerBaseUrl: "http://git.example.com/", token: "glpat-x" }, "token", /repositoryProvider and token are set/],
    ["a provider and credentialName", { providerId: "p-1", providerBaseUrl: "http://git.example.com/", credentialName: "c" }, "credentialName", /repositoryProvider and credentialName are set/],
    ["a credential and a token", { storedCredentialName: "c", storedCredentialSpace: SPACE, token: "glpat-x" }, "credential", /token and credential are set/],
    ["a credential and credentialName", { storedCredentialName: "c", storedCredentialSpace: SPACE, credentialName: "c" }, "credentialName", /credential and credentialName are set/],
  ])("%s is one failure, and nothing is sent", async (_what, extra, property, reason) => {
    const before = torque().requests.length;
    const found = await failures({ space: SPACE, repositoryName: "x", repositoryUrl: "http://git.example.com/team/x", preflight: "off", ...extra });
    expect(found).toEqual([[property, expect.stringMatching(reason)]]);
    expect(torque().requests.length).toBe(before);
  });

  test("a token with credentialName is one way: credentialName names the credential Torque stores it under", async () => {
    expect(await failures(withToken("c-named", { credentialName: "my-token" }))).toEqual([]);
  });

  test("a credential of another space, or one for another GitLab, is refused at preview", async () => {
    const stored = { storedCredentialName: "ci", storedCredentialSpace: "elsewhere", storedCredentialGitlabUrl: "http://other.example.com/" };
    expect(await failures(inputs("c-space", stored))).toEqual([
      ["credential", expect.stringContaining(`credential ci is stored in space elsewhere, the repository is in space ${SPACE}`)],
      ["repositoryUrl", expect.stringContaining("does not lie under the credential's gitlabUrl http://other.example.com/")],
    ]);
  });

  test("a repository outside the provider's baseUrl is refused at preview", async () => {
    expect(await failures(inputs("c-outside", { providerId: "p-1", providerBaseUrl: "http://other.example.com/" }))).toEqual([
      ["repositoryUrl", expect.stringContaining(`repositoryUrl ${url("c-outside")} does not lie under the provider's baseUrl http://other.example.com/`)],
    ]);
  });

  test("the credential name: given, taken from the credential, or derived from the repository name with a token", async () => {
    expect((await checked(withToken("c-derived"))).credentialName).toBe("c-derived-token");
    expect((await checked(withToken("c-derived", { credentialName: "mine" }))).credentialName).toBe("mine");
    expect((await checked(inputs("c-derived", { storedCredentialName: "ci", storedCredentialSpace: SPACE }))).credentialName).toBe("ci");
    expect((await checked(inputs("c-derived", { providerId: "p", providerBaseUrl: base() }))).credentialName).toBeUndefined();
    // Unknown at preview: derived all the same from what is known.
    expect((await checked(withToken("c-derived", { token: UNKNOWN }))).credentialName).toBe("c-derived-token");
  });
});

describe("diff: what updates in place and what replaces, and in which order", () => {
  const state = () => ({ ...inputs("d"), credentialName: CREDENTIAL, branch: "main", agents: [], useAllAgents: true, eacAutoRegistration: false, status: "Connected" });
  const diff = (news: Record<string, unknown>) => provider.diff(`${SPACE}/d`, state(), { ...state(), ...news });

  test.each([
    ["token (rotated through the stored credential)", { token: "glpat-new" }],
    ["credentialName", { credentialName: "other" }],
    ["agents", { agents: [AGENT], useAllAgents: false }],
  ])("%s updates in place", async (_what, news) => {
    expect(await diff(news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test.each([
    ["branch", { branch: "develop" }, true],
    ["repositoryUrl", { repositoryUrl: "http://git.example.com/team/moved" }, true],
    ["eacAutoRegistration", { eacAutoRegistration: true }, true],
    ["space (the name is unique per space: the new one first)", { space: "other" }, false],
    ["repositoryName", { repositoryName: "renamed" }, false],
  ])("%s replaces; deleting first only when space and name stay", async (key, news, deleteFirst) => {
    expect(await diff(news)).toEqual({ changes: true, replaces: [key.split(" ")[0]], deleteBeforeReplace: deleteFirst });
  });

  test("provider-only inputs are no change; a repository that is not Connected always is", async () => {
    expect((await diff({ syncTimeoutSeconds: 5, preflight: "strict", providerToken: "x" })).changes).toBe(false);
    expect((await provider.diff(`${SPACE}/d`, { ...state(), status: "Error" }, state())).changes).toBe(true);
  });
});

describe("create: today's body, stored credentials", () => {
  test("with a token: sent with the name of the credential Torque stores it under; delete removes both", async () => {
    const { id, state } = await up(withToken("cr-token"));
    expect(state).toMatchObject({ credentialName: "cr-token-token", status: "Connected" });
    expect(entry("cr-token")).toMatchObject({ credentialName: "cr-token-token", status: "Connected" });
    expect(credential("cr-token-token")).toMatchObject({ token: fx.demo.gitlabToken, cloudIdentifier: "gitlabEnterprise" });
    const mark = torque().requests.length;
    await provider.delete(id, state);
    expect(writes(mark)).toEqual([
      `DELETE /api/spaces/${SPACE}/repositories 204`,
      `DELETE /api/spaces/${SPACE}/settings/credentialstore/cr-token-token 200`,
    ]);
    expect(entry("cr-token")).toBeUndefined();
    expect(credential("cr-token-token")).toBeUndefined();
  });

  test("with a stored credential: its name is sent, and delete leaves the credential alone", async () => {
    const { id, state } = await up(withCredential("cr-stored"));
    expect(entry("cr-stored")).toMatchObject({ credentialName: CREDENTIAL, status: "Connected" });
    await provider.delete(id, state);
    expect(credential(CREDENTIAL)).toBeDefined();
  });

  test("through a provider: credential_name is the empty string, never null (the sandbox refuses null like a strict server)", async () => {
    const created = await fetch(`${torque().url}/api/settings/repository_providers`, {
      method: "POST",
      headers: { Authorization: `Bearer ${fx.demo.torqueToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "cr-provider-gitlab", type: "gitLabEnterprise", details: { token: fx.demo.gitlabToken, base_url: url("cr-provider/") }, repos: [] }),
    });
    const providerId = (await created.json()) as string;
    const { id, state } = await up(inputs("cr-provider", { repositoryUrl: url("cr-provider/assets"), providerId, providerBaseUrl: url("cr-provider/") }));
    expect(entry("cr-provider")).toMatchObject({ credentialName: "", status: "Connected" });
    expect(state.credentialName).toBeUndefined();
    const read = await provider.read(id, state);
    expect(read.props.credentialName).toBeUndefined();
    await provider.delete(id, state);
    torque().removeProvider(providerId);
  });

  test("a token whose credential name the space already has fails naming credentialName, not as a name clash", async () => {
    const before = torque().spaceRepositories(SPACE).length;
    await expect(provider.create(await checked(withToken("cr-taken", { credentialName: CREDENTIAL })))).rejects.toThrow(
      new RegExp(`Torque space ${SPACE} already has a credential named ${CREDENTIAL}.*give the token's credential another credentialName`),
    );
    expect(torque().spaceRepositories(SPACE)).toHaveLength(before);
    expect(credential(CREDENTIAL)?.token).not.toBe(fx.demo.gitlabToken);
  });

  test("a repository name the space has: the clash names the import id", async () => {
    const { id, state } = await up(withCredential("cr-clash"));
    await expect(provider.create(await checked(withCredential("cr-clash", { repositoryUrl: url("cr-clash-other") })))).rejects.toThrow(
      clashAdvice(`Torque space ${SPACE} already has a repository named cr-clash`, `${SPACE}/cr-clash`),
    );
    await provider.delete(id, state);
  });
});

describe("update: in place, and a token rotated without disconnecting", () => {
  test("a new token is written to the stored credential: the repository is neither deleted nor created again", async () => {
    const { id, state } = await up(withToken("up-rotate"));
    const rotated = "glpat-rotated-in-place";
    const mark = torque().requests.length;
    const { diff, outs } = await change(id, state, withToken("up-rotate", { token: rotated }));
    expect(diff.replaces).toEqual([]);
    expect(writes(mark)).toEqual([`PUT /api/spaces/${SPACE}/settings/credentialstore/up-rotate-token 200`]);
    expect(credential("up-rotate-token")?.token).toBe(rotated);
    expect(entry("up-rotate")).toMatchObject({ credentialName: "up-rotate-token", status: "Connected" });
    expect(outs).toMatchObject({ token: rotated, credentialName: "up-rotate-token", status: "Connected" });
    await provider.delete(id, outs!);
  });

  test("a rotation where the stored credential is gone stores it again", async () => {
    const { id, state } = await up(withToken("up-restore"));
    torque().faults.add({ kind: "status", status: 404, method: "GET", path: "/credentialstore/up-restore-token", times: 1 });
    await fetch(`${torque().url}/api/spaces/${SPACE}/repositories/up-restore`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${fx.demo.torqueToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ credential_name: CREDENTIAL, agents: [], use_all_agents: true }),
    });
    await fetch(`${torque().url}/api/spaces/${SPACE}/settings/credentialstore/up-restore-token`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${fx.demo.torqueToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ space_name: SPACE, credential_name: "up-restore-token" }),
    });
    torque().editSpaceRepository(SPACE, "up-restore", { credentialName: "up-restore-token" });
    const { outs } = await change(id, state, withToken("up-restore", { token: "glpat-restored" }));
    expect(credential("up-restore-token")?.token).toBe("glpat-restored");
    await provider.delete(id, outs!);
  });

  test("from a token to a stored credential and back: the repository is updated, the credential made for the token removed", async () => {
    const { id, state } = await up(withToken("up-switch"));
    const mark = torque().requests.length;
    const toStored = await change(id, state, withCredential("up-switch"));
    expect(writes(mark)).toEqual([
      `PUT /api/spaces/${SPACE}/repositories/up-switch 200`,
      `DELETE /api/spaces/${SPACE}/settings/credentialstore/up-switch-token 200`,
    ]);
    expect(entry("up-switch")?.credentialName).toBe(CREDENTIAL);
    const back = torque().requests.length;
    const toToken = await change(id, toStored.outs!, withToken("up-switch", { credentialName: "up-switch-own" }));
    expect(writes(back)).toEqual([
      `POST /api/spaces/${SPACE}/settings/credentialstore 200`,
      `PUT /api/spaces/${SPACE}/repositories/up-switch 200`,
    ]);
    expect(entry("up-switch")?.credentialName).toBe("up-switch-own");
    expect(credential("up-switch-own")).toMatchObject({ token: fx.demo.gitlabToken, cloudType: "sourceControl" });
    await provider.delete(id, toToken.outs!);
    expect(credential("up-switch-own")).toBeUndefined();
  });

  test("agents and useAllAgents change with one PUT; an unchanged repository is not written", async () => {
    const { id, state } = await up(withCredential("up-agents"));
    const mark = torque().requests.length;
    const { outs } = await change(id, state, withCredential("up-agents", { agents: [AGENT] }));
    expect(writes(mark)).toEqual([`PUT /api/spaces/${SPACE}/repositories/up-agents 200`]);
    expect(entry("up-agents")).toMatchObject({ agents: [AGENT], useAllAgents: false });
    const again = torque().requests.length;
    await provider.update(id, outs!, await checked(withCredential("up-agents", { agents: [AGENT] }), outs!));
    expect(writes(again)).toEqual([]);
    await provider.delete(id, outs!);
  });

  test("an update of a repository deleted behind Pulumi's back says to refresh", async () => {
    const { id, state } = await up(withCredential("up-gone"));
    torque().removeSpaceRepository(SPACE, "up-gone");
    await expect(change(id, state, withCredential("up-gone", { agents: [AGENT] }))).rejects.toThrow(/repository up-gone is no longer in Torque space platform; run `pulumi refresh`/);
  });
});

describe("sync, as Torque's official client waits for it", () => {
  test("a slow sync within syncTimeoutSeconds succeeds once Connected", async () => {
    torque().setSync({ url: url("sy-slow"), delayMs: 1_500, outcome: "Connected" });
    const started = Date.now();
    const { id, state } = await up(withCredential("sy-slow", { syncTimeoutSeconds: 15 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(state.status).toBe("Connected");
    await provider.delete(id, state);
  });

  test.each(["Error", "Disconnected", "Failed"])("a sync that ends %s fails naming the status and Torque's errors; the repository is kept", async (status) => {
    const name = `sy-${status.toLowerCase()}`;
    torque().setSync({ url: url(name), delayMs: 200, outcome: status, errors: ["Branch 'main' was not found"] });
    const failure = await provider.create(await checked(withCredential(name))).catch((err) => err);
    expect(failure.message).toBe(`Torque could not sync repository ${name} in space ${SPACE} (status ${status}): Branch 'main' was not found; fix the cause, then run pulumi up again.`);
    expect(failure.id).toBe(`${SPACE}/${name}`);
    expect(failure.properties).toMatchObject({ status, repositoryName: name });
    expect(failure.reasons).toEqual(["Branch 'main' was not found"]);
    torque().removeSpaceRepository(SPACE, name);
  });

  test("a sync that outlasts syncTimeoutSeconds says how far it got", async () => {
    torque().setSync({ url: url("sy-timeout"), delayMs: 60_000, outcome: "Connected" });
    const failure = await provider.create(await checked(withCredential("sy-timeout", { syncTimeoutSeconds: 1, agents: [AGENT] }))).catch((err) => err);
    expect(failure.message).toContain(`repository sy-timeout in space ${SPACE} did not finish syncing within 1 s (status Syncing; agents: ${AGENT} Active); raise syncTimeoutSeconds`);
    expect(failure.properties).toMatchObject({ status: "Syncing" });
    torque().removeSpaceRepository(SPACE, "sy-timeout");
  });

  test("the onboarding call gets 120 s by default, whatever torque:timeoutSeconds says", async () => {
    await configure({ "torque:timeoutSeconds": "1" });
    try {
      torque().faults.add({ kind: "delay", ms: 1_500, method: "POST", path: ONBOARD, times: 1 });
      const mark = torque().requests.length;
      const { id, state } = await up(withCredential("sy-slow-post"));
      const sent = torque().requests.slice(mark).map((r) => `${r.method} ${r.path}`);
      // The answer came: no lookup after a timeout; the list that found the name free before, and the one that sees the sync end.
      expect(sent).toEqual([`GET /api/spaces/${SPACE}/repositories`, `POST /api/spaces/${SPACE}/repositories/gitlabEnterprise`, `GET /api/spaces/${SPACE}/repositories`]);
      await provider.delete(id, state);
    } finally {
      await configure();
    }
  });

  test("an onboarding call that times out while the repository lists as Syncing: the wait goes on, nothing is sent twice", async () => {
    await configure({ "torque:onboardingTimeoutSeconds": "1" });
    try {
      torque().setSync({ url: url("sy-post-timeout"), delayMs: 2_500, outcome: "Connected" });
      torque().faults.add({ kind: "delay", ms: 1_800, method: "POST", path: ONBOARD, times: 1 });
      const mark = torque().requests.length;
      const { id, state } = await up(withCredential("sy-post-timeout"));
      expect(state.status).toBe("Connected");
      expect(torque().requests.slice(mark).filter((r) => r.method === "POST")).toHaveLength(1);
      expect(torque().spaceRepositories(SPACE).filter((r) => r.name === "sy-post-timeout")).toHaveLength(1);
      await provider.delete(id, state);
    } finally {
      await configure();
    }
  });

  test("torque:onboardingTimeoutSeconds must be a positive number", async () => {
    await configure({ "torque:onboardingTimeoutSeconds": "soon" });
    try {
      expect(await failures(withCredential("sy-config"))).toEqual([["torque:onboardingTimeoutSeconds", expect.stringContaining("must be a positive number")]]);
    } finally {
      await configure();
    }
  });
});

describe("read: what Torque lists, however it lists it", () => {
  test("drift: what the list says replaces the state; an entry gone is dropped", async () => {
    const { id, state } = await up(withCredential("rd-drift", { agents: [AGENT] }));
    torque().editSpaceRepository(SPACE, "rd-drift", { agents: [], useAllAgents: true });
    expect((await (await newProcess()).read(id, state)).props).toMatchObject({ agents: [], useAllAgents: true, credentialName: CREDENTIAL });
    torque().removeSpaceRepository(SPACE, "rd-drift");
    expect((await (await newProcess()).read(id, state)).id).toBe("");
  });

  test("entries without use_all_agents and with the credential as `credentials` read as the state had them", async () => {
    const { id, state } = await up(withCredential("rd-sparse", { agents: [AGENT] }));
    torque().setListFields("sparse");
    const read = await (await newProcess()).read(id, state);
    expect(read.props).toMatchObject({ credentialName: CREDENTIAL, agents: [AGENT], useAllAgents: false });
    expect(await provider.diff(id, read.props, await checked(withCredential("rd-sparse", { agents: [AGENT] }), read.props))).toMatchObject({ changes: false });
    await provider.delete(id, state);
  });

  test("one list serves every repository of a space in a refresh", async () => {
    const space = "rd-one-list";
    torque().addSpace(space, { credentials: [CREDENTIAL] });
    const names = ["a", "b", "c", "d"];
    const created = await Promise.all(names.map((n) => up(withCredential(`rd-${n}`, { space }))));
    const refresh = await newProcess();
    const lists = torque().count({ method: "GET", path: new RegExp(`^/api/spaces/${space}/repositories$`) });
    const read = await Promise.all(created.map(({ id, state }) => refresh.read(id, state)));
    expect(read.map((r) => r.id)).toEqual(names.map((n) => `${space}/rd-${n}`));
    expect(torque().count({ method: "GET", path: new RegExp(`^/api/spaces/${space}/repositories$`) }) - lists).toBe(1);
  });

  test("a delete of a repository already gone succeeds", async () => {
    const { id, state } = await up(withToken("rd-gone-delete"));
    torque().removeSpaceRepository(SPACE, "rd-gone-delete");
    await provider.delete(id, state);
    expect(credential("rd-gone-delete-token")).toBeUndefined();
  });

  test("an id that is not <space>/<name> fails clearly", async () => {
    await expect(provider.read("no-slash", {})).rejects.toThrow("no-slash is not a space repository id; use <space>/<name>");
  });
});

describe("lists that lag behind writes (a new provider process for each refresh)", () => {
  const listOf = (space: string) => ({ method: "GET", path: new RegExp(`^/api/spaces/${space}/repositories$`) });
  const seedOutside = (space: string, name: string) =>
    fetch(`${torque().url}/api/spaces/${space}/repositories/gitlabEnterprise`, {
      method: "POST",
      headers: { Authorization: `Bearer ${fx.demo.torqueToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ repository_name: name, repository_url: url(name), token: null, branch: "main", credential_name: CREDENTIAL, use_all_agents: true, agents: [], eac_auto_registration: false }),
    });

  test("refresh does not drop a repository its first list does not show yet: a second, fresh list does", async () => {
    const space = "lag-refresh";
    torque().addSpace(space, { credentials: [CREDENTIAL] });
    await fetch(`${torque().url}/api/spaces/${space}/repositories`, { headers: { Authorization: `Bearer ${fx.demo.torqueToken}` } });
    torque().lagLists(1);
    expect((await seedOutside(space, "lagging")).status).toBe(202);
    const refresh = await newProcess();
    const lists = torque().count(listOf(space));
    const read = await refresh.read(`${space}/lagging`, withCredential("lagging", { space }));
    expect(read.id).toBe(`${space}/lagging`);
    expect(torque().count(listOf(space)) - lists).toBe(2); // the first list lagged: without the second, refresh would drop it
  });

  test("our own interrupted create (its answer lost) under a lagging list is adopted, not reported as a name clash", async () => {
    const space = "lag-create";
    torque().addSpace(space, { credentials: [CREDENTIAL] });
    await fetch(`${torque().url}/api/spaces/${space}/repositories`, { headers: { Authorization: `Bearer ${fx.demo.torqueToken}` } });
    torque().lagLists(2);
    torque().faults.add({ kind: "lostResponse", method: "POST", path: ONBOARD, times: 1 });
    const up = await newProcess();
    const mark = torque().requests.length;
    const created = await up.create(await checked(withCredential("interrupted", { space })));
    expect(created.id).toBe(`${space}/interrupted`);
    expect(created.outs?.status).toBe("Connected");
    expect(torque().requests.slice(mark).filter((r) => r.method === "POST").map((r) => r.status)).toEqual([0, 409]);
    expect(torque().spaceRepositories(space)).toHaveLength(1);
  });
});

describe("configuration", () => {
  /** Configured without torque:url, with these variables (the others empty). */
  async function fromEnvironment(vars: Record<string, string>, extra: Record<string, string>, name: string): Promise<void> {
    const { "torque:url": _url, ...config } = fx.config();
    await withEnv({ TORQUE_URL: "", TORQUE_HOST: "", TORQUE_HOSTNAME: "", ...vars }, async () => {
      provider = await inProcess(spaceRepository, { ...config, ...extra });
      const { id, state } = await up(withCredential(name));
      expect(entry(name)?.status).toBe("Connected");
      await provider.delete(id, state);
    }).finally(() => configure());
  }

  test.each(["TORQUE_URL", "TORQUE_HOST"])("without torque:url, %s names Torque's URL", async (variable) => {
    await fromEnvironment({ [variable]: torque().url }, {}, `cf-${variable.toLowerCase()}`);
  });

  test("TORQUE_HOSTNAME, as Torque's CLI reads it: a host name, reached over https", async () => {
    const tls = await startTlsServer(torque().url);
    try {
      await fromEnvironment({ TORQUE_HOSTNAME: new URL(tls.url).host }, { "torque:caBundle": tls.ca }, "cf-torque-hostname");
    } finally {
      await tls.close();
    }
  });
});
