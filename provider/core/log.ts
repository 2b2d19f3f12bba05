import * as log from "@pulumi/pulumi/log";
import { redact } from "./secrets";

const warned = new Set<string>();

/**
 * A warning in Pulumi's log (the engine shows the provider's log beside the operation), once
 * per process for the same key (e.g. one per plain-http host); never carries a secret.
 */
export function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  void log.warn(redact(message));
}
