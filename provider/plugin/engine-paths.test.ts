/**
 * The engine's paths beyond up, preview, refresh and destroy, as the plugin receives them
 * (pkg/resource/deploy/step_generator.go, step.go): a targeted replace (Check without olds,
 * then Create, then Delete of the old id), a rename with an import option left in the
 * program, old inputs on Update and Delete, secrets on any input, customTimeouts and Cancel,
 * a 404 that is not Torque's, another account, a list entry without a field, and the
 * provider's own configuration. One test per item of issue 22; engine-paths.e2e.ts walks the
 * same paths under the real CLI.
 */
import type * as grpc from "@grpc/grpc-js";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import type * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { useSandbox } from "../../test/support/fixture";
import { clashAdvice } from "../../test/support/messages";
import { call, configured, providerUrn, raw, sandboxSettings, SECRET, urn, type Service } from "../../test/support/plugin";
import { withEnv } from "../../test/support/servers";
import { setLogSink } from "../core/log";
import { resourceProviderService } from "./server";
import { fromStruct, toStruct } from "./wire";

const fx = useSandbox();
const DATA_SOURCE = "gitlab-sources:enos:GitLabDataSource";
const REPOSITORY = "gitlab-sources:torque:SpaceRepository";
const CREDENTIAL = "gitlab-sources:torque:GitCredential";
const { DIFF_NONE, DIFF_SOME } = provproto.DiffResponse.DiffChanges;
const { Kind } = provproto.PropertyDiff;

type Props = Record<string, unknown>;

const plugin = (args: Props = settings(), name = "default_0_1_0") => configured(args, name);
const settings = (over: Props = {}) => sandboxSettings(fx, over);

const gitlab = (path = "platform/ml/models") => `${fx.sandbox.gitlab.url}/${path}`;
const dataSource = (name: string) => ({ name, gitUrl: gitlab(), token: fx.demo.gitlabToken, preflight: "off" });
const repository = (name: string, over: Props = {}) => ({ space: fx.demo.torqueSpace, repositoryName: name, repositoryUrl: gitlab(), token: fx.demo.gitlabToken, preflight: "off", ...over });

async function check(service: Service, type: string, name: string, news: Props | structproto.Struct, olds: Props = {}) {
  const request = new provproto.CheckRequest().setType(type).setName(name).setUrn(urn(type, name)).setOlds(toStruct(olds));
  request.setNews("toJavaScript" in news ? (news as structproto.Struct) : toStruct(news as Props));
  const answer = await call<provproto.CheckResponse>(service, "check", request);
  expect(answer.getFailuresList().map((f) => f.getReason())).toEqual([]);
  return answer.getInputs()!;
}

async function create(service: Service, type: string, name: string, inputs: structproto.Struct, timeout = 0) {
  const answer = await call<provproto.CreateResponse>(service, "create", new provproto.CreateRequest().setType(type).setUrn(urn(type, name)).setProperties(inputs).setTimeout(timeout));
  return { id: answer.getId(), state: fromStruct(answer.getProperties()), raw: raw(answer.getProperties()) };
}

const remove = (service: Service, type: string, name: string, id: string, state: Props, inputs: Props = state) =>
  call(service, "delete", new provproto.DeleteRequest().setType(type).setUrn(urn(type, name)).setId(id).setProperties(toStruct(state)).setOldInputs(toStruct(inputs)));

const read = (service: Service, type: string, name: string, id: string, state: Props = {}, inputs: Props = {}) =>
  call<provproto.ReadResponse>(service, "read", new provproto.ReadRequest().setType(type).setUrn(urn(type, name)).setId(id).setProperties(toStruct(state)).setInputs(toStruct(inputs)));

const named = (name: string) => fx.sandbox.enos.dataSources().filter((d) => d.name === name);
const repositoryIn = (name: string) => fx.sandbox.torque.spaceRepositories(fx.demo.torqueSpace).find((r) => r.name === name);
const stored = (name: string) => fx.sandbox.torque.credentials(fx.demo.torqueSpace).find((c) => c.name === name);

