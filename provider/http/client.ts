import { AxiosHeaders, GenericAbortSignal, getAdapter, InternalAxiosRequestConfig } from "axios";
import { currentCall, pause, stopReason, Stopped, timeLeftMs } from "../core/call";
import { ProviderError } from "../core/errors";
import { warnOnce } from "../core/log";
import { Limiter } from "../core/limiter";
import { backoffDelay, RetryPolicy, defaultRetryPolicy, retryAfterMs } from "./retry";
import { describeNetworkError, NetworkError } from "./network";
import { connectionsFor, tunnelRefused } from "./proxy";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** Requests in flight per API host for a client given no cap; the providers' defaults are their settings' (core/context.ts). */
export const DEFAULT_MAX_CONCURRENT = 16;

/** Largest answer read, after decompression, unless `<ns>:maxResponseMegabytes` says otherwise. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 2 ** 20;

const USER_AGENT = "pulumi-gitlab-sources";

/**
 * axios's http adapter (what `axios.request` ends in), given each request's whole config:
 * the request machinery in front of it (a merge of defaults into every config, option
 * validation, interceptors, data transforms, headers rebuilt twice) did nothing this client
 * uses and cost about 70 µs of CPU and 16 KB per request, which a large stack pays thousands
 * of times in one provider process (see bench/README.md).
 */
const send = getAdapter("http");
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

export interface ClientOptions {
  /** The API's name in messages: "Torque", "EnOS", "GitLab". */
  api: string;
  /** Any URL of the host; only its origin is used. */
  url: string;
  timeoutMs?: number;
  maxConcurrent?: number;
  maxResponseBytes?: number;
  /** PEM certificates trusted in addition to the system's (self-signed servers). */
  caBundle?: string;
  /** Where the user sets caBundle, named in TLS failures (e.g. "torque:caBundle"). */
  caSetting?: string;
  /** The credential the client sends, as messages name it (a setting such as `gitlab-sources:torqueToken`, or a property). */
  credential?: string;
  retry?: Partial<RetryPolicy>;
}

export interface Request {
  method: Method;
  /** Absolute path on the host, already encoded. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Headers made afresh for each attempt (a signature over the time of sending, which a gateway refuses to see twice). */
  signed?: () => Record<string, string>;
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
 * One client per API host, on axios: keep-alive connections, one deadline for the whole
 * answer, a size cap on it, a cap on concurrent requests, bounded retries with backoff for
 * failures that are safe to repeat, and redirects followed only within the origin. Any
 * other HTTP status is returned to the caller, who knows what it means for its API.
 */
export class HttpClient {
  readonly origin: string;
  readonly host: string;
  /** Plain http to a host other than loopback: credentials could be read on the way. */
  private readonly plainRemote: boolean;
  /** Everything axios needs to know of this client, the same for every request. */
  private readonly config: Omit<InternalAxiosRequestConfig, "headers">;
  private readonly limiter: Limiter;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(readonly options: ClientOptions) {
    const url = new URL(options.url);
    this.origin = url.origin;
    this.host = url.host;
    this.plainRemote = url.protocol === "http:" && !isLoopback(url.hostname);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
    this.config = {
      baseURL: this.origin,
      // Stryker disable next-line BooleanLiteral: a guard; every path sent starts with "/" (the callers' and a redirect's pathname), so axios never meets an absolute URL.
      allowAbsoluteUrls: false,
      ...connectionsFor(url, { keepAlive: true, keepAliveMsecs: 60_000, maxSockets: maxConcurrent, ca: caWithSystemRoots(options.caBundle) }),
      maxRedirects: 0, // followed here, within the origin only: node's own request, not follow-redirects
      maxContentLength: this.maxResponseBytes, // counted after decompression
      // Stryker disable next-line StringLiteral: axios's http adapter decodes any responseType but "arraybuffer" and "stream" to text; "text" says what is meant.
      responseType: "text",
      validateStatus: null,
    };
    this.limiter = new Limiter(maxConcurrent);
    this.retry = { ...defaultRetryPolicy, ...options.retry };
  }

  async request(req: Request): Promise<Response> {
    const idempotent = req.idempotent ?? req.method !== "POST";
    this.warnOnPlainHttp(req);
    const started = Date.now(); // one retry budget for the call, redirects included
    let current = req;
    for (let redirects = 0; ; redirects++) {
      const res = await this.withRetries(current, idempotent, started);
      const next = this.redirected(current, res, idempotent, redirects, started);
      if (!next) return res;
      current = next;
    }
  }

