import { currentCall } from "./call";
import { safeText } from "./secrets";

type Severity = "info" | "warn";
/** `urn`: the resource the request being served is about, where the engine says (the plugin). */
type Sink = (severity: Severity, message: string, urn: string | undefined) => void;

/** Dynamic mode: Pulumi's log, which the host writes where the engine shows it beside the operation. */
let sink: Sink = (severity, message) => {
  const log = require("@pulumi/pulumi/log") as Record<Severity, (message: string) => Promise<void>>;
  void log[severity](message);
};

/** Where this process's messages go: the plugin sends them to the engine. */
export function setLogSink(next: Sink): void {
  sink = next;
}

const said = new Set<string>();

/**
 * A message in Pulumi's log, once per process for the same key (e.g. one per plain-http
 * host); never carries a secret.
 */
function once(key: string, severity: Severity, message: string): void {
  if (said.has(key)) return;
  said.add(key);
  sink(severity, safeText(message), currentCall().urn);
}

export function warnOnce(key: string, message: string): void {
  once(key, "warn", message);
}

export function infoOnce(key: string, message: string): void {
  once(key, "info", message);
}
