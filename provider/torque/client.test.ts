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
