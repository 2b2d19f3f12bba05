import type * as pulumi from "@pulumi/pulumi";

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
