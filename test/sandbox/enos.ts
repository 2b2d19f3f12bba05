import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import { EnosTokens, SignatureGuard, apiSignature, isExpired, type EnosApp, type TokenServiceAnswer } from "./enos-auth";
import { DataSources, type BusinessResult, type DataSourceRecord, type DataSourceSeed } from "./enos-data-sources";
import { loopbackFetch, probeGitLab, type GitLabFetch, type TestResult } from "./enos-probe";
import type { RateLimitFault, StatusFault } from "./faults";
import { jsonResponse, matchRoute, type Route, type SandboxRequest, type SandboxResponse } from "./handler-kit";
import { SandboxServer } from "./server";

export type { DataSourceRecord, DataSourceSeed, EnosApp, GitLabFetch, TestResult };

export interface EnosOptions {
  port?: number;
  /** Data Source Registration service prefix; default "/data-source-registration/v2.0". */
  servicePath?: string;
  /** How EnOS reaches GitLab for the `test` action; default: fetch limited to loopback hosts. */
  gitlabFetch?: GitLabFetch;
}

type Handler = (request: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

const TOKEN_SERVICE = "/apim-token-service/v2.0/token";
const SIGNED_HEADERS = ["apim-accesstoken", "apim-timestamp", "apim-signature"];

export class EnosServer extends SandboxServer {
  /** When set, the `test` action answers this instead of connecting to GitLab. */
  testOverride?: TestResult;
  /** Hosts ("host" or "host:port") EnOS cannot reach: `test` fails for them without trying. */
  readonly unreachableHosts = new Set<string>();
  private readonly tokens = new EnosTokens();
  private readonly signatures = new SignatureGuard();
  private readonly sources = new DataSources((gitUrl, token) => this.testConnection(gitUrl, token));
  private readonly routes: Route<Handler>[];

  constructor(
    servicePath: string,
    private readonly gitlabFetch: GitLabFetch,
  ) {
    super();
    const post = (path: string, handler: Handler): Route<Handler> => ({
      method: "POST",
      pattern: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`), // the path literally
      handler,
    });
    this.routes = [
      post(`${TOKEN_SERVICE}/get`, (request) => tokenAnswer(this.tokens.get(request.body))),
      post(`${TOKEN_SERVICE}/refresh`, (request) => tokenAnswer(this.tokens.refresh(request.body))),
      post(`${servicePath}/data-sources`, (request) => this.service(request)),
    ];
  }

  get tokenLifetimeSeconds(): number {
    return this.tokens.lifetimeSeconds;
  }

  set tokenLifetimeSeconds(seconds: number) {
    this.tokens.lifetimeSeconds = seconds;
  }

  get tokensIssued(): number {
    return this.tokens.issuedCount;
  }

  addApp(app: EnosApp): void {
    this.tokens.apps.set(app.appKey, app);
  }

  /** Every token issued so far is expired from now on. */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  /** `search` answers what it held `reads` searches ago (`get` stays exact). */
  lagSearch(reads: number): void {
    this.sources.lag.reads = reads;
  }

  /** Pages after the first skip the entry at their start, as under a concurrent delete. */
  shiftSearchPages(on: boolean): void {
    this.sources.shiftPages = on;
  }

  dataSources(): DataSourceRecord[] {
    return [...this.sources.records.values()].map((record) => ({ ...record }));
  }

  seedDataSource(record: DataSourceSeed): DataSourceRecord {
    return this.sources.seed(record);
  }

  editDataSource(id: string, patch: Partial<Omit<DataSourceRecord, "dataSourceId">>): DataSourceRecord {
    return this.sources.edit(id, patch);
  }

  removeDataSource(id: string): void {
    this.sources.remove(id);
  }

  protected handle(request: SandboxRequest): SandboxResponse | Promise<SandboxResponse> {
    const match = matchRoute(this.routes, request.method, request.path);
    if ("miss" in match) return refusal(match.miss, match.miss, STATUS_CODES[match.miss] ?? "");
    return match.handler(request);
  }

  protected faultResponse(fault: StatusFault | RateLimitFault): SandboxResponse {
    const status = fault.kind === "rateLimit" ? 429 : fault.status;
    const answer = refusal(status, status, STATUS_CODES[status] ?? "Error");
    if (fault.kind === "rateLimit") answer.headers = { ...answer.headers, "Retry-After": String(fault.retryAfter) };
    return answer;
  }

  private async service(request: SandboxRequest): Promise<SandboxResponse> {
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return typeof value === "string" && value !== "" ? value : undefined;
    };
    const missing = SIGNED_HEADERS.find((name) => header(name) === undefined);
    if (missing) return refusal(401, 401, `Missing header ${missing}`);
    const [accessToken, timestamp, signature] = SIGNED_HEADERS.map((name) => header(name) as string);
    const token = this.tokens.find(accessToken);
    if (!token) return refusal(401, 401, "Invalid access token (apim-accesstoken)");
    if (isExpired(token)) return refusal(200, 1203, "Access token expired");
    const { app } = token;
    if (signature !== apiSignature(accessToken, request.query, request.body, timestamp, app.appSecret)) {
      return refusal(401, 401, "Invalid signature (apim-signature)");
    }
    const refused = this.signatures.refusal(timestamp, signature);
    if (refused) return refusal(401, 401, refused);
    const contentType = (header("content-type") ?? "").replace(/\s/g, "").toLowerCase();
    if (contentType !== "application/json;charset=utf-8") {
      return refusal(200, 40001, "Invalid parameter: Content-Type must be application/json;charset=UTF-8");
    }
    const orgId = request.query.get("orgId");
    if (!orgId) return refusal(200, 40001, "Invalid parameter: orgId is required");
    if (orgId !== app.orgId) return refusal(403, 403, `The application may not access organization ${orgId} (orgId)`);
    const caller = { orgId, createBy: `app:${app.appKey}` };
    return envelope(200, await this.sources.run(request.query, request.body, caller));
  }

  private testConnection(gitUrl: string, token: string): Promise<TestResult> {
    if (this.testOverride) return Promise.resolve(this.testOverride);
    const options = { fetch: this.gitlabFetch, unreachableHosts: this.unreachableHosts, signal: this.closing.signal };
    return probeGitLab(gitUrl, token, options);
  }
}

export function startEnos(options: EnosOptions = {}): Promise<EnosServer> {
  const servicePath = (options.servicePath ?? "/data-source-registration/v2.0").replace(/\/+$/, "");
  return new EnosServer(servicePath, options.gitlabFetch ?? loopbackFetch()).listen(options.port);
}

/** A service answer: `{"code","msg","requestId","data"}`, plus `pagination` on search. */
function envelope(status: number, { code, msg, data, pagination }: BusinessResult): SandboxResponse {
  const body = { code, msg, requestId: randomUUID(), data };
  return jsonResponse(status, pagination ? { ...body, pagination } : body);
}

function refusal(status: number, code: number, msg: string): SandboxResponse {
  return envelope(status, { code, msg, data: null });
}

function tokenAnswer({ status, msg, data }: TokenServiceAnswer): SandboxResponse {
  return jsonResponse(200, { status, msg, business: "apim-token-service", data });
}
