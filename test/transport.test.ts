import type { Declaration } from "./harness/stack";
import { messages, upOk, useSandbox } from "./support/fixture";
import { startProxy, startTlsServer } from "./support/servers";

/**
 * What crosses the network, through the real provider host: proxies for all three APIs,
 * GitLab servers with a private CA, and answers that are not what the API promises.
 */
const fx = useSandbox();
let serial = 0;

function sources(root = `${fx.sandbox.gitlab.url}/`, extra: Record<string, unknown> = {}): Declaration[] {
  const n = ++serial;
  const token = { $secret: fx.demo.gitlabToken };
  return [
    { kind: "enos:GitLabDataSource", name: `ds${n}`, args: { name: `transport_${n}`, gitUrl: `${root}platform/ml/models`, token, ...extra } },
    { kind: "torque:RepositoryProvider", name: `provider${n}`, args: { name: `transport-${n}`, baseUrl: root, token, ...extra } },
    { kind: "torque:SpaceRepository", name: `repo${n}`, args: { space: fx.demo.torqueSpace, repositoryName: `transport-${n}`, repositoryUrl: `${root}platform/infra`, token, ...extra } },
  ];
}

test("HTTP_PROXY carries the calls to GitLab, Torque and EnOS alike", async () => {
  const proxy = await startProxy();
  try {
    const stack = fx.stack({ env: { HTTP_PROXY: proxy.url, NO_PROXY: "" } });
    await upOk(stack, sources());
    const hosts = new Set(proxy.seen.map((line) => new URL(line.split(" ")[1]).host));
    for (const server of [fx.sandbox.gitlab, fx.sandbox.torque, fx.sandbox.enos]) expect(hosts).toContain(new URL(server.url).host);
    await stack.destroy();
  } finally {
    await proxy.close();
  }
});

describe("a GitLab server with a private CA", () => {
  const withTls = async (body: (root: string, ca: string) => Promise<void>) => {
    const tls = await startTlsServer(fx.sandbox.gitlab.url);
    try {
      await body(`${tls.url}/`, tls.ca);
    } finally {
      await tls.close();
    }
  };

  test("fails the check on the URL, naming gitlabCaBundle", () =>
    withTls(async (root) => {
      const preview = await fx.stack().preview(sources(root, { preflight: "strict" }));
      expect(preview.errors).toHaveLength(3);
      expect(messages(preview)).toMatch(/TLS verification of localhost:\d+ failed \(DEPTH_ZERO_SELF_SIGNED_CERT\); if the server uses a private CA, give its certificate as the resource's gitlabCaBundle input or gitlab:caBundle/);
    }));

  test("is trusted with the resource's gitlabCaBundle, or with stack config gitlab:caBundle", () =>
    withTls(async (root, ca) => {
      // The sandbox EnOS reaches only the sandbox GitLab, not this TLS front: its own test is not the point here.
      fx.sandbox.enos.testOverride = { success: true, message: "ok" };
      const perResource = await fx.stack().preview(sources(root, { gitlabCaBundle: ca }));
      expect(perResource.errors).toEqual([]);
      const stackWide = await fx.stack({ config: { "gitlab:caBundle": ca } }).preview(sources(root));
      expect(stackWide.errors).toEqual([]);
      fx.sandbox.enos.testOverride = undefined;
    }));
});

describe("answers that are not what the API promises become one clear error, and the next run works", () => {
  const refreshWith = async (server: "torque" | "enos", fault: { path: string; body: string; contentType?: string }) => {
    const stack = fx.stack();
    await upOk(stack, sources());
    const rule = fx.sandbox[server].faults.add({ kind: "body", status: 200, ...fault });
    const broken = await stack.refresh();
    fx.sandbox[server].faults.remove(rule);
    const healed = await stack.refresh();
    expect(healed.errors).toEqual([]);
    expect(broken.hostStderr).not.toMatch(/\n\s+at /);
    await stack.destroy();
    return messages(broken);
  };

  test("HTML from a proxy or login page where Torque's JSON belongs", async () => {
    const error = await refreshWith("torque", { path: "/api/settings/repository_providers", body: "<html><body>Sign in</body></html>", contentType: "text/html" });
    expect(error).toContain("Torque: GET /api/settings/repository_providers answered 200 with HTML where a JSON array of repository providers was expected; check that the configured URL points at Torque and not at a proxy or login page.");
  });

  test("EnOS JSON cut short", async () => {
    const error = await refreshWith("enos", { path: "/data-sources", body: '{"code":0,"msg":"OK","data":[{"dataSo', contentType: "application/json" });
    expect(error).toMatch(/EnOS: POST \/data-source-registration\/v2\.0\/data-sources\?action=search answered 200 with JSON that is cut short or invalid where an EnOS answer \(\{"code","msg","data"\}\) was expected/);
  });

  test("fields of the wrong type", async () => {
    const body = JSON.stringify([{ id: 42, name: "x", type: "gitLabEnterprise", details: { base_url: "http://x/" }, repos: [] }]);
    const error = await refreshWith("torque", { path: "/api/settings/repository_providers", body, contentType: "application/json" });
    expect(error).toMatch(/Torque: GET \/api\/settings\/repository_providers answered 200 with JSON of another shape \(.*expected string.* at 0\.id\) where a JSON array of repository providers was expected/);
  });
});
