import * as pulumi from "@pulumi/pulumi";
import { runtimeType, type ResourceSpec } from "../../core/spec";
import { PACKAGE } from "../kinds";

/** The plugin's version, which the engine loads for these resources (`pulumi plugin install resource gitlab-sources <version>`). */
export const PLUGIN_VERSION = (require("../../../package.json") as { version: string }).version;

/**
 * A resource of this package served by the plugin (`pulumi-resource-gitlab-sources`): its
 * type is `gitlab-sources:<module>:<Type>`, as in schema.json, with the dynamic type as an
 * alias, so that a stack made with the dynamic classes moves to these without replacing
 * anything. Arguments that take another resource are passed as the resource: the engine
 * sends the plugin its id.
 */
export abstract class PluginResource extends pulumi.CustomResource {
  protected constructor(spec: ResourceSpec, name: string, args: object, opts: pulumi.CustomResourceOptions = {}) {
    const keys = [...Object.keys(spec.inputs.shape), ...Object.keys(spec.computed.shape), ...Object.keys(spec.references ?? {})];
    const props: pulumi.Inputs = Object.fromEntries(keys.map((k) => [k, undefined]));
    if (spec.autoName) props[spec.autoName] = name;
    for (const [key, value] of Object.entries(args)) if (value !== undefined) props[key] = value;
    for (const key of spec.secrets) if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
    super(`${PACKAGE}:${spec.token}`, name, props, {
      version: PLUGIN_VERSION,
      ...opts,
      additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...spec.secrets],
      aliases: [...(opts.aliases ?? []), { type: runtimeType(spec) }],
    });
  }
}