afterEach(() => {
  fx.sandbox.torque.faults.clear();
  fx.sandbox.torque.setSync({ delayMs: 0, outcome: "Connected" });
});

describe("1. a name taken at create is refused, whoever holds it", () => {
  test("up --replace: Check without olds, then Create, meets the resource's own old object: refused with the advice, nothing written", async () => {
    const service = await plugin();
    const inputs = await check(service, DATA_SOURCE, "models", dataSource("replaced_target"));
    const { id } = await create(service, DATA_SOURCE, "models", inputs);
    // The targeted replace: the engine checks the inputs again without olds and creates first.
    const again = await check(service, DATA_SOURCE, "models", dataSource("replaced_target"));
    await expect(create(service, DATA_SOURCE, "models", again)).rejects.toMatchObject({ details: clashAdvice("EnOS already has a data source named replaced_target", id) });
    expect(named("replaced_target").map((d) => d.dataSourceId)).toEqual([id]);
  });

  test("two resources of one stack declaring one name: the second is refused, the first keeps its object", async () => {
    const service = await plugin();
    const first = await create(service, CREDENTIAL, "ci-a", await check(service, CREDENTIAL, "ci-a", { space: fx.demo.torqueSpace, name: "shared-name", token: fx.demo.gitlabToken, gitlabUrl: `${fx.sandbox.gitlab.url}/`, preflight: "off" }));
    const before = fx.sandbox.torque.requests.length;
    const second = await check(service, CREDENTIAL, "ci-b", { space: fx.demo.torqueSpace, name: "shared-name", token: fx.demo.gitlabToken, gitlabUrl: `${fx.sandbox.gitlab.url}/`, preflight: "off" });
    await expect(create(service, CREDENTIAL, "ci-b", second)).rejects.toMatchObject({ details: clashAdvice(`Torque space ${fx.demo.torqueSpace} already has a credential named shared-name`, first.id) });
    // Refused on the lookup made before the create: nothing was sent.
    expect(fx.sandbox.torque.requests.slice(before).filter((r) => r.method !== "GET")).toEqual([]);
    await remove(service, CREDENTIAL, "ci-a", first.id, first.state);
  });
});

describe("2. an import option left in the program", () => {
  test("a rename: the engine imports the object into the new URN, then deletes the old URN: the object is kept", async () => {
    const service = await plugin();
    const { id, state } = await create(service, DATA_SOURCE, "old-name", await check(service, DATA_SOURCE, "old-name", dataSource("renamed_kept")));
    const imported = await read(service, DATA_SOURCE, "new-name", id); // the engine's import: the id alone
    expect(imported.getId()).toBe(id);
    await remove(service, DATA_SOURCE, "old-name", id, state);
    expect(named("renamed_kept").map((d) => d.dataSourceId)).toEqual([id]);
  });

  test("the old URN's delete goes on when no other resource holds the object", async () => {
    const service = await plugin();
    const { id, state } = await create(service, DATA_SOURCE, "plain", await check(service, DATA_SOURCE, "plain", dataSource("plain_delete")));
    // The engine diffs the resource itself, then replaces or deletes it: it is the only holder.
    await call(service, "diff", new provproto.DiffRequest().setType(DATA_SOURCE).setUrn(urn(DATA_SOURCE, "plain")).setId(id).setOlds(toStruct(state)).setNews(toStruct(state)));
    await remove(service, DATA_SOURCE, "plain", id, state);
    expect(named("plain_delete")).toEqual([]);
  });
});

