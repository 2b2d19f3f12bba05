import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { archiveName } from "../scripts/project";
import { DEMO, type Sandbox } from "./sandbox";
import { configCommands, sandboxConfig } from "./sandbox/config";

/**
 * Examples a user can copy: each README starts with the commands that run it against the
 * sandbox from a clone, with paths that work from its folder and the config `npm run sandbox`
 * prints; no example uses a deprecated argument.
 */
const repo = path.resolve(__dirname, "..");
const EXAMPLES = path.join(repo, "examples");
const examples = fs.readdirSync(EXAMPLES).filter((name) => fs.existsSync(path.join(EXAMPLES, name, "Pulumi.yaml")));
const { name: packageName, version } = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { name: string; version: string };

/** What `npm run sandbox` prints on its fixed ports. */
const printed = configCommands(
  sandboxConfig({ gitlab: { url: "http://127.0.0.1:18080" }, torque: { url: "http://127.0.0.1:18081" }, enos: { url: "http://127.0.0.1:18082" } } as Sandbox, DEMO),
);

/** The README's first section and the first shell block in it. */
function firstCommands(name: string): { heading: string; block: string } {
  const readme = fs.readFileSync(path.join(EXAMPLES, name, "README.md"), "utf8");
  const heading = /^## (.+)$/m.exec(readme)?.[1] ?? "";
  const section = readme.slice(readme.indexOf(`## ${heading}`));
  return { heading, block: /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "" };
}

describe.each(examples)("examples/%s/README.md", (name) => {
  test("starts with the commands that run it against the sandbox, from a clone", () => {
    const { heading, block } = firstCommands(name);
    expect(heading).toBe("Run it against the sandbox");
    expect(block).toContain("npm run sandbox --prefix ../..");
    expect(block).toMatch(/^(pulumi|go run \.|python main\.py) up$/m);
  });

  test("its paths work from the example's folder", () => {
    const dir = path.join(EXAMPLES, name);
    const paths = [...firstCommands(name).block.matchAll(/(?<=^|\s)(\.\.?\/\S*)/gm)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(0);
    for (const given of paths) {
      const resolved = path.resolve(dir, given);
      // What the block's own commands make: the plugin's release tarball, the packed package.
      if (resolved === path.join(repo, "dist")) continue; // a comment's "in ../../dist/"
      if (path.dirname(resolved) === path.join(repo, "dist")) expect(path.basename(resolved)).toBe(archiveName({ os: "linux", arch: "amd64" }));
      else if (given.endsWith(".tgz")) expect(path.basename(resolved)).toBe(`${packageName}-${version}.tgz`);
      else expect(`${given}: ${fs.existsSync(resolved)}`).toBe(`${given}: true`);
    }
  });

  test("its config lines are those npm run sandbox prints", () => {
    const lines = firstCommands(name).block.split("\n").filter((line) => /^pulumi config set (--secret )?(gitlab-sources:|gitlabUrl|gitlabToken|torqueSpace)/.test(line));
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(lines.filter((line) => !printed.includes(line))).toEqual([]);
  });
});

/** `file:line: name` of every object-literal property whose contextual type's property is marked @deprecated. */
function deprecatedArguments(files: string[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(repo, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram(files, config.options);
  const checker = program.getTypeChecker();
  const found: string[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    const visit = (node: ts.Node): void => {
      if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) && ts.isObjectLiteralExpression(node.parent)) {
        const name = node.name.getText(source);
        const property = checker.getContextualType(node.parent)?.getProperty(name);
        if (property?.getJsDocTags(checker).some((tag) => tag.name === "deprecated")) {
          found.push(`${path.relative(repo, file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${name}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe("deprecated arguments", () => {
  const probe = path.join(repo, "test", "support", "deprecated-argument.ts");
  const files = examples.map((name) => path.join(EXAMPLES, name, "index.ts")).filter((file) => fs.existsSync(file));
  let found: string[];
  beforeAll(() => (found = deprecatedArguments([...files, probe])));

  test("no example uses one (the TypeScript classes' @deprecated; the schema deprecates nothing)", () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(found.filter((entry) => entry.startsWith("examples/"))).toEqual([]);
    expect(fs.readFileSync(path.join(repo, "schema.json"), "utf8")).not.toContain("deprecationMessage");
  });

  test("the check finds SpaceRepository's provider argument in a probe", () => {
    expect(found.filter((entry) => !entry.startsWith("examples/"))).toEqual(["test/support/deprecated-argument.ts:6: provider"]);
  });
});
