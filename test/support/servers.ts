/** Small real servers for transport tests: any handler, a self-signed TLS server, a forward proxy, a closed port. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";

export async function withEnv(vars: Record<string, string>, body: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

/** An http server on a free loopback port, answering with `handler`. */
export async function startServer(handler: http.RequestListener): Promise<LocalServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on. */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface TlsServer {
  url: string;
  /** The self-signed certificate, PEM: what a caBundle must contain to trust the server. */
  ca: string;
  close(): Promise<void>;
}

/**
 * An https server for `localhost` with a fresh self-signed certificate. With `upstream`, it
 * forwards every request there (a TLS front for an http sandbox server); else it answers
 * `tls ok <path>`.
 */
export async function startTlsServer(upstream?: string): Promise<TlsServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-"));
  const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"], { stdio: "ignore" });
  const ca = fs.readFileSync(cert, "utf8");
  const server = https.createServer({ key: fs.readFileSync(key), cert: ca }, (req, res) => {
    if (!upstream) {
      res.end(`tls ok ${req.url}`);
      return;
    }
    const forwarded = http.request(new URL(req.url!, upstream), { method: req.method, headers: { ...req.headers, host: new URL(upstream).host } }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forwarded);
  });
  fs.rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://localhost:${(server.address() as net.AddressInfo).port}`,
    ca,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Proxy {
  url: string;
  /** What it was asked: `GET http://host/path` (plain http) or `CONNECT host:port` (tunnels). */
  seen: string[];
  close(): Promise<void>;
}

/** A forward proxy: absolute-form http requests and CONNECT tunnels (or, with `refuse`, a refusal of every tunnel with that status). */
export async function startProxy(refuse?: number): Promise<Proxy> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = http.request(req.url!, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  server.on("connect", (req: http.IncomingMessage, client: net.Socket) => {
    seen.push(`CONNECT ${req.url}`);
    if (refuse) {
      client.end(`HTTP/1.1 ${refuse} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = req.url!.split(":");
    const upstream = net.connect(Number(port), host === "localhost" ? "127.0.0.1" : host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.pipe(client).pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    seen,
    close: () => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let bombMember: Buffer | undefined;

/**
 * A gzip body that decodes to `bytes` zeros (rounded up to 16 MB), about a thousandth of that
 * on the wire: gzip members of 16 MB each, one after the other, as gunzip reads them.
 */
export function gzipBomb(bytes: number): Buffer {
  bombMember ??= zlib.gzipSync(Buffer.alloc(16 * 2 ** 20), { level: 9 });
  return Buffer.concat(Array(Math.ceil(bytes / (16 * 2 ** 20))).fill(bombMember));
}
