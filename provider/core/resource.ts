import type * as pulumi from "@pulumi/pulumi";
import type { ResourceSpec } from "./spec";

/**
 * The property bag a resource class passes to `pulumi.dynamic.Resource`: only keys present
 * in it become outputs, so every output is seeded (undefined) before the arguments.
 */
export function resourceProps(spec: ResourceSpec, args: object): pulumi.Inputs {
  const keys = [...Object.keys(spec.inputs.shape), ...Object.keys(spec.computed.shape)];
  const defined = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
  return { ...Object.fromEntries(keys.map((k) => [k, undefined])), ...defined };
}

/** The caller's options plus the spec's secret outputs (so the engine never stores them in plaintext). */
export function resourceOptions(spec: ResourceSpec, opts: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...spec.secretOutputs] };
}
