import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as zlib from "node:zlib";
import { GitLabServer, startGitLab } from "../../test/sandbox";
import { closedPort, gzipBomb, startProxy, startServer, startTlsServer, TlsServer, withEnv } from "../../test/support/servers";
import { inCall } from "../core/call";
import { clientFor, HttpClient, TransportError } from "./client";
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
    const started = Date.now();
    expect((await post(client())).status).toBe(405);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(gitlab.requests.map((r) => r.status)).toEqual([429, 405]);
  });

  test("a Retry-After beyond the call's time budget is not waited for: the 429 is the answer", async () => {
    gitlab.faults.add({ kind: "rateLimit", retryAfter: 3, times: 1 });
    const started = Date.now();
    expect((await get(client({ retry: { ...fast, totalMs: 2_000 } }))).status).toBe(429);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test("a 503's Retry-After is honoured for an idempotent call", async () => {
    let asked = 0;
    const server = await startServer((_req, res) => (asked++ === 0 ? res.writeHead(503, { "Retry-After": "1" }).end() : res.end("up")));
    try {
      const started = Date.now();
      expect((await get(client({ url: server.url }))).body).toBe("up");
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    } finally {
      await server.close();
    }
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

describe("answers", () => {
  test("a compressed body (gzip or deflate) is decoded; requests ask for it and name the client", async () => {
    const text = JSON.stringify({ version: "17.0.0", padding: "x".repeat(5000) });
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => {
      const encoding = req.url === "/gzip" ? "gzip" : "deflate";
      seen.push(req.headers);
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": encoding });
      res.end(encoding === "gzip" ? zlib.gzipSync(text) : zlib.deflateSync(text));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const c = new HttpClient({ api: "GitLab", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      for (const p of ["/gzip", "/deflate"]) expect((await get(c, p)).body).toBe(text);
      expect(seen.map((h) => [h["accept-encoding"], h["user-agent"]])).toEqual(Array(2).fill(["gzip, deflate", "pulumi-gitlab-sources"]));
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test("an answer cut short is a dropped connection: retried for a GET, ambiguous for a POST", async () => {
    gitlab.faults.add({ kind: "truncated", times: 1 });
    expect((await get(client())).status).toBe(401);
    expect(gitlab.requests.length).toBe(2);
    gitlab.faults.add({ kind: "truncated", times: 1 });
    const err = await post(client()).catch((e: unknown) => e);
    expect((err as TransportError).ambiguous).toBe(true);
    expect((err as Error).message).toMatch(/dropped the connection during POST \/api\/v4\/version \(ECONNRESET\)/);
  });

  test("a compressed answer cut short is a dropped connection too, not a wait for the time limit", async () => {
    const zipped = zlib.gzipSync(JSON.stringify({ padding: "x".repeat(100_000) }));
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip", "Content-Length": String(zipped.length) });
      res.write(zipped.subarray(0, zipped.length / 2), () => res.socket?.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const c = new HttpClient({ api: "Torque", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 5000, retry: { maxAttempts: 1 } });
      const err = await get(c, "/api/spaces").catch((e: Error) => e);
      expect((err as Error).message).toMatch(/dropped the connection during GET \/api\/spaces/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test("an answer that drips in slowly but ends within the time limit is read whole", async () => {
    const text = JSON.stringify({ id: "x".repeat(50) });
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      let at = 0;
      const drip = setInterval(() => {
        res.write(text.slice(at, (at += 10)));
        if (at >= text.length) {
          clearInterval(drip);
          res.end();
        }
      }, 20);
    });
    try {
      const c = new HttpClient({ api: "Torque", url: server.url, timeoutMs: 1000, retry: { maxAttempts: 1 } });
      expect((await get(c, "/api/spaces")).body).toBe(text);
    } finally {
      await server.close();
    }
  });

  test("the time limit covers the whole answer, not only its start", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write("[");
      const drip = setInterval(() => res.write(" "), 50);
      res.once("close", () => clearInterval(drip));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const c = new HttpClient({ api: "Torque", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 300, retry: { maxAttempts: 1 } });
      const err = await get(c, "/api/spaces").catch((e: Error) => e);
      expect((err as Error).message).toMatch(/did not answer GET \/api\/spaces within 0\.3 s/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("answers too large", () => {
  test("a gzip bomb is one error naming the call, decoded no further than the cap and not asked for again", async () => {
    let asked = 0;
    // 1 GB decoded from about 1 MB: past V8's longest string, which used to end the host process.
    const bomb = gzipBomb(2 ** 30);
    const server = await startServer((_req, res) => {
      asked++;
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" });
      res.end(bomb);
    });
    try {
      const err = await get(new HttpClient({ api: "Torque", url: server.url }), "/api/spaces").catch((e: Error) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as Error).message).toBe(
        `Torque: ${new URL(server.url).host} answered GET /api/spaces with more than 10 MB (after decompression), so the answer was dropped; check that the URL points at Torque, or raise torque:maxResponseMegabytes if the answer is genuine.`,
      );
      expect(asked).toBe(1);
    } finally {
      await server.close();
    }
  });

  test("the cap is the client's own; a POST whose answer is over it may have been applied", async () => {
    const server = await startServer((req, res) => res.end("x".repeat(req.url === "/at-cap" ? 2048 : 2049)));
    try {
      const c = new HttpClient({ api: "EnOS", url: server.url, maxResponseBytes: 2048 });
      expect((await get(c, "/at-cap")).body).toHaveLength(2048);
      const err = (await post(new HttpClient({ api: "EnOS", url: server.url, maxResponseBytes: 2048 })).catch((e: unknown) => e)) as TransportError;
      expect(err.message).toMatch(/^EnOS: 127\.0\.0\.1:\d+ answered POST \/api\/v4\/version with more than 2 KB \(after decompression\)/);
      expect(err.ambiguous).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe("redirects", () => {
  let other: { url: string; close(): Promise<void> };
  let otherAsked = 0;
  let server: { url: string; close(): Promise<void> };
  const seen: string[] = [];
  beforeAll(async () => {
    other = await startServer((_req, res) => {
      otherAsked++;
      res.end("elsewhere");
    });
    server = await startServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        seen.push(`${req.method} ${req.url} ${body}`.trim());
        const redirects: Record<string, [number, string]> = {
          "/old": [301, "/new?page=2"],
          "/away": [302, `${other.url}/x?private_token=glpat-leak`],
          "/tls": [308, `https://${new URL(server.url).host}/api`],
          "/form": [302, "/new"],
          "/moved": [307, "/new"],
          "/permanent": [308, "/new"],
        };
        const loop = /^\/loop(\d*)$/.exec(req.url!);
        const [status, location] = redirects[req.url!] ?? (loop ? [302, `/loop${Number(loop[1] || 0) + 1}`] : [200, undefined]);
        if (location) res.writeHead(status, { Location: location }).end();
        else res.end(`here: ${req.method} ${req.url} ${body}`.trim());
      });
    });
  });
  afterAll(async () => {
    await other.close();
    await server.close();
  });
  beforeEach(() => {
    seen.length = 0;
  });
  const call = (method: "GET" | "POST", path: string) =>
    new HttpClient({ api: "GitLab", url: server.url }).request({ method, path, headers: { "PRIVATE-TOKEN": "glpat-secret" }, body: method === "POST" ? "{}" : undefined });
  const failure = (method: "GET" | "POST", path: string) => call(method, path).catch((e: TransportError) => e) as Promise<TransportError>;

  test("within the origin, a GET follows them, and a 307 repeats a POST with its body", async () => {
    expect((await call("GET", "/old")).body).toBe("here: GET /new?page=2");
    expect((await call("POST", "/moved")).body).toBe("here: POST /new {}");
    expect((await call("POST", "/permanent")).body).toBe("here: POST /new {}");
    expect(seen).toEqual(["GET /old", "GET /new?page=2", "POST /moved {}", "POST /new {}", "POST /permanent {}", "POST /new {}"]);
  });

  test("to another origin, even https on the same host, they are an error naming where they pointed, and nothing is sent there", async () => {
    const host = new URL(server.url).host;
    const away = await failure("GET", "/away");
    expect(away.message).toBe(`GitLab: ${host} redirected GET /away to ${other.url}/x, another origin, where credentials are not sent; if that is the server, configure its address instead.`);
    expect((await failure("GET", "/tls")).message).toMatch(`redirected GET /tls to https://${host}/api, another origin`);
    expect(otherAsked).toBe(0);
  });

  test("a POST answered 301/302/303 is not repeated as a GET, and a loop ends", async () => {
    const form = await failure("POST", "/form");
    expect(form.message).toMatch(/redirected POST \/form to http:\/\/127\.0\.0\.1:\d+\/new \(302\), which is not repeated as another method; check the configured URL\.$/);
    expect(form.ambiguous).toBe(true);
    expect((await failure("GET", "/loop")).message).toMatch(/redirected GET \/loop5 to http:\/\/127\.0\.0\.1:\d+\/loop6 after 5 redirects already; check the configured URL and the server's redirects\.$/);
    expect(seen).toHaveLength(1 + 6);
  });
});

describe("credentials over plain http", () => {
  const warnings = () => {
    const spy = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    return { lines: () => spy.mock.calls.map((c) => String(c[0])), restore: () => spy.mockRestore() };
  };

  test("to a host other than loopback get one warning per host, naming the credential; to loopback none", async () => {
    const captured = warnings();
    try {
      const remote = new HttpClient({ api: "Torque", url: "http://192.0.2.1:9", timeoutMs: 100, retry: { maxAttempts: 1 }, credential: "gitlab-sources:torqueToken" });
      const call = () => remote.request({ method: "GET", path: "/", headers: { Authorization: "Bearer x" } }).catch(() => undefined);
      await call();
      await call();
      await get(client({ url: gitlab.url }), "/api/v4/version");
      await client().request({ method: "GET", path: "/api/v4/version", headers: { "PRIVATE-TOKEN": "x" } });
      expect(captured.lines()).toEqual([
        "warning: [runtime] the Torque credential gitlab-sources:torqueToken is sent over plain http to 192.0.2.1:9; use an https URL so it cannot be read on the network.",
      ]);
    } finally {
      captured.restore();
    }
  });
});

describe("what every request carries and how it ends", () => {
  test("the User-Agent names this provider; one client per API host and options is shared", async () => {
    const agents: string[] = [];
    const server = await startServer((req, res) => {
      agents.push(String(req.headers["user-agent"]));
      res.end("ok");
    });
    try {
      await get(new HttpClient({ api: "GitLab", url: server.url }), "/");
      expect(agents).toEqual(["pulumi-gitlab-sources"]);
      const options = { api: "GitLab", url: `${server.url}/api/v4`, maxConcurrent: 3 };
      expect(clientFor(options)).toBe(clientFor({ ...options, url: `${server.url}/other` }));
      expect(clientFor(options)).not.toBe(clientFor({ ...options, maxConcurrent: 4 }));
    } finally {
      await server.close();
    }
  });

  test("connections are kept alive: calls in sequence share one", async () => {
    let connections = 0;
    const server = http.createServer((_req, res) => res.end("ok")).on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const c = new HttpClient({ api: "GitLab", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      for (let i = 0; i < 3; i++) await get(c, "/");
      expect(connections).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("a refused connection is not ambiguous, not even for a POST: nothing reached the server", async () => {
    const port = await closedPort();
    const err = (await new HttpClient({ api: "Torque", url: `http://127.0.0.1:${port}`, retry: fast }).request({ method: "POST", path: "/x", body: "{}" }).catch((e) => e)) as TransportError;
    expect(err).toBeInstanceOf(TransportError);
    expect(err.ambiguous).toBe(false);
  });

  test("Ctrl-C during a retry's wait ends the call at once, naming what it waited for", async () => {
    gitlab.faults.add({ kind: "rateLimit", retryAfter: 30, times: 1 });
    const cancelled = new AbortController();
    setTimeout(() => cancelled.abort(), 200);
    const started = Date.now();
    const err = (await inCall({ cancelled: cancelled.signal }, () => get(client())).catch((e) => e)) as Error;
    expect(err.message).toBe("the operation was cancelled (Ctrl-C) while retrying GET /api/v4/version at GitLab.");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("a call made after Ctrl-C sends nothing and says why", async () => {
    const cancelled = new AbortController();
    cancelled.abort();
    const err = (await inCall({ cancelled: cancelled.signal }, () => get(client())).catch((e) => e)) as Error;
    expect(err.message).toBe("the operation was cancelled (Ctrl-C) while waiting for GitLab to answer GET /api/v4/version.");
    expect(gitlab.requests).toEqual([]);
  });

  test("Ctrl-C ends a GET waiting on a slow server at once", async () => {
    const server = await startServer(() => undefined); // never answers
    try {
      const cancelled = new AbortController();
      setTimeout(() => cancelled.abort(), 200);
      const started = Date.now();
      const err = (await inCall({ cancelled: cancelled.signal }, () => get(new HttpClient({ api: "GitLab", url: server.url, timeoutMs: 20_000 }), "/")).catch((e) => e)) as Error;
      expect(err.message).toMatch(/^the operation was cancelled \(Ctrl-C\) while waiting for GitLab to answer GET \/\.$/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await server.close();
    }
  });
});

describe("credentials over plain http, which requests carry them", () => {
  test("a signed request or a token, signature or authorization header warns; a request with none, or to loopback, does not", async () => {
    const spy = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const send = (url: string, extra: { headers?: Record<string, string>; signed?: () => Record<string, string> }) =>
        new HttpClient({ api: "EnOS", url, timeoutMs: 100, retry: { maxAttempts: 1 } }).request({ method: "GET", path: "/", ...extra }).catch(() => undefined);
      await send("http://192.0.2.2:9", { headers: { Accept: "application/json" } });
      for (const loopback of ["http://localhost:9", "http://[::1]:9", "http://127.0.0.2:9"]) await send(loopback, { headers: { Authorization: "Bearer x" } });
      expect(spy).not.toHaveBeenCalled();
      await send("http://192.0.2.3:9", { signed: () => ({ "apim-signature": "s" }) });
      await send("http://192.0.2.4:9", { headers: { Accept: "*/*", "X-Private-Token": "t" } });
      await send("http://192.0.2.5:9", { headers: { "apim-signature": "s" } });
      expect(spy.mock.calls.map((c) => String(c[0]))).toEqual(
        ["192.0.2.3:9", "192.0.2.4:9", "192.0.2.5:9"].map((host) => `warning: [runtime] EnOS credentials are sent over plain http to ${host}; use an https URL so it cannot be read on the network.`),
      );
    } finally {
      spy.mockRestore();
    }
  });
});

describe("TLS", () => {
  let tls: TlsServer;
  beforeAll(async () => {
    tls = await startTlsServer();
  });
  afterAll(() => tls.close());

  test("verification is on: a self-signed server fails with a message that names where to give a CA", async () => {
    const err = await new HttpClient({ api: "GitLab", url: tls.url, caSetting: "gitlabCaBundle" }).request({ method: "GET", path: "/" }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^GitLab: TLS verification of localhost:\d+ failed \(DEPTH_ZERO_SELF_SIGNED_CERT\); if the server uses a private CA, give its certificate as gitlabCaBundle\.$/);
  });

  test("a caBundle makes the server trusted", async () => {
    const res = await new HttpClient({ api: "GitLab", url: tls.url, caBundle: tls.ca }).request({ method: "GET", path: "/hello" });
    expect(res).toMatchObject({ status: 200, body: "tls ok /hello" });
  });

  test("HTTPS_PROXY: https goes through the proxy's CONNECT tunnel, verified end to end", async () => {
    const proxy = await startProxy();
    try {
      await withEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: "" }, async () => {
        const res = await new HttpClient({ api: "EnOS", url: tls.url, caBundle: tls.ca }).request({ method: "GET", path: "/tunnelled" });
        expect(res.body).toBe("tls ok /tunnelled");
      });
      expect(proxy.seen).toEqual([`CONNECT ${new URL(tls.url).host}`]);
    } finally {
      await proxy.close();
    }
  });
});

describe("proxies", () => {
  test("a proxy that refuses the tunnel is named, not taken for the server's answer", async () => {
    const [proxy, tls] = await Promise.all([startProxy(403), startTlsServer()]);
    try {
      await withEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: "" }, async () => {
        const c = new HttpClient({ api: "EnOS", url: tls.url, caBundle: tls.ca });
        const err = await c.request({ method: "GET", path: "/x", headers: { "apim-accesstoken": "secret" } }).catch((e: Error) => e);
        expect((err as Error).message).toBe(`EnOS: the proxy would not tunnel to ${new URL(tls.url).host}; check HTTPS_PROXY and NO_PROXY.`);
      });
      expect(proxy.seen).toEqual([`CONNECT ${new URL(tls.url).host}`]);
    } finally {
      await Promise.all([proxy.close(), tls.close()]);
    }
  });

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
    ["https://a.b.example.com", { HTTPS_PROXY: "http://p:1", NO_PROXY: "*.example.com" }, undefined],
    ["https://git.example.com", { HTTPS_PROXY: "http://p:1", NO_PROXY: "GIT.Example.COM" }, undefined],
    ["https://git.example.com", { HTTPS_PROXY: "http://p:1", no_proxy: "other.org  example.com" }, undefined],
    ["https://git.example.com", { HTTPS_PROXY: "http://p:1", NO_PROXY: "other.org,,git.example.com" }, undefined],
    ["https://git.example.com", { HTTPS_PROXY: "http://p:1", NO_PROXY: "git.example.com:443" }, undefined],
    ["https://git.example.com", { HTTPS_PROXY: "http://p:1", NO_PROXY: "git.example.com:80" }, "http://p:1/"],
    ["http://git.example.com", { HTTP_PROXY: "http://p:1", NO_PROXY: "git.example.com:80" }, undefined],
    ["http://git.example.com", { http_proxy: "http://p:1", NO_PROXY: "git.example.com:443" }, "http://p:1/"],
    ["https://git.example.com:8443", { HTTPS_PROXY: "http://p:1", NO_PROXY: "git.example.com:8443" }, undefined],
    ["https://[fd00::5]:8443", { HTTPS_PROXY: "http://p:1", NO_PROXY: "fd00::5" }, undefined],
    ["https://[fd00::5]:8443", { HTTPS_PROXY: "http://p:1", NO_PROXY: "fd00::" }, "http://p:1/"],
    ["https://[fd00::5]:8443", { HTTPS_PROXY: "http://p:1", NO_PROXY: "[fd00::5]:8443" }, undefined],
    ["https://[fd00::5]:8443", { HTTPS_PROXY: "http://p:1", NO_PROXY: "[FD00::5]:443" }, "http://p:1/"],
    ["https://[::1]:8443", { HTTPS_PROXY: "http://p:1", NO_PROXY: "::1" }, undefined],
    ["https://example.com.evil.org", { HTTPS_PROXY: "http://p:1", NO_PROXY: "example.com" }, "http://p:1/"],
    ["https://gitexample.com", { HTTPS_PROXY: "http://p:1", NO_PROXY: "*.example.com" }, "http://p:1/"],
  ])("proxyFor(%s, %j) is %s", (target, env, expected) => {
    expect(proxyFor(new URL(target), env)?.toString()).toBe(expected);
  });
});
