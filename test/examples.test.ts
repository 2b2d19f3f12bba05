import { changes, Stack } from "./harness/stack";
import { useSandbox } from "./support/fixture";

/** The examples run as programs (language host + real provider host) against the sandbox. */
const fx = useSandbox();

function exampleStack(extra: Record<string, string> = {}): Stack {
  return fx.stack({
    config: {
      "project:gitlabUrl": `${fx.sandbox.gitlab.url}/`,
      "project:gitlabToken": fx.demo.gitlabToken,
      "project:torqueSpace": fx.demo.torqueSpace,
      ...extra,
    },
    secretConfig: ["project:gitlabToken"],
  });
}

function sandboxCounts() {
  return {
    dataSources: fx.sandbox.enos.dataSources().length,
    providers: fx.sandbox.torque.providers().length,
    spaceRepositories: fx.sandbox.torque.spaceRepositories(fx.demo.torqueSpace).length,
  };
}

test("examples/basic registers one source of each kind, ends clean, and destroys to nothing", async () => {
  const stack = exampleStack();
  const up = await stack.up("examples/basic/index.ts");
  expect(up.errors).toEqual([]);
  expect(up.programErrors).toEqual([]);
  expect(sandboxCounts()).toEqual({ dataSources: 1, providers: 1, spaceRepositories: 2 });
  expect(fx.sandbox.enos.dataSources()[0]).toMatchObject({ name: "model_repo", gitUrl: `${fx.sandbox.gitlab.url}/platform/ml/models`, token: fx.demo.gitlabToken });
  expect(fx.sandbox.torque.providers()[0]).toMatchObject({ name: "gitlab", baseUrl: `${fx.sandbox.gitlab.url}/`, repos: [`${fx.sandbox.gitlab.url}/platform/infra`] });
  expect(fx.sandbox.torque.spaceRepositories(fx.demo.torqueSpace)).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ name: "infra", status: "Connected", credentialName: "" }),
      expect.objectContaining({ name: "models", status: "Connected", credentialName: "gitlab-ci" }),
    ]),
  );
  expect(fx.sandbox.torque.credentials(fx.demo.torqueSpace)).toContainEqual(expect.objectContaining({ name: "gitlab-ci", token: fx.demo.gitlabToken }));
  expect(stack.resource("infra").outputs.status).toBe("Connected");

  expect(changes(await stack.preview("examples/basic/index.ts"))).toEqual([]);
  expect(changes(await stack.refresh())).toEqual([]);
  expect(stack.checkpoint()).not.toContain(fx.demo.gitlabToken);

  const destroyed = await stack.destroy();
  expect(destroyed.errors).toEqual([]);
  expect(sandboxCounts()).toEqual({ dataSources: 0, providers: 0, spaceRepositories: 0 });
  expect(fx.sandbox.torque.credentials(fx.demo.torqueSpace).map((c) => c.name)).toEqual(["gitlab-demo-credential"]);
});

test("examples/many declares sources from a list in stack config", async () => {
  const sources = [
    { project: "platform/infra", space: fx.demo.torqueSpace },
    { project: "platform/ml/models", enos: true, space: fx.demo.torqueSpace },
  ];
  const stack = exampleStack({ "project:sources": JSON.stringify(sources) });
  const up = await stack.up("examples/many/index.ts");
  expect(up.errors).toEqual([]);
  expect(sandboxCounts()).toEqual({ dataSources: 1, providers: 1, spaceRepositories: 2 });
  expect(fx.sandbox.enos.dataSources()[0].name).toBe("platform_ml_models");
  expect(changes(await stack.preview("examples/many/index.ts", { refresh: true }))).toEqual([]);

  stack.setConfig("project:sources", JSON.stringify(sources.slice(1)));
  const shrink = await stack.up("examples/many/index.ts");
  expect(shrink.steps.filter((s) => s.op === "delete")).toHaveLength(1);
  expect(sandboxCounts()).toEqual({ dataSources: 1, providers: 1, spaceRepositories: 1 });

  await stack.destroy();
  expect(sandboxCounts()).toEqual({ dataSources: 0, providers: 0, spaceRepositories: 0 });
});