  private async withRetries(req: Request, idempotent: boolean, started: number): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.limiter.run(() => this.attempt(req, idempotent));
      const stopped = outcome instanceof NetworkError ? stopReason() : undefined;
      if (stopped) throw new Stopped(stopped, `waiting for ${this.options.api} to answer ${req.method} ${req.path}`);
      const retryIn = this.retryDelay(outcome, idempotent, attempt, started);
      if (retryIn === undefined) {
        if (outcome instanceof NetworkError) {
          throw new TransportError(describeNetworkError(this.options, this.host, req, outcome), { ambiguous: !idempotent && outcome.sent });
        }
        return outcome;
      }
      await pause(retryIn, `retrying ${req.method} ${req.path} at ${this.options.api}`);
    }
  }

  /**
   * One request. One that is safe to repeat also ends at the operation's deadline
   * (customTimeouts) and when the engine cancels it; one that is not (a create) is never cut
   * off mid-request: its outcome would be unknown.
   */
  private async attempt(req: Request, idempotent: boolean): Promise<Response | NetworkError> {
    const deadline = new Deadline(idempotent ? Math.min(this.timeoutMs, timeLeftMs() ?? Infinity) : this.timeoutMs);
    const { cancelled } = idempotent ? currentCall() : {};
    const cancel = () => deadline.abort();
    cancelled?.addEventListener("abort", cancel, { once: true });
    if (cancelled?.aborted) cancel();
    try {
      const res = await send({
        ...this.config,
        method: req.method,
        url: req.query ? `${req.path}?${new URLSearchParams(req.query)}` : req.path,
        headers: new AxiosHeaders({ "User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", ...req.headers, ...req.signed?.() }),
        data: req.body, // as given, byte for byte: EnOS signs it
        signal: deadline,
      });
      if (tunnelRefused(res.request)) return NetworkError.from({ code: "EPROXY" }, this.timeoutMs, this.maxResponseBytes);
      return { status: res.status, headers: (res.headers as AxiosHeaders).toJSON(true) as Record<string, string>, body: res.data };
    } catch (err) {
      return NetworkError.from(deadline.aborted ? { code: "ETIMEDOUT" } : (err as { code?: string }), this.timeoutMs, this.maxResponseBytes);
    } finally {
      deadline.clear();
      cancelled?.removeEventListener("abort", cancel);
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

  /**
   * The request a redirect leads to, if it is one to follow: within the origin (credentials
   * never go to another, not even the same host over https), for a GET or as a 307/308,
   * a few times and within the call's retry budget. Any other is an error naming where it pointed.
   */
  private redirected(req: Request, res: Response, idempotent: boolean, count: number, started: number): Request | undefined {
    const location = res.headers.location;
    if (!REDIRECTS.has(res.status) || !location) return undefined;
    const call = `${req.method} ${req.path}`;
    const fail = (why: string) => new TransportError(`${this.options.api}: ${this.host} redirected ${call} to ${why}`, { ambiguous: !idempotent });
    if (!URL.canParse(location, this.origin + req.path)) throw fail("an address that is not a URL; check the configured URL.");
    const target = new URL(location, this.origin + req.path);
    const where = target.origin + target.pathname; // not the query: it may carry a credential
    if (target.origin !== this.origin) throw fail(`${where}, another origin, where credentials are not sent; if that is the server, configure its address instead.`);
    if (res.status !== 307 && res.status !== 308 && req.method !== "GET") throw fail(`${where} (${res.status}), which is not repeated as another method; check the configured URL.`);
    if (count >= MAX_REDIRECTS || Date.now() - started > this.retry.totalMs) throw fail(`${where} after ${count} redirects already; check the configured URL and the server's redirects.`);
    return { ...req, path: target.pathname + target.search, query: undefined };
  }

  private warnOnPlainHttp(req: Request): void {
    if (!this.plainRemote) return;
    const carriesCredentials = req.signed !== undefined || Object.keys(req.headers ?? {}).some((h) => /authorization|token|signature/i.test(h));
    if (carriesCredentials) {
      const what = this.options.credential ? `the ${this.options.api} credential ${this.options.credential} is` : `${this.options.api} credentials are`;
      warnOnce(`plain-http:${this.host}`, `${what} sent over plain http to ${this.host}; use an https URL so it cannot be read on the network.`);
    }
  }
}

/**
 * The deadline of one attempt, as the abort signal axios listens to: one timer and one
 * listener, lighter than an AbortController (an EventTarget) made for every request.
 */
class Deadline implements GenericAbortSignal {
  aborted = false;
  private listener?: () => void;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.timer = setTimeout(() => this.abort(), ms);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.listener?.();
  }

  addEventListener(_type: "abort", listener: () => void): void {
    this.listener = listener;
  }

  removeEventListener(): void {
    this.listener = undefined;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || hostname === "[::1]" || hostname.startsWith("127.");
}

function caWithSystemRoots(bundle: string | undefined): string[] | undefined {
  if (!bundle) return undefined;
  return [...require("node:tls").rootCertificates, bundle];
}

const clients = new Map<string, HttpClient>();

/** The shared client for an API host and option set: connections and the concurrency cap are per host. */
export function clientFor(options: ClientOptions): HttpClient {
  const key = JSON.stringify([options.api, new URL(options.url).origin, options.timeoutMs, options.maxConcurrent, options.maxResponseBytes, options.caBundle, options.retry]);
  let client = clients.get(key);
  if (!client) {
    client = new HttpClient(options);
    clients.set(key, client);
  }
  return client;
}
