import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { GitLabServer, startGitLab } from "../../test/sandbox";
import { HttpClient, TransportError } from "./client";
import { proxyFor } from "./proxy";

/** The shared HTTP layer against real local servers: retries, limits, failures, TLS and proxies. */
let gitlab: GitLabServer;
beforeAll(async () => {
  gitlab = await startGitLab();
});
afterAll(() => gitlab.close());
beforeEach(() => {
  gitlab.faults.clear();
  gitlab.resetLog();
});

const fast = { baseDelayMs: 10, maxDelayMs: 50 };
const client = (options: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({ api: "GitLab", url: gitlab.url, retry: fast, ...options });
const get = (c: HttpClient, p = "/api/v4/version") => c.request({ method: "GET", path: p });
const post = (c: HttpClient) => c.request({ method: "POST", path: "/api/v4/version", body: "{}" });

describe("retries", () => {
  test.each([502, 503, 504])("an idempotent call is repeated after %i and succeeds", async (status) => {
    gitlab.faults.add({ kind: "status", status, times: 2 });
    const res = await get(client());
    expect(res.status).toBe(401);
    expect(gitlab.requests.length).toBe(3);
  });

  test("a POST is not repeated after a 5xx: the caller decides (it may have been applied)", async () => {
    gitlab.faults.add({ kind: "status", status: 503, times: 1 });
    expect((await post(client())).status).toBe(503);
    expect(gitlab.requests.length).toBe(1);
  });

  test("429 waits for Retry-After, also for a POST (nothing was applied)", async () => {
    gitlab.faults.add({ kind: "rateLimit", retryAfter: 1, times: 1 });
    expect((await post(client())).status).toBe(405);
    expect(gitlab.requests.map((r) => r.status)).toEqual([429, 405]);
  });

  test("retries are bounded: a server that keeps failing gets maxAttempts requests, then its answer is returned", async () => {
    gitlab.faults.add({ kind: "status", status: 503 });
    expect((await get(client({ retry: { ...fast, maxAttempts: 4 } }))).status).toBe(503);
    expect(gitlab.requests.length).toBe(4);
  });

  test("a dropped connection is retried for idempotent calls and is ambiguous for a POST", async () => {
    gitlab.faults.add({ kind: "reset", times: 1 });
    expect((await get(client())).status).toBe(401);
    gitlab.faults.add({ kind: "lostResponse", times: 1 });
    const err = await post(client()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).ambiguous).toBe(true);
    expect((err as Error).message).toMatch(/^GitLab: 127\.0\.0\.1:\d+ dropped the connection during POST \/api\/v4\/version/);
  });
});

describe("limits and failures", () => {
  test("at most maxConcurrent requests are in flight per host", async () => {
    gitlab.latencyMs = 50;
    try {
      const c = client({ maxConcurrent: 3 });
      await Promise.all(Array.from({ length: 12 }, () => get(c)));
      expect(gitlab.peakInFlight).toBe(3);
    } finally {
      gitlab.latencyMs = 0;
    }
  });

  test("a server that does not answer in time fails with the host and the timeout", async () => {
    gitlab.faults.add({ kind: "delay", ms: 3000 });
    const err = await get(client({ timeoutMs: 300, retry: { maxAttempts: 1 } })).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^GitLab: 127\.0\.0\.1:\d+ did not answer GET \/api\/v4\/version within 0\.3 s; check that the server is reachable and healthy\.$/);
  });

  test("a refused connection names the host and what to check, without retrying", async () => {
    const port = await closedPort();
    const err = await new HttpClient({ api: "Torque", url: `http://127.0.0.1:${port}` }).request({ method: "GET", path: "/" }).catch((e: Error) => e);
    expect((err as Error).message).toBe(`Torque: 127.0.0.1:${port} refused the connection; check the port in the URL and that the server is running.`);
  });
});

