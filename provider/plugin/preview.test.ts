/**
 * The plugin supports preview (issue 24): Check keeps what is local and the token check of an
 * unchanged resource; the network checks of a new or changed resource run in the Create or
 * Update the engine sends with `preview: true`, which writes nothing and answers unknowns for
 * the outputs it cannot know, and again before the write of a real one (`up --skip-preview`).
 * The platform's side is checked there too (issue 25): the Torque URL and API token, each space
 * named, a repository provider's right to manage providers. preview.e2e.ts runs the same under
 * the real CLI.
 */
import type * as grpc from "@grpc/grpc-js";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { useSandbox } from "../../test/support/fixture";
import { call, check, checked, configured, createRequest, sandboxSettings, type Service, updateRequest, urn } from "../../test/support/plugin";
import { resetLogs, writes } from "../../test/support/writes";
import { setLogSink } from "../core/log";
import { UNKNOWN } from "../core/unknown";
import { fromStruct, toStruct } from "./wire";

const fx = useSandbox();
const DATA_SOURCE = "gitlab-sources:enos:GitLabDataSource";
const PROVIDER = "gitlab-sources:torque:RepositoryProvider";
const REPOSITORY = "gitlab-sources:torque:SpaceRepository";
const CREDENTIAL = "gitlab-sources:torque:GitCredential";
type Props = Record<string, unknown>;

const settings = (over: Props = {}) => sandboxSettings(fx, over);
const gitlab = (path = "") => `${fx.sandbox.gitlab.url}/${path}`;
const dataSource = (name: string, over: Props = {}) => ({ name, gitUrl: gitlab("platform/ml/models"), token: fx.demo.gitlabToken, ...over });
const repository = (name: string, over: Props = {}) => ({ space: fx.demo.torqueSpace, repositoryName: name, repositoryUrl: gitlab("platform/infra"), token: fx.demo.gitlabToken, ...over });
const credential = (name: string, over: Props = {}) => ({ space: fx.demo.torqueSpace, name, gitlabUrl: gitlab(), token: fx.demo.gitlabToken, ...over });
const provider = (name: string, over: Props = {}) => ({ name, baseUrl: gitlab(), token: fx.demo.gitlabToken, repos: [gitlab("platform/infra")], ...over });

/** A GitLab token of its own, so that no answer cached by an earlier test stands in for its requests. */
let tokens = 0;
function freshToken(): string {
  const token = `glpat-preview-${++tokens}`;
  fx.sandbox.gitlab.addToken({ token, scopes: ["api", "read_user", "read_repository"], expiresAt: null, userId: 1 });
  return token;
}

const gitlabCalls = () => fx.sandbox.gitlab.requests.map((r) => r.path.replace(/^\/api\/v4/, ""));
const enosTests = () => fx.sandbox.enos.requests.filter((r) => r.query.action === "test").length;
const reason = (err: unknown) => (err as grpc.ServiceError).details;

let service: Service;
beforeAll(async () => {
  service = await configured(settings());
});
beforeEach(() => resetLogs(fx.sandbox));
afterEach(() => fx.sandbox.enos.unreachableHosts.clear());

