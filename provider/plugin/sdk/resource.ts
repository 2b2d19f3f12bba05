import * as pulumi from "@pulumi/pulumi";
import { specProps, withSecretOutputs } from "../../core/resource";
import { runtimeType, schemaToken, type ResourceSpec } from "../../core/spec";

/** The plugin's version, which the engine loads for these resources (`pulumi plugin install resource gitlab-sources <version>`). */
export const PLUGIN_VERSION = (require("../../../package.json") as { version: string }).version;
/** Where the engine downloads that version when it is not installed: the schema's, as every SDK has it. */
export const PLUGIN_DOWNLOAD_URL = (require("../../../schema.json") as { pluginDownloadURL: string }).pluginDownloadURL;

/**
 * A resource of this package served by the plugin (`pulumi-resource-gitlab-sources`): its
 * type is `gitlab-sources:<module>:<Type>`, as in schema.json, with the dynamic type as an
 * alias, so that a stack made with the dynamic classes moves to these without replacing
 * anything. Arguments that take another resource are passed as the resource: the engine
 * sends the plugin its id.
 */
export abstract class PluginResource extends pulumi.CustomResource {
  protected constructor(spec: ResourceSpec, name: string, args: object, opts: pulumi.CustomResourceOptions = {}) {
    super(schemaToken(spec), name, specProps(spec, name, args, "pass"), {
      version: PLUGIN_VERSION,
      pluginDownloadURL: PLUGIN_DOWNLOAD_URL,
      ...withSecretOutputs(spec, opts),
      aliases: [...(opts.aliases ?? []), { type: runtimeType(spec) }],
    });
  }
}
