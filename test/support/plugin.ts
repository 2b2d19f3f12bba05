/**
 * The plugin's ResourceProvider service called in this process with the requests the engine
 * sends: one call, a configured plugin process, Check, and a resource's steps (create, replace,
 * delete) in the order the engine takes them.
 */
import type * as grpc from "@grpc/grpc-js";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { resourceProviderService } from "../../provider/plugin/server";
import { fromStruct, toStruct } from "../../provider/plugin/wire";
import type { DemoValues, Sandbox } from "../sandbox";

export type Service = grpc.UntypedServiceImplementation;
type Props = Record<string, unknown>;

/** The marker of a secret on the wire. */
export const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

/** One call as the engine makes it: the answer, or the gRPC error. */
export function call<Res>(service: Service, method: string, request: unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    (service[method] as (call: unknown, callback: grpc.sendUnaryData<Res>) => void)({ request }, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

/** What the engine stores: secrets still marked. */
export const raw = (struct: structproto.Struct | undefined) => struct?.toJavaScript() ?? {};

export const providerUrn = (name: string) => `urn:pulumi:dev::p::pulumi:providers:gitlab-sources::${name}`;

/** The plugin's settings for the sandbox's Torque account and EnOS organization. */
export function sandboxSettings({ sandbox, demo }: { sandbox: Sandbox; demo: DemoValues }, over: Props = {}): Props {
  const { torque, enos } = sandbox;
  return { torqueUrl: torque.url, torqueToken: demo.torqueToken, enosApiGateway: enos.url, enosOrgId: demo.enosOrgId, enosAppKey: demo.enosAppKey, enosAppSecret: demo.enosAppSecret, ...over };
}

/** A plugin process configured as the default provider (stack config) or an explicit one (its inputs). */
export async function configured(args: Props, name = "default_0_1_0", acceptSecrets = true): Promise<Service> {
  const service = resourceProviderService("0.1.0", "{}");
  const urn = providerUrn(name);
  await call(service, "checkConfig", new provproto.CheckRequest().setUrn(urn).setName(name).setNews(toStruct(args)));
  await call(service, "configure", new provproto.ConfigureRequest().setArgs(toStruct(args)).setName(name).setUrn(urn).setAcceptsecrets(acceptSecrets));
  return service;
}

export const urn = (type: string, name: string) => `urn:pulumi:dev::p::${type}::${name}`;

export function check(service: Service, news: Props, olds: Props = {}, type: string, name = "gl") {
  return call<provproto.CheckResponse>(service, "check", new provproto.CheckRequest().setType(type).setName(name).setUrn(urn(type, name)).setNews(toStruct(news)).setOlds(toStruct(olds)));
}

/** Create as the engine sends it, at preview or for real. */
export function createRequest(service: Service, type: string, name: string, inputs: Props, preview = false): Promise<provproto.CreateResponse> {
  return call<provproto.CreateResponse>(service, "create", new provproto.CreateRequest().setType(type).setUrn(urn(type, name)).setProperties(toStruct(inputs)).setPreview(preview));
}

/** Update as the engine sends it: old state and old inputs, the checked new inputs. */
export function updateRequest(service: Service, type: string, name: string, old: { id: string; state: Props; inputs: Props }, news: Props, preview = false) {
  const request = new provproto.UpdateRequest().setType(type).setUrn(urn(type, name)).setId(old.id).setOlds(toStruct(old.state)).setOldInputs(toStruct(old.inputs));
  return call<provproto.UpdateResponse>(service, "update", request.setNews(toStruct(news)).setPreview(preview));
}

/** A resource as the engine holds it: its id, the inputs Check returned and the outputs Create (or Update) returned. */
export interface Held {
  type: string;
  name: string;
  id: string;
  inputs: Props;
  outputs: Props;
}

/** Check, failing on any check failure: the inputs as the engine stores them. */
export async function checked(service: Service, type: string, name: string, news: Props, olds: Props = {}): Promise<Props> {
  const answer = await check(service, news, olds, type, name);
  const failures = answer.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`);
  if (failures.length > 0) throw new Error(`check of ${name} failed: ${failures.join("; ")}`);
  return fromStruct(answer.getInputs());
}

/** Check and Create of a new resource. */
export async function created(service: Service, type: string, name: string, news: Props): Promise<Held> {
  const inputs = await checked(service, type, name, news);
  const answer = await createRequest(service, type, name, inputs);
  return { type, name, id: answer.getId(), inputs, outputs: fromStruct(answer.getProperties()) };
}

export async function diffed(service: Service, held: Held, news: Props) {
  const request = new provproto.DiffRequest().setType(held.type).setUrn(urn(held.type, held.name)).setId(held.id);
  const answer = await call<provproto.DiffResponse>(service, "diff", request.setOlds(toStruct(held.outputs)).setOldInputs(toStruct(held.inputs)).setNews(toStruct(news)));
  const detailed: Record<string, string> = {};
  answer.getDetaileddiffMap().forEach((d, key) => void (detailed[key] = kindName(d.getKind())));
  return {
    changes: answer.getChanges(),
    replaces: answer.getReplacesList(),
    deleteBeforeReplace: answer.getDeletebeforereplace(),
    /** The detailed diff: each changed key with its kind's name (UPDATE, UPDATE_REPLACE, ...). */
    detailed,
  };
}

export async function deleted(service: Service, held: Held): Promise<void> {
  const request = new provproto.DeleteRequest().setType(held.type).setUrn(urn(held.type, held.name)).setId(held.id);
  await call(service, "delete", request.setProperties(toStruct(held.outputs)).setOldInputs(toStruct(held.inputs)));
}

/**
 * A replacement as the engine steps through it, once Diff of `inputs` (checked against the old
 * inputs) said replace: the old object deleted before the new one is created when Diff asked
 * for that, else the new one created first and the old one deleted after.
 */
export async function replaced(service: Service, held: Held, inputs: Props, deleteBeforeReplace: boolean): Promise<Held> {
  const create = async () => {
    const answer = await createRequest(service, held.type, held.name, inputs);
    return { ...held, id: answer.getId(), inputs, outputs: fromStruct(answer.getProperties()) };
  };
  if (deleteBeforeReplace) {
    await deleted(service, held);
    return create();
  }
  const now = await create();
  await deleted(service, held);
  return now;
}

function kindName(kind: number): string {
  return Object.entries(provproto.PropertyDiff.Kind).find(([, value]) => value === kind)?.[0] ?? String(kind);
}
