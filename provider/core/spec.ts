import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** The failure a settings reader answered instead of settings (a setting missing or wrong), if any. */
export function failureOf<T extends object>(settings: T | CheckFailure): CheckFailure | undefined {
  return "reason" in settings ? settings : undefined;
}

/**
 * What a resource is, independent of how it talks to its API: its inputs and outputs as zod
 * schemas (validation, TypeScript types and schema.json all come from them) and how changes
 * to them behave.
 */
export interface ResourceSpec<Shape extends z.ZodRawShape = z.ZodRawShape> {
  /** `torque:RepositoryProvider`: the module and type in schema.json and messages. */
  token: string;
  description: string;
  inputs: z.ZodObject<Shape>;
  /** Outputs that are not inputs (state holds both). */
  computed: z.ZodObject<z.ZodRawShape>;
  /**
   * What the provider records in state for itself (what the object owns beside itself):
   * never published, neither in schema.json nor on the resource classes. Besides these, every
   * state records the account its object was registered in (see core/account.ts).
   */
  internal?: z.ZodObject<z.ZodRawShape>;
  /** Inputs whose change replaces the object because the API cannot change them in place. */
  replaceOnChanges: (keyof Shape & string)[];
  /** Input that defaults to the resource's name in the program. */
  autoName?: keyof Shape & string;
  /**
   * The API keeps this unique (several keys: their combination, e.g. a name per space): a
   * replace that keeps every one of their values must delete first; one that changes any of
   * them creates the new object before deleting the old.
   */
  uniqueBy?: (keyof Shape & string) | (keyof Shape & string)[];
  /** Inputs that only steer the provider (preflight, timeouts): never part of a diff. */
  localInputs: (keyof Shape & string)[];
  /** Lists whose order means nothing to the API: compared as sets, so a reordering is no change. */
  unordered?: (keyof Shape & string)[];
  /**
   * Properties that are credentials: marked secret by the resource class in inputs and
   * outputs alike (a plain string included), remembered for redaction, never shown in messages.
   */
  secrets: string[];
  /**
   * Arguments that take another resource of this package: the program passes the resource,
   * the provider receives some of its outputs as inputs (`sets`: input <- output).
   */
  references?: Record<string, Reference>;
}

export interface Reference {
  /** `torque:GitCredential`: the kind of resource the argument takes. */
  resource: string;
  description: string;
  /** Dynamic mode: inputs set from the referenced resource's outputs (input <- output). */
  sets: Record<string, string>;
  /** The plugin: the engine sends the referenced resource's id alone; the inputs it determines. */
  fromId: (id: string) => Record<string, string>;
}

export type Args<S extends ResourceSpec> = z.output<S["inputs"]>;
export type State<S extends ResourceSpec> = z.output<S["inputs"]> &
  z.output<S["computed"]> &
  (S["internal"] extends z.ZodObject<z.ZodRawShape> ? Partial<z.output<S["internal"]>> : unknown);

/** The program-side arguments: each property may be an Output. */
export type InputArgs<T> = {
  [K in keyof T]: T[K] extends (infer E)[] | undefined ? pulumi.Input<pulumi.Input<E>[]> : pulumi.Input<NonNullable<T[K]>>;
};

/** The outputs of a resource class, derived from its spec. */
export type OutputProps<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

/** The type the engine records in URNs for a dynamic resource of this spec. */
export function runtimeType(spec: Pick<ResourceSpec, "token">): string {
  const [module, type] = spec.token.split(":");
  return `pulumi-nodejs:dynamic/${module}:${type}`;
}

/** The package's name in Pulumi: resource types `gitlab-sources:<module>:<Type>`, the provider `pulumi:providers:gitlab-sources`. */
export const PACKAGE = "gitlab-sources";

/** The token of a spec in the schema and for the plugin: `gitlab-sources:torque:RepositoryProvider`. */
export function schemaToken(spec: Pick<ResourceSpec, "token">): string {
  return `${PACKAGE}:${spec.token}`;
}
