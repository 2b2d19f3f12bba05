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

/** Timeout, concurrency cap, answer size cap and trusted CA of one API's client, from `<namespace>:...` settings. */
export interface TransportSettings {
  timeoutMs?: number;
  maxConcurrent?: number;
  maxResponseBytes?: number;
  caBundle?: string;
}

/** Reads `<ns>:timeoutSeconds`, `<ns>:maxConcurrency`, `<ns>:maxResponseMegabytes` and `<ns>:caBundle` (or `<NS>_CA_BUNDLE`); a bad number is a failure. */
export function transportSettings(namespace: string): TransportSettings | { property: string; reason: string } {
  const positive = (key: string) => {
    const raw = setting(`${namespace}:${key}`);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    return Number.isFinite(value) && value > 0 ? value : { property: `${namespace}:${key}`, reason: `${namespace}:${key} must be a positive number, not "${raw}"; fix it with \`pulumi config set ${namespace}:${key} <number>\`.` };
  };
  const timeout = positive("timeoutSeconds");
  const concurrency = positive("maxConcurrency");
  const megabytes = positive("maxResponseMegabytes");
  for (const value of [timeout, concurrency, megabytes]) if (typeof value === "object") return value;
  return {
    timeoutMs: typeof timeout === "number" ? timeout * 1000 : undefined,
    maxConcurrent: typeof concurrency === "number" ? Math.floor(concurrency) : undefined,
    maxResponseBytes: typeof megabytes === "number" ? Math.floor(megabytes * 2 ** 20) : undefined,
    caBundle: setting(`${namespace}:caBundle`, `${namespace.toUpperCase()}_CA_BUNDLE`),
  };
}