describe("TLS", () => {
  let tlsServer: https.Server;
  let ca: string;
  beforeAll(async () => {
    ({ server: tlsServer, ca } = await startTlsServer());
  });
  afterAll(() => new Promise((resolve) => tlsServer.close(resolve)));
  const tlsUrl = () => `https://localhost:${(tlsServer.address() as net.AddressInfo).port}`;

  test("verification is on: a self-signed server fails with a message that names caBundle", async () => {
    const err = await new HttpClient({ api: "GitLab", url: tlsUrl() }).request({ method: "GET", path: "/" }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^GitLab: TLS verification of localhost:\d+ failed \(DEPTH_ZERO_SELF_SIGNED_CERT\); if the server uses a private CA, give its certificate as caBundle\.$/);
  });

  test("a caBundle makes the server trusted", async () => {
    const res = await new HttpClient({ api: "GitLab", url: tlsUrl(), caBundle: ca }).request({ method: "GET", path: "/hello" });
    expect(res).toMatchObject({ status: 200, body: "tls ok /hello" });
  });

  test("HTTPS_PROXY: https goes through the proxy's CONNECT tunnel, verified end to end", async () => {
    const proxy = await startProxy();
    try {
      await withEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: "" }, async () => {
        const res = await new HttpClient({ api: "EnOS", url: tlsUrl(), caBundle: ca }).request({ method: "GET", path: "/tunnelled" });
        expect(res.body).toBe("tls ok /tunnelled");
      });
      expect(proxy.seen).toEqual([`CONNECT localhost:${(tlsServer.address() as net.AddressInfo).port}`]);
    } finally {
      await proxy.close();
    }
  });
});

describe("proxies", () => {
  test("HTTP_PROXY: plain http goes through the proxy; NO_PROXY bypasses it", async () => {
    const proxy = await startProxy();
    try {
      await withEnv({ HTTP_PROXY: proxy.url, NO_PROXY: "" }, async () => {
        expect((await get(new HttpClient({ api: "Torque", url: gitlab.url }))).status).toBe(401);
      });
      expect(proxy.seen).toEqual([`GET ${gitlab.url}/api/v4/version`]);
      await withEnv({ HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" }, async () => {
        expect((await get(new HttpClient({ api: "EnOS", url: gitlab.url }))).status).toBe(401);
      });
      expect(proxy.seen).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  test.each([
    ["https://git.example.com", { HTTPS_PROXY: "proxy:3128" }, "http://proxy:3128/"],
    ["https://git.example.com", { https_proxy: "http://p:1" }, "http://p:1/"],
    ["http://git.example.com", { HTTPS_PROXY: "http://p:1" }, undefined],
    ["https://git.example.com", { HTTPS_PROXY: "http://p:1", NO_PROXY: "example.com" }, undefined],
    ["https://git.example.com", { HTTPS_PROXY: "http://p:1", NO_PROXY: ".example.com" }, undefined],
    ["https://git.example.com", { HTTPS_PROXY: "http://p:1", NO_PROXY: "*" }, undefined],
    ["https://git.example.com:8443", { HTTPS_PROXY: "http://p:1", NO_PROXY: "git.example.com:443" }, "http://p:1/"],
    ["https://notexample.com", { HTTPS_PROXY: "http://p:1", NO_PROXY: "example.com" }, "http://p:1/"],
  ])("proxyFor(%s, %j) is %s", (target, env, expected) => {
    expect(proxyFor(new URL(target), env)?.toString()).toBe(expected);
  });
});

async function withEnv(vars: Record<string, string>, body: () => Promise<void>): Promise<void> {
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

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startTlsServer(): Promise<{ server: https.Server; ca: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"], { stdio: "ignore" });
  const cert = fs.readFileSync(path.join(dir, "cert.pem"), "utf8");
  const server = https.createServer({ key: fs.readFileSync(path.join(dir, "key.pem")), cert }, (req, res) => res.end(`tls ok ${req.url}`));
  fs.rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, ca: cert };
}

/** A forward proxy: absolute-form http requests and CONNECT tunnels, remembering what it saw. */
async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
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
