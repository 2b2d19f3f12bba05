import { changes } from "./harness/stack";
import type { Declaration } from "./harness/stack";
import { leakedSecrets, upOk, useSandbox } from "./support/fixture";

/**
 * A token given as a plain string, not as pulumi.secret: the resource classes mark it secret
 * themselves, so the checkpoint holds it encrypted in inputs and outputs alike, through the
 * real provider host and language host.
 */
const fx = useSandbox();

test("plain-string tokens are encrypted in the checkpoint's inputs and outputs, for every resource", async () => {
  const token = fx.demo.gitlabToken;
  const root = `${fx.sandbox.gitlab.url}/`;
  const program: Declaration[] = [
    { kind: "enos:GitLabDataSource", name: "plain-ds", args: { name: "plain_token", gitUrl: `${root}platform/ml/models`, token } },
    { kind: "torque:RepositoryProvider", name: "plain-provider", args: { name: "plain-token", baseUrl: root, token } },
    { kind: "torque:SpaceRepository", name: "plain-repo", args: { space: fx.demo.torqueSpace, repositoryName: "plain-token", repositoryUrl: `${root}platform/infra`, token } },
    { kind: "torque:SpaceRepository", name: "plain-via-provider", args: { space: fx.demo.torqueSpace, repositoryName: "plain-via-provider", repositoryUrl: `${root}platform/ml/models`, provider: { $resource: "plain-provider" } } },
  ];
  const stack = fx.stack();
  const up = await upOk(stack, program);
  for (const r of stack.state.values()) {
    expect(r.secretInputs).toEqual(expect.arrayContaining(r.urn.endsWith("plain-via-provider") ? ["providerToken"] : ["token"]));
  }
  const checkpoint = stack.checkpoint();
  expect(leakedSecrets([checkpoint, up.hostStdout, up.hostStderr], [token])).toEqual([]);
  expect(JSON.parse(checkpoint).deployment.resources.every((r: { inputs: Record<string, unknown> }) => JSON.stringify(r.inputs).includes("ciphertext"))).toBe(true);
  expect(changes(await stack.preview(program))).toEqual([]);
  expect(changes(await stack.refresh())).toEqual([]);
  expect(leakedSecrets([stack.checkpoint()], [token])).toEqual([]);
  expect((await stack.destroy()).errors).toEqual([]);
});
