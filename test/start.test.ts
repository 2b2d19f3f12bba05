import * as fs from "node:fs";
import * as path from "node:path";
import { PLUGIN_DIR } from "../scripts/start";

/** The top-level Pulumi.yaml (npm start) is examples/yaml's program, with the plugin npm start builds. */
const repo = path.resolve(__dirname, "..");
const program = (file: string) => {
  const text = fs.readFileSync(path.join(repo, file), "utf8");
  return text.slice(text.indexOf("\nconfig:\n"));
};

test("Pulumi.yaml runs examples/yaml's program (config, variables, resources, outputs)", () => {
  expect(program("Pulumi.yaml")).toBe(program("examples/yaml/Pulumi.yaml"));
  expect(program("Pulumi.yaml")).toMatch(/^resources:$/m);
});

test("Pulumi.yaml uses the plugin npm start bundles into .sandbox/plugin, a folder git ignores", () => {
  const declared = /^plugins:\n {2}providers:\n {4}- name: gitlab-sources\n {6}path: (\S+)$/m.exec(fs.readFileSync(path.join(repo, "Pulumi.yaml"), "utf8"));
  expect(path.resolve(repo, declared?.[1] ?? "")).toBe(PLUGIN_DIR);
  expect(fs.readFileSync(path.join(repo, ".gitignore"), "utf8").split("\n")).toEqual(expect.arrayContaining([".sandbox/", "/Pulumi.sandbox.yaml"]));
});
