/**
 * A local HTTP server that answers with generated hostility: each request takes the next
 * answer of a script (fast-check generates the scripts). Answers may echo the credentials the
 * request carried, as a careless server's error text would.
 */
import * as http from "node:http";
import type * as net from "node:net";
import * as zlib from "node:zlib";
import fc from "fast-check";
import { gzipBomb } from "../support/servers";

export type Hostility =
  /** A complete answer: any status, content type and body, perhaps gzipped, perhaps with Retry-After. */
  | { kind: "answer"; status: number; contentType?: string; body: Body; gzip: boolean; retryAfter?: string }
  /** Content-Length promises more than comes, then the connection closes. */
  | { kind: "truncated"; body: Body; gzip: boolean }
  /** Over the client's cap after decoding: plain, or a gzip bomb. */
  | { kind: "oversized"; gzip: boolean }
  /** The body in slow pieces: within the deadline or past it. */
  | { kind: "drip"; body: Body; pieces: number; everyMs: number }
  /** The connection closes before an answer, or after the status line. */
  | { kind: "reset"; afterStatusLine: boolean }
  /** No answer at all. */
  | { kind: "hang" }
  | { kind: "redirect"; status: 301 | 302 | 303 | 307 | 308; to: "elsewhere" | "https" | "same" | "garbage" }
  /** Bytes that are not HTTP. */
  | { kind: "garbage"; text: string }
  /** Declared gzip, is not. */
  | { kind: "corruptGzip" };

/** What an answer's body says: text as is, or shaped like the API the path belongs to. */
export type Body = { text: string } | { plausible: number };

export const CREDENTIAL_ECHO = "{{credentials}}";

const bodies: fc.Arbitrary<Body> = fc.oneof(
  fc.record({ plausible: fc.nat() }),
  fc.record({ plausible: fc.nat() }),
  fc.record({ text: fc.json() }),
  fc.json().map((json) => ({ text: json.slice(0, Math.floor(json.length / 2)) })),
  fc.constantFrom({ text: "" }, { text: "<html><body>Sign in</body></html>" }, { text: "null" }, { text: `{"message":"${CREDENTIAL_ECHO}"}` }),
  fc.string().map((text) => ({ text })),
);

