import { Faults, mulberry32, type Fault, type RandomFaultKind } from "./faults";
import { startTorque, type TorqueServer } from "./torque";
import { call, callFailure, jsonInit } from "./testing";

const PROVIDERS = "/api/settings/repository_providers";
const ALL_RANDOM_KINDS: RandomFaultKind[] = ["status", "rateLimit", "reset", "lostResponse", "delay", "truncated"];

describe("mulberry32", () => {
  it("gives the same sequence for the same seed, another for another seed, all in [0, 1)", () => {
    const draw = (seed: number) => Array.from({ length: 50 }, mulberry32(seed));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(7).every((value) => value >= 0 && value < 1)).toBe(true);
  });
});

describe("Faults", () => {
  it("matches rules by method and by path as substring or pattern", () => {
    const faults = new Faults();
    const byMethod = faults.add({ kind: "reset", method: "post" });
    faults.add({ kind: "truncated", path: "/projects/" });
    faults.add({ kind: "lostResponse", path: /\/user$/ });
    expect(faults.pick("POST", "/anything")).toBe(byMethod);
    expect(faults.pick("GET", "/api/v4/projects/1")).toEqual({ kind: "truncated", path: "/projects/" });
    expect(faults.pick("GET", "/api/v4/user")?.kind).toBe("lostResponse");
    expect(faults.pick("GET", "/api/v4/users")).toBeUndefined();
  });

  it("fires a rule `times` times, then no more; without times, forever", () => {
    const faults = new Faults();
    faults.add({ kind: "status", status: 500, times: 2 });
    faults.add({ kind: "reset" });
    const kinds = Array.from({ length: 4 }, () => faults.pick("GET", "/")?.kind);
    expect(kinds).toEqual(["status", "status", "reset", "reset"]);
  });

  it("forgets a removed rule and, after clear(), all rules", () => {
    const faults = new Faults();
    const first = faults.add({ kind: "reset" });
    faults.add({ kind: "truncated" });
    faults.remove(first);
    expect(faults.pick("GET", "/")?.kind).toBe("truncated");
    faults.clear();
    expect(faults.pick("GET", "/")).toBeUndefined();
  });

  it("repeats the random sequence for the same seed", () => {
    const sequence = (seed: number) => {
      const faults = new Faults();
      faults.random({ seed, rate: 0.5, kinds: ALL_RANDOM_KINDS });
      return Array.from({ length: 200 }, () => faults.pick("GET", "/"));
    };
    expect(sequence(1)).toEqual(sequence(1));
    expect(sequence(1)).not.toEqual(sequence(2));
  });

  it("faults about `rate` of the requests, with every kind and the documented parameters", () => {
    const faults = new Faults();
    faults.random({ seed: 9, rate: 0.3, kinds: ALL_RANDOM_KINDS, delayMs: 250 });
    const picked = Array.from({ length: 3000 }, () => faults.pick("GET", "/")).filter((fault) => fault !== undefined);
    expect(picked.length).toBeGreaterThan(800);
    expect(picked.length).toBeLessThan(1000);
    expect(new Set(picked.map((fault) => fault.kind))).toEqual(new Set(ALL_RANDOM_KINDS));
    const ofKind = <K extends Fault["kind"]>(kind: K) =>
      picked.filter((fault): fault is Extract<Fault, { kind: K }> => fault.kind === kind);
    expect(new Set(ofKind("status").map((fault) => fault.status))).toEqual(new Set([500, 502, 503]));
    expect(new Set(ofKind("rateLimit").map((fault) => fault.retryAfter))).toEqual(new Set([1]));
    expect(new Set(ofKind("delay").map((fault) => fault.ms))).toEqual(new Set([250]));
  });

  it("delays 1500 ms by default, limits random faults to the given methods, and stops with off()", () => {
    const faults = new Faults();
    faults.random({ seed: 3, rate: 1, kinds: ["delay"], methods: ["POST"] });
    expect(faults.pick("POST", "/")).toEqual({ kind: "delay", ms: 1500 });
    expect(faults.pick("GET", "/")).toBeUndefined();
    faults.off();
    expect(faults.pick("POST", "/")).toBeUndefined();
  });

  it("lets explicit rules win over random mode", () => {
    const faults = new Faults();
    faults.random({ seed: 3, rate: 1, kinds: ["reset"] });
    faults.add({ kind: "truncated", times: 1 });
    expect([faults.pick("GET", "/")?.kind, faults.pick("GET", "/")?.kind]).toEqual(["truncated", "reset"]);
  });
});

