import * as grpc from "@grpc/grpc-js";
import * as anyproto from "google-protobuf/google/protobuf/any_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import type * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { Call, inCall } from "../core/call";
import { SETTING_NAMES, SETTINGS } from "../core/context";
import { asProviderError, InitError } from "../core/errors";
import type { Operations } from "../core/provider";
import { safeText } from "../core/secrets";
import type { CheckFailure } from "../core/spec";
import { containsUnknown, UNKNOWN } from "../core/unknown";
import { checkProviderInputs, diffProviderInputs, isDefaultProvider, providerContext } from "./configuration";
import { kinds } from "./kinds";
import { fromStruct, secretKeys, toStruct } from "./wire";

type Props = Record<string, unknown>;
type Call_<Req> = grpc.ServerUnaryCall<Req, unknown>;
type Reply<Res> = grpc.sendUnaryData<Res>;

const { DiffChanges } = provproto.DiffResponse;
const { Kind } = provproto.PropertyDiff;
const SECRET_SETTINGS = SETTING_NAMES.filter((name) => SETTINGS[name].secret);

/** The resource kind a request is about, or a failure naming the type. */
function kindOf(type: string): Operations {
  const ops = kinds.get(type);
  if (!ops) throw new Error(`unknown resource type ${type}; this plugin serves ${[...kinds.keys()].join(", ")}.`);
  return ops;
}

function failureList(failures: CheckFailure[]): provproto.CheckFailure[] {
  return failures.map((f) => new provproto.CheckFailure().setProperty(f.property).setReason(safeText(f.reason)));
}

