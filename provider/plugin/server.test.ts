/**
 * The plugin's ResourceProvider service called in this process, with the requests the engine
 * sends, against the sandbox: provider configuration (CheckConfig, DiffConfig, Configure per
 * instance), secrets marked in what goes back, references as ids, and import from an id
 * alone. plugin.e2e.ts drives the plugin itself under the real CLI.
 */
import type * as grpc from "@grpc/grpc-js";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { useSandbox } from "../../test/support/fixture";
import { call, check as checkAs, configured, raw, SECRET, type Service } from "../../test/support/plugin";
import { UNKNOWN } from "../core/unknown";
import { resourceProviderService } from "./server";
import { fromStruct, toStruct } from "./wire";

const fx = useSandbox();
const TYPE = "gitlab-sources:torque:RepositoryProvider";

const account = () => ({ torqueUrl: fx.sandbox.torque.url, torqueToken: { ...SECRET, value: fx.demo.torqueToken } });
const gitlab = () => `${fx.sandbox.gitlab.url}/`;

const check = (service: Service, news: Record<string, unknown>, olds: Record<string, unknown> = {}, type = TYPE, name = "gl") => checkAs(service, news, olds, type, name);

describe("provider configuration", () => {
  test("CheckConfig names a bad setting and marks the credentials secret", async () => {
    const service = resourceProviderService("0.1.0", "{}");
    const answer = await call<provproto.CheckResponse>(
      service,
      "checkConfig",
      new provproto.CheckRequest().setName("west").setNews(toStruct({ torqueUrl: "https://west.example", torqueToken: "t-1", torqueTimeoutSeconds: "soon", version: "0.1.0" })),
    );
    expect(answer.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual([
      ["torqueTimeoutSeconds", 'the provider\'s torqueTimeoutSeconds input must be a positive number, not "soon"; fix it with the provider\'s `torqueTimeoutSeconds` input.'],
    ]);
    expect(raw(answer.getInputs())).toMatchObject({ torqueUrl: "https://west.example", torqueToken: { ...SECRET, value: "t-1" } });
  });

  test("DiffConfig replaces the provider for another account or organization, updates it for anything else", async () => {
    const service = resourceProviderService("0.1.0", "{}");
    const diff = async (olds: Record<string, unknown>, news: Record<string, unknown>) => {
      const answer = await call<provproto.DiffResponse>(service, "diffConfig", new provproto.DiffRequest().setOlds(toStruct(olds)).setNews(toStruct(news)));
      return { changes: answer.getChanges(), replaces: answer.getReplacesList() };
    };
    const { DIFF_NONE, DIFF_SOME } = provproto.DiffResponse.DiffChanges;
    const west = { torqueUrl: "https://west.example", torqueToken: "t-1", enosOrgId: "o-1" };
    expect(await diff(west, west)).toEqual({ changes: DIFF_NONE, replaces: [] });
    expect(await diff(west, { ...west, torqueToken: "t-2" })).toEqual({ changes: DIFF_SOME, replaces: [] });
    expect(await diff(west, { ...west, torqueUrl: "https://east.example" })).toEqual({ changes: DIFF_SOME, replaces: ["torqueUrl"] });
    expect(await diff(west, { ...west, enosOrgId: "o-2" })).toEqual({ changes: DIFF_SOME, replaces: ["enosOrgId"] });
    // The same account written another way: the provider is updated, nothing is replaced.
    expect(await diff(west, { ...west, torqueUrl: "https://WEST.example/" })).toEqual({ changes: DIFF_SOME, replaces: [] });
    expect(await diff(west, { ...west, torqueUrl: "west.example" })).toEqual({ changes: DIFF_SOME, replaces: [] });
    expect(await diff(west, { ...west, torqueUrl: UNKNOWN })).toEqual({ changes: DIFF_SOME, replaces: ["torqueUrl"] });
    // The dynamic provider's state, when a stack moves to the plugin: nothing to compare.
    expect(await diff({ version: "3.270.0" }, west)).toEqual({ changes: DIFF_SOME, replaces: [] });
  });

  test("a missing setting is named as the provider instance takes it: stack config for the default provider, an input for an explicit one", async () => {
    const inputs = { name: "gl-missing", baseUrl: gitlab(), token: fx.demo.gitlabToken };
    const byDefault = await check(await configured({ torqueUrl: fx.sandbox.torque.url }), inputs);
    expect(byDefault.getFailuresList().map((f) => f.getReason())).toEqual([expect.stringContaining("`pulumi config set --secret gitlab-sources:torqueToken <token>`")]);
    const explicit = await check(await configured({ torqueUrl: fx.sandbox.torque.url }, "west"), inputs);
    expect(explicit.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual([["torqueToken", expect.stringContaining("the provider's `torqueToken` input")]]);
  });

  test("settings not known at preview (outputs of resources still to be created) skip the checks that need them", async () => {
    const service = await configured({ torqueUrl: UNKNOWN, torqueToken: UNKNOWN });
    const answer = await check(service, { name: "gl-later", baseUrl: gitlab(), token: "glpat-not-checked-yet" });
    expect(answer.getFailuresList()).toEqual([]);
  });
});

describe("resources", () => {
  test("check fills the name from the resource's, and returns the token secret although it came plain", async () => {
    const answer = await check(await configured(account()), { baseUrl: gitlab(), token: fx.demo.gitlabToken }, {}, TYPE, "named-by-resource");
    expect(answer.getFailuresList()).toEqual([]);
    expect(raw(answer.getInputs())).toMatchObject({ name: "named-by-resource", token: { ...SECRET, value: fx.demo.gitlabToken } });
  });

  test("an engine that takes no secrets back gets plain values (it marks them itself)", async () => {
    const answer = await check(await configured(account(), "default_0_1_0", false), { baseUrl: gitlab(), token: fx.demo.gitlabToken });
    expect(raw(answer.getInputs())).toMatchObject({ token: fx.demo.gitlabToken });
  });

  test("a reference arrives as the referenced resource's id: the inputs it determines; unknown at preview", async () => {
    const service = await configured(account());
    const type = "gitlab-sources:torque:SpaceRepository";
    const news = { space: fx.demo.torqueSpace, repositoryName: "by-reference", repositoryUrl: `${gitlab()}platform/infra`, preflight: "off" };
    const known = await check(service, { ...news, credential: `${fx.demo.torqueSpace}/gitlab-demo-credential` }, {}, type);
    expect(known.getFailuresList()).toEqual([]);
    expect(fromStruct(known.getInputs())).toMatchObject({ storedCredentialSpace: fx.demo.torqueSpace, storedCredentialName: "gitlab-demo-credential", credentialName: "gitlab-demo-credential" });
    const later = await check(service, { ...news, repositoryProvider: UNKNOWN }, {}, type);
    expect(fromStruct(later.getInputs())).toMatchObject({ providerId: UNKNOWN });
    const laterCredential = await check(service, { ...news, credential: UNKNOWN }, {}, type);
    expect([laterCredential.getFailuresList(), fromStruct(laterCredential.getInputs())]).toMatchObject([[], { storedCredentialSpace: UNKNOWN, storedCredentialName: UNKNOWN }]);
    // A reference left empty is no reference.
    const none = await check(service, { ...news, credential: "", repositoryProvider: null, token: fx.demo.gitlabToken }, {}, type);
    expect(none.getFailuresList()).toEqual([]);
    for (const key of ["credential", "repositoryProvider", "storedCredentialName", "providerId"]) expect(fromStruct(none.getInputs())).not.toHaveProperty(key);
    const bad = await check(service, { ...news, credential: "no-slash" }, {}, type);
    expect(bad.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toContainEqual(["credential", "credential: no-slash is not a git credential id; use <space>/<name>, e.g. platform/assets."]);
  });

  test("import reads from the id alone: inputs without the token, which the program's then counts as the one it has", async () => {
    const service = await configured(account());
    const seeded = fx.sandbox.torque.seedProvider({ name: "by-hand", type: "gitLabEnterprise", baseUrl: gitlab(), token: fx.demo.gitlabToken, repos: [] });
    const before = fx.sandbox.torque.requests.length;
    const read = await call<provproto.ReadResponse>(service, "read", new provproto.ReadRequest().setId(seeded.id).setType(TYPE).setUrn(`urn:pulumi:dev::p::${TYPE}::byhand`));
    expect(read.getId()).toBe(seeded.id);
    const inputs = fromStruct(read.getInputs());
    expect(inputs).toMatchObject({ name: "by-hand", baseUrl: gitlab(), repos: [] });
    expect(inputs).not.toHaveProperty("token");
    const diff = (olds: Record<string, unknown>, oldInputs: Record<string, unknown>, news: Record<string, unknown>) =>
      call<provproto.DiffResponse>(service, "diff", new provproto.DiffRequest().setId(seeded.id).setType(TYPE).setOlds(toStruct(olds)).setOldInputs(toStruct(oldInputs)).setNews(toStruct(news)));
    const declared = { ...inputs, token: fx.demo.gitlabToken };
    const state = fromStruct(read.getProperties());
    expect((await diff(state, inputs, declared)).getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_NONE);
    // Once the program's token is in state, a new one is a change like any other.
    const rotated = await diff(state, declared, { ...declared, token: "glpat-rotated" });
    expect([rotated.getChanges(), rotated.getDiffsList()]).toEqual([provproto.DiffResponse.DiffChanges.DIFF_SOME, ["token"]]);
    expect(fx.sandbox.torque.requests.slice(before).filter((r) => r.method !== "GET")).toEqual([]);
  });

  test("a server's refusal is one gRPC error naming the call, never a crash", async () => {
    const service = await configured(account());
    await expect(call(service, "delete", new provproto.DeleteRequest().setId("no-such-provider").setType("gitlab-sources:torque:Nothing"))).rejects.toMatchObject({
      details: expect.stringContaining("unknown resource type gitlab-sources:torque:Nothing"),
    });
  });
});

describe("initialization errors", () => {
  test("a repository whose sync fails is an error carrying its id and state, as the engine keeps it", async () => {
    const service = await configured(account());
    const url = `${gitlab()}platform/ml/models`;
    fx.sandbox.torque.setSync({ url, outcome: "Error", errors: ["branch main not found"], delayMs: 0 });
    const type = "gitlab-sources:torque:SpaceRepository";
    const news = { space: fx.demo.torqueSpace, repositoryName: "fails-sync", repositoryUrl: url, token: fx.demo.gitlabToken, preflight: "off" };
    const checked = await check(service, news, {}, type, "fails-sync");
    const error = await call(service, "create", new provproto.CreateRequest().setType(type).setUrn(`urn:pulumi:dev::p::${type}::fails-sync`).setProperties(checked.getInputs())).catch((err: grpc.ServiceError) => err);
    const bin = (error as grpc.ServiceError).metadata.get("grpc-status-details-bin")[0] as Buffer;
    const status = statusproto.Status.deserializeBinary(new Uint8Array(bin));
    const detail = provproto.ErrorResourceInitFailed.deserializeBinary(status.getDetailsList()[0].getValue_asU8());
    expect([status.getDetailsList()[0].getTypeUrl(), detail.getId(), detail.getReasonsList()]).toEqual([
      "type.googleapis.com/pulumirpc.ErrorResourceInitFailed",
      `${fx.demo.torqueSpace}/fails-sync`,
      ["branch main not found"],
    ]);
    expect(raw(detail.getProperties())).toMatchObject({ status: "Error", token: { ...SECRET, value: fx.demo.gitlabToken } });
  });
});

describe("what every call answers", () => {
  test("GetPluginInfo and GetSchema answer the version and the schema the plugin was started with", async () => {
    const service = resourceProviderService("1.2.3", '{"name":"gitlab-sources"}');
    expect((await call<plugproto.PluginInfo>(service, "getPluginInfo", new emptyproto.Empty())).getVersion()).toBe("1.2.3");
    expect((await call<provproto.GetSchemaResponse>(service, "getSchema", new provproto.GetSchemaRequest())).getSchema()).toBe('{"name":"gitlab-sources"}');
  });

  test("Configure echoes whether the engine takes secrets back, and asks for ids, not resource references, and for the preview's Create and Update calls", async () => {
    for (const acceptSecrets of [true, false]) {
      const answer = await call<provproto.ConfigureResponse>(resourceProviderService("0.1.0", "{}"), "configure", new provproto.ConfigureRequest().setArgs(toStruct(account())).setAcceptsecrets(acceptSecrets));
      expect([answer.getAcceptsecrets(), answer.getAcceptresources(), answer.getSupportspreview()]).toEqual([acceptSecrets, false, true]);
    }
  });

  test("a failure that is not the provider's own names the kind and the call", async () => {
    const service = await configured(account());
    const type = "gitlab-sources:torque:Nothing";
    const served = "gitlab-sources:enos:GitLabDataSource, gitlab-sources:torque:GitCredential, gitlab-sources:torque:RepositoryProvider, gitlab-sources:torque:SpaceRepository";
    const requests: [string, string, unknown][] = [
      ["check", "check", new provproto.CheckRequest().setType(type)],
      ["diff", "diff", new provproto.DiffRequest().setType(type)],
      ["create", "create", new provproto.CreateRequest().setType(type)],
      ["read", "read", new provproto.ReadRequest().setType(type)],
      ["update", "update", new provproto.UpdateRequest().setType(type)],
      ["delete", "delete", new provproto.DeleteRequest().setType(type)],
    ];
    for (const [method, verb, request] of requests) {
      await expect(call(service, method, request)).rejects.toMatchObject({ details: `torque:Nothing: ${verb} failed: unknown resource type ${type}; this plugin serves ${served}.` });
    }
  });

  test("Diff details each changed property as `pulumi preview --diff` shows it: added, deleted or updated, and whether it replaces", async () => {
    const service = await configured(account());
    const type = "gitlab-sources:torque:SpaceRepository";
    const olds = { space: "platform", repositoryName: "infra", repositoryUrl: `${gitlab()}platform/infra`, branch: "dev", token: "t-1", agents: [] };
    const news = { space: "platform", repositoryName: "infra-2", repositoryUrl: `${gitlab()}platform/infra`, token: "t-2", agents: [], credentialName: "infra-token" };
    const answer = await call<provproto.DiffResponse>(service, "diff", new provproto.DiffRequest().setId("platform/infra").setType(type).setUrn(`urn:pulumi:dev::p::${type}::infra`).setOlds(toStruct(olds)).setNews(toStruct(news)));
    const { Kind } = provproto.PropertyDiff;
    const detailed: Record<string, [number, boolean]> = {};
    answer.getDetaileddiffMap().forEach((diff, key) => (detailed[key] = [diff.getKind(), diff.getInputdiff()]));
    expect(answer.getHasdetaileddiff()).toBe(true);
    expect(detailed).toEqual({
      repositoryName: [Kind.UPDATE_REPLACE, true],
      branch: [Kind.DELETE_REPLACE, true],
      token: [Kind.UPDATE, true],
      credentialName: [Kind.ADD, true],
    });
  });
});

describe("read", () => {
  const type = "gitlab-sources:torque:RepositoryProvider";
  const read = (service: Service, id: string, state: Record<string, unknown>, inputs: Record<string, unknown>) =>
    call<provproto.ReadResponse>(service, "read", new provproto.ReadRequest().setId(id).setType(type).setUrn(`urn:pulumi:dev::p::${type}::gl`).setProperties(toStruct(state)).setInputs(toStruct(inputs)));

  test("a refresh keeps the inputs only the program knows, with old inputs or without; an import (the id alone) leaves them out", async () => {
    const service = await configured(account());
    const seeded = fx.sandbox.torque.seedProvider({ name: "refreshed", type: "gitLabEnterprise", baseUrl: gitlab(), token: fx.demo.gitlabToken, repos: [] });
    const inputs = { name: "refreshed", baseUrl: gitlab(), token: fx.demo.gitlabToken, repos: [], preflight: "off" };
    const refreshed = await read(service, seeded.id, { ...inputs, providerId: seeded.id, type: "gitLabEnterprise" }, inputs);
    expect(fromStruct(refreshed.getInputs())).toMatchObject({ preflight: "off" });
    // State without inputs (an engine that sends no old inputs) is still a refresh, not an import.
    const stateOnly = await read(service, seeded.id, { ...inputs, providerId: seeded.id, type: "gitLabEnterprise" }, {});
    expect(fromStruct(stateOnly.getInputs())).toMatchObject({ preflight: "off" });
    const imported = await read(service, seeded.id, {}, {});
    expect(fromStruct(imported.getInputs())).not.toHaveProperty("preflight");
  });

  test("a resource gone from the server reads as an empty id and no properties", async () => {
    const service = await configured(account());
    const inputs = { name: "gone", baseUrl: gitlab(), token: fx.demo.gitlabToken, repos: [] };
    const answer = await read(service, "00000000-0000-0000-0000-000000000000", { ...inputs, providerId: "00000000-0000-0000-0000-000000000000", type: "gitLabEnterprise" }, inputs);
    expect([answer.getId(), answer.getProperties(), answer.getInputs()]).toEqual(["", undefined, undefined]);
  });
});
