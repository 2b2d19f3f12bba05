#!/usr/bin/env node
/**
 * `pulumi-resource-gitlab-sources`: the provider plugin. The engine starts it with its own
 * address as the argument, reads the port from the first line of stdout, and talks to it
 * over gRPC; messages go back to the engine's log.
 */
import * as grpc from "@grpc/grpc-js";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import { setLogSink } from "../core/log";
import { resourceProviderService } from "./server";

// Required, not read from disk: the release bundle carries both inside its one file.
const { version } = require("../../package.json") as { version: string };
const schema = JSON.stringify(require("../../schema.json"));

// A provider must never die of one request: what escapes is logged, the process goes on.
process.on("uncaughtException", (err) => console.error(`pulumi-resource-gitlab-sources: ${err instanceof Error ? err.message : String(err)}`));
process.on("unhandledRejection", (err) => console.error(`pulumi-resource-gitlab-sources: ${err instanceof Error ? err.message : String(err)}`));

/** Messages go to the engine's log, attached to the resource the request is about. */
function logTo(engineAddress: string): void {
  const engine = new engrpc.EngineClient(engineAddress, grpc.credentials.createInsecure());
  const severity = { info: engproto.LogSeverity.INFO, warn: engproto.LogSeverity.WARNING };
  setLogSink((level, message, urn) => engine.log(new engproto.LogRequest().setSeverity(severity[level]).setMessage(message).setUrn(urn ?? ""), () => undefined));
}

/**
 * Started by the engine, with its address; or by hand, for a debugger, and then attached
 * (`PULUMI_DEBUG_PROVIDERS=gitlab-sources:<port>`): the engine sends its address in Attach.
 */
async function main(engineAddress: string | undefined): Promise<void> {
  if (engineAddress) logTo(engineAddress);
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(provrpc.ResourceProviderService, resourceProviderService(version, schema, logTo));
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  process.stdout.write(`${port}\n`);
}

main(process.argv.slice(2).find((arg) => !arg.startsWith("-"))).catch((err: unknown) => {
  console.error(`pulumi-resource-gitlab-sources: could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
