import * as pulumi from "@pulumi/pulumi";
import { SETTING_NAMES, SETTINGS, type SettingName } from "../../core/context";
import { PACKAGE } from "../../core/spec";
import { PLUGIN_DOWNLOAD_URL, PLUGIN_VERSION } from "./resource";

type NumberSetting = Extract<SettingName, `${string}${"Seconds" | "Concurrency" | "Megabytes"}`>;

/** An explicit provider's settings: the names of stack config `gitlab-sources:<name>`, each with its environment fallback. */
export type ProviderArgs = { [K in SettingName]?: pulumi.Input<K extends NumberSetting ? number : string> };

/**
 * The provider for one Torque account and one EnOS organization. Pass it as a resource's
 * `provider` option; resources without one use the default provider, configured from stack
 * config `gitlab-sources:*`.
 */
export class Provider extends pulumi.ProviderResource {
  constructor(name: string, args: ProviderArgs = {}, opts: pulumi.ResourceOptions = {}) {
    const props: pulumi.Inputs = {};
    for (const key of SETTING_NAMES) {
      const value = args[key];
      if (value !== undefined) props[key] = SETTINGS[key].secret ? pulumi.secret(value) : value;
    }
    super(PACKAGE, name, props, { version: PLUGIN_VERSION, pluginDownloadURL: PLUGIN_DOWNLOAD_URL, ...opts });
  }
}
