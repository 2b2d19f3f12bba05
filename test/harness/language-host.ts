/**
 * The language host: runs a Pulumi program in this child process under a resource monitor
 * that forwards every registration to the engine (the parent process) and answers with
 * what the engine decided. It stands where `pulumi-language-nodejs` stands.
 *
 * The program resolves `pulumi-gitlab-sources` to the packed install in the program
 * directory, as a user's program would, so closure serialization sees a package under
 * `node_modules`.
 */
import * as path from "node:path";
import Module = require("node:module");
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type { ProgramMessage, Registration, RegistrationReply, RunRequest } from "./protocol";

const settings = require("@pulumi/pulumi/runtime/settings");
const state = require("@pulumi/pulumi/runtime/state");
const rpc = require("@pulumi/pulumi/runtime/rpc");
const runtimeConfig = require("@pulumi/pulumi/runtime/config");
const { isUnknown } = require("@pulumi/pulumi/output");

const PACKAGE = "pulumi-gitlab-sources";
const UNKNOWN = rpc.unknownValue as string;
const SECRET = rpc.specialSecretSig as string;
const SIG = rpc.specialSigKey as string;

const installed = path.join(process.cwd(), "node_modules", PACKAGE);
const moduleInternals = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolveFilename = moduleInternals._resolveFilename;
moduleInternals._resolveFilename = function (request: string, ...rest: unknown[]) {
  const fromPackage = request === PACKAGE || request.startsWith(`${PACKAGE}/`);
  return resolveFilename.call(this, fromPackage ? installed + request.slice(PACKAGE.length) : request, ...rest);
};

let nextId = 0;
const pending = new Map<number, (reply: RegistrationReply) => void>();

function send(message: ProgramMessage): void {
  process.send!(message);
}

/** The monitor the program's resources register with. */
class EngineMonitor extends MockMonitor {
  constructor() {
    super({ newResource: () => Promise.reject(new Error("unused")), call: () => ({}) });
  }

  async registerResource(req: resproto.RegisterResourceRequest, callback: (err: unknown, resp?: unknown) => void) {
    try {
      const urn = (this as unknown as { newUrn(parent: string, type: string, name: string): string }).newUrn(req.getParent(), req.getType(), req.getName());
      const { values, secretKeys } = flatten(rpc.deserializeProperties(req.getObject(), true));
      const registration: Registration = {
        urn,
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        inputs: values,
        secretKeys,
        importId: req.getImportid() || undefined,
        dependencies: req.getDependenciesList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
      };
      const reply = await new Promise<RegistrationReply>((resolve) => {
        const rid = nextId++;
        pending.set(rid, resolve);
        send({ kind: "register", rid, registration });
      });
      if ("error" in reply) throw new Error(reply.error);
      const resp = new resproto.RegisterResourceResponse();
      resp.setUrn(urn);
      resp.setId(reply.id);
      resp.setObject(Struct.fromJavaScript(wrapSecrets(reply.outputs, reply.secretKeys) as never));
      callback(null, resp);
    } catch (err) {
      callback(err);
    }
  }
}

/** Unwraps secrets (remembering which keys were secret) and turns unknowns into the engine's sentinel. */
function flatten(props: Record<string, unknown>): { values: Record<string, unknown>; secretKeys: string[] } {
  const values: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    if (rpc.isRpcSecret(value)) secretKeys.push(key);
    values[key] = toWire(rpc.unwrapRpcSecret(value));
  }
  return { values, secretKeys };
}

function toWire(value: unknown): unknown {
  if (isUnknown(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}

function wrapSecrets(outputs: Record<string, unknown>, secretKeys: string[]): Record<string, unknown> {
  const wrapped = { ...outputs };
  for (const key of secretKeys) {
    if (key in wrapped) wrapped[key] = { [SIG]: SECRET, value: wrapped[key] };
  }
  return wrapped;
}

async function run(request: RunRequest): Promise<void> {
  const errors: string[] = [];
  const onRejection = (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (!errors.includes(message)) errors.push(message);
  };
  process.on("unhandledRejection", onRejection);
  const stackTraceLimit = Error.stackTraceLimit;
  if (request.stackTraceLimit !== undefined) Error.stackTraceLimit = request.stackTraceLimit;
  try {
    runtimeConfig.setAllConfig(request.config, request.secretKeys);
    settings.setMockOptions(new EngineMonitor(), request.project, request.stack, request.preview);
    const store = state.getStore();
    Object.assign(store, { supportsSecrets: true, supportsResourceReferences: true, supportsOutputValues: false });
    const programPath = path.resolve(request.program);
    delete require.cache[require.resolve(programPath)];
    require(programPath);
    await settings.waitForRPCs();
    await new Promise((resolve) => setImmediate(resolve));
  } catch (err) {
    onRejection(err);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    process.off("unhandledRejection", onRejection);
    send({ kind: "done", errors });
  }
}

process.on("message", (message: { kind: "run"; request: RunRequest } | { kind: "registered"; rid: number; reply: RegistrationReply }) => {
  if (message.kind === "run") void run(message.request);
  else {
    pending.get(message.rid)?.(message.reply);
    pending.delete(message.rid);
  }
});
send({ kind: "ready" });
