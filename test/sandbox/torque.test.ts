import { startTorque, type TorqueServer } from "./torque";
import { call, jsonInit, type Answer } from "./testing";

const ADMIN = "admin-token";
const MEMBER = "member-token";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PROVIDERS = "/api/settings/repository_providers";
const NAME_CONFLICT = { errors: [{ message: "Repository provider 'gitlab-1' already exists" }] };

type Errors = { errors: { name?: string; message: string }[] };

function providerBody(overrides: Record<string, unknown> = {}, details: Record<string, unknown> = {}) {
  return {
    name: "gitlab-1",
    type: "gitLabEnterprise",
    details: { token: "glpat-secret", base_url: "http://git.example.com:8080/", ...details },
    repos: ["http://git.example.com:8080/team/assets"],
    ...overrides,
  };
}

function withBaseUrl(baseUrl: string) {
  return providerBody({ repos: [] }, { base_url: baseUrl });
}

function repositoryBody(overrides: Record<string, unknown> = {}) {
  return {
    repository_name: "assets",
    repository_url: "http://git.example.com:8080/team/assets",
    token: null,
    branch: "main",
    credential_name: "",
    use_all_agents: true,
    agents: [],
    eac_auto_registration: false,
    ...overrides,
  };
}

function fieldNames(answer: Answer): (string | undefined)[] {
  return (answer.json as Errors).errors.map((error) => error.name);
}