/** A gRPC error the engine shows as one sentence; an object that exists but is not ready keeps its id and state (initialization errors). */
function grpcError(err: unknown, context: string, secrets: string[] = []): grpc.ServiceError {
  const error = asProviderError(err, context);
  const metadata = new grpc.Metadata();
  if (error instanceof InitError) {
    const detail = new provproto.ErrorResourceInitFailed()
      .setId(error.id)
      .setProperties(toStruct(error.properties, secrets))
      .setReasonsList(error.reasons.map((r) => safeText(r)));
    const any = new anyproto.Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusproto.Status().setCode(grpc.status.UNKNOWN).setMessage(error.message);
    status.addDetails(any); // returns the detail, not the status: not chainable
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return Object.assign(new Error(error.message), { code: grpc.status.UNKNOWN, details: error.message, metadata });
}

interface Handler<Req, Res> {
  /** "torque:SpaceRepository: create failed", for an error that names nothing else. */
  context: (req: Req) => string;
  run: (req: Req) => Promise<Res>;
  /** The properties an initialization error's state marks secret. */
  secrets?: (req: Req) => string[];
  /** What the engine says of this request beyond its properties: its URN, its timeout. */
  call?: (req: Req) => Call;
}

/** Runs a handler and answers with its result, or with one clear error: nothing a server answers can crash the plugin. */
// Stryker disable next-line ArrayDeclaration,ArrowFunction: only create and update fail with initialization errors, and they pass their own secrets; currentCall() answers {} outside a call.
function serve<Req, Res>({ context, run, secrets = () => [], call = () => ({}) }: Handler<Req, Res>) {
  return (rpc: Call_<Req>, callback: Reply<Res>) => {
    const req = rpc.request;
    inCall(call(req), () => run(req)).then(
      (res) => callback(null, res),
      (err) => callback(grpcError(err, context(req), secrets(req))),
    );
  };
}

/** A request about one resource: its URN, and the timeout of a create or an update (`customTimeouts`). */
interface ResourceRequest {
  getUrn(): string;
  getTimeout?(): number;
}

/**
 * Pulumi's ResourceProvider service for this package: one process per provider instance (the
 * engine starts one for the default provider and one for each explicit provider), configured
 * once by Configure; every resource call runs the same operations as dynamic mode.
 * `attach`: where the engine's address goes when it attaches to a plugin started by hand
 * (`PULUMI_DEBUG_PROVIDERS`).
 */
export function resourceProviderService(version: string, schema: string, attach: (engineAddress: string) => void = () => undefined): grpc.UntypedServiceImplementation {
  let ctx = providerContext({}, "default");
  // Default or explicit: told by CheckConfig's URN, and by Configure's where the engine sends it there too.
  let kind: "default" | "explicit" = "default";
  const kindOfProvider = (urn: string | undefined, name: string | undefined) => {
    if (urn || name) kind = isDefaultProvider(urn ?? "", name ?? "") ? "default" : "explicit";
    return kind;
  };
  // The engine says in Configure whether it takes secrets back; an engine that does not re-marks them itself.
  // Stryker disable next-line BooleanLiteral: the engine sends Configure, which sets it, before any resource call.
  let acceptsSecrets = true;
  // Ctrl-C: the engine cancels every operation in flight, then waits for them.
  const cancellation = new AbortController();
  /** What an answer marks secret: the kind's credentials, and whatever arrived secret (secrets follow their inputs). */
  const marked = (ops: Operations | undefined, ...structs: (structproto.Struct | undefined)[]) =>
    acceptsSecrets ? [...(ops?.spec.secrets ?? []), ...secretKeys(...structs)] : [];
  const named = (verb: string) => (req: { getType(): string }) => `${req.getType().replace(/^gitlab-sources:/, "")}: ${verb} failed`;
  const callOf = (req: ResourceRequest): Call => {
    const seconds = req.getTimeout?.() ?? 0;
    return { urn: req.getUrn() || undefined, cancelled: cancellation.signal, ...(seconds > 0 ? { deadline: Date.now() + seconds * 1000, timeoutSeconds: seconds } : {}) };
  };

  return {
    // Stryker disable next-line StringLiteral: setting a string field cannot fail, so no error carries the context.
    getPluginInfo: serve({ context: () => "GetPluginInfo", run: async () => new plugproto.PluginInfo().setVersion(version) }),

    // Stryker disable next-line StringLiteral: setting a string field cannot fail, so no error carries the context.
    getSchema: serve({ context: () => "GetSchema", run: async () => new provproto.GetSchemaResponse().setSchema(schema) }),

    attach: serve({
      context: () => "Attach",
      run: async (req: plugproto.PluginAttach) => {
        attach(req.getAddress());
        return new emptyproto.Empty();
      },
    }),

    checkConfig: serve({
      context: () => "provider configuration: check failed",
      run: async (req: provproto.CheckRequest) => {
        const news = fromStruct(req.getNews());
        const failures = checkProviderInputs(news, kindOfProvider(req.getUrn(), req.getName()));
        return new provproto.CheckResponse().setInputs(toStruct(news, [...SECRET_SETTINGS, ...secretKeys(req.getNews())])).setFailuresList(failureList(failures));
      },
    }),

    diffConfig: serve({
      context: () => "provider configuration: diff failed",
      run: async (req: provproto.DiffRequest) => {
        const { changed, replaces } = diffProviderInputs({ ...fromStruct(req.getOlds()), ...fromStruct(req.getOldInputs()) }, fromStruct(req.getNews()));
        return new provproto.DiffResponse()
          .setChanges(changed.length > 0 ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_NONE)
          .setDiffsList(changed)
          .setReplacesList(replaces);
      },
    }),

    configure: serve({
      context: () => "provider configuration failed",
      run: async (req: provproto.ConfigureRequest) => {
        ctx = providerContext(fromStruct(req.getArgs()), kindOfProvider(req.getUrn(), req.getName()));
        acceptsSecrets = req.getAcceptsecrets();
        return new provproto.ConfigureResponse().setAcceptsecrets(acceptsSecrets).setAcceptresources(false).setSupportspreview(true);
      },
    }),

    check: serve({
      context: named("check"),
      call: callOf,
      run: async (req: provproto.CheckRequest) => {
        const ops = kindOf(req.getType());
        const { news, failures: refused } = withReferences(ops, fromStruct(req.getNews()));
        // As dynamic mode: a name left out is the resource's name in the program.
        if (ops.spec.autoName && news[ops.spec.autoName] === undefined) news[ops.spec.autoName] = req.getName();
        const { inputs, failures } = await ops.check(ctx, fromStruct(req.getOlds()), news);
        return new provproto.CheckResponse().setInputs(toStruct(inputs, marked(ops, req.getNews()))).setFailuresList(failureList([...refused, ...failures]));
      },
    }),

    diff: serve({
      context: named("diff"),
      call: callOf,
      run: async (req: provproto.DiffRequest) => {
        const ops = kindOf(req.getType());
        const olds = { ...fromStruct(req.getOlds()), ...fromStruct(req.getOldInputs()) };
        const news = fromStruct(req.getNews());
        const { changes, replaces, deleteBeforeReplace, changed } = ops.diff(ctx, olds, news, { id: req.getId(), holder: req.getUrn() });
        const response = new provproto.DiffResponse()
          .setChanges(changes ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_NONE)
          .setReplacesList(replaces)
          .setDiffsList(changed)
          .setDeletebeforereplace(deleteBeforeReplace)
          .setHasdetaileddiff(true);
        for (const key of changed) response.getDetaileddiffMap().set(key, propertyDiff(olds[key], news[key], replaces.includes(key)));
        return response;
      },
    }),

    create: serve({
      context: named("create"),
      call: callOf,
      secrets: (req: provproto.CreateRequest) => marked(kinds.get(req.getType()), req.getProperties()),
      run: async (req: provproto.CreateRequest) => {
        const ops = kindOf(req.getType());
        const { id, outs } = await ops.create(ctx, fromStruct(req.getProperties()), { holder: req.getUrn(), preview: req.getPreview() });
        return new provproto.CreateResponse().setId(id).setProperties(toStruct(outs, marked(ops, req.getProperties())));
      },
    }),

    read: serve({
      context: named("read"),
      call: callOf,
      run: async (req: provproto.ReadRequest) => {
        const ops = kindOf(req.getType());
        const state = fromStruct(req.getProperties());
        const inputs = fromStruct(req.getInputs());
        const importing = Object.keys(state).length === 0 && Object.keys(inputs).length === 0;
        const read = await ops.read(ctx, { id: req.getId(), state, inputs, holder: req.getUrn() }, importing);
        const response = new provproto.ReadResponse().setId(read.id);
        if (read.id === "") return response;
        const secret = marked(ops, req.getProperties(), req.getInputs());
        return response.setProperties(toStruct(read.props, secret)).setInputs(toStruct(read.inputs ?? {}, secret));
      },
    }),

    update: serve({
      context: named("update"),
      call: callOf,
      secrets: (req: provproto.UpdateRequest) => marked(kinds.get(req.getType()), req.getNews()),
      run: async (req: provproto.UpdateRequest) => {
        const ops = kindOf(req.getType());
        const old = { id: req.getId(), state: fromStruct(req.getOlds()), inputs: fromStruct(req.getOldInputs()), holder: req.getUrn() };
        const { outs } = await ops.update(ctx, old, fromStruct(req.getNews()), { preview: req.getPreview() });
        return new provproto.UpdateResponse().setProperties(toStruct(outs, marked(ops, req.getNews())));
      },
    }),

    delete: serve({
      context: named("delete"),
      call: callOf,
      run: async (req: provproto.DeleteRequest) => {
        const ops = kindOf(req.getType());
        await ops.delete(ctx, { id: req.getId(), state: fromStruct(req.getProperties()), inputs: fromStruct(req.getOldInputs()), holder: req.getUrn() });
        return new emptyproto.Empty();
      },
    }),

    cancel: serve({
      // Stryker disable next-line StringLiteral: aborting a controller cannot fail, so no error carries the context.
      context: () => "Cancel",
      run: async () => {
        cancellation.abort();
        return new emptyproto.Empty();
      },
    }),
  };
}

/** How one property changed, as `pulumi preview --diff` shows it: added, deleted or updated, and whether that replaces. */
function propertyDiff(old: unknown, next: unknown, replaces: boolean): provproto.PropertyDiff {
  const kind =
    old === undefined ? (replaces ? Kind.ADD_REPLACE : Kind.ADD) : next === undefined ? (replaces ? Kind.DELETE_REPLACE : Kind.DELETE) : replaces ? Kind.UPDATE_REPLACE : Kind.UPDATE;
  return new provproto.PropertyDiff().setKind(kind).setInputdiff(true);
}

/**
 * Arguments that take another resource arrive as its id: the inputs it determines. An id not
 * known yet (the resource is still to be created, at preview) leaves them unknown.
 */
function withReferences(ops: Operations, given: Props): { news: Props; failures: CheckFailure[] } {
  const news = { ...given };
  const failures: CheckFailure[] = [];
  for (const [key, reference] of Object.entries(ops.spec.references ?? {})) {
    const id = news[key];
    delete news[key];
    if (id === undefined || id === null || id === "") continue;
    try {
      if (containsUnknown(id)) for (const input of Object.keys(reference.fromId("unknown/unknown"))) news[input] = UNKNOWN;
      else Object.assign(news, reference.fromId(String(id)));
    } catch (err) {
      failures.push({ property: key, reason: `${key}: ${asProviderError(err, key).message}` });
    }
  }
  return { news, failures };
}