describe("a new resource", () => {
  test("Check sends nothing; the preview's Create runs the checks, writes nothing, and answers unknowns for the outputs it cannot know", async () => {
    const token = freshToken();
    const inputs = await checked(service, DATA_SOURCE, "models", dataSource("preview_models", { token }));
    expect([gitlabCalls(), enosTests()]).toEqual([[], 0]);

    const answer = await createRequest(service, DATA_SOURCE, "models", inputs, true);
    // The token and the project, from here; EnOS's test, which reads them from EnOS's side too.
    expect(new Set(gitlabCalls())).toEqual(new Set(["/personal_access_tokens/self", "/projects/platform%2Fml%2Fmodels"]));
    expect(enosTests()).toBe(1);
    expect(writes(fx.sandbox)).toEqual([]);
    expect(answer.getId()).toBe("");
    expect(fromStruct(answer.getProperties())).toMatchObject({ name: "preview_models", type: "GITLAB", dataSourceId: UNKNOWN, createdAt: UNKNOWN });
  });

  test("every kind's preview Create writes nothing; the outputs known before the write are known", async () => {
    const cases: [string, Props, Props][] = [
      [PROVIDER, provider("preview-provider"), { type: "gitLabEnterprise", providerId: UNKNOWN }],
      [CREDENTIAL, credential("preview-credential"), { type: "gitlabEnterprise" }],
      [REPOSITORY, repository("preview-repository"), { status: UNKNOWN, useAllAgents: true }],
    ];
    for (const [type, news, outputs] of cases) {
      const answer = await createRequest(service, type, "r", await checked(service, type, "r", news), true);
      expect(fromStruct(answer.getProperties())).toMatchObject({ ...news, ...outputs });
    }
    expect(writes(fx.sandbox)).toEqual([]);
  });

  test.each([
    ["a token GitLab refuses", DATA_SOURCE, () => dataSource("refused", { token: "glpat-never-issued" }), /^token is invalid, expired or revoked \(GitLab at 127\.0\.0\.1:\d+ answered 401\)/, false],
    ["a project that is not there", REPOSITORY, () => repository("missing", { repositoryUrl: gitlab("platform/no-such-project") }), /^repositoryUrl: project platform\/no-such-project is missing on 127\.0\.0\.1:\d+ or not visible to this token/, false],
    ["EnOS's own test failing", DATA_SOURCE, () => dataSource("unreachable"), /^gitUrl: EnOS's own connection test failed/, true],
  ])("%s fails the preview's Create and the real one (up --skip-preview) in one sentence naming the property; nothing is written", async (_what, type, news, message, enosCannotReach) => {
    if (enosCannotReach) fx.sandbox.enos.unreachableHosts.add(new URL(gitlab()).host);
    const inputs = await checked(service, type, "bad", news());
    await expect(createRequest(service, type, "bad", inputs, true)).rejects.toMatchObject({ details: expect.stringMatching(message) });
    // A real Create had no preview in this process (up --skip-preview): the checks run before the write.
    await expect(createRequest(service, type, "bad", inputs, false).catch((err) => Promise.reject(new Error(reason(err))))).rejects.toThrow(message);
    expect(writes(fx.sandbox)).toEqual([]);
  });

  test("concurrent steps share one request per GitLab root, token and CA bundle", async () => {
    const token = freshToken();
    const names = Array.from({ length: 12 }, (_, i) => `shared-${i}`);
    const inputs = await Promise.all(names.map((name) => checked(service, REPOSITORY, name, repository(name, { token }))));
    await Promise.all(inputs.map((props, i) => createRequest(service, REPOSITORY, names[i], props, true)));
    expect(gitlabCalls()).toEqual(["/personal_access_tokens/self", "/projects/platform%2Finfra"]);
  });
});

describe("a resource in state", () => {
  test("an unchanged resource's Check asks about its token, once per token, and catches one that rotted", async () => {
    const token = freshToken();
    const news = dataSource("kept", { token });
    await checked(service, DATA_SOURCE, "kept", news, news);
    await checked(service, DATA_SOURCE, "kept-too", { ...news, name: "kept_too" }, { ...news, name: "kept_too" });
    expect(gitlabCalls()).toEqual(["/personal_access_tokens/self"]);

    const rotted = dataSource("rotted", { token: "glpat-revoked-since" });
    const answer = await check(service, rotted, rotted, DATA_SOURCE, "rotted");
    expect(answer.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual([["token", expect.stringContaining("token is invalid, expired or revoked")]]);
    expect(enosTests()).toBe(0);
  });

  test("a changed token is checked in the preview's Update, which writes nothing and keeps the outputs it knows", async () => {
    const old = { id: "prov-1", state: { ...provider("kept-provider"), providerId: "prov-1", type: "gitLabEnterprise" }, inputs: provider("kept-provider") };
    const token = freshToken();
    const news = await checked(service, PROVIDER, "p", provider("kept-provider", { token }), old.inputs);
    expect(gitlabCalls()).toEqual([]);
    const answer = await updateRequest(service, PROVIDER, "p", old, news, true);
    expect(gitlabCalls()).toEqual(["/personal_access_tokens/self", "/projects/platform%2Finfra"]);
    expect(fromStruct(answer.getProperties())).toMatchObject({ providerId: "prov-1", type: "gitLabEnterprise", token });

    const refused = await checked(service, PROVIDER, "p", provider("kept-provider", { token: "glpat-never-issued" }), old.inputs);
    for (const preview of [true, false]) {
      await expect(updateRequest(service, PROVIDER, "p", old, refused, preview)).rejects.toMatchObject({ details: expect.stringMatching(/^token is invalid, expired or revoked/) });
    }
    expect(writes(fx.sandbox)).toEqual([]);
  });
});

describe("the platform's side: Torque's URL, API token and spaces", () => {
  const failsAtPreview = async (over: Props, type: string, news: Props, message: RegExp) => {
    const plugin = await configured(settings(over));
    const inputs = await checked(plugin, type, "t", news);
    await expect(createRequest(plugin, type, "t", inputs, true)).rejects.toMatchObject({ details: expect.stringMatching(message) });
    expect(writes(fx.sandbox)).toEqual([]);
  };

  test("a wrong API token, named as the provider takes it", async () => {
    await failsAtPreview({ torqueToken: "torque-wrong" }, CREDENTIAL, credential("c"), /^gitlab-sources:torqueToken: Torque at 127\.0\.0\.1:\d+ rejected the API token \(401 on GET \/api\/spaces\)/);
    await failsAtPreview({ torqueToken: "torque-wrong" }, REPOSITORY, repository("r"), /^gitlab-sources:torqueToken: Torque at .* rejected the API token/);
  });

  test("a URL that does not reach Torque", async () => {
    await failsAtPreview({ torqueUrl: fx.sandbox.gitlab.url }, CREDENTIAL, credential("c"), /^gitlab-sources:torqueUrl: http:\/\/127\.0\.0\.1:\d+ does not answer as Torque's API \(GET \/api\/spaces answered 404/);
    await failsAtPreview({ torqueUrl: "http://127.0.0.1:9" }, PROVIDER, provider("p"), /^gitlab-sources:torqueUrl: Torque: 127\.0\.0\.1:9 refused the connection/);
  });

  test("a space that is not there, with the closest one the token sees", async () => {
    await failsAtPreview({}, REPOSITORY, repository("r", { space: "platfrom" }), /^space: Torque at .* has no space named platfrom that the API token can see \(did you mean platform\?\)/);
    await failsAtPreview({}, CREDENTIAL, credential("c", { space: "platfrom" }), /^space: Torque at .* has no space named platfrom/);
  });

  test("a repository provider needs a Torque Admin's token", async () => {
    fx.sandbox.torque.addApiToken("torque-member-token", { admin: false });
    await failsAtPreview({ torqueToken: "torque-member-token" }, PROVIDER, provider("p"), /^gitlab-sources:torqueToken: Torque at .* refused GET \/api\/settings\/repository_providers \(403.*needs a Torque Admin's API token/);
    const member = await configured(settings({ torqueToken: "torque-member-token" }));
    await createRequest(member, CREDENTIAL, "c", await checked(member, CREDENTIAL, "c", credential("c")), true);
  });

  test("one request per provider, whatever the steps; an unknown space skips only its own check", async () => {
    fx.sandbox.torque.addApiToken("torque-another-token", { admin: true });
    const plugin = await configured(settings({ torqueToken: "torque-another-token" }));
    resetLogs(fx.sandbox);
    await Promise.all(["a", "b", "c"].map(async (name) => createRequest(plugin, CREDENTIAL, name, await checked(plugin, CREDENTIAL, name, credential(name)), true)));
    await createRequest(plugin, REPOSITORY, "u", await checked(plugin, REPOSITORY, "u", repository("u", { space: UNKNOWN })), true);
    expect(fx.sandbox.torque.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /api/spaces"]);
  });

  test("preflight off sends nothing, to Torque either", async () => {
    const plugin = await configured(settings({ torqueToken: "torque-wrong" }));
    await createRequest(plugin, CREDENTIAL, "off", await checked(plugin, CREDENTIAL, "off", credential("off", { preflight: "off" })), true);
    expect([fx.sandbox.torque.requests, fx.sandbox.gitlab.requests]).toEqual([[], []]);
  });
});

describe("messages", () => {
  test("every warning and status of a plugin run is attached to the resource it concerns, names the token or setting, and is said once per resource", async () => {
    const said: { severity: string; message: string; urn: string | undefined; ephemeral: boolean }[] = [];
    setLogSink((severity, message, resource, ephemeral) => said.push({ severity, message, urn: resource, ephemeral }));
    const expiring = "glpat-expiring-for-messages";
    fx.sandbox.gitlab.addToken({ token: expiring, scopes: ["api", "read_user", "read_repository"], expiresAt: `${new Date().getUTCFullYear() + 1}-01-31`, userId: 1 });
    fx.sandbox.gitlab.addProject({ path: "platform/archived-for-messages", visibility: "private", members: [1], archived: true });
    fx.sandbox.torque.setSync({ delayMs: 3_600, outcome: "Connected" });
    try {
      const kinds: [string, string, Props][] = [
        [CREDENTIAL, "expiring", credential("messages-credential", { token: expiring })],
        [REPOSITORY, "archived", repository("messages-archived", { repositoryUrl: gitlab("platform/archived-for-messages"), token: expiring })],
        [DATA_SOURCE, "warned", dataSource("messages_warned", { token: "glpat-never-issued", preflight: "warn" })],
      ];
      for (const [type, name, news] of kinds) {
        const inputs = await checked(service, type, name, news);
        // The preview, then the real create in the same process: the same warnings, said once.
        await createRequest(service, type, name, inputs, true);
        await createRequest(service, type, name, inputs, false);
      }
    } finally {
      fx.sandbox.torque.setSync({ delayMs: 0, outcome: "Connected" });
      setLogSink(() => undefined);
    }
    const lines = said.filter((m) => !m.ephemeral).map(({ message, urn: resource }) => [resource, message]);
    expect(lines).toEqual([
      [urn(CREDENTIAL, "expiring"), expect.stringMatching(/^token expires on \d{4}-01-31: Torque expects a token without an expiration date/)],
      [urn(REPOSITORY, "archived"), expect.stringMatching(/^token expires on/)],
      [urn(REPOSITORY, "archived"), expect.stringMatching(/^repositoryUrl: project platform\/archived-for-messages on 127\.0\.0\.1:\d+ is archived/)],
      [urn(DATA_SOURCE, "warned"), expect.stringMatching(/^preflight \(warn mode\): token is invalid, expired or revoked/)],
    ]);
    // The sync wait of the repository, on its status line: what it waits for, and for how long.
    const statuses = said.filter((m) => m.ephemeral);
    expect(statuses.length).toBeGreaterThan(0);
    for (const line of statuses) expect(line).toEqual({ severity: "info", message: expect.stringMatching(/^waiting for Torque to sync messages-archived: Syncing, \d+ s$/), urn: urn(REPOSITORY, "archived"), ephemeral: true });
  });
});

test("Configure says the plugin supports preview", async () => {
  const answer = await call<provproto.ConfigureResponse>(service, "configure", new provproto.ConfigureRequest().setArgs(toStruct(settings())).setAcceptsecrets(true));
  expect(answer.getSupportspreview()).toBe(true);
});
