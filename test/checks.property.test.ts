import fc from "fast-check";
import type * as pulumi from "@pulumi/pulumi";
import enosDataSource = require("../provider/enos/gitLabDataSource.hooks");
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
  for (const p of [enosDataSource, repositoryProvider, spaceRepository]) {
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

const cases: Case[] = [
  {
    name: "enos:GitLabDataSource",
    provider: enosDataSource,
    valid: () => ({ name: "model_repo", gitUrl: `${gitlab()}/platform/ml/models`, token: token(), description: "d", preflight: "off" }),
    invalid: {
      name: fc.oneof(fc.constant(""), fc.constant("a".repeat(51)), fc.stringMatching(/^[a-z]{1,10}[- é][a-z]{1,10}$/), fc.integer()),
      gitUrl: fc.oneof(badUrl, fc.constant("http://host/only-namespace")),
      token: emptyOrNotString,
      description: fc.oneof(fc.string({ minLength: 101, maxLength: 150 }), fc.integer()),
      preflight: fc.oneof(fc.constant("sometimes"), fc.integer()),
    },
  },
  {
    name: "torque:RepositoryProvider",
    provider: repositoryProvider,
    valid: () => ({ name: "gitlab", baseUrl: `${gitlab()}/`, token: token(), repos: [`${gitlab()}/platform/infra`], preflight: "off" }),
    invalid: {
      name: fc.oneof(fc.constant(""), fc.constant("n".repeat(101)), fc.integer()),
      baseUrl: badUrl,
      token: emptyOrNotString,
      repos: fc.oneof(fc.constant(["http://elsewhere.example.com/a/b"]), fc.constant("not a list"), fc.constant([1])),
    },
  },
  {
    name: "torque:SpaceRepository",
    provider: spaceRepository,
    valid: () => ({ space: "platform", repositoryName: "infra", repositoryUrl: `${gitlab()}/platform/infra`, token: token(), preflight: "off" }),
    invalid: {
      space: fc.oneof(fc.constant(""), fc.constant("a/b"), fc.integer()),
      repositoryName: fc.oneof(fc.constant(""), fc.constant("x y")),
      repositoryUrl: badUrl,
      credentialName: fc.constant("also-a-credential"),
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
