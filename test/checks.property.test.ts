import fc from "fast-check";
import type * as pulumi from "@pulumi/pulumi";
import enosDataSource = require("../provider/enos/gitLabDataSource.hooks");
import gitCredential = require("../provider/torque/gitCredential.hooks");
import repositoryProvider = require("../provider/torque/repositoryProvider.hooks");
import spaceRepository = require("../provider/torque/spaceRepository.hooks");
import { UNKNOWN } from "../provider/core/unknown";
import { useSandbox } from "./support/fixture";

/**
 * Property-based tests of every resource's check, called directly: any input gives valid
 * inputs or check failures (never an exception), and an invalid input sends no request.
 */
const fx = useSandbox();
type Provider = pulumi.dynamic.ResourceProvider;

beforeAll(async () => {
  const config = fx.config();
  const get = (key: string) => config[key];
  for (const p of [enosDataSource, gitCredential, repositoryProvider, spaceRepository]) {
    await p.configure!({ config: { get, require: (key: string) => get(key) ?? "" } });
  }
});

const gitlab = () => fx.sandbox.gitlab.url;
const token = () => fx.demo.gitlabToken;

interface Case {
  name: string;
  provider: Provider;
  valid: () => Record<string, unknown>;
  /** Values each property must reject. */
  invalid: Record<string, fc.Arbitrary<unknown>>;
}

const badUrl = fc.oneof(
  fc.constant("ftp://host/x/y"),
  fc.constant("http://user:pw@host/x/y"),
  fc.constant("http://host/x/y?q=1"),
  fc.constant("http://host/x/y#f"),
  fc.constant("not a url"),
  fc.integer(),
  fc.constant(""),
);
const emptyOrNotString = fc.oneof(fc.constant(""), fc.integer(), fc.boolean(), fc.constant([]));
/** Odd text: a control character anywhere (a token read from a file ends with a newline), non-ASCII, 100 KB. */
const control = fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom("\n", "\r", "\t", "\u0000", "\u007f"), fc.string({ maxLength: 8 })).map(([a, c, b]) => `glpat${a}${c}${b}`);
const nonAscii = fc.constantFrom("résumé", "模型仓库", "naïve-repo", "repo\u00a0name");
const huge = fc.constant("x".repeat(100_000));
const oddToken = fc.oneof(control, huge, fc.constant("glpat-ünïcode"), fc.constant("glpat with space"));
const oddUrl = fc.oneof(fc.constant("http://gît.example.com/a/b"), fc.constant("http://git.example.com/a/模型"), huge.map((x) => `http://h/${x}`), fc.constant("http://git.example.com/a/b\n"));

const cases: Case[] = [
  {
    name: "enos:GitLabDataSource",
    provider: enosDataSource,
    valid: () => ({ name: "model_repo", gitUrl: `${gitlab()}/platform/ml/models`, token: token(), description: "d", preflight: "off" }),
    invalid: {
      name: fc.oneof(fc.constant(""), fc.constant("a".repeat(51)), fc.stringMatching(/^[a-z]{1,10}[- é][a-z]{1,10}$/), fc.integer(), nonAscii, huge),
      gitUrl: fc.oneof(badUrl, fc.constant("http://host/only-namespace"), oddUrl),
      token: fc.oneof(emptyOrNotString, oddToken),
      description: fc.oneof(fc.string({ minLength: 101, maxLength: 150 }), fc.integer(), huge),
      gitlabCaBundle: fc.oneof(fc.constant("not a certificate"), huge.map((x) => `-----BEGIN CERTIFICATE-----${x}`)),
      preflight: fc.oneof(fc.constant("sometimes"), fc.integer()),
    },
  },
  {
    name: "torque:RepositoryProvider",
    provider: repositoryProvider,
    valid: () => ({ name: "gitlab", baseUrl: `${gitlab()}/`, token: token(), repos: [`${gitlab()}/platform/infra`], preflight: "off" }),
    invalid: {
      name: fc.oneof(fc.constant(""), fc.constant("n".repeat(101)), fc.integer(), nonAscii, control, huge),
      baseUrl: fc.oneof(badUrl, oddUrl),
      token: fc.oneof(emptyOrNotString, oddToken),
      repos: fc.oneof(fc.constant(["http://elsewhere.example.com/a/b"]), fc.constant("not a list"), fc.constant([1])),
    },
  },
  {
    name: "torque:GitCredential",
    provider: gitCredential,
    valid: () => ({ space: "platform", name: "ci-gitlab", gitlabUrl: `${gitlab()}/`, token: token(), description: "d", preflight: "off" }),
    invalid: {
      space: fc.oneof(fc.constant(""), fc.constant("a/b"), fc.integer(), nonAscii, control, huge),
      name: fc.oneof(fc.constant(""), fc.constant("x y"), nonAscii, control, huge),
      gitlabUrl: fc.oneof(badUrl, oddUrl),
      token: fc.oneof(emptyOrNotString, oddToken),
      description: fc.oneof(fc.integer(), huge),
    },
  },
  {
    name: "torque:SpaceRepository",
    provider: spaceRepository,
    valid: () => ({ space: "platform", repositoryName: "infra", repositoryUrl: `${gitlab()}/platform/infra`, token: token(), preflight: "off" }),
    invalid: {
      space: fc.oneof(fc.constant(""), fc.constant("a/b"), fc.integer(), nonAscii, control, huge),
      repositoryName: fc.oneof(fc.constant(""), fc.constant("x y"), nonAscii, control, huge),
      repositoryUrl: fc.oneof(badUrl, oddUrl),
      token: oddToken,
      branch: fc.oneof(control, huge, fc.constant("")),
      agents: fc.oneof(fc.constant(["agent\n"]), fc.constant([""]), huge.map((x) => [x])),
      credentialName: fc.oneof(fc.constant(""), fc.constant("a/b"), nonAscii, control, huge),
      syncTimeoutSeconds: fc.oneof(fc.constant(0), fc.constant(1.5), fc.constant("soon")),
    },
  },
];

