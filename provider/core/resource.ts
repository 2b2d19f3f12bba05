import type * as pulumi from "@pulumi/pulumi";
import type { ResourceSpec } from "./spec";

/**
 * The property bag a resource class passes to `pulumi.dynamic.Resource`: only keys present
 * in it become outputs, so every output is seeded (undefined) before the arguments.
 */
export function resourceProps(spec: ResourceSpec, resourceName: string, args: object): pulumi.Inputs {
  const keys = [...Object.keys(spec.inputs.shape), ...Object.keys(spec.computed.shape)];
  const props: pulumi.Inputs = Object.fromEntries(keys.map((k) => [k, undefined]));
  if (spec.autoName) props[spec.autoName] = resourceName;
  for (const [key, value] of Object.entries(args)) {
    const reference = spec.references?.[key];
    if (value === undefined) continue;
    if (!reference) props[key] = value;
    else for (const [input, output] of Object.entries(reference.sets)) props[input] = (value as Record<string, unknown>)[output];
  }
  return props;
}

/** The caller's options plus the spec's secret outputs (so the engine never stores them in plaintext). */
export function resourceOptions(spec: ResourceSpec, opts: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...spec.secretOutputs] };
}