/** The answers a script is made of, each kind about as likely; statuses lean towards those with a meaning. */
export function hostility(timeoutMs: number): fc.Arbitrary<Hostility> {
  const status = fc.oneof(fc.constantFrom(200, 201, 204, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504), fc.integer({ min: 200, max: 599 }));
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant("answer" as const), status, contentType: fc.option(fc.constantFrom("application/json", "text/html", "text/plain", "application/octet-stream"), { nil: undefined }), body: bodies, gzip: fc.boolean(), retryAfter: fc.option(fc.constantFrom("0", "1", "120", "soon", new Date(0).toUTCString()), { nil: undefined }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncated" as const), body: bodies, gzip: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("oversized" as const), gzip: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("drip" as const), body: bodies, pieces: fc.integer({ min: 2, max: 6 }), everyMs: fc.constantFrom(5, Math.ceil(timeoutMs / 3)) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("reset" as const), afterStatusLine: fc.boolean() }) },
    { weight: 1, arbitrary: fc.constant({ kind: "hang" as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("redirect" as const), status: fc.constantFrom(301 as const, 302 as const, 303 as const, 307 as const, 308 as const), to: fc.constantFrom("elsewhere" as const, "https" as const, "same" as const, "garbage" as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("garbage" as const), text: fc.string({ minLength: 1 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: "corruptGzip" as const }) },
  );
}

/** A request the current script got, and the complete answer it was sent, if it was sent one. */
export interface Exchange {
  method: string;
  /** Path and query as requested. */
  url: string;
  /** Status and body (before any gzip) of a complete answer; absent when the answer was cut, garbled or never came. */
  answer?: { status: number; body: string };
}

export interface HostileServer {
  url: string;
  /** The answers for the next requests, in order; once used up, each connection is closed at once. */
  play(script: Hostility[]): void;
  /** Requests the current script got. */
  readonly served: number;
  /** What the current script's requests were answered, in order. */
  readonly exchanges: readonly Exchange[];
  close(): Promise<void>;
}

/**
 * `plausible(path, seed, credentials)`: a body shaped like the API at `path` (what makes a
 * client go on to its next call), varied by `seed`.
 */
export async function startHostileServer(options: { maxResponseBytes: number; plausible: (path: string, seed: number) => string }): Promise<HostileServer> {
  let script: Hostility[] = [];
  let served = 0;
  let exchanges: Exchange[] = [];
  const sockets = new Set<net.Socket>();
  const oversized = Buffer.alloc(options.maxResponseBytes + 1, "x");
  const bomb = gzipBomb(options.maxResponseBytes * 4);

  const server = http.createServer((req, res) => {
    const answer: Hostility = script[served++] ?? { kind: "reset", afterStatusLine: false };
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    const exchange: Exchange = { method: req.method ?? "GET", url: req.url ?? "/" };
    exchanges.push(exchange);
    req.on("end", () => respond(answer, req, res, Buffer.concat(chunks).toString(), exchange));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  });

  const text = (body: Body, req: http.IncomingMessage, requestBody: string) => {
    const raw = "text" in body ? body.text : options.plausible(req.url ?? "/", body.plausible);
    const credentials = ["authorization", "private-token", "apim-accesstoken", "apim-signature"].map((h) => req.headers[h]).filter(Boolean);
    // An echo across lines, as a stack trace in an error body would be: messages must stay one line.
    return raw.split(CREDENTIAL_ECHO).join(JSON.stringify(`${credentials.join(" ")}\n${requestBody}\r\n\tat Server.handle`).slice(1, -1));
  };

  function respond(answer: Hostility, req: http.IncomingMessage, res: http.ServerResponse, requestBody: string, exchange: Exchange): void {
    const socket = req.socket;
    switch (answer.kind) {
      case "answer": {
        const body = Buffer.from(text(answer.body, req, requestBody));
        const headers: http.OutgoingHttpHeaders = {};
        if (answer.contentType) headers["Content-Type"] = answer.contentType;
        if (answer.retryAfter) headers["Retry-After"] = answer.retryAfter;
        if (answer.gzip) headers["Content-Encoding"] = "gzip";
        res.writeHead(answer.status, headers).end(answer.gzip ? zlib.gzipSync(body) : body);
        exchange.answer = { status: answer.status, body: body.toString() };
        return;
      }
      case "truncated": {
        const body = Buffer.from(text(answer.body, req, requestBody) || "{}");
        const sent = answer.gzip ? zlib.gzipSync(body) : body;
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(sent.length + 10), ...(answer.gzip ? { "Content-Encoding": "gzip" } : {}) });
        res.write(sent.subarray(0, Math.ceil(sent.length / 2)), () => socket.destroy());
        return;
      }
      case "oversized":
        res.writeHead(200, { "Content-Type": "application/json", ...(answer.gzip ? { "Content-Encoding": "gzip" } : {}) }).end(answer.gzip ? bomb : oversized);
        return;
      case "drip": {
        const body = Buffer.from(text(answer.body, req, requestBody));
        const size = Math.ceil(body.length / answer.pieces) || 1;
        res.writeHead(200, { "Content-Type": "application/json" });
        let at = 0;
        const timer = setInterval(() => {
          if (res.destroyed) return clearInterval(timer);
          res.write(body.subarray(at, at + size));
          at += size;
          if (at >= body.length) {
            clearInterval(timer);
            res.end();
            exchange.answer = { status: 200, body: body.toString() };
          }
        }, answer.everyMs);
        res.once("close", () => clearInterval(timer));
        return;
      }
      case "reset":
        if (answer.afterStatusLine) socket.write("HTTP/1.1 200 OK\r\n", () => socket.destroy());
        else socket.destroy();
        return;
      case "hang":
        return;
      case "redirect": {
        const host = req.headers.host ?? "127.0.0.1";
        const location = { elsewhere: "http://127.0.0.2:9/stolen", https: `https://${host}${req.url}`, same: `${req.url}`, garbage: "http://[::" }[answer.to];
        res.writeHead(answer.status, { Location: location }).end();
        exchange.answer = { status: answer.status, body: "" };
        return;
      }
      case "garbage":
        socket.end(`${answer.text}\r\n\r\n`);
        return;
      case "corruptGzip":
        res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" }).end("this is not gzip");
        return;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    play(next) {
      script = next;
      served = 0;
      exchanges = [];
    },
    get exchanges() {
      return exchanges;
    },
    get served() {
      return served;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
