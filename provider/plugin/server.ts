import * as grpc from "@grpc/grpc-js";
import * as anyproto from "google-protobuf/google/protobuf/any_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { Context, SETTING_NAMES, SETTINGS } from "../core/context";
import { asProviderError, InitError } from "../core/errors";
import type { Operations } from "../core/provider";
import { safeText } from "../core/secrets";
import type { CheckFailure } from "../core/spec";
import { containsUnknown, UNKNOWN } from "../core/unknown";
import { checkProviderInputs, movesPlace, PLACE_SETTINGS, providerContext, providerInputs } from "./configuration";
import { kinds } from "./kinds";
import { fromStruct, toStruct } from "./wire";

type Props = Record<string, unknown>;
type Call<Req> = grpc.ServerUnaryCall<Req, unknown>;
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

/** Runs a handler and answers with its result, or with one clear error: nothing a server answers can crash the plugin. */
function serve<Req, Res>(context: (req: Req) => string, handler: (req: Req) => Promise<Res>, secrets: (req: Req) => string[] = () => []) {
  return (call: Call<Req>, callback: Reply<Res>) => {
    handler(call.request).then(
      (res) => callback(null, res),
      (err) => callback(grpcError(err, context(call.request), secrets(call.request))),
    );
  };
}

/**
 * Pulumi's ResourceProvider service for this package: one process per provider instance (the
 * engine starts one for the default provider and one for each explicit provider), configured
 * once by Configure; every resource call runs the same operations as dynamic mode.
 */
export function resourceProviderService(version: string, schema: string): grpc.UntypedServiceImplementation {
  let ctx: Context = providerContext({}, false);
  let explicit = false;
  // The engine says in Configure whether it takes secrets back; an engine that does not re-marks them itself.
  let acceptsSecrets = true;
  const marked = (ops: Operations) => (acceptsSecrets ? ops.spec.secrets : []);
  // For an error's properties: a type this plugin does not serve has none.
  const secretsOf = (type: string) => (acceptsSecrets ? (kinds.get(type)?.spec.secrets ?? []) : []);
  const named = (verb: string) => (req: { getType(): string }) => `${req.getType().replace(/^gitlab-sources:/, "")}: ${verb} failed`;

  return {
    getPluginInfo: serve(() => "GetPluginInfo", async () => new plugproto.PluginInfo().setVersion(version)),

    getSchema: serve(() => "GetSchema", async () => new provproto.GetSchemaResponse().setSchema(schema)),

    checkConfig: serve(
      () => "provider configuration: check failed",
      async (req: provproto.CheckRequest) => {
        explicit = !req.getName().startsWith("default");
        const news = fromStruct(req.getNews());
        return new provproto.CheckResponse().setInputs(toStruct(news, SECRET_SETTINGS)).setFailuresList(failureList(checkProviderInputs(news, explicit)));
      },
    ),

    diffConfig: serve(
      () => "provider configuration: diff failed",
      async (req: provproto.DiffRequest) => {
        const olds = providerInputs({ ...fromStruct(req.getOlds()), ...fromStruct(req.getOldInputs()) });
        const news = providerInputs(fromStruct(req.getNews()));
        const changed = SETTING_NAMES.filter((name) => containsUnknown(news[name]) || String(olds[name] ?? "") !== String(news[name] ?? ""));
        // Old settings of none of ours: a provider of another package (the dynamic provider, when a
        // stack moves to the plugin) or one set by environment alone. Nothing says the place changed.
        const comparable = Object.keys(olds).length > 0;
        const replaces = comparable ? changed.filter((name) => PLACE_SETTINGS.includes(name) && movesPlace(name, olds[name], news[name])) : [];
        return new provproto.DiffResponse()
          .setChanges(changed.length > 0 ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_NONE)
          .setDiffsList(changed)
          .setReplacesList(replaces);
      },
    ),

    configure: serve(
      () => "provider configuration failed",
      async (req: provproto.ConfigureRequest) => {
        const name = req.getName();
        if (name) explicit = !name.startsWith("default");
        ctx = providerContext(fromStruct(req.getArgs()), explicit);
        acceptsSecrets = req.getAcceptsecrets();
        return new provproto.ConfigureResponse().setAcceptsecrets(acceptsSecrets).setAcceptresources(false).setSupportspreview(false);
      },
    ),

    check: serve(
      named("check"),
      async (req: provproto.CheckRequest) => {
        const ops = kindOf(req.getType());
        const { news, failures: refused } = withReferences(ops, fromStruct(req.getNews()));
        // As dynamic mode: a name left out is the resource's name in the program.
        if (ops.spec.autoName && news[ops.spec.autoName] === undefined) news[ops.spec.autoName] = req.getName();
        const { inputs, failures } = await ops.check(ctx, fromStruct(req.getOlds()), news);
        return new provproto.CheckResponse().setInputs(toStruct(inputs, marked(ops))).setFailuresList(failureList([...refused, ...failures]));
      },
    ),

    diff: serve(
      named("diff"),
      async (req: provproto.DiffRequest) => {
        const ops = kindOf(req.getType());
        const olds = { ...fromStruct(req.getOlds()), ...fromStruct(req.getOldInputs()) };
        const { changes, replaces, deleteBeforeReplace, changed } = ops.diff(olds, fromStruct(req.getNews()));
        const response = new provproto.DiffResponse()
          .setChanges(changes ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_NONE)
          .setReplacesList(replaces)
          .setDiffsList(changed)
          .setDeletebeforereplace(deleteBeforeReplace)
          .setHasdetaileddiff(changed.length > 0 || !changes);
        for (const key of changed) {
          response.getDetaileddiffMap().set(key, new provproto.PropertyDiff().setKind(replaces.includes(key) ? Kind.UPDATE_REPLACE : Kind.UPDATE).setInputdiff(true));
        }
        return response;
      },
    ),

    create: serve(
      named("create"),
      async (req: provproto.CreateRequest) => {
        const ops = kindOf(req.getType());
        const { id, outs } = await ops.create(ctx, fromStruct(req.getProperties()));
        return new provproto.CreateResponse().setId(id).setProperties(toStruct(outs, marked(ops)));
      },
      (req) => secretsOf(req.getType()),
    ),

    read: serve(
      named("read"),
      async (req: provproto.ReadRequest) => {
        const ops = kindOf(req.getType());
        const props = fromStruct(req.getProperties());
        const importing = Object.keys(props).length === 0 && Object.keys(fromStruct(req.getInputs())).length === 0;
        const { id, props: state, inputs } = await ops.read(ctx, req.getId(), props, importing);
        const response = new provproto.ReadResponse().setId(id);
        if (id === "") return response;
        return response.setProperties(toStruct(state, marked(ops))).setInputs(toStruct(inputs ?? {}, marked(ops)));
      },
    ),

    update: serve(
      named("update"),
      async (req: provproto.UpdateRequest) => {
        const ops = kindOf(req.getType());
        const { outs } = await ops.update(ctx, req.getId(), fromStruct(req.getOlds()), fromStruct(req.getNews()));
        return new provproto.UpdateResponse().setProperties(toStruct(outs, marked(ops)));
      },
      (req) => secretsOf(req.getType()),
    ),

    delete: serve(
      named("delete"),
      async (req: provproto.DeleteRequest) => {
        const ops = kindOf(req.getType());
        await ops.delete(ctx, req.getId(), fromStruct(req.getProperties()));
        return new emptyproto.Empty();
      },
    ),

    cancel: serve(() => "Cancel", async () => new emptyproto.Empty()),
  };
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
