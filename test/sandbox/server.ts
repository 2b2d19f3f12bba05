import { setMaxListeners } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Faults, pathMatches, type Fault, type RateLimitFault, type StatusFault } from "./faults";
import { JSON_TYPE, textResponse, type SandboxRequest, type SandboxResponse } from "./handler-kit";

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** 0 when the connection was dropped without an answer. */
  status: number;
  fault?: Fault["kind"];
}

export interface RequestFilter {
  method?: string;
  /** A string matches as a substring of the pathname, as in fault rules. */
  path?: string | RegExp;
}

/** The HTTP mechanism shared by the three emulators: logging, latency, faults, in-flight tracking. */
export abstract class SandboxServer {
  /** Added before every response. */
  latencyMs = 0;
  readonly requests: LoggedRequest[] = [];
  readonly faults = new Faults();
  /** Most concurrent requests seen since start or the last resetLog(). */
  peakInFlight = 0;
  /** The read-only HTML page a browser gets at the server's root (not logged, no latency, no faults). */
  page?: () => string;
  private inFlight = 0;
  private boundPort = 0;
  private readonly server = http.createServer((req, res) => void this.serve(req, res));
  /** Aborted by close(): cancels pending delays and outgoing calls. */
  protected readonly closing = new AbortController();

  constructor() {
    setMaxListeners(0, this.closing.signal); // every concurrent pause listens to it
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return this.origin;
  }

  protected get origin(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  protected abstract handle(request: SandboxRequest): SandboxResponse | Promise<SandboxResponse>;

  /** A "status" or "rateLimit" fault, in this API's error format. */
  protected abstract faultResponse(fault: StatusFault | RateLimitFault): SandboxResponse;

  listen(port = 0): Promise<this> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => {
        this.server.off("error", reject);
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve(this);
      });
    });
  }

  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    this.closing.abort();
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  count(filter: RequestFilter = {}): number {
    return this.requests.filter((entry) => matchesFilter(entry, filter)).length;
  }

  resetLog(): void {
    this.requests.length = 0;
    this.peakInFlight = this.inFlight;
  }

  /** On the global timer (not node:timers/promises), whose clock the mutation tier's environment speeds up with the provider's. */
  protected pause(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    const { signal } = this.closing;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", stop);
        resolve();
      }, ms);
      const stop = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      signal.addEventListener("abort", stop, { once: true });
    });
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    try {
      const request = await readRequest(req);
      if (this.page && request.method === "GET" && request.path === new URL(this.url).pathname.replace(/\/*$/, "/")) {
        write(res, textResponse(200, this.page(), "text/html; charset=utf-8"));
        return;
      }
      await this.pause(this.latencyMs);
      await this.answer(request, this.faults.pick(request.method, request.path), res);
    } catch {
      res.destroy(); // close() aborted a pause, or the client went away
    } finally {
      this.inFlight--;
    }
  }

  private async answer(request: SandboxRequest, fault: Fault | undefined, res: http.ServerResponse): Promise<void> {
    const log = (status: number): void => {
      const { method, path } = request;
      const entry: LoggedRequest = { method, path, query: Object.fromEntries(request.query), status };
      if (fault) entry.fault = fault.kind;
      this.requests.push(entry);
    };
    if (fault?.kind === "reset") {
      log(0);
      res.destroy();
      return;
    }
    const response = this.insteadOfHandler(fault) ?? (await this.handleSafely(request));
    if (fault?.kind === "lostResponse") {
      log(0);
      res.destroy();
      return;
    }
    log(response.status);
    if (fault?.kind === "delay") await this.pause(fault.ms);
    if (fault?.kind === "truncated") writeTruncated(res, response);
    else write(res, response);
  }

  private insteadOfHandler(fault: Fault | undefined): SandboxResponse | undefined {
    switch (fault?.kind) {
      case "status":
      case "rateLimit":
        return this.faultResponse(fault);
      case "body":
        return textResponse(fault.status, fault.body, fault.contentType ?? JSON_TYPE);
      default:
        return undefined;
    }
  }

  private async handleSafely(request: SandboxRequest): Promise<SandboxResponse> {
    try {
      return await this.handle(request);
    } catch {
      return this.faultResponse({ kind: "status", status: 500 });
    }
  }
}

function matchesFilter(entry: LoggedRequest, { method, path }: RequestFilter): boolean {
  if (method && entry.method !== method.toUpperCase()) return false;
  return path === undefined || pathMatches(path, entry.path);
}

async function readRequest(req: http.IncomingMessage): Promise<SandboxRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  // Split by hand: new URL() would read a path like "//api/v4" as a host.
  const target = req.url ?? "/";
  const queryStart = target.indexOf("?");
  return {
    method: req.method ?? "GET",
    path: queryStart < 0 ? target : target.slice(0, queryStart),
    query: new URLSearchParams(queryStart < 0 ? "" : target.slice(queryStart + 1)),
    headers: req.headers,
    body: Buffer.concat(chunks).toString("utf8"),
  };
}

function write(res: http.ServerResponse, { status, headers = {}, body = "" }: SandboxResponse): void {
  if (status === 204) {
    res.writeHead(status, headers).end();
    return;
  }
  const bytes = Buffer.from(body);
  res.writeHead(status, { ...headers, "Content-Length": String(bytes.length) }).end(bytes);
}

/** Announces the full length, sends half the body, then ends the connection. */
function writeTruncated(res: http.ServerResponse, { status, headers = {}, body = "" }: SandboxResponse): void {
  const bytes = Buffer.from(body);
  res.writeHead(status, { ...headers, "Content-Length": String(bytes.length) });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.end());
}
