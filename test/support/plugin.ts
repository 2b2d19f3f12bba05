import type * as grpc from "@grpc/grpc-js";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { resourceProviderService } from "../../provider/plugin/server";
import { toStruct } from "../../provider/plugin/wire";

export type Service = grpc.UntypedServiceImplementation;
type Props = Record<string, unknown>;

/** One call of the plugin's service as the engine makes it: the answer, or the gRPC error. */
export function call<Res>(service: Service, method: string, request: unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    (service[method] as (call: unknown, callback: grpc.sendUnaryData<Res>) => void)({ request }, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

export const urn = (type: string, name: string) => `urn:pulumi:dev::p::${type}::${name}`;

/** A plugin process as the engine configures its default provider (`name` default_...) or an explicit one: CheckConfig, then Configure. */
export async function configuredPlugin(args: Props, name = "default_0_1_0"): Promise<Service> {
  const service = resourceProviderService("0.1.0", "{}");
  const providerUrn = `urn:pulumi:dev::p::pulumi:providers:gitlab-sources::${name}`;
  await call(service, "checkConfig", new provproto.CheckRequest().setUrn(providerUrn).setName(name).setNews(toStruct(args)));
  await call(service, "configure", new provproto.ConfigureRequest().setArgs(toStruct(args)).setUrn(providerUrn).setName(name).setAcceptsecrets(true));
  return service;
}

/** Check as the engine sends it: the answer, failures included. */
export function checkRequest(service: Service, type: string, name: string, news: Props, olds: Props = {}): Promise<provproto.CheckResponse> {
  const request = new provproto.CheckRequest().setType(type).setName(name).setUrn(urn(type, name)).setOlds(toStruct(olds)).setNews(toStruct(news));
  return call<provproto.CheckResponse>(service, "check", request);
}

/** Create as the engine sends it, at preview or for real. */
export function createRequest(service: Service, type: string, name: string, inputs: structproto.Struct, preview: boolean): Promise<provproto.CreateResponse> {
  return call<provproto.CreateResponse>(service, "create", new provproto.CreateRequest().setType(type).setUrn(urn(type, name)).setProperties(inputs).setPreview(preview));
}

/** Update as the engine sends it: old state and old inputs, the checked new inputs. */
export function updateRequest(service: Service, type: string, name: string, old: { id: string; state: Props; inputs: Props }, news: structproto.Struct, preview: boolean) {
  const request = new provproto.UpdateRequest().setType(type).setUrn(urn(type, name)).setId(old.id).setOlds(toStruct(old.state)).setOldInputs(toStruct(old.inputs)).setNews(news).setPreview(preview);
  return call<provproto.UpdateResponse>(service, "update", request);
}
