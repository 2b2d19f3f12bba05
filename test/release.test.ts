/**
 * One version and one public home, set once in package.json: everything published says the
 * same (schema.json, the plugin's GetPluginInfo, the Python and Go SDKs, the archive names the
 * CLI asks for, the changelog, the install commands of the docs). test/e2e/release.e2e.ts
 * checks what `npm run release` built; this fails first, in `npm test`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { releaseFiles } from "../scripts/dist";
import { archiveName, PLATFORMS } from "../scripts/project";

const repo = path.resolve(__dirname, "..");
const read = (file: string) => fs.readFileSync(path.join(repo, file), "utf8");
const manifest = JSON.parse(read("package.json")) as { version: string; repository: { url: string } };
const version = manifest.version;
const schema = JSON.parse(read("schema.json")) as Record<string, any>;

test("package.json names the public home and a release version", () => {
  expect(manifest.repository.url).toBe("git+https://github.com/pulumi-gitlab-sources/pulumi-gitlab-sources.git");
  expect(version).toMatch(/^\d+\.\d+\.\d+$/);
});

test("schema.json has the version; its repository, homepage and pluginDownloadURL are the public home", () => {
  expect(schema.version).toBe(version);
  expect(schema.repository).toBe("https://github.com/pulumi-gitlab-sources/pulumi-gitlab-sources");
  expect(schema.homepage).toBe(schema.repository);
  // The CLI's github:// source: the releases of <owner>/<repository>.
  expect(schema.pluginDownloadURL).toBe("github://api.github.com/pulumi-gitlab-sources/pulumi-gitlab-sources");
});

test("the Python SDK has the version, the plugin's download URL and the project URLs", () => {
  const pyproject = read("sdk/python/pyproject.toml");
  expect(/^\s*version = "(.*)"$/m.exec(pyproject)?.[1]).toBe(version);
  expect(/^\s*Repository = "(.*)"$/m.exec(pyproject)?.[1]).toBe(schema.repository);
  const utilities = read("sdk/python/pulumi_gitlab_sources/_utilities.py");
  expect(/def get_version\(\):\n\s+return "(.*)"/.exec(utilities)?.[1]).toBe(version);
  expect(/def get_plugin_download_url\(\):\n\s+return "(.*)"/.exec(utilities)?.[1]).toBe(schema.pluginDownloadURL);
  expect(JSON.parse(read("sdk/python/pulumi_gitlab_sources/pulumi-plugin.json"))).toEqual({ resource: true, name: "gitlab-sources", version, server: schema.pluginDownloadURL });
});

test("the Go SDK is the module of the public home, with the version and the plugin's download URL", () => {
  expect(/^module (\S+)$/m.exec(read("sdk/go/go.mod"))?.[1]).toBe("github.com/pulumi-gitlab-sources/pulumi-gitlab-sources/sdk/go");
  const utilities = read("sdk/go/gitlabsources/internal/pulumiUtilities.go");
  expect([...utilities.matchAll(/semver\.MustParse\("(.*)"\)/g)].map((m) => m[1])).toEqual([version, version]);
  expect([...utilities.matchAll(/pulumi\.PluginDownloadURL\("(.*)"\)/g)].map((m) => m[1])).toEqual([schema.pluginDownloadURL, schema.pluginDownloadURL]);
  expect(JSON.parse(read("sdk/go/gitlabsources/pulumi-plugin.json"))).toEqual({ resource: true, name: "gitlab-sources", version, server: schema.pluginDownloadURL });
  const example = read("examples/go/go.mod");
  expect(/^\s+(\S+\/sdk\/go) v(\S+)$/m.exec(example)?.slice(1)).toEqual(["github.com/pulumi-gitlab-sources/pulumi-gitlab-sources/sdk/go", version]);
});

test("the archives are named as the CLI asks a release for them (httpSource.Download in sdk/go/common/workspace/plugins.go)", () => {
  for (const { os, arch } of PLATFORMS) expect(archiveName({ os, arch } as (typeof PLATFORMS)[number])).toBe(`pulumi-resource-gitlab-sources-v${version}-${os}-${arch}.tar.gz`);
  expect(releaseFiles()).toEqual(expect.arrayContaining([`pulumi-gitlab-sources-${version}.tgz`, `pulumi_gitlab_sources-${version}-py3-none-any.whl`, `pulumi_gitlab_sources-${version}.tar.gz`]));
});

test("the changelog's newest entry is this version, and the one before names the commit it was built from", () => {
  const headings = [...read("CHANGELOG.md").matchAll(/^## (\S+)\n\n?([^\n]*)/gm)];
  expect(headings[0]?.[1]).toBe(version);
  for (const [, , first] of headings.slice(1)) expect(first).toMatch(/^Commit [0-9a-f]{40} /);
});

test("the docs' install commands and the examples' dependencies name this version", () => {
  const examples = fs.readdirSync(path.join(repo, "examples")).flatMap((e) => [`examples/${e}/README.md`, `examples/${e}/Pulumi.yaml`]);
  const docs = ["README.md", "Pulumi.yaml", "docs/installation-configuration.md", ...examples].filter((f) => fs.existsSync(path.join(repo, f)));
  const named = docs.flatMap((f) => [...read(f).matchAll(/(?:gitlab-sources |gitlab-sources-v|gitlab-sources-|gitlab_sources-|sdk\/go@v)(\d+\.\d+\.\d+)/g)].map((m) => `${f}: ${m[1]}`));
  expect(named.filter((n) => !n.endsWith(`: ${version}`))).toEqual([]);
  for (const example of ["basic", "ci", "many"]) {
    expect(JSON.parse(read(`examples/${example}/package.json`)).dependencies["pulumi-gitlab-sources"]).toBe(`^${version}`);
  }
});

test("the plugin as npm installs it answers GetPluginInfo with the version", async () => {
  const programDir = process.env.PULUMI_GITLAB_SOURCES_PROGRAM_DIR!;
  const main = path.join(programDir, "node_modules", "pulumi-gitlab-sources", "bin", "plugin", "main.js");
  const child = spawn(process.execPath, [main], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => ((out += d), out.includes("\n") && resolve(out.trim())));
      child.on("exit", (code) => reject(new Error(`the plugin exited (${code}) before printing its port`)));
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const info = await new Promise<string>((resolve, reject) => client.getPluginInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res!.getVersion()))));
    client.close();
    expect(info).toBe(version);
  } finally {
    child.kill();
  }
});
