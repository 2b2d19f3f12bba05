#!/usr/bin/env node
/*
 * Runs a Node.js Pulumi program under the real `pulumi` CLI, the way the Automation API
 * runs an inline program: the project's own @pulumi/pulumi serves the language runtime
 * (`LanguageServer`) on a local port, and `pulumi <command> --client=127.0.0.1:<port>`
 * drives it. Engine, steps, state and the dynamic provider host are the CLI's own.
 *
 *   cd <project> && node runner.js up --yes --parallel 4
 *
 * It stands in for `pulumi-language-nodejs`, which the Go module proxy does not serve.
 * The program is the project's entry point (Pulumi.yaml `main`, else package.json `main`,
 * else `.`), loaded afresh for every run: `pulumi up` runs it twice (preview, then update).
 * TypeScript is registered as the Node.js language host does (`runtime.options.typescript`).
 * Commands that do not run a program (`stack`, `config`, `cancel`, ...), and programs that are
 * not Node.js ones, go to the CLI as is.
 */
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const PROGRAM_COMMANDS = new Set(["up", "update", "preview", "refresh", "destroy"]);
const projectDir = process.cwd();
const fromProject = (request, base = projectDir) => require(require.resolve(request, { paths: [base] }));

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [projectDir] }));
const fromPulumi = (request) => fromProject(request, pulumiDir);
const yaml = fromPulumi("js-yaml");

function readProject() {
  for (const name of ["Pulumi.yaml", "Pulumi.yml"]) {
    const file = path.join(projectDir, name);
    if (fs.existsSync(file)) return yaml.load(fs.readFileSync(file, "utf8")) ?? {};
  }
  throw new Error(`no Pulumi.yaml in ${projectDir}`);
}

function runtimeName(project) {
  return typeof project.runtime === "string" ? project.runtime : project.runtime && project.runtime.name;
}

function entryPoint(project) {
  if (project.main) return path.resolve(projectDir, project.main);
  const pkg = JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8"));
  return path.resolve(projectDir, pkg.main ?? ".");
}

/** As @pulumi/pulumi/cmd/run does for `typescript: true`: ts-node with the project's typescript. */
function registerTypeScript() {
  const tsutils = fromPulumi("./tsutils");
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  const tsconfig = path.join(projectDir, "tsconfig.json");
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsconfig);
  const transpileOnlyEnv = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
  const transpileOnly = transpileOnlyEnv ? transpileOnlyEnv === "true" : compilerOptions.noCheck;
  const ts = require(typescriptRequire);
  const nodeNext = Number(ts.version.split(".")[0]) >= 5;
  require(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly,
    project: tsconfig,
    skipProject: !fs.existsSync(tsconfig),
    compilerOptions: {
      target: "ES2020",
      module: nodeNext ? "nodenext" : "commonjs",
      moduleResolution: nodeNext ? "nodenext" : "node",
      sourceMap: "true",
      ...compilerOptions,
    },
  });
}

/** The program: the entry point required afresh (the project's own files leave the module cache). */
function program(entry) {
  const own = (file) => file.startsWith(projectDir + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`);
  return async () => {
    for (const file of Object.keys(require.cache)) if (own(file)) delete require.cache[file];
    return require(entry);
  };
}

async function serveProgram() {
  const project = readProject();
  const options = (project.runtime && project.runtime.options) || {};
  if (options.typescript !== false) registerTypeScript();
  const grpc = fromPulumi("@grpc/grpc-js");
  const { LanguageServer } = fromPulumi("./automation/server");
  const langrpc = fromPulumi("./proto/language_grpc_pb");
  const { grpcChannelOptions } = fromPulumi("./runtime/settings");
  const server = new grpc.Server(grpcChannelOptions);
  server.addService(langrpc.LanguageRuntimeService, new LanguageServer(program(entryPoint(project))));
  const port = await new Promise((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, args: [`--client=127.0.0.1:${port}`, "--exec-kind", "auto.inline"] };
}

async function main() {
  const args = process.argv.slice(2);
  // A program in another language (Pulumi YAML) runs under its own language host, as the CLI starts it.
  const served = PROGRAM_COMMANDS.has(args[0]) && runtimeName(readProject()) === "nodejs" ? await serveProgram() : undefined;
  const child = spawn("pulumi", [...args, ...(served ? served.args : [])], { stdio: "inherit" });
  // Ctrl-C reaches the CLI too (same process group); the CLI decides, the program keeps serving.
  process.on("SIGINT", () => undefined);
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("error", (err) => {
    console.error(`runner: cannot start pulumi: ${err.message}`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => {
    if (served) served.server.forceShutdown();
    process.exit(code ?? 128 + (require("node:os").constants.signals[signal] ?? 0));
  });
}

main().catch((err) => {
  console.error(`runner: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
