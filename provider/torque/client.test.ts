import { stackConfigContext } from "../core/context";
import { startTorque, SUCCESS_STATUSES, type TorqueServer, type Write } from "../../test/sandbox";
import { credentialBody, TorqueClient } from "./client";

/*
 * The Torque client against the sandbox Torque, switched to answer each success status the
 * contract documents for a write (a real server may send any of them), and strict about the
 * bodies and headers it requires (the credential delete's body, JSON declared on writes).
 * Each test starts its own server, so no list cache is shared.
 */
const TOKEN = "client-token";
const SPACE = "platform";
const GITLAB = "http://git.example.com/";

let torque: TorqueServer;
let client: TorqueClient;
beforeEach(async () => {
  torque = await startTorque();
  torque.addApiToken(TOKEN, { admin: true });
  torque.addSpace(SPACE, { agents: ["agent"], credentials: ["stored"] });
  client = new TorqueClient({ url: torque.url, token: TOKEN, transport: {}, onboardingTimeoutMs: 10_000, names: stackConfigContext({ get: () => undefined }) });
});
afterEach(() => torque.close());

const provider = (name: string) => ({ name, type: "gitLabEnterprise" as const, details: { token: "glpat-p", base_url: GITLAB }, repos: [] });
const repository = (name: string) => ({ repository_name: name, repository_url: `${GITLAB}team/${name}`, token: null, branch: "main", credential_name: "stored", use_all_agents: true, agents: [], eac_auto_registration: false });
const providerNames = () => torque.providers().map((p) => p.name);
const repositoryNames = () => torque.spaceRepositories(SPACE).map((r) => r.name);

/** Each write with a case per documented success status: what it does, and what the server then holds. */
const writes: Record<Write, (status: number) => Promise<void>> = {
  async createProvider(status) {
    const id = await client.createProvider(provider(`created-${status}`));
    expect(torque.providers().map((p) => [p.id, p.name])).toEqual([[id, `created-${status}`]]);
  },
  async updateProvider(status) {
    const { id } = torque.seedProvider({ name: "before", type: "gitLabEnterprise", baseUrl: GITLAB, token: "glpat-p", repos: [] });
    await client.updateProvider(id, provider(`updated-${status}`));
    expect(providerNames()).toEqual([`updated-${status}`]);
  },
  async deleteProvider() {
    const { id } = torque.seedProvider({ name: "doomed", type: "gitLabEnterprise", baseUrl: GITLAB, token: "glpat-p", repos: [] });
    await client.deleteProvider(id);
    expect(providerNames()).toEqual([]);
  },
  async createRepository(status) {
    await client.createSpaceRepository(SPACE, repository(`created-${status}`));
    expect(repositoryNames()).toEqual([`created-${status}`]);
  },
  async deleteRepository() {
    await client.createSpaceRepository(SPACE, repository("doomed"));
    await client.deleteSpaceRepository(SPACE, "doomed");
    expect(repositoryNames()).toEqual([]);
  },
};

const cases = Object.entries(SUCCESS_STATUSES).flatMap(([write, statuses]) => statuses.map((status) => [write as Write, status] as const));

test.each(cases)("%s succeeds when Torque answers %s", async (write, status) => {
  torque.answerSuccess(write, status);
  await writes[write](status);
  const answered = torque.requests.filter((r) => r.method !== "GET").map((r) => r.status);
  expect(answered).toContain(status);
});

test("the credential store: create, update and delete send the bodies Torque requires, JSON declared", async () => {
  await client.createCredential(credentialBody(SPACE, "ci", "first", "glpat-1"));
  await client.updateCredential(credentialBody(SPACE, "ci", "rotated", "glpat-2"));
  expect(torque.credentials(SPACE).find((c) => c.name === "ci")).toMatchObject({ description: "rotated", token: "glpat-2" });
  await client.deleteCredential(SPACE, "ci");
  expect(torque.credentials(SPACE).map((c) => c.name)).toEqual(["stored"]);
  expect(torque.requests.map((r) => [r.method, r.status])).toEqual([["POST", 200], ["PUT", 200], ["DELETE", 200]]);
});

