import * as pulumi from "@pulumi/pulumi";
import { IMPORT_ID } from "./adopt";
import type { ResourceSpec } from "./spec";

/**
 * A resource of this package as the program declares it: a dynamic resource whose inputs and
 * options follow from its spec.
 */
export abstract class SpecResource extends pulumi.dynamic.Resource {
  protected constructor(provider: pulumi.dynamic.ResourceProvider, spec: ResourceSpec, name: string, args: object, opts: pulumi.CustomResourceOptions = {}) {
    const [module, type] = spec.token.split(":");
    super(provider, name, resourceProps(spec, name, args, opts.import), resourceOptions(spec, opts), module, type);
  }
}

/**
 * The property bag of a resource of this package, dynamic or served by the plugin: only keys
 * present in it become outputs, so every output is seeded (undefined) before the arguments.
 * Secret properties are marked secret here, so a token given as a plain string is still
 * encrypted in the state's inputs (`additionalSecretOutputs` covers outputs only) and masked
 * by `preview --diff`. An argument that takes another resource is, for a dynamic resource,
 * the referenced resource's outputs it needs (`expand`); the plugin is passed the resource
 * itself, whose id the engine sends (`pass`).
 */
export function specProps(spec: ResourceSpec, resourceName: string, args: object, references: "expand" | "pass"): pulumi.Inputs {
  const keys = [...Object.keys(spec.inputs.shape), ...Object.keys(spec.computed.shape)];
  const props: pulumi.Inputs = Object.fromEntries(keys.map((k) => [k, undefined]));
  if (spec.autoName) props[spec.autoName] = resourceName;
  for (const [key, value] of Object.entries(args)) {
    const reference = references === "expand" ? spec.references?.[key] : undefined;
    if (value === undefined) continue;
    if (!reference) props[key] = value;
    else for (const [input, output] of Object.entries(reference.sets)) props[input] = (value as Record<string, unknown>)[output];
  }
  for (const key of spec.secrets) if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
  return props;
}

/** The caller's options plus the spec's secret outputs. */
export function withSecretOutputs(spec: ResourceSpec, opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...spec.secrets] };
}

function resourceProps(spec: ResourceSpec, resourceName: string, args: object, importId: pulumi.Input<string> | undefined): pulumi.Inputs {
  const props = specProps(spec, resourceName, args, "expand");
  if (importId !== undefined) props[IMPORT_ID] = importId;
  return props;
}

/**
 * The caller's options plus the spec's secrets, without `import`: the engine's import step
 * calls Read with the id alone, where a dynamic provider cannot run (no `__provider`), so the
 * id travels as the input `importId` and create adopts the object instead of registering it.
 */
function resourceOptions(spec: ResourceSpec, opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  const { import: _moved, ...rest } = opts;
  return withSecretOutputs(spec, rest);
}