describe("faults over HTTP (on the Torque emulator, whose writes are visible)", () => {
  let torque: TorqueServer;
  const url = () => `${torque.url}${PROVIDERS}`;
  const create = (name = "p", signal?: AbortSignal): RequestInit => ({
    ...jsonInit(
      "POST",
      { name, type: "gitLabEnterprise", details: { token: "t", base_url: "http://git.example.com/" }, repos: [] },
      { Authorization: "Bearer admin" },
    ),
    signal,
  });

  beforeEach(async () => {
    torque = await startTorque();
    torque.addApiToken("admin", { admin: true });
  });
  afterEach(() => torque.close());

  it("answers a status fault before the handler: nothing is applied", async () => {
    torque.faults.add({ kind: "status", status: 503 });
    expect((await call(url(), create())).status).toBe(503);
    expect(torque.providers()).toEqual([]);
    expect(torque.requests).toEqual([{ method: "POST", path: PROVIDERS, query: {}, status: 503, fault: "status" }]);
  });

  it("answers a rateLimit fault before the handler: nothing is applied", async () => {
    torque.faults.add({ kind: "rateLimit", retryAfter: 1 });
    expect((await call(url(), create())).status).toBe(429);
    expect(torque.providers()).toEqual([]);
  });

  it("drops the connection on a reset fault before the handler: nothing is applied", async () => {
    torque.faults.add({ kind: "reset" });
    await callFailure(url(), create());
    expect(torque.providers()).toEqual([]);
    expect(torque.requests[0]).toMatchObject({ status: 0, fault: "reset" });
  });

  it("applies the write and drops the connection on a lostResponse fault", async () => {
    torque.faults.add({ kind: "lostResponse" });
    await callFailure(url(), create());
    expect(torque.providers()).toHaveLength(1);
    expect(torque.requests[0]).toMatchObject({ status: 0, fault: "lostResponse" });
  });

  it("applies the write at once and answers after the delay, past a client timeout", async () => {
    torque.faults.add({ kind: "delay", ms: 400, times: 1 });
    const started = Date.now();
    const error = await callFailure(url(), create("late", AbortSignal.timeout(100)));
    expect(error.name).toBe("TimeoutError");
    expect(torque.providers().map((provider) => provider.name)).toEqual(["late"]);
    torque.faults.add({ kind: "delay", ms: 200, times: 1 });
    const answer = await call(url(), create("second"));
    expect(answer.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("answers a body fault instead of the handler, JSON by default", async () => {
    const page = "<html>proxy login</html>";
    torque.faults.add({ kind: "body", status: 200, body: page, contentType: "text/html", times: 1 });
    torque.faults.add({ kind: "body", status: 201, body: '{"id":42}', times: 1 });
    const html = await call(url(), create());
    expect([html.status, html.text, html.headers.get("content-type")]).toEqual([200, page, "text/html"]);
    const json = await call(url(), create());
    expect([json.status, json.json]).toEqual([201, { id: 42 }]);
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(torque.providers()).toEqual([]);
  });

  it("applies the write and cuts the body in half on a truncated fault", async () => {
    torque.faults.add({ kind: "truncated" });
    torque.createResponseShape = "object";
    await callFailure(url(), create());
    expect(torque.providers()).toHaveLength(1);
    expect(torque.requests[0]).toMatchObject({ status: 201, fault: "truncated" });
  });

  it("fires rules only on matching requests, `times` times", async () => {
    torque.faults.add({ kind: "status", status: 500, method: "GET", path: /repository_providers$/, times: 2 });
    expect((await call(url(), create())).status).toBe(201);
    const get = () => call(url(), { headers: { Authorization: "Bearer admin" } });
    expect([(await get()).status, (await get()).status, (await get()).status]).toEqual([500, 500, 200]);
  });

  it("gives the same faults for the same seed on two servers", async () => {
    const kindsSeen = async (server: TorqueServer) => {
      server.addApiToken("admin", { admin: true });
      server.faults.random({ seed: 11, rate: 0.5, kinds: ["status", "rateLimit", "reset"] });
      for (let index = 0; index < 20; index++) {
        await fetch(`${server.url}${PROVIDERS}`, { headers: { Authorization: "Bearer admin" } }).then(
          (response) => response.text(),
          () => "dropped",
        );
      }
      return server.requests.map((entry) => [entry.status, entry.fault]);
    };
    const other = await startTorque();
    try {
      const seen = await kindsSeen(torque);
      expect(seen.some(([, fault]) => fault !== undefined)).toBe(true);
      expect(await kindsSeen(other)).toEqual(seen);
    } finally {
      await other.close();
    }
  });
});
