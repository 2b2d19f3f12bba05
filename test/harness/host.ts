import { ChildProcess, spawn } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import * as provider from "@pulumi/pulumi/proto/provider_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import type { Props } from "./protocol";

/** The engine's stand-in for a value not known at preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure { property: string; reason: string }
export interface DiffResult { changes: "some" | "none" | "unknown"; replaces: string[]; deleteBeforeReplace: boolean }
export interface ReadResult { id: string; properties: Props; inputs?: Props }

/** A failed provider call. `partial` is set when the resource exists but failed to initialise (ErrorResourceInitFailed). */
export class HostCallError extends Error {
  constructor(readonly method: string, message: string, readonly partial?: { id: string; properties: Props; reasons: string[] }) {
    super(message);
  }
}

/**
 * The dynamic provider host of `@pulumi/pulumi` (what `pulumi-resource-pulumi-nodejs` runs),
 * started as a child process and driven over its gRPC interface exactly as the engine does.
 */
export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
    /** Everything the host wrote, for assertions such as "no secret in the output". */
    readonly stdout: string[],
    readonly stderr: string[],
  ) {}

  static async start(opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ProviderHost> {
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js", { paths: [opts.cwd] });
    const child = spawn(process.execPath, [entry, "127.0.0.1:1"], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: string[] = [];
    const stderr: string[] = [];
    child.stderr!.setEncoding("utf8").on("data", (d: string) => stderr.push(d));
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout!.setEncoding("utf8").on("data", (d: string) => {
        stdout.push(d);
        const text = stdout.join("");
        if (text.includes("\n")) resolve(text.split("\n")[0].trim());
      });
      child.once("exit", (code) => reject(new Error(`provider host exited (${code}) before printing its port: ${stderr.join("")}`)));
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, client, stdout, stderr);
  }

  /** Peak resident memory of the host, in bytes (Linux). */
  peakRssBytes(): number {
    try {
      const status = require("node:fs").readFileSync(`/proc/${this.child.pid}/status`, "utf8") as string;
      const kb = /VmHWM:\s+(\d+)/.exec(status);
      return kb ? Number(kb[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  }

  async configure(config: Record<string, string>): Promise<void> {
    const req = new provider.ConfigureRequest();
    req.setArgs(Struct.fromJavaScript(config as never));
    for (const [k, v] of Object.entries(config)) req.getVariablesMap().set(k, v);
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    await this.call("configure", req);
  }

  async check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
    const req = new provider.CheckRequest();
    req.setUrn(urn);
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    const resp = await this.call<provider.CheckResponse>("check", req);
    return {
      inputs: resp.getInputs()?.toJavaScript() ?? {},
      failures: resp.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(urn: string, id: string, olds: Props, news: Props, oldInputs: Props): Promise<DiffResult> {
    const req = new provider.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    req.setOldInputs(struct(oldInputs));
    const resp = await this.call<provider.DiffResponse>("diff", req);
    const changes = resp.getChanges();
    return {
      changes:
        changes === provider.DiffResponse.DiffChanges.DIFF_SOME ? "some"
        : changes === provider.DiffResponse.DiffChanges.DIFF_NONE ? "none" : "unknown",
      replaces: resp.getReplacesList(),
      deleteBeforeReplace: resp.getDeletebeforereplace(),
    };
  }

  async create(urn: string, properties: Props): Promise<{ id: string; properties: Props }> {
    const req = new provider.CreateRequest();
    req.setUrn(urn);
    req.setProperties(struct(properties));
    const resp = await this.call<provider.CreateResponse>("create", req);
    return { id: resp.getId(), properties: resp.getProperties()?.toJavaScript() ?? {} };
  }

  async read(urn: string, id: string, properties: Props, inputs: Props): Promise<ReadResult> {
    const req = new provider.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(struct(properties));
    req.setInputs(struct(inputs));
    const resp = await this.call<provider.ReadResponse>("read", req);
    return {
      id: resp.getId(),
      properties: resp.getProperties()?.toJavaScript() ?? {},
      inputs: resp.getInputs()?.toJavaScript(),
    };
  }

  async update(urn: string, id: string, olds: Props, news: Props, oldInputs: Props): Promise<Props> {
    const req = new provider.UpdateRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    req.setOldInputs(struct(oldInputs));
    const resp = await this.call<provider.UpdateResponse>("update", req);
    return resp.getProperties()?.toJavaScript() ?? {};
  }

  async delete(urn: string, id: string, properties: Props, oldInputs: Props): Promise<void> {
    const req = new provider.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(struct(properties));
    req.setOldInputs(struct(oldInputs));
    await this.call("delete", req);
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }

  private call<T>(method: string, req: unknown): Promise<T> {
    const fn = (this.client as unknown as Record<string, Function>)[method].bind(this.client);
    return new Promise<T>((resolve, reject) =>
      fn(req, (err: grpc.ServiceError | null, resp: T) => (err ? reject(toHostCallError(method, err)) : resolve(resp))),
    );
  }
}

function struct(props: Props): Struct {
  return Struct.fromJavaScript(props as never);
}

/** Unpacks an error as the engine does, including ErrorResourceInitFailed (created, then failed). */
function toHostCallError(method: string, err: grpc.ServiceError): HostCallError {
  const details = err.metadata?.get("grpc-status-details-bin")?.[0];
  if (details instanceof Buffer) {
    const status = Status.deserializeBinary(new Uint8Array(details));
    for (const any of status.getDetailsList() as Any[]) {
      if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
      const failed = provider.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
      return new HostCallError(method, err.details, {
        id: failed.getId(),
        properties: failed.getProperties()?.toJavaScript() ?? {},
        reasons: failed.getReasonsList(),
      });
    }
  }
  return new HostCallError(method, err.details ?? err.message);
}
