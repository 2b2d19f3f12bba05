import * as log from "@pulumi/pulumi/log";
import { redact } from "./secrets";

/** A warning in Pulumi's log (the engine shows it under the resource); never carries a secret. */
export function warn(message: string): void {
  void log.warn(redact(message));
}

const warned = new Set<string>();

/** Warns once per process for the same key (e.g. one warning per plain-http host). */
export function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  warn(message);
}
