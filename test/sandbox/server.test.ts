import { Agent, request } from "node:http";
import { connect } from "node:net";
import { startGitLab, type GitLabServer } from "./gitlab";
import { call, callFailure } from "./testing";

describe("shared server mechanism (on the GitLab emulator)", () => {
  let gitlab: GitLabServer;
  const user = () => call(`${gitlab.url}/api/v4/user`, { headers: { "PRIVATE-TOKEN": "t" } });

  beforeEach(async () => {
    gitlab = await startGitLab();
    gitlab.addToken({ token: "t", scopes: ["api"] });
  });
  afterEach(() => gitlab.close());

  it("logs method, raw path, query and status of every request", async () => {
    await call(`${gitlab.url}/api/v4/projects/a%2Fb?statistics=true&x=1`, { headers: { "PRIVATE-TOKEN": "t" } });
    await call(`${gitlab.url}/api/v4/user`, { method: "HEAD" });
    expect(gitlab.requests).toEqual([
      { method: "GET", path: "/api/v4/projects/a%2Fb", query: { statistics: "true", x: "1" }, status: 404 },
      { method: "HEAD", path: "/api/v4/user", query: {}, status: 405 },
    ]);
  });

  it("counts requests by method and by path substring or pattern, until resetLog()", async () => {
    await user();
    await user();
    await call(`${gitlab.url}/api/v4/version`, { method: "POST" });
    expect(gitlab.count()).toBe(3);
    expect(gitlab.count({ method: "get" })).toBe(2);
    expect(gitlab.count({ path: "/user" })).toBe(2);
    expect(gitlab.count({ method: "POST", path: /version$/ })).toBe(1);
    gitlab.resetLog();
    expect(gitlab.count()).toBe(0);
  });

  it("adds latencyMs before every answer", async () => {
    gitlab.latencyMs = 150;
    const started = Date.now();
    await user();
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it("tracks the most concurrent requests seen, reset by resetLog()", async () => {
    gitlab.latencyMs = 100;
    const answers = await Promise.all(Array.from({ length: 20 }, user));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(gitlab.peakInFlight).toBeGreaterThanOrEqual(15);
    gitlab.resetLog();
    expect(gitlab.peakInFlight).toBe(0);
    await user();
    expect(gitlab.peakInFlight).toBe(1);
  });

  it("closes at once despite an idle keep-alive connection and a half-sent request", async () => {
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      request(`${gitlab.url}/api/v4/user`, { agent }, (response) => response.resume().on("end", resolve))
        .on("error", reject)
        .end();
    });
    const halfSent = connect(gitlab.port, "127.0.0.1");
    halfSent.on("error", () => undefined);
    halfSent.write("POST /api/v4/user HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await gitlab.close();
    expect(Date.now() - started).toBeLessThan(1000);
    agent.destroy();
    halfSent.destroy();
    const error = await callFailure(`${gitlab.url}/api/v4/user`);
    expect((error.cause as { code?: string }).code).toBe("ECONNREFUSED");
    await gitlab.close(); // closing twice is harmless
  });

  it("closes at once while an answer is held back by a delay fault, dropping it", async () => {
    gitlab.faults.add({ kind: "delay", ms: 10_000 });
    const pending = callFailure(`${gitlab.url}/api/v4/user`, { headers: { "PRIVATE-TOKEN": "t" } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await gitlab.close();
    await pending;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("refuses to start on a port in use", async () => {
    await expect(startGitLab({ port: gitlab.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
