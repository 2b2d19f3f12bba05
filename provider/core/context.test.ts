import { stackConfigContext, transportSettings } from "./context";
import { enosClient } from "../enos/settings";
import { providerContext } from "../plugin/configuration";
import { torqueClient } from "../torque/settings";

describe("a provider's configuration", () => {
  test("dynamic mode reads the package's names, and the older keys where those are not set", () => {
    const config: Record<string, string> = { "gitlab-sources:torqueUrl": "https://new.example", "torque:url": "https://old.example", "torque:token": "t-old" };
    const ctx = stackConfigContext({ get: (key) => config[key] });
    expect([ctx.setting("torqueUrl"), ctx.setting("torqueToken")]).toEqual(["https://new.example", "t-old"]);
    expect([ctx.key("torqueUrl"), ctx.key("torqueToken"), ctx.key("enosOrgId")]).toEqual(["gitlab-sources:torqueUrl", "torque:token", "enos:orgId"]);
    expect(ctx.howToSet("torqueToken", "<token>")).toBe("`pulumi config set --secret torque:token <token>`");
  });

  test("an unset setting falls back to its environment variables, the first set winning", () => {
    const saved = { ...process.env };
    try {
      process.env.TORQUE_HOST = "host.example";
      process.env.TORQUE_HOSTNAME = "other.example";
      expect(stackConfigContext({ get: () => undefined }).setting("torqueUrl")).toBe("host.example");
      expect(providerContext({}, "explicit").setting("torqueUrl")).toBe("host.example");
      expect(providerContext({ torqueUrl: "https://given.example" }, "explicit").setting("torqueUrl")).toBe("https://given.example");
    } finally {
      process.env = saved;
    }
  });

  test("each configuration builds its own clients: two providers never share one", () => {
    const west = providerContext({ torqueUrl: "https://west.example", torqueToken: "t-west", enosApiGateway: "https://gw", enosOrgId: "o", enosAppKey: "k", enosAppSecret: "s" }, "explicit");
    const east = providerContext({ torqueUrl: "https://east.example", torqueToken: "t-east", enosApiGateway: "https://gw", enosOrgId: "o", enosAppKey: "k", enosAppSecret: "s" }, "explicit");
    expect(torqueClient(west)).toBe(torqueClient(west));
    expect(torqueClient(east)).not.toBe(torqueClient(west));
    expect(enosClient(east)).not.toBe(enosClient(west));
  });

  test("a bad number names the key as this provider takes it", () => {
    expect(transportSettings(providerContext({ enosTimeoutSeconds: "soon" }, "explicit"), "enos")).toEqual({
      property: "enosTimeoutSeconds",
      reason: 'the provider\'s enosTimeoutSeconds input must be a positive number, not "soon"; fix it with the provider\'s `enosTimeoutSeconds` input.',
    });
    expect(transportSettings(providerContext({ enosTimeoutSeconds: "soon" }, "default"), "enos")).toMatchObject({
      reason: expect.stringContaining("`pulumi config set gitlab-sources:enosTimeoutSeconds <number>`"),
    });
  });

  test("transport settings: seconds and megabytes converted, concurrency whole, defaults where unset, the CA named as set", () => {
    const config: Record<string, string> = {
      "gitlab-sources:torqueTimeoutSeconds": "2.5",
      "gitlab-sources:torqueMaxConcurrency": "3.9",
      "gitlab-sources:torqueMaxResponseMegabytes": "0.5",
      "torque:caBundle": "PEM",
    };
    const ctx = stackConfigContext({ get: (key) => config[key] });
    expect(transportSettings(ctx, "torque")).toEqual({ timeoutMs: 2500, maxConcurrent: 3, maxResponseBytes: 524288, caBundle: "PEM", caSetting: "torque:caBundle" });
    expect(transportSettings(ctx, "gitlab")).toEqual({ timeoutMs: undefined, maxConcurrent: 8, maxResponseBytes: undefined, caBundle: undefined, caSetting: "gitlab:caBundle" });
    for (const bad of ["0", "-1", "NaN", "Infinity", "ten"]) {
      config["gitlab-sources:enosMaxConcurrency"] = bad;
      expect(transportSettings(ctx, "enos")).toEqual({
        property: "gitlab-sources:enosMaxConcurrency",
        reason: `gitlab-sources:enosMaxConcurrency must be a positive number, not "${bad}"; fix it with \`pulumi config set gitlab-sources:enosMaxConcurrency <number>\`.`,
      });
    }
  });

  test("a setting read from the environment is named as that variable; an empty config value counts as unset; once() builds once per key", () => {
    const saved = { ...process.env };
    try {
      delete process.env.TORQUE_URL;
      delete process.env.TORQUE_HOST;
      process.env.TORQUE_HOSTNAME = "from-env.example";
      process.env.TORQUE_TOKEN = "t-env";
      const ctx = stackConfigContext({ get: (key) => (key === "gitlab-sources:torqueUrl" ? "" : undefined) });
      expect(ctx.setting("torqueUrl")).toBe("from-env.example");
      expect(ctx.name("torqueUrl")).toBe("TORQUE_HOSTNAME");
      expect(ctx.howToSet("torqueToken", "<token>")).toBe("the environment variable TORQUE_TOKEN");
      const explicit = stackConfigContext({ get: (key) => (key === "gitlab-sources:torqueToken" ? "t-config" : undefined) });
      expect([explicit.setting("torqueToken"), explicit.name("torqueToken"), explicit.howToSet("torqueToken", "<token>")]).toEqual([
        "t-config",
        "gitlab-sources:torqueToken",
        "`pulumi config set --secret gitlab-sources:torqueToken <token>`",
      ]);
      expect(explicit.howToSet("enosOrgId", "<id>")).toBe("`pulumi config set enos:orgId <id>`");
      let built = 0;
      expect(ctx.once("a", () => ++built)).toBe(1);
      expect(ctx.once("a", () => ++built)).toBe(1);
      expect(ctx.once("b", () => ++built)).toBe(2);
    } finally {
      process.env = saved;
    }
  });
});
