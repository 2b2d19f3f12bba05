import type * as pulumi from "@pulumi/pulumi";
import type { ResourceSpec } from "../../provider/core/spec";
import { UNKNOWN } from "../../provider/core/unknown";
import type { Declaration } from "../harness/stack";

type Props = Record<string, unknown>;
type Provider = Required<pulumi.dynamic.ResourceProvider>;
export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * A resource's provider object (what `<name>.hooks.ts` exports and the host deserializes),
 * called in this process: check, diff and the CRUD hooks without a provider host, for the
 * logic that does not depend on the wire. Configured as the host configures it: keys keep
 * their namespace, a bare key reads `<project>:key`.
 */
export async function inProcess<P extends pulumi.dynamic.ResourceProvider>(provider: P, config: Record<string, string>, project = "project"): Promise<Required<P>> {
  const get = (key: string) => config[key.includes(":") ? key : `${project}:${key}`];
  const require = (key: string) => {
    const value = get(key);
    if (value === undefined) throw new Error(`Missing required configuration key: ${key}`);
    return value;
  };
  await provider.configure!({ config: { get, require } });
  return provider as Required<P>;
}

/** The inputs `check` returns; the test fails on any check failure. */
export async function checkedInputs(provider: Provider, news: Props, olds: Props = {}): Promise<Props> {
  const result = await provider.check(olds, news);
  expect(result.failures).toEqual([]);
  return result.inputs;
}

/** A new resource as `pulumi up` makes it: check, then create; its id and state. */
export async function createChecked(provider: Provider, news: Props): Promise<{ id: string; state: Props }> {
  const created = await provider.create(await checkedInputs(provider, news));
  return { id: created.id, state: created.outs! };
}

const modules: Record<string, [hooks: string, schema: string, spec: string]> = {
  "enos:GitLabDataSource": ["../../provider/enos/gitLabDataSource.hooks", "../../provider/enos/gitLabDataSource.schema", "gitLabDataSourceSpec"],
  "torque:GitCredential": ["../../provider/torque/gitCredential.hooks", "../../provider/torque/gitCredential.schema", "gitCredentialSpec"],
  "torque:RepositoryProvider": ["../../provider/torque/repositoryProvider.hooks", "../../provider/torque/repositoryProvider.schema", "repositoryProviderSpec"],
  "torque:SpaceRepository": ["../../provider/torque/spaceRepository.hooks", "../../provider/torque/spaceRepository.schema", "spaceRepositorySpec"],
};

export interface Checked {
  /** Check failures by resource name (only resources that failed). */
  failures: Record<string, CheckFailure[]>;
  /** Checked inputs by resource name, as the engine stores them. */
  inputs: Record<string, Props>;
  /** What the provider logged as warnings (the host's stderr, shown by the engine as diagnostics). */
  warnings: string[];
}

/**
 * Every resource's provider object as a fresh provider process holds them: a module
 * registry of its own (so every cache starts empty), configured.
 */
export async function freshProcess(config: Record<string, string>): Promise<Record<string, { provider: Provider; spec: ResourceSpec }>> {
  const providers: Record<string, { provider: Provider; spec: ResourceSpec }> = {};
  jest.isolateModules(() => {
    for (const [kind, [hooks, schema, spec]] of Object.entries(modules)) {
      providers[kind] = { provider: require(hooks), spec: require(schema)[spec] };
    }
  });
  for (const { provider } of Object.values(providers)) await inProcess(provider, config);
  return providers;
}

/**
 * The checks of a `pulumi preview` as one fresh provider process runs them: a module
 * registry of its own (so every cache starts empty), every declaration's check at once, as
 * the engine runs them, with the engine's unknown for a reference to another resource's
 * output (`{ $ref }`) and plain values for secrets. `olds`: the inputs in state, by name.
 */
export async function previewChecks(declarations: Declaration[], config: Record<string, string>, olds: Record<string, Props> = {}): Promise<Checked> {
  const providers = await freshProcess(config);
  const warnings: string[] = [];
  const spy = jest.spyOn(console, "warn").mockImplementation((line: unknown) => void warnings.push(String(line)));
  try {
    const results = await Promise.all(
      declarations.map(async (d) => {
        const { provider, spec } = providers[d.kind];
        const news = resolve(d.args) as Props;
        if (spec.autoName && news[spec.autoName] === undefined) news[spec.autoName] = d.name;
        return [d.name, await provider.check(olds[d.name] ?? {}, news)] as const;
      }),
    );
    const checked: Checked = { failures: {}, inputs: {}, warnings };
    for (const [name, result] of results) {
      checked.inputs[name] = result.inputs ?? {};
      if (result.failures?.length) checked.failures[name] = result.failures;
    }
    return checked;
  } finally {
    spy.mockRestore();
  }
}

function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (!value || typeof value !== "object") return value;
  const v = value as Props;
  if ("$secret" in v) return v.$secret;
  if ("$ref" in v) return UNKNOWN;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
}
