import * as http from "node:http";
import * as https from "node:https";
import * as zlib from "node:zlib";
import { ProviderError } from "../core/errors";
import { warnOnce } from "../core/log";
import { Limiter } from "../core/limiter";
import { backoffDelay, RetryPolicy, defaultRetryPolicy, retryAfterMs } from "./retry";
import { describeNetworkError, NetworkError } from "./network";
import { proxyAuthorization, proxyFor, TunnelingAgent } from "./proxy";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

/**
 * Requests in flight per API host unless `<ns>:maxConcurrency` says otherwise. The engine's
 * own parallelism is unbounded by default, so this cap is what paces a large stack: at 8, an
 * engine running 16 operations at once left half of them waiting on it.
 */
export const DEFAULT_MAX_CONCURRENT = 16;

const USER_AGENT = "pulumi-gitlab-sources";

export interface ClientOptions {
  /** The API's name in messages: "Torque", "EnOS", "GitLab". */
  api: string;
  /** Any URL of the host; only its origin is used. */
  url: string;
  timeoutMs?: number;
  maxConcurrent?: number;
  /** PEM certificates trusted in addition to the system's (self-signed servers). */
  caBundle?: string;
  /** Where the user sets caBundle, named in TLS failures (e.g. "torque:caBundle"). */
  caSetting?: string;
  retry?: Partial<RetryPolicy>;
}

export interface Request {
  method: Method;
  /** Absolute path on the host, already encoded. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent byte for byte (signatures are computed over it). */
  body?: string;
  /** Whether repeating the request is safe; default: every method but POST. */
  idempotent?: boolean;
}

export interface Response {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Network-level failure after any retries. `ambiguous`: the server may have applied the request. */
export class TransportError extends ProviderError {}

/**
 * One client per API host: keep-alive connections, a timeout, a cap on concurrent requests,
 * and bounded retries with backoff for failures that are safe to repeat. Any HTTP status is
 * returned to the caller, who knows what it means for its API.
 */
export class HttpClient {
  readonly origin: string;
  readonly host: string;
  private readonly url: URL;
  /** Plain http to a host other than loopback: credentials could be read on the way. */
  private readonly plainRemote: boolean;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;
  /** Set for http through a proxy: requests go to the proxy in absolute form. */
  private readonly httpProxy?: URL;
  private readonly limiter: Limiter;
  private readonly retry: RetryPolicy;

  constructor(readonly options: ClientOptions) {
    const url = new URL(options.url);
    this.url = url;
    this.origin = url.origin;
    this.host = url.host;
    this.plainRemote = url.protocol === "http:" && !isLoopback(url.hostname);
    const maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
    const agentOptions = { keepAlive: true, maxSockets: maxConcurrent, ca: caWithSystemRoots(options.caBundle) };
    const proxy = proxyFor(url);
    const secure = url.protocol === "https:";
    this.transport = secure ? https : http;
    this.agent = secure ? (proxy ? new TunnelingAgent(proxy, agentOptions) : new https.Agent(agentOptions)) : new http.Agent(agentOptions);
    if (proxy && !secure) this.httpProxy = proxy;
    this.limiter = new Limiter(maxConcurrent);
    this.retry = { ...defaultRetryPolicy, ...options.retry };
  }

  async request(req: Request): Promise<Response> {
    const idempotent = req.idempotent ?? req.method !== "POST";
    this.warnOnPlainHttp(req);
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.limiter.run(() => this.attempt(req));
      const retryIn = this.retryDelay(outcome, idempotent, attempt, started);
      if (retryIn === undefined) {
        if (outcome instanceof NetworkError) {
          throw new TransportError(describeNetworkError(this.options, this.host, req, outcome), { ambiguous: !idempotent && outcome.sent });
        }
        return outcome;
      }
      await new Promise((resolve) => setTimeout(resolve, retryIn));
    }
  }

  private attempt(req: Request): Promise<Response | NetworkError> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const path = req.path + (req.query ? `?${new URLSearchParams(req.query)}` : "");
    const headers: Record<string, string> = { "User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", ...req.headers };
    if (req.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(req.body));
    const proxy = this.httpProxy;
    const target: http.RequestOptions = proxy
      ? { host: proxy.hostname, port: Number(proxy.port || 80), path: this.origin + path, headers: { ...headers, Host: this.host, ...proxyAuthorization(proxy) } }
      : { host: this.url.hostname.replace(/^\[|\]$/g, ""), port: this.url.port || undefined, path, headers };
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: Response | NetworkError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const fail = (err: { code?: string }) => settle(NetworkError.from(err, timeoutMs));
      const request = this.transport.request({ ...target, method: req.method, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        const body = decoded(res);
        body.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.once("error", fail); // the connection closed before the whole body came: a decoder would wait for more
        body.once("error", fail); // a corrupt compressed body
        body.once("end", () => settle({ status: res.statusCode ?? 0, headers: flattenHeaders(res.headers), body: Buffer.concat(chunks).toString("utf8") }));
      });
      const timer = setTimeout(() => {
        fail({ code: "ETIMEDOUT" }); // first: the errors destroy() causes come later
        request.destroy();
      }, timeoutMs);
      request.once("error", fail);
      request.end(req.body);
    });
  }

  /** Milliseconds to wait before the next attempt, or undefined to stop here. */
  private retryDelay(outcome: Response | NetworkError, idempotent: boolean, attempt: number, started: number): number | undefined {
    if (attempt + 1 >= this.retry.maxAttempts) return undefined;
    let delay: number | undefined;
    if (outcome instanceof NetworkError) {
      if (outcome.retryable && (idempotent || !outcome.sent)) delay = backoffDelay(this.retry, attempt);
    } else if (outcome.status === 429) {
      delay = retryAfterMs(outcome.headers["retry-after"], this.retry) ?? backoffDelay(this.retry, attempt);
    } else if (idempotent && [502, 503, 504].includes(outcome.status)) {
      delay = retryAfterMs(outcome.headers["retry-after"], this.retry) ?? backoffDelay(this.retry, attempt);
    }
    if (delay === undefined || Date.now() - started + delay > this.retry.totalMs) return undefined;
    return delay;
  }

  private warnOnPlainHttp(req: Request): void {
    if (!this.plainRemote) return;
    const carriesCredentials = Object.keys(req.headers ?? {}).some((h) => /authorization|token|signature/i.test(h));
    if (carriesCredentials) {
      warnOnce(`plain-http:${this.host}`, `${this.options.api} credentials are sent over plain http to ${this.host}; use https so they cannot be read on the network.`);
    }
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || hostname === "[::1]" || hostname.startsWith("127.");
}

function caWithSystemRoots(bundle: string | undefined): string[] | undefined {
  if (!bundle) return undefined;
  return [...require("node:tls").rootCertificates, bundle];
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

/** The body stream, decompressed when the server compressed it. */
function decoded(res: http.IncomingMessage): NodeJS.ReadableStream {
  const encoding = res.headers["content-encoding"];
  if (encoding === "gzip") return res.pipe(zlib.createGunzip());
  if (encoding === "deflate") return res.pipe(zlib.createInflate());
  return res;
}

const clients = new Map<string, HttpClient>();

/** The shared client for an API host and option set: connections and the concurrency cap are per host. */
export function clientFor(options: ClientOptions): HttpClient {
  const key = JSON.stringify([options.api, new URL(options.url).origin, options.timeoutMs, options.maxConcurrent, options.caBundle, options.retry]);
  let client = clients.get(key);
  if (!client) {
    client = new HttpClient(options);
    clients.set(key, client);
  }
  return client;
}
