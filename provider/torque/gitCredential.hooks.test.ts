/**
 * torque:GitCredential's provider object called in this process against the sandbox Torque
 * and GitLab: check (inputs, the token's preflight), diff, and every hook with the answers
 * Torque may give. gitCredential.test.ts drives it through the provider host.
 */
import type * as pulumi from "@pulumi/pulumi";
import { checkedInputs, createChecked, inProcess } from "../../test/support/inProcess";
import { useSandbox } from "../../test/support/fixture";
import gitCredential = require("./gitCredential.hooks");
import { clashAdvice } from "../../test/support/messages";

const fx = useSandbox();
const SPACE = "platform";
const STORE = `/api/spaces/${SPACE}/settings/credentialstore`;
const torque = () => fx.sandbox.torque;
const stored = (name: string, space = SPACE) => torque().credentials(space).find((c) => c.name === name);
const writes = (since: number) => torque().requests.slice(since).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path} ${r.status}`);

let provider: Required<pulumi.dynamic.ResourceProvider>;
beforeAll(async () => {
  provider = await inProcess(gitCredential, fx.config());
});
afterEach(() => torque().faults.clear());

const inputs = (name: string, extra: Record<string, unknown> = {}) => ({
  space: SPACE,
  name,
  token: fx.demo.gitlabToken,
  gitlabUrl: `${fx.sandbox.gitlab.url}/`,
  preflight: "off",
  ...extra,
});

const checked = (news: Record<string, unknown>, olds: Record<string, unknown> = {}) => checkedInputs(provider, news, olds);

const up = (news: Record<string, unknown>) => createChecked(provider, news);

describe("check", () => {
  test.each([
    ["a name with a slash", { name: "a/b" }, "name", /must not contain \/, \? or #/],
    ["an empty space", { space: "" }, "space", /must not be empty/],
    ["a token with a newline", { token: "glpat-x\n" }, "token", /printable ASCII without spaces or line breaks/],
    ["a description of 256 characters", { description: "d".repeat(256) }, "description", /at most 255 characters \(got 256\)/],
    ["no gitlabUrl", { gitlabUrl: undefined }, "gitlabUrl", /gitlabUrl is required/],
    ["a gitlabUrl with user info", { gitlabUrl: "http://user:pw@git.example.com/" }, "gitlabUrl", /must not contain user info/],
  ])("%s is one failure naming the property; nothing is sent", async (_what, extra, property, reason) => {
    const before = torque().requests.length + fx.sandbox.gitlab.requests.length;
    const result = await provider.check({}, inputs("c-bad", extra));
    expect(result.failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
    expect(torque().requests.length + fx.sandbox.gitlab.requests.length).toBe(before);
  });

  test("preflight tests the token on the GitLab server named: a revoked one fails, a good one passes", async () => {
    const revoked = await provider.check({}, inputs("c-preflight", { token: "glpat-never-issued", preflight: "strict" }));
    expect(revoked.failures).toEqual([{ property: "token", reason: expect.stringContaining("token is invalid, expired or revoked") }]);
    expect((await provider.check({}, inputs("c-preflight", { preflight: "strict" }))).failures).toEqual([]);
    const warned = await provider.check({}, inputs("c-preflight", { token: "glpat-never-issued", preflight: "warn" }));
    expect(warned.failures).toEqual([]);
  });

  test("the name defaults to nothing here: the resource class fills it with the resource's name", async () => {
    const result = await provider.check({}, inputs("x", { name: undefined }));
    expect(result.failures).toEqual([{ property: "name", reason: "name is required; set it." }]);
  });
});

describe("diff", () => {
  const state = () => ({ ...inputs("d"), description: "", type: "gitlabEnterprise" });
  test.each([
    ["token", { token: "glpat-rotated" }],
    ["description", { description: "rotated yearly" }],
  ])("%s updates in place", async (_key, news) => {
    expect(await provider.diff(`${SPACE}/d`, state(), { ...state(), ...news })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test.each([
    ["space", { space: "other" }],
    ["name", { name: "renamed" }],
  ])("%s replaces, creating the new one first", async (key, news) => {
    expect(await provider.diff(`${SPACE}/d`, state(), { ...state(), ...news })).toEqual({ changes: true, replaces: [key], deleteBeforeReplace: false });
  });

  test("gitlabUrl and preflight steer the provider only: no change", async () => {
    expect((await provider.diff(`${SPACE}/d`, state(), { ...state(), gitlabUrl: "http://other.example.com/", preflight: "warn" })).changes).toBe(false);
  });
});

describe("create, read, update, delete as Torque's official client calls them", () => {
  test("the lifecycle: POST the credential store, GET by name, PUT by name, DELETE by name", async () => {
    const mark = torque().requests.length;
    const { id, state } = await up(inputs("ci-gitlab", { description: "CI user" }));
    expect(id).toBe(`${SPACE}/ci-gitlab`);
    expect(state).toMatchObject({ space: SPACE, name: "ci-gitlab", description: "CI user", type: "gitlabEnterprise" });
    expect(stored("ci-gitlab")).toEqual({ name: "ci-gitlab", description: "CI user", cloudType: "sourceControl", cloudIdentifier: "gitlabEnterprise", token: fx.demo.gitlabToken });

    const read = await provider.read(id, state);
    expect(read).toMatchObject({ id, props: { name: "ci-gitlab", description: "CI user", token: fx.demo.gitlabToken } });

    const news = await checked(inputs("ci-gitlab", { description: "CI user, rotated", token: "glpat-rotated-ci" }), state);
    const updated = await provider.update(id, state, news);
    expect(updated.outs).toMatchObject({ description: "CI user, rotated", token: "glpat-rotated-ci" });
    expect(stored("ci-gitlab")).toMatchObject({ description: "CI user, rotated", token: "glpat-rotated-ci" });

    await provider.delete(id, updated.outs!);
    expect(stored("ci-gitlab")).toBeUndefined();
    expect(writes(mark)).toEqual([`POST ${STORE} 200`, `PUT ${STORE}/ci-gitlab 200`, `DELETE ${STORE}/ci-gitlab 200`]);
  });

  test("drift: a description changed in Torque reads back; a credential deleted there is dropped", async () => {
    const { id, state } = await up(inputs("drifting"));
    await fetch(`${torque().url}${STORE}/drifting`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${fx.demo.torqueToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ space_name: SPACE, name: "drifting", description: "edited in the UI", cloud_type: "sourceControl", cloud_identifier: "gitlabEnterprise", credential_data: { token: "glpat-ui", type: "gitlabEnterprise" } }),
    });
    expect((await provider.read(id, state)).props).toMatchObject({ description: "edited in the UI", token: fx.demo.gitlabToken });
    torque().removeCredential(SPACE, "drifting"); // in Torque's UI
    expect(await provider.read(id, state)).toEqual({ id: "", props: {} });
  });

  test("a name the space has is a clash whose message gives the import id", async () => {
    await expect(provider.create(await checked(inputs("gitlab-demo-credential")))).rejects.toThrow(
      clashAdvice(`Torque space ${SPACE} already has a credential named gitlab-demo-credential`, `${SPACE}/gitlab-demo-credential`),
    );
    expect(stored("gitlab-demo-credential")?.token).not.toBe(fx.demo.gitlabToken);
  });

  test("our own interrupted create (its answer lost) is found by name and adopted: one POST, one credential", async () => {
    torque().faults.add({ kind: "lostResponse", method: "POST", path: STORE, times: 1 });
    const mark = torque().requests.length;
    const { id } = await up(inputs("interrupted", { description: "made once" }));
    expect(id).toBe(`${SPACE}/interrupted`);
    expect(writes(mark)).toEqual([`POST ${STORE} 0`]);
    expect(torque().credentials(SPACE).filter((c) => c.name === "interrupted")).toHaveLength(1);
  });

  test("a space Torque does not have", async () => {
    await expect(provider.create(await checked(inputs("x", { space: "nowhere" })))).rejects.toThrow(
      "Torque has no space named nowhere (or the API token cannot see it); check the space input.",
    );
  });

  test("an update of a credential deleted behind Pulumi's back says to refresh; a delete of one already gone succeeds", async () => {
    const { id, state } = await up(inputs("gone"));
    torque().removeCredential(SPACE, "gone"); // in Torque's UI
    const news = await checked(inputs("gone", { description: "new" }), state);
    await expect(provider.update(id, state, news)).rejects.toThrow(`credential gone is no longer in Torque space ${SPACE}; run \`pulumi refresh\``);
    await provider.delete(id, state);
  });

  test("a delete Torque refuses because a repository uses the credential says what to do", async () => {
    const { id, state } = await up(inputs("in-use"));
    await fetch(`${torque().url}/api/spaces/${SPACE}/repositories/gitlabEnterprise`, {
      method: "POST",
      headers: { Authorization: `Bearer ${fx.demo.torqueToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ repository_name: "uses-it", repository_url: `${fx.sandbox.gitlab.url}/platform/infra`, token: null, branch: "main", credential_name: "in-use", use_all_agents: true, agents: [], eac_auto_registration: false }),
    });
    await expect(provider.delete(id, state)).rejects.toThrow(
      `Torque keeps credential in-use of space ${SPACE}: Credential 'in-use' is used by repository 'uses-it' in space '${SPACE}'; connect the repositories that use it another way (or remove them), then run pulumi up again.`,
    );
    torque().removeSpaceRepository(SPACE, "uses-it");
    await provider.delete(id, state);
  });

  test("an id that is not <space>/<name> fails clearly", async () => {
    await expect(provider.read("no-slash", {})).rejects.toThrow("no-slash is not a git credential id; use <space>/<name>");
  });
});
