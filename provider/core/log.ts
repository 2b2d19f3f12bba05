import * as log from "@pulumi/pulumi/log";
import { safeText } from "./secrets";

const said = new Set<string>();

/**
 * A message in Pulumi's log (the engine shows the provider's log beside the operation), once
 * per process for the same key (e.g. one per plain-http host); never carries a secret.
 */
function once(key: string, say: () => void): void {
  if (said.has(key)) return;
  said.add(key);
  say();
}

export function warnOnce(key: string, message: string): void {
  once(key, () => void log.warn(safeText(message)));
}

export function infoOnce(key: string, message: string): void {
  once(key, () => void log.info(safeText(message)));
}