describe("3. the provider's configuration, judged on the settings in effect", () => {
  const diff = async (service: Service, olds: Props, news: Props) => {
    const answer = await call<provproto.DiffResponse>(service, "diffConfig", new provproto.DiffRequest().setUrn(providerUrn("west")).setOlds(toStruct(olds)).setOldInputs(toStruct(olds)).setNews(toStruct(news)));
    return { changes: answer.getChanges(), replaces: answer.getReplacesList() };
  };

  test("a place that came from the environment, then written out with the same value, is an update of the provider", async () => {
    await withEnv({ TORQUE_URL: "https://acme.qtorque.io" }, async () => {
      const service = resourceProviderService("0.1.0", "{}");
      expect(await diff(service, { torqueToken: "t" }, { torqueUrl: "https://acme.qtorque.io/", torqueToken: "t" })).toEqual({ changes: DIFF_SOME, replaces: [] });
      expect(await diff(service, { torqueToken: "t" }, { torqueUrl: "https://other.qtorque.io", torqueToken: "t" })).toEqual({ changes: DIFF_SOME, replaces: ["torqueUrl"] });
    });
    // The default, made explicit.
    const service = resourceProviderService("0.1.0", "{}");
    expect(await diff(service, { torqueToken: "t" }, { torqueUrl: "https://portal.qtorque.io", torqueToken: "t" })).toEqual({ changes: DIFF_SOME, replaces: [] });
    expect(await diff(service, { torqueToken: "t" }, { torqueToken: "t" })).toEqual({ changes: DIFF_NONE, replaces: [] });
  });

  test("default or explicit is the engine's rule on the URN; unknown keys and bad URLs are refused with the closest setting", async () => {
    const service = resourceProviderService("0.1.0", "{}");
    const checkConfig = async (name: string, news: Props) =>
      (await call<provproto.CheckResponse>(service, "checkConfig", new provproto.CheckRequest().setUrn(providerUrn(name)).setName("").setNews(toStruct(news)))).getFailuresList().map((f) => [f.getProperty(), f.getReason()]);
    expect(await checkConfig("defaultEast", { torqueUrl: "https://ok.example", version: "0.1.0", torqeToken: "t" })).toEqual([
      ["torqeToken", expect.stringContaining("gitlab-sources:torqeToken is not a setting of this provider; did you mean torqueToken?")],
    ]);
    expect(await checkConfig("east", { enosApiGateway: "ftp://gw.example" })).toEqual([["enosApiGateway", expect.stringMatching(/^the provider's enosApiGateway input must use http or https, not ftp \(got "ftp:\/\/gw.example"\)/)]]);
  });
});

describe("4. old inputs reach Update and Delete: the credential a repository owns", () => {
  test("after an import from the id alone, an update of a repository with its own token rotates its credential in place, and destroy removes both", async () => {
    const program = repository("imported-own-token", { agents: [] });
    const elsewhere = await plugin(); // made outside this stack
    const { id } = await create(elsewhere, REPOSITORY, "made", await check(elsewhere, REPOSITORY, "made", program));
    expect(stored("imported-own-token-token")).toBeDefined();
    // pulumi import: Read with the id alone; its state knows neither the token nor what the repository owns.
    const service = await plugin();
    const imported = await read(service, REPOSITORY, "imported", id);
    const state = fromStruct(imported.getProperties());
    expect(state).not.toHaveProperty("ownedCredential");
    const oldInputs = fromStruct(await check(service, REPOSITORY, "imported", program, fromStruct(imported.getInputs())));
    const news = await check(service, REPOSITORY, "imported", { ...program, agents: ["sandbox-agent"] }, oldInputs);
    await call(service, "update", new provproto.UpdateRequest().setType(REPOSITORY).setUrn(urn(REPOSITORY, "imported")).setId(id).setOlds(toStruct(state)).setOldInputs(toStruct(oldInputs)).setNews(news));
    expect(repositoryIn("imported-own-token")?.agents).toEqual(["sandbox-agent"]);
    await remove(service, REPOSITORY, "imported", id, state, oldInputs);
    expect([repositoryIn("imported-own-token"), stored("imported-own-token-token")]).toEqual([undefined, undefined]);
  });
});

describe("5. a secret on any input stays secret", () => {
  test("a secret repositoryUrl comes back secret from Check and Create", async () => {
    const service = await plugin();
    const news = toStruct({ ...repository("secret-url"), repositoryUrl: { ...SECRET, value: gitlab() } });
    const inputs = await check(service, REPOSITORY, "secret-url", news);
    expect(raw(inputs)).toMatchObject({ repositoryUrl: { ...SECRET, value: gitlab() } });
    const created = await create(service, REPOSITORY, "secret-url", inputs);
    expect(created.raw).toMatchObject({ repositoryUrl: { ...SECRET, value: gitlab() }, token: { ...SECRET, value: fx.demo.gitlabToken } });
    expect(created.raw).toMatchObject({ space: fx.demo.torqueSpace });
    await remove(service, REPOSITORY, "secret-url", created.id, created.state);
  });
});

describe("6. customTimeouts and Cancel end a sync wait", () => {
  test("a create's timeout bounds the sync wait: the repository is kept with initialization errors", async () => {
    const service = await plugin();
    fx.sandbox.torque.setSync({ delayMs: 600_000, outcome: "Connected" });
    const inputs = await check(service, REPOSITORY, "slow-sync", repository("slow-sync", { syncTimeoutSeconds: 600 }));
    const started = Date.now();
    const error = await create(service, REPOSITORY, "slow-sync", inputs, 1).catch((err: grpc.ServiceError) => err);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(String((error as grpc.ServiceError).details)).toMatch(/^the operation reached its timeout of 1 s \(customTimeouts\) while waiting for Torque to sync repository slow-sync in space platform; .*run pulumi up again to wait for it/);
    expect(initFailure(error as grpc.ServiceError).getId()).toBe(`${fx.demo.torqueSpace}/slow-sync`);
    // Kept in state as any state is: its account, and the credential it owns.
    expect(initFailure(error as grpc.ServiceError).getProperties()!.toJavaScript()).toMatchObject({ account: { torqueUrl: fx.sandbox.torque.url }, ownedCredential: "slow-sync-token" });
    expect(repositoryIn("slow-sync")?.status).toBe("Syncing");
    fx.sandbox.torque.removeSpaceRepository(fx.demo.torqueSpace, "slow-sync");
  });

  test("the timeout also ends a read that is slow to answer; nothing is created", async () => {
    const service = await plugin();
    const inputs = await check(service, REPOSITORY, "slow-list", repository("slow-list"));
    fx.sandbox.torque.faults.add({ kind: "delay", ms: 5_000, method: "GET", path: "/repositories" });
    const started = Date.now();
    await expect(create(service, REPOSITORY, "slow-list", inputs, 1)).rejects.toMatchObject({
      details: expect.stringMatching(/^the operation reached its timeout of 1 s \(customTimeouts\) while waiting for Torque to answer GET \/api\/spaces\/platform\/repositories\./),
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(repositoryIn("slow-list")).toBeUndefined();
  });

  test("Cancel (Ctrl-C) stops the sync wait at once, keeping the repository", async () => {
    const service = await plugin();
    fx.sandbox.torque.setSync({ delayMs: 600_000, outcome: "Connected" });
    const inputs = await check(service, REPOSITORY, "cancelled-sync", repository("cancelled-sync"));
    const creating = create(service, REPOSITORY, "cancelled-sync", inputs).catch((err: grpc.ServiceError) => err);
    while (!repositoryIn("cancelled-sync")) await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await call(service, "cancel", new (require("google-protobuf/google/protobuf/empty_pb").Empty)());
    const error = (await creating) as grpc.ServiceError;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(String(error.details)).toMatch(/^the operation was cancelled \(Ctrl-C\) while waiting for Torque to sync repository cancelled-sync/);
    expect(initFailure(error).getId()).toBe(`${fx.demo.torqueSpace}/cancelled-sync`);
    fx.sandbox.torque.removeSpaceRepository(fx.demo.torqueSpace, "cancelled-sync");
  });
});

describe("7. absence is proved by the server that owns the object; the account is checked", () => {
  test("a 404 that is not Torque's fails a read and a delete, naming the URL; nothing is dropped", async () => {
    const service = await plugin();
    const program = { space: fx.demo.torqueSpace, name: "html-404", token: fx.demo.gitlabToken, gitlabUrl: `${fx.sandbox.gitlab.url}/`, preflight: "off" };
    const { id, state } = await create(service, CREDENTIAL, "html-404", await check(service, CREDENTIAL, "html-404", program));
    fx.sandbox.torque.faults.add({ kind: "body", status: 404, body: "<html><body>Not Found</body></html>", contentType: "text/html", path: "/credentialstore/html-404" });
    await expect(read(service, CREDENTIAL, "html-404", id, state, program)).rejects.toMatchObject({ details: expect.stringMatching(/a 404 that is not Torque's .*check gitlab-sources:torqueUrl/) });
    await expect(remove(service, CREDENTIAL, "html-404", id, state)).rejects.toMatchObject({ details: expect.stringMatching(/DELETE \/api\/spaces\/platform\/settings\/credentialstore\/html-404 with a 404 that is not Torque's/) });
    expect(stored("html-404")).toBeDefined();
    fx.sandbox.torque.faults.clear();
    await remove(service, CREDENTIAL, "html-404", id, state);
  });

  test("state made in one account is neither read, changed nor deleted under a provider naming another", async () => {
    const service = await plugin();
    const { id, state } = await create(service, DATA_SOURCE, "accounted", await check(service, DATA_SOURCE, "accounted", dataSource("accounted")));
    expect(state.account).toEqual({ enosApiGateway: fx.sandbox.enos.url, enosOrgId: fx.demo.enosOrgId });
    const elsewhere = await plugin(settings({ enosOrgId: "o-another-org" }), "west");
    const before = fx.sandbox.enos.requests.length;
    const refused = new RegExp(`enos:GitLabDataSource ${id} was registered in EnOS organization ${fx.demo.enosOrgId} at ${fx.sandbox.enos.url.replace(/[.]/g, "\\.")}, but the provider's enosOrgId input now names EnOS organization o-another-org .*set the provider's enosOrgId input back to ${fx.demo.enosOrgId}`);
    await expect(read(elsewhere, DATA_SOURCE, "accounted", id, state, state)).rejects.toMatchObject({ details: expect.stringMatching(refused) });
    await expect(remove(elsewhere, DATA_SOURCE, "accounted", id, state)).rejects.toMatchObject({ details: expect.stringMatching(refused) });
    expect(fx.sandbox.enos.requests.slice(before).filter((r) => r.query.action !== undefined)).toEqual([]);
    expect(named("accounted")).toHaveLength(1);
    await remove(service, DATA_SOURCE, "accounted", id, state);
  });
});

describe("8. tolerant reads", () => {
  test("a list entry without a branch keeps the declared one: no replacement", async () => {
    const service = await plugin();
    const { id, state } = await create(service, REPOSITORY, "no-branch", await check(service, REPOSITORY, "no-branch", repository("no-branch")));
    fx.sandbox.torque.editSpaceRepository(fx.demo.torqueSpace, "no-branch", { branch: null as unknown as string });
    const refreshed = await read(service, REPOSITORY, "no-branch", id, state, state);
    expect(fromStruct(refreshed.getProperties())).toMatchObject({ branch: "main" });
    const diff = await call<provproto.DiffResponse>(service, "diff", new provproto.DiffRequest().setType(REPOSITORY).setUrn(urn(REPOSITORY, "no-branch")).setId(id).setOlds(refreshed.getProperties()).setOldInputs(refreshed.getInputs()).setNews(toStruct(state)));
    expect([diff.getChanges(), diff.getReplacesList()]).toEqual([DIFF_NONE, []]);
    await remove(service, REPOSITORY, "no-branch", id, state);
  });

  test("an import reports only what Torque returned: eacAutoRegistration is the program's", async () => {
    const service = await plugin();
    const program = repository("eac-import", { eacAutoRegistration: true });
    const { id } = await create(service, REPOSITORY, "eac", await check(service, REPOSITORY, "eac", program));
    const imported = await read(service, REPOSITORY, "eac-imported", id);
    expect(fromStruct(imported.getInputs())).not.toHaveProperty("eacAutoRegistration");
    const news = await check(service, REPOSITORY, "eac-imported", program, fromStruct(imported.getInputs()));
    const diff = await call<provproto.DiffResponse>(service, "diff", new provproto.DiffRequest().setType(REPOSITORY).setId(id).setOlds(imported.getProperties()).setOldInputs(imported.getInputs()).setNews(news));
    expect([diff.getChanges(), diff.getReplacesList()]).toEqual([DIFF_NONE, []]);
    await remove(service, REPOSITORY, "eac", id, fromStruct(imported.getProperties()), fromStruct(news));
  });
});

describe("10. what a maintainer expects of the protocol", () => {
  test("the detailed diff says added, deleted or updated, and whether it replaces", async () => {
    const service = await plugin();
    const olds = { ...repository("kinds"), credentialName: "kinds-token", branch: "main" };
    const news = { ...olds, branch: "develop", credentialName: undefined, useAllAgents: true };
    const answer = await call<provproto.DiffResponse>(service, "diff", new provproto.DiffRequest().setType(REPOSITORY).setId("platform/kinds").setOlds(toStruct(olds)).setNews(toStruct(news)));
    const details = answer.getDetaileddiffMap();
    const kinds = Object.fromEntries(answer.getDiffsList().map((key) => [key, details.get(key)!.getKind()]));
    expect(kinds).toEqual({ branch: Kind.UPDATE_REPLACE, credentialName: Kind.DELETE, useAllAgents: Kind.ADD });
  });

  test("log lines carry the URN of the resource the request is about", async () => {
    const said: [string, string | undefined][] = [];
    setLogSink((_severity, message, resource) => said.push([message, resource]));
    const service = await plugin();
    const seeded = fx.sandbox.enos.seedDataSource({ orgId: fx.demo.enosOrgId, createBy: "user:someone", name: "logged_import", type: "GITLAB", description: "", gitUrl: gitlab(), token: fx.demo.gitlabToken });
    // The import input of the dynamic classes, which the operations take for the plugin too: a Check that logs what it adopts.
    await check(service, DATA_SOURCE, "logged", { ...dataSource("logged_import"), importId: seeded.dataSourceId });
    expect(said).toContainEqual([expect.stringContaining(`${seeded.dataSourceId}: the import option adopts this existing object`), urn(DATA_SOURCE, "logged")]);
    // A GitLab token that expires: Torque expects one that does not, and the preview-time check warns of it.
    const token = "glpat-expires-next-year";
    fx.sandbox.gitlab.addToken({ token, scopes: ["api", "read_repository"], expiresAt: `${new Date().getUTCFullYear() + 1}-06-30`, userId: 1 });
    const inputs = await check(service, CREDENTIAL, "logged", { space: fx.demo.torqueSpace, name: "logged", token, gitlabUrl: `${fx.sandbox.gitlab.url}/` });
    await call(service, "create", new provproto.CreateRequest().setType(CREDENTIAL).setUrn(urn(CREDENTIAL, "logged")).setProperties(inputs).setPreview(true));
    expect(said).toContainEqual([expect.stringContaining("token expires on"), urn(CREDENTIAL, "logged")]);
  });

  test("a plugin started by hand is attached: the engine's address reaches its log", async () => {
    const attached: string[] = [];
    const service = resourceProviderService("0.1.0", "{}", (address) => attached.push(address));
    await call(service, "attach", new plugproto.PluginAttach().setAddress("127.0.0.1:4242"));
    expect(attached).toEqual(["127.0.0.1:4242"]);
  });
});

function initFailure(error: grpc.ServiceError): provproto.ErrorResourceInitFailed {
  const bin = error.metadata.get("grpc-status-details-bin")[0] as Buffer;
  const status = statusproto.Status.deserializeBinary(new Uint8Array(bin));
  return provproto.ErrorResourceInitFailed.deserializeBinary(status.getDetailsList()[0].getValue_asU8());
}