/** Anything a program (or a hand-written __provider call) might send for a property. */
const anyValue = fc.oneof(
  fc.string(),
  fc.webUrl(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(UNKNOWN),
  fc.array(fc.oneof(fc.string(), fc.webUrl(), fc.constant(UNKNOWN))),
  fc.dictionary(fc.string(), fc.string()),
);

function requestCount(): number {
  return fx.sandbox.gitlab.requests.length + fx.sandbox.torque.requests.length + fx.sandbox.enos.requests.length;
}

function isCheckResult(result: unknown): boolean {
  const r = result as { inputs?: unknown; failures?: { property: unknown; reason: unknown }[] };
  return typeof r.inputs === "object" && Array.isArray(r.failures) && r.failures.every((f) => typeof f.property === "string" && typeof f.reason === "string" && f.reason.length > 0);
}

describe.each(cases)("$name check", ({ provider, valid, invalid }) => {
  test("valid inputs pass without failures", async () => {
    expect((await provider.check!({}, valid())).failures).toEqual([]);
  });

  test("any input gives inputs or failures, never an exception, never the token in a reason", async () => {
    const keys = [...Object.keys(valid()), "extra", "agents", "useAllAgents"];
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...keys), anyValue), async (news) => {
        const result = await provider.check!({}, { ...news, preflight: "off" });
        expect(isCheckResult(result)).toBe(true);
        expect(JSON.stringify(result.failures)).not.toContain(token());
      }),
      { numRuns: 300 },
    );
  });

  test("a token is in no failure, even when it is itself invalid or pasted into a URL", async () => {
    const secret = "glpat-NeverShowThis1234";
    const urls = [`https://oauth2:${secret}@git.example.com/a/b`, `https://git.example.com/a/b?private_token=${secret}`, `https://${secret}@git.example.com/a/b`];
    for (const [i, url] of urls.entries()) {
      const news = { ...valid(), token: `${secret}\n`, gitUrl: url, baseUrl: url, repositoryUrl: url, gitlabUrl: url, name: i === 0 ? `${secret}\n` : "n" };
      const result = await provider.check!({}, news);
      expect(result.failures!.length).toBeGreaterThan(0);
      expect(JSON.stringify(result.failures)).not.toContain(secret);
    }
  });

  test("an invalid property is a failure that names it, and nothing is sent", async () => {
    const property = fc.constantFrom(...Object.keys(invalid)).chain((key) => invalid[key].map((value) => [key, value] as const));
    await fc.assert(
      fc.asyncProperty(property, async ([key, value]) => {
        const before = requestCount();
        const result = await provider.check!({}, { ...valid(), preflight: "strict", [key]: value });
        expect(result.failures?.length).toBeGreaterThan(0);
        expect(result.failures!.map((f) => f.property.split(/[[.]/)[0])).toContain(key === "credentialName" ? "credentialName" : key);
        expect(requestCount()).toBe(before);
      }),
      { numRuns: 150 },
    );
  });
});