describe("Torque emulator", () => {
  let torque: TorqueServer;
  const api = <T = unknown>(method: string, path: string, body?: unknown, token = ADMIN): Promise<Answer<T>> =>
    call<T>(`${torque.url}${path}`, {
      ...(body === undefined ? { method } : jsonInit(method, body)),
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    });
  const createProvider = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const answer = await api<string>("POST", PROVIDERS, providerBody(overrides));
    expect(answer.status).toBe(201);
    return answer.json;
  };

  beforeEach(async () => {
    torque = await startTorque();
    torque.addApiToken(ADMIN, { admin: true });
    torque.addApiToken(MEMBER, { admin: false });
    torque.addSpace("platform", { agents: ["agent-a", "agent-b"], credentials: ["gitlab-cred"] });
  });
  afterEach(() => torque.close());

  describe("authentication", () => {
    it.each([
      ["no token", undefined],
      ["an unknown token", "Bearer nope"],
      ["a non-Bearer header", ADMIN],
    ])("answers 401 with an errors body to %s", async (_, authorization) => {
      const answer = await call(`${torque.url}/api/spaces/platform/repositories`, {
        headers: authorization ? { Authorization: authorization } : {},
      });
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ errors: [{ name: "Unauthorized", message: expect.any(String) }] });
    });

    it.each([
      ["POST", PROVIDERS],
      ["GET", PROVIDERS],
      ["GET", `${PROVIDERS}/some-id`],
      ["PUT", `${PROVIDERS}/some-id`],
      ["DELETE", `${PROVIDERS}/some-id`],
    ])("answers 403 to a non-admin token on %s %s", async (method, path) => {
      const body = method === "PUT" || method === "POST" ? providerBody() : undefined;
      const answer = await api(method, path, body, MEMBER);
      expect(answer.status).toBe(403);
      expect(answer.json).toEqual({ errors: [{ name: "Forbidden", message: expect.stringContaining("Admin") }] });
      expect(torque.providers()).toEqual([]);
    });

    it("lets a non-admin token use space repositories", async () => {
      expect((await api("GET", "/api/spaces/platform/repositories", undefined, MEMBER)).status).toBe(200);
    });
  });

  describe("spaces", () => {
    it("lists the account's spaces by name to any valid token (GET /api/spaces, as Torque's Terraform provider reads them)", async () => {
      torque.addSpace("staging");
      for (const token of [ADMIN, MEMBER]) {
        const answer = await api<{ name: string }[]>("GET", "/api/spaces", undefined, token);
        expect([answer.status, answer.json.map((space) => space.name).sort()]).toEqual([200, ["platform", "staging"]]);
      }
      expect((await api("GET", "/api/spaces", undefined, "nope")).status).toBe(401);
    });
  });

  describe("repository providers", () => {
    it.each([
      ["string", (answer: Answer) => answer.json, /^application\/json/],
      ["text", (answer: Answer) => answer.text, /^text\/plain/],
      ["object", (answer: Answer) => (answer.json as { id: string }).id, /^application\/json/],
    ] as const)("returns the new GUID as %s", async (shape, guidOf, contentType) => {
      torque.createResponseShape = shape;
      const answer = await api("POST", PROVIDERS, providerBody());
      expect(answer.status).toBe(201);
      expect(answer.headers.get("content-type")).toMatch(contentType);
      expect(guidOf(answer)).toMatch(GUID);
      expect(torque.providers()[0].id).toBe(guidOf(answer));
    });

    it("stores the token but never returns it", async () => {
      const id = await createProvider();
      expect(torque.providers()).toEqual([
        {
          id,
          name: "gitlab-1",
          type: "gitLabEnterprise",
          baseUrl: "http://git.example.com:8080/",
          token: "glpat-secret",
          repos: ["http://git.example.com:8080/team/assets"],
        },
      ]);
      const expected = {
        id,
        name: "gitlab-1",
        type: "gitLabEnterprise",
        details: { base_url: "http://git.example.com:8080/" },
        repos: ["http://git.example.com:8080/team/assets"],
      };
      const list = await api("GET", PROVIDERS);
      expect([list.status, list.json]).toEqual([200, [expected]]);
      const one = await api("GET", `${PROVIDERS}/${id}`);
      expect([one.status, one.json]).toEqual([200, expected]);
      expect(list.text + one.text).not.toContain("glpat-secret");
    });

    it.each([
      ["an unknown top-level field", providerBody({ color: "blue" }), "color"],
      ["an unknown details field", providerBody({}, { user: "root" }), "details.user"],
      ["a missing name", providerBody({ name: undefined }), "name"],
      ["an empty name", providerBody({ name: "" }), "name"],
      ["another type", providerBody({ type: "gitlab" }), "type"],
      ["missing details", providerBody({ details: undefined }), "details"],
      ["a base_url without trailing slash", withBaseUrl("http://git.example.com"), "details.base_url"],
      ["a base_url that is no http(s) URL", withBaseUrl("ftp://git.example.com/"), "details.base_url"],
      ["a base_url with a query", withBaseUrl("http://git.example.com/?a=/"), "details.base_url"],
      ["a missing token", providerBody({}, { token: undefined }), "details.token"],
      ["repos that is not an array", providerBody({ repos: "http://git.example.com:8080/a/b" }), "repos"],
      ["a repos entry that is not a string", providerBody({ repos: [42] }), "repos"],
      ["a repos entry outside base_url", providerBody({ repos: ["http://other.example.com/a/b"] }), "repos"],
      ["missing repos", providerBody({ repos: undefined }), "repos"],
    ])("answers 400 naming the field for %s", async (_, body, field) => {
      const answer = await api("POST", PROVIDERS, body);
      expect(answer.status).toBe(400);
      expect(fieldNames(answer)).toEqual([field]);
      expect(torque.providers()).toEqual([]);
    });

    it("reports every problem of a body at once", async () => {
      const answer = await api("POST", PROVIDERS, { type: "github", details: { base_url: "x" }, repos: [], extra: 1 });
      expect(fieldNames(answer).sort()).toEqual(["details.base_url", "details.token", "extra", "name", "type"]);
    });

    it("answers 400 to a body that is not a JSON object", async () => {
      for (const body of ["not json", "[]"]) {
        const answer = await call(`${torque.url}${PROVIDERS}`, {
          method: "POST",
          body,
          headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
        });
        expect([answer.status, fieldNames(answer)]).toEqual([400, ["body"]]);
      }
    });

    it("answers 409 with the documented body on a name clash", async () => {
      await createProvider();
      const answer = await api("POST", PROVIDERS, providerBody({ repos: [] }));
      expect(answer.status).toBe(409);
      expect(answer.json).toEqual(NAME_CONFLICT);
    });

    it("updates in place, keeping the stored token when details.token is omitted", async () => {
      const id = await createProvider();
      const update = providerBody({ name: "gitlab-renamed", repos: [] }, { token: undefined });
      const answer = await api("PUT", `${PROVIDERS}/${id}`, update);
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ id, name: "gitlab-renamed", repos: [] });
      expect(torque.providers()[0]).toMatchObject({ name: "gitlab-renamed", token: "glpat-secret" });
      await api("PUT", `${PROVIDERS}/${id}`, providerBody({}, { token: "glpat-new" }));
      expect(torque.providers()[0].token).toBe("glpat-new");
    });

    it("answers 409 when an update takes another provider's name, but not for its own name", async () => {
      const first = await createProvider();
      const second = await createProvider({ name: "gitlab-2" });
      expect((await api("PUT", `${PROVIDERS}/${first}`, providerBody())).status).toBe(200);
      const clash = await api("PUT", `${PROVIDERS}/${second}`, providerBody());
      expect([clash.status, clash.json]).toEqual([409, NAME_CONFLICT]);
    });

    it("validates an update like a create", async () => {
      const id = await createProvider();
      const answer = await api("PUT", `${PROVIDERS}/${id}`, providerBody({ type: "github" }));
      expect([answer.status, fieldNames(answer)]).toEqual([400, ["type"]]);
    });

    it.each(["GET", "PUT", "DELETE"])("answers 404 to %s of an unknown id", async (method) => {
      const path = `${PROVIDERS}/00000000-0000-0000-0000-000000000000`;
      const answer = await api(method, path, method === "PUT" ? providerBody() : undefined);
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual({ errors: [{ name: "NotFound", message: expect.stringContaining("not found") }] });
    });

    it("deletes with 204, then answers 404", async () => {
      const id = await createProvider();
      const deleted = await api("DELETE", `${PROVIDERS}/${id}`);
      expect([deleted.status, deleted.text]).toEqual([204, ""]);
      expect((await api("DELETE", `${PROVIDERS}/${id}`)).status).toBe(404);
      expect(torque.providers()).toEqual([]);
    });

    it.each([404, 405] as const)("answers %s on the designed routes when they are switched off", async (status) => {
      torque.designedRoutes = status;
      const id = await createProvider();
      const one = `${PROVIDERS}/${id}`;
      for (const [method, path] of [["GET", PROVIDERS], ["GET", one], ["PUT", one], ["DELETE", one]]) {
        const answer = await api(method, path, method === "PUT" ? providerBody() : undefined);
        expect([method, answer.status]).toEqual([method, status]);
        expect((answer.json as Errors).errors[0].message).toContain(`${method} ${path}`);
      }
      expect(torque.providers()).toHaveLength(1);
    });

    it("shows admin changes made behind the client's back", async () => {
      const seeded = torque.seedProvider({
        name: "seeded",
        type: "gitLabEnterprise",
        baseUrl: "http://seeded.example.com/",
        token: "t",
        repos: [],
      });
      torque.editProvider(seeded.id, { name: "edited" });
      expect((await api("GET", `${PROVIDERS}/${seeded.id}`)).json).toMatchObject({ name: "edited" });
      torque.removeProvider(seeded.id);
      expect((await api("GET", `${PROVIDERS}/${seeded.id}`)).status).toBe(404);
      expect(() => torque.removeProvider(seeded.id)).toThrow(seeded.id);
    });

    it("creates hundreds of providers in parallel, and exactly one of racing same-name creates", async () => {
      const distinct = await Promise.all(
        Array.from({ length: 200 }, (_, index) => api("POST", PROVIDERS, providerBody({ name: `p-${index}` }))),
      );
      expect(distinct.every((answer) => answer.status === 201)).toBe(true);
      expect(new Set(distinct.map((answer) => answer.json)).size).toBe(200);
      const racing = await Promise.all(
        Array.from({ length: 50 }, () => api("POST", PROVIDERS, providerBody({ name: "race" }))),
      );
      expect(racing.filter((answer) => answer.status === 201)).toHaveLength(1);
      expect(racing.filter((answer) => answer.status === 409)).toHaveLength(49);
    });
  });

  describe("space repositories", () => {
    const REPOSITORIES = "/api/spaces/platform/repositories";
    const createRepository = (overrides: Record<string, unknown> = {}) =>
      api("POST", `${REPOSITORIES}/gitlabEnterprise`, repositoryBody(overrides));

    it("connects a repository covered by a provider, answering the documented list entry without a token", async () => {
      await createProvider();
      const created = await createRepository({ agents: ["agent-a"], use_all_agents: false });
      expect(created.status).toBe(202);
      const list = await api("GET", REPOSITORIES);
      expect(list.status).toBe(200);
      expect(list.json).toEqual([
        {
          name: "assets",
          repository_url: "http://git.example.com:8080/team/assets",
          branch: "main",
          credential_name: "",
          use_all_agents: false,
          agents: [{ name: "agent-a", status: expect.any(String) }],
          status: "Connected",
          space_name: "platform",
          errors: [],
        },
      ]);
    });

    it("lists entries without use_all_agents and with the credential as `credentials` when set to the sparse fields", async () => {
      await createRepository({ credential_name: "gitlab-cred" });
      torque.setListFields("sparse");
      const [entry] = (await api("GET", REPOSITORIES)).json as Record<string, unknown>[];
      expect(entry).toMatchObject({ name: "assets", credentials: "gitlab-cred" });
      expect(Object.keys(entry)).not.toEqual(expect.arrayContaining(["use_all_agents"]));
      expect(Object.keys(entry)).not.toEqual(expect.arrayContaining(["credential_name"]));
    });

    it("connects with a token, storing it as the space credential named credential_name, or with a stored credential", async () => {
      expect((await createRepository({ token: "glpat-own", credential_name: "assets-token" })).status).toBe(202);
      expect((await createRepository({ repository_name: "b", credential_name: "gitlab-cred" })).status).toBe(202);
      expect(torque.spaceRepositories("platform").map((repository) => repository.credentialName)).toEqual(["assets-token", "gitlab-cred"]);
      expect(torque.credentials("platform")).toEqual(
        expect.arrayContaining([{ name: "assets-token", description: "", cloudType: "sourceControl", cloudIdentifier: "gitlabEnterprise", token: "glpat-own" }]),
      );
      const list = await api("GET", REPOSITORIES);
      expect(list.text).not.toContain("glpat-own");
      const credential = await api("GET", "/api/spaces/platform/settings/credentialstore/assets-token");
      expect([credential.status, credential.text.includes("glpat-own")]).toEqual([200, false]);
    });

    it("answers 409 naming credential_name when a token comes with the name of a credential the space has", async () => {
      const answer = await createRepository({ token: "glpat-own", credential_name: "gitlab-cred" });
      expect([answer.status, fieldNames(answer)]).toEqual([409, ["credential_name"]]);
      expect(torque.spaceRepositories("platform")).toEqual([]);
    });

    it("answers 400 when neither a token, a credential nor a provider covers the URL", async () => {
      const answer = await createRepository();
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({
        errors: [
          { name: "credential_name", message: "credential_name is required: no repository provider covers http://git.example.com:8080/team/assets" },
        ],
      });
    });

    it("answers 409 for a name already in the space", async () => {
      await createRepository({ credential_name: "gitlab-cred" });
      const answer = await createRepository({ token: "t", credential_name: "other-cred" });
      expect([answer.status, fieldNames(answer)]).toEqual([409, ["repository_name"]]);
    });

    it.each([
      ["POST", "/api/spaces/nowhere/repositories/gitlabEnterprise"],
      ["GET", "/api/spaces/nowhere/repositories"],
      ["PUT", "/api/spaces/nowhere/repositories/assets"],
      ["DELETE", "/api/spaces/nowhere/repositories?repository_name=assets"],
    ])("answers 404 for an unknown space on %s", async (method, path) => {
      const answer = await api(method, path, method === "GET" || method === "DELETE" ? undefined : repositoryBody());
      expect([answer.status, fieldNames(answer)]).toEqual([404, ["NotFound"]]);
    });

    it("is Syncing until the configured delay has passed, then takes the configured outcome", async () => {
      torque.setSync({ delayMs: 800, outcome: "Connected" });
      const failing = "http://git.example.com/b";
      torque.setSync({ delayMs: 0, outcome: "Error", errors: ["branch main not found"], url: failing });
      const disconnected = "http://git.example.com/c";
      torque.setSync({ delayMs: 0, outcome: "Disconnected", url: disconnected });
      await createRepository({ credential_name: "gitlab-cred" });
      await createRepository({ credential_name: "gitlab-cred", repository_name: "b", repository_url: failing });
      await createRepository({ credential_name: "gitlab-cred", repository_name: "c", repository_url: disconnected });
      const statuses = async () => ((await api("GET", REPOSITORIES)).json as { status: string; errors: unknown[] }[]);
      expect((await statuses()).map(({ status, errors }) => [status, errors])).toEqual([
        ["Syncing", []],
        ["Error", [{ message: "branch main not found" }]],
        ["Disconnected", [{ message: `Could not sync ${disconnected}` }]],
      ]);
      await new Promise((resolve) => setTimeout(resolve, 850));
      expect((await statuses())[0].status).toBe("Connected");
    });

    it("updates credential_name, agents and use_all_agents in place, and nothing else", async () => {
      await createRepository({ token: null, credential_name: "gitlab-cred" });
      const update = { credential_name: "gitlab-cred", agents: ["agent-b"], use_all_agents: false };
      const answer = await api("PUT", `${REPOSITORIES}/assets`, update);
      expect(answer.status).toBe(200);
      expect(torque.spaceRepositories("platform")[0]).toMatchObject({ agents: ["agent-b"], useAllAgents: false });
      const other = await api("PUT", `${REPOSITORIES}/assets`, { ...update, branch: "dev" });
      expect([other.status, fieldNames(other)]).toEqual([400, ["branch"]]);
      const partial = await api("PUT", `${REPOSITORIES}/assets`, { agents: [] });
      expect([partial.status, fieldNames(partial).sort()]).toEqual([400, ["credential_name", "use_all_agents"]]);
      const unknownAgent = await api("PUT", `${REPOSITORIES}/assets`, { ...update, agents: ["agent-z"] });
      expect([unknownAgent.status, fieldNames(unknownAgent)]).toEqual([400, ["agents"]]);
      expect((await api("PUT", `${REPOSITORIES}/nothing`, update)).status).toBe(404);
    });

    it("refuses an update that leaves the repository without any way to connect, or a null credential_name", async () => {
      await createRepository({ token: null, credential_name: "gitlab-cred" });
      for (const credential_name of ["", null, "nope"]) {
        const answer = await api("PUT", `${REPOSITORIES}/assets`, { credential_name, agents: [], use_all_agents: true });
        expect([credential_name, answer.status, fieldNames(answer)]).toEqual([credential_name, 400, ["credential_name"]]);
      }
      expect(torque.spaceRepositories("platform")[0].credentialName).toBe("gitlab-cred");
    });

    it("deletes by query parameter with 204, answering 404 when absent and 400 without the parameter", async () => {
      await createRepository({ token: "t", credential_name: "t-cred" });
      const deleted = await api("DELETE", `${REPOSITORIES}?repository_name=assets`);
      expect(deleted.status).toBe(204);
      expect(torque.spaceRepositories("platform")).toEqual([]);
      expect((await api("DELETE", `${REPOSITORIES}?repository_name=assets`)).status).toBe(404);
      const missing = await api("DELETE", REPOSITORIES);
      expect([missing.status, fieldNames(missing)]).toEqual([400, ["repository_name"]]);
    });

    it("shows admin edits and removals, a status edit ending the sync at once", async () => {
      torque.setSync({ delayMs: 60_000, outcome: "Connected" });
      await createRepository({ token: "t", credential_name: "t-cred" });
      expect(torque.spaceRepositories("platform")[0].status).toBe("Syncing");
      torque.editSpaceRepository("platform", "assets", { status: "Error", errors: ["gone"], branch: "dev" });
      const [entry] = (await api("GET", REPOSITORIES)).json as object[];
      expect(entry).toMatchObject({ status: "Error", errors: [{ message: "gone" }], branch: "dev" });
      torque.removeSpaceRepository("platform", "assets");
      expect((await api("GET", REPOSITORIES)).json).toEqual([]);
    });
  });

  describe("space credential store (as Torque's official client uses it)", () => {
    const STORE = "/api/spaces/platform/settings/credentialstore";
    const credentialBody = (overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
      space_name: "platform",
      name: "ci-gitlab",
      description: "GitLab token of the CI user",
      cloud_type: "sourceControl",
      cloud_identifier: "gitlabEnterprise",
      credential_data: { token: "glpat-ci", type: "gitlabEnterprise", ...data },
      ...overrides,
    });
    const view = (description = "GitLab token of the CI user") => ({
      space_name: "platform",
      name: "ci-gitlab",
      description,
      cloud_type: "sourceControl",
      cloud_identifier: "gitlabEnterprise",
      credential_data: { type: "gitlabEnterprise" },
    });

    it("creates (200), reads by name without the token, updates in place and deletes", async () => {
      expect((await api("POST", STORE, credentialBody())).status).toBe(200);
      const read = await api("GET", `${STORE}/ci-gitlab`);
      expect([read.status, read.json]).toEqual([200, view()]);
      expect(read.text).not.toContain("glpat-ci");
      const updated = await api("PUT", `${STORE}/ci-gitlab`, credentialBody({ description: "rotated" }, { token: "glpat-rotated" }));
      expect(updated.status).toBe(200);
      expect(torque.credentials("platform").find((c) => c.name === "ci-gitlab")).toMatchObject({ description: "rotated", token: "glpat-rotated" });
      const deleted = await api("DELETE", `${STORE}/ci-gitlab`, { space_name: "platform", credential_name: "ci-gitlab" });
      expect(deleted.status).toBe(200);
      expect((await api("GET", `${STORE}/ci-gitlab`)).status).toBe(404);
      const again = await api("DELETE", `${STORE}/ci-gitlab`, { space_name: "platform", credential_name: "ci-gitlab" });
      expect([again.status, fieldNames(again)]).toEqual([404, ["NotFound"]]);
    });

    it("refuses a delete without the body {space_name, credential_name}, or with part of it", async () => {
      expect((await api("POST", STORE, credentialBody())).status).toBe(200);
      const bare = await api("DELETE", `${STORE}/ci-gitlab`);
      expect([bare.status, fieldNames(bare)]).toEqual([400, ["body"]]);
      const partial = await api("DELETE", `${STORE}/ci-gitlab`, { space_name: "platform" });
      expect([partial.status, fieldNames(partial)]).toEqual([400, ["credential_name"]]);
      expect(torque.credentials("platform").map((c) => c.name)).toEqual(["gitlab-cred", "ci-gitlab"]);
    });

    it.each([
      ["an unknown field", credentialBody({ color: "blue" }), "color"],
      ["another space_name than the path's", credentialBody({ space_name: "other" }), "space_name"],
      ["a missing description", credentialBody({ description: undefined }), "description"],
      ["a cloud_type other than sourceControl", credentialBody({ cloud_type: "aws" }), "cloud_type"],
      ["an unknown cloud_identifier", credentialBody({ cloud_identifier: "gitlab" }), "cloud_identifier"],
      ["a credential_data.type other than cloud_identifier", credentialBody({}, { type: "github" }), "credential_data.type"],
      ["a missing token", credentialBody({}, { token: undefined }), "credential_data.token"],
      ["a null token", credentialBody({}, { token: null }), "credential_data.token"],
      ["an unknown credential_data field", credentialBody({}, { key: "k" }), "credential_data.key"],
    ])("answers 400 naming the field for %s", async (_, body, field) => {
      const answer = await api("POST", STORE, body);
      expect([answer.status, fieldNames(answer)]).toEqual([400, [field]]);
      expect(torque.credentials("platform").map((c) => c.name)).toEqual(["gitlab-cred"]);
    });

    it("answers 409 for a name taken in the space, 404 to PUT of an unknown name and 400 to a rename", async () => {
      expect((await api("POST", STORE, credentialBody())).status).toBe(200);
      const taken = await api("POST", STORE, credentialBody());
      expect([taken.status, fieldNames(taken)]).toEqual([409, ["name"]]);
      expect((await api("PUT", `${STORE}/nothing`, credentialBody({ name: "nothing" }))).status).toBe(404);
      const rename = await api("PUT", `${STORE}/ci-gitlab`, credentialBody({ name: "renamed" }));
      expect([rename.status, fieldNames(rename)]).toEqual([400, ["name"]]);
    });

    it("answers 404 for an unknown space, and refuses to delete a credential a repository uses", async () => {
      expect((await api("POST", "/api/spaces/nowhere/settings/credentialstore", credentialBody({ space_name: "nowhere" }))).status).toBe(404);
      expect((await api("GET", "/api/spaces/nowhere/settings/credentialstore/x")).status).toBe(404);
      await api("POST", "/api/spaces/platform/repositories/gitlabEnterprise", repositoryBody({ credential_name: "gitlab-cred" }));
      const inUse = await api("DELETE", `${STORE}/gitlab-cred`, { space_name: "platform", credential_name: "gitlab-cred" });
      expect([inUse.status, fieldNames(inUse)]).toEqual([409, ["credential_name"]]);
      const mismatch = await api("DELETE", `${STORE}/gitlab-cred`, { space_name: "platform", credential_name: "other" });
      expect([mismatch.status, fieldNames(mismatch)]).toEqual([400, ["credential_name"]]);
    });

    it("reads by name at once, however far the lists lag", async () => {
      torque.lagLists(3);
      expect((await api("POST", STORE, credentialBody())).status).toBe(200);
      expect((await api("GET", `${STORE}/ci-gitlab`)).status).toBe(200);
    });
  });

  describe("routes and faults", () => {
    it("answers unknown routes with 404 and known paths with another method with 405", async () => {
      const unknown = await api("GET", "/api/nothing");
      expect([unknown.status, fieldNames(unknown)]).toEqual([404, ["NotFound"]]);
      const wrongMethod = await api("PATCH", PROVIDERS, providerBody());
      expect([wrongMethod.status, fieldNames(wrongMethod)]).toEqual([405, ["MethodNotAllowed"]]);
    });

    it("answers 415 to a write whose body is not declared JSON, and takes charset parameters", async () => {
      const send = (method: string, path: string, body: unknown, contentType?: string) =>
        call(`${torque.url}${path}`, { method, body: JSON.stringify(body), headers: { Authorization: `Bearer ${ADMIN}`, ...(contentType ? { "Content-Type": contentType } : {}) } });
      for (const contentType of [undefined, "text/plain", "application/x-www-form-urlencoded"]) {
        const answer = await send("POST", PROVIDERS, providerBody(), contentType);
        expect([contentType, answer.status, fieldNames(answer)]).toEqual([contentType, 415, ["UnsupportedMediaType"]]);
      }
      const id = await createProvider();
      expect((await send("PUT", `${PROVIDERS}/${id}`, providerBody(), "text/plain")).status).toBe(415);
      const store = "/api/spaces/platform/settings/credentialstore/gitlab-cred";
      expect((await send("DELETE", store, { space_name: "platform", credential_name: "gitlab-cred" }, "text/plain")).status).toBe(415);
      expect((await send("PUT", `${PROVIDERS}/${id}`, providerBody({ name: "renamed" }), "application/json; charset=utf-8")).status).toBe(200);
      expect(torque.providers().map((p) => p.name)).toEqual(["renamed"]);
    });

    it("answers each success status the contract documents for a write when switched to it, and refuses one it does not", async () => {
      torque.answerSuccess("createProvider", 200);
      const created = await api<string>("POST", PROVIDERS, providerBody());
      expect([created.status, created.json]).toEqual([200, expect.stringMatching(GUID)]);
      torque.answerSuccess("createProvider", 202);
      expect((await api("POST", PROVIDERS, providerBody({ name: "gitlab-2", repos: [] }))).status).toBe(202);
      torque.answerSuccess("deleteProvider", 200);
      expect((await api("DELETE", `${PROVIDERS}/${created.json}`)).status).toBe(200);
      expect((await api("DELETE", `${PROVIDERS}/${created.json}`)).status).toBe(404); // a failure keeps its status
      torque.answerSuccess("createRepository", 200);
      const repository = await api("POST", "/api/spaces/platform/repositories/gitlabEnterprise", repositoryBody({ credential_name: "gitlab-cred" }));
      expect(repository.status).toBe(200);
      torque.answerSuccess("deleteRepository", 202);
      expect((await api("DELETE", "/api/spaces/platform/repositories?repository_name=assets")).status).toBe(202);
      expect(() => torque.answerSuccess("createRepository", 204)).toThrow("the contract does not document 204 for createRepository (202, 200)");
    });

    it("answers a status fault and a rateLimit fault in the errors format", async () => {
      torque.faults.add({ kind: "status", status: 502, times: 1 });
      const failed = await api("GET", PROVIDERS);
      expect([failed.status, failed.json]).toEqual([502, { errors: [{ name: "BadGateway", message: "Bad Gateway" }] }]);
      torque.faults.add({ kind: "rateLimit", retryAfter: 3, times: 1 });
      const limited = await api("GET", PROVIDERS);
      expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "3"]);
      expect(limited.json).toEqual({ errors: [{ name: "TooManyRequests", message: expect.any(String) }] });
    });
  });
});
