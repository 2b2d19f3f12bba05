import * as http from "node:http";
import * as https from "node:https";
import axios, { AxiosError, AxiosInstance } from "axios";
import { ProviderError } from "../core/errors";
import { warnOnce } from "../core/log";
import { Limiter } from "../core/limiter";
import { backoffDelay, RetryPolicy, defaultRetryPolicy, retryAfterMs } from "./retry";
import { describeNetworkError, NetworkError } from "./network";
import { httpProxyConfig, proxyFor, TunnelingAgent } from "./proxy";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

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
  /** Plain http to a host other than loopback: credentials could be read on the way. */
  private readonly plainRemote: boolean;
  private readonly axios: AxiosInstance;
  private readonly limiter: Limiter;
  private readonly retry: RetryPolicy;

  constructor(readonly options: ClientOptions) {
    const url = new URL(options.url);
    this.origin = url.origin;
    this.host = url.host;
    this.plainRemote = url.protocol === "http:" && !isLoopback(url.hostname);
    const agentOptions = { keepAlive: true, maxSockets: options.maxConcurrent ?? 8, ca: caWithSystemRoots(options.caBundle) };
    const proxy = proxyFor(url);
    this.axios = axios.create({
      baseURL: this.origin,
      timeout: options.timeoutMs ?? 30_000,
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: proxy ? new TunnelingAgent(proxy, agentOptions) : new https.Agent(agentOptions),
      // Environment proxies are applied here, not by axios (which does not tunnel https).
      proxy: proxy && url.protocol === "http:" ? httpProxyConfig(proxy) : false,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: "text",
      transformRequest: [(data) => data],
      transformResponse: [(data) => data],
    });
    this.limiter = new Limiter(options.maxConcurrent ?? 8);
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

  private async attempt(req: Request): Promise<Response | NetworkError> {
    try {
      const res = await this.axios.request<string>({
        method: req.method,
        url: req.path,
        params: req.query,
        headers: req.headers,
        data: req.body,
      });
      return { status: res.status, headers: flattenHeaders(res.headers), body: res.data ?? "" };
    } catch (err) {
      return NetworkError.from(err as AxiosError, this.options.timeoutMs ?? 30_000);
    }
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

function flattenHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
    if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  return out;
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