describe("failures: one sentence naming the call and the way out", () => {
  const errors = (...messages: [string, string][]) => JSON.stringify({ errors: messages.map(([name, message]) => ({ name, message })) });
  const failing = (method: string, path: string, status: number, body: string) => torque.faults.add({ kind: "body", method, path, status, body, contentType: "application/json" });
  const PROVIDERS = "/api/settings/repository_providers";

  test("400 and 409 quote every message Torque gave; only a 409 is a name clash", async () => {
    failing("POST", PROVIDERS, 409, errors(["name", "name taken"], ["name", "pick another"]));
    await expect(client.createProvider(provider("taken"))).rejects.toMatchObject({
      message: `Torque rejected POST ${PROVIDERS} (409): name taken; pick another.`,
      clash: true,
    });
    torque.faults.clear();
    failing("POST", PROVIDERS, 400, errors(["name", "too long"]));
    await expect(client.createProvider(provider("long"))).rejects.toMatchObject({ message: `Torque rejected POST ${PROVIDERS} (400): too long.`, clash: false });
  });

  test("a 500 may hide an applied create, not an applied update; an answer without Torque's errors quotes nothing", async () => {
    failing("POST", PROVIDERS, 500, errors(["internal", "boom"]));
    await expect(client.createProvider(provider("maybe"))).rejects.toMatchObject({
      message: `Torque answered 500 to POST ${PROVIDERS}: boom; the service may be down, try again later.`,
      ambiguous: true,
    });
    const { id } = torque.seedProvider({ name: "kept", type: "gitLabEnterprise", baseUrl: GITLAB, token: "glpat-p", repos: [] });
    failing("PUT", `${PROVIDERS}/${id}`, 500, "<html>oops</html>");
    await expect(client.updateProvider(id, provider("kept"))).rejects.toMatchObject({
      message: `Torque answered 500 to PUT ${PROVIDERS}/${id}; the service may be down, try again later.`,
      ambiguous: false,
    });
    torque.faults.clear();
    failing("POST", PROVIDERS, 400, "not json");
    await expect(client.createProvider(provider("bad"))).rejects.toThrow(`Torque rejected POST ${PROVIDERS} (400).`);
  });

  test("a created provider's id must be a GUID-like string", async () => {
    failing("POST", PROVIDERS, 201, JSON.stringify({ id: "not an id" }));
    await expect(client.createProvider(provider("odd"))).rejects.toThrow(`Torque: POST ${PROVIDERS} answered 201 without an id (a GUID as JSON string, plain text or {"id"} was expected); check that torque:url points at Torque.`);
    torque.faults.clear();
    failing("POST", PROVIDERS, 201, JSON.stringify({ id: "c0ffee-1" }));
    expect(await client.createProvider(provider("json-id"))).toBe("c0ffee-1");
  });

  test("a repository whose token's credential name is taken says which and what to do; another 409 is Torque's words", async () => {
    const path = `/api/spaces/${SPACE}/repositories/gitlabEnterprise`;
    failing("POST", path, 409, errors(["repository_name", "repository exists"], ["credential_name", "credential exists"]));
    await expect(client.createSpaceRepository(SPACE, { ...repository("mine"), token: "glpat-r", credential_name: "stored" })).rejects.toThrow(
      `Torque answered 409 to POST ${path}: Torque space ${SPACE} already has a credential named stored: repository exists; credential exists; give the token's credential another credentialName, or use the stored credential instead of a token.`,
    );
    torque.faults.clear();
    failing("POST", path, 409, errors(["repository_name", "repository exists"]));
    await expect(client.createSpaceRepository(SPACE, repository("mine"))).rejects.toThrow(`Torque rejected POST ${path} (409): repository exists.`);
  });

  test("an update of an object gone from Torque says to refresh", async () => {
    const { id } = torque.seedProvider({ name: "gone", type: "gitLabEnterprise", baseUrl: GITLAB, token: "glpat-p", repos: [] });
    torque.removeProvider(id);
    await expect(client.updateProvider(id, provider("gone"))).rejects.toThrow(
      `Torque answered 404 to PUT ${PROVIDERS}/${id}: repository provider ${id} no longer exists in Torque; run \`pulumi refresh\` to drop it from the stack, then \`pulumi up\` to create it again.`,
    );
    await expect(client.updateSpaceRepository(SPACE, "never", { credential_name: "stored", agents: [], use_all_agents: true })).rejects.toThrow(
      `Torque answered 404 to PUT /api/spaces/${SPACE}/repositories/never: repository never is no longer in Torque space ${SPACE}; run \`pulumi refresh\`, then \`pulumi up\`.`,
    );
    await expect(client.updateCredential(credentialBody(SPACE, "never", "d", "glpat-1"))).rejects.toThrow(
      `Torque answered 404 to PUT /api/spaces/${SPACE}/settings/credentialstore/never: credential never is no longer in Torque space ${SPACE}; run \`pulumi refresh\`, then \`pulumi up\`.`,
    );
  });

  test("a credential Torque keeps because repositories use it says so", async () => {
    const path = `/api/spaces/${SPACE}/settings/credentialstore/stored`;
    failing("DELETE", path, 409, errors(["credential", "in use by 2 repositories"]));
    await expect(client.deleteCredential(SPACE, "stored")).rejects.toThrow(
      `Torque answered 409 to DELETE ${path}: Torque keeps credential stored of space ${SPACE}: in use by 2 repositories; connect the repositories that use it another way (or remove them), then run pulumi up again.`,
    );
  });

  test("a designed route the server lacks points at the guide; a documented one at the contracts", async () => {
    torque.designedRoutes = 405;
    await expect(client.updateProvider("p-1", provider("p"))).rejects.toThrow(
      `Torque at ${new URL(torque.url).host} does not offer PUT ${PROVIDERS}/p-1 (405): Torque documents only the create of repository providers`,
    );
    failing("POST", PROVIDERS, 405, "");
    await expect(client.createProvider(provider("p"))).rejects.toThrow(`Torque at ${new URL(torque.url).host} does not offer POST ${PROVIDERS} (405); this provider needs it, see docs/guides/api-contracts.md.`);
  });
});

describe("the lists a client keeps", () => {
  const listReads = (path: string) => torque.requests.filter((r) => r.method === "GET" && r.path === path).length;

  test("a read does not drop them; a write drops the list it changes, and only that one", async () => {
    const repositories = `/api/spaces/${SPACE}/repositories`;
    await client.listSpaceRepositories(SPACE);
    await client.listProviders();
    await client.getCredential(SPACE, "stored");
    await client.listSpaceRepositories(SPACE);
    expect(listReads(repositories)).toBe(1);
    await client.createSpaceRepository(SPACE, repository("fresh"));
    await client.updateSpaceRepository(SPACE, "fresh", { credential_name: "stored", agents: [], use_all_agents: true });
    expect((await client.listSpaceRepositories(SPACE)).get("fresh")).toBeDefined();
    await client.listProviders();
    expect([listReads(repositories), listReads("/api/settings/repository_providers")]).toEqual([2, 1]);
  });
});
