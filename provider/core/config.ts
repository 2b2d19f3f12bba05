import type * as pulumi from "@pulumi/pulumi";

/**
 * Stack configuration as the provider host hands it to `configure`. It is kept here, in the
 * host's memory, and read at call time: nothing read from it is captured in the serialized
 * provider. `configure` stores it synchronously, before the host can start a concurrent
 * call on the provider it has just cached.
 */
let stackConfig: pulumi.dynamic.Config | undefined;

export function setStackConfig(config: pulumi.dynamic.Config): void {
  stackConfig = config;
}

/** A setting from stack config (`namespace:key`), else from the first environment variable set. */
export function setting(key: string, ...envVars: string[]): string | undefined {
  const fromConfig = stackConfig?.get(key);
  if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
  for (const name of envVars) {
    const value = process.env[name];
    if (value) return value;
  }
  return undefined;
}
