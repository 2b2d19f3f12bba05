import { currentCall } from "./call";
import { safeText } from "./secrets";

type Severity = "info" | "warn";
/**
 * `urn`: the resource the request being served is about, where the engine says (the plugin).
 * `ephemeral`: a status that replaces the resource's status line, not a line of its diagnostics.
 */
type Sink = (severity: Severity, message: string, urn: string | undefined, ephemeral: boolean) => void;

/**
 * Dynamic mode: Pulumi's log, which the host writes to its stderr, where the engine picks it up
 * as a diagnostic of the stack (the host knows no URN), so each message names the object it
 * concerns; an ephemeral status cannot be told apart there.
 */
let sink: Sink = (severity, message, _urn, ephemeral) => {
  const log = require("@pulumi/pulumi/log") as Record<Severity, (message: string, resource?: undefined, streamId?: number, ephemeral?: boolean) => Promise<void>>;
  void log[severity](message, undefined, undefined, ephemeral);
};

/** Where this process's messages go: the plugin sends them to the engine. */
export function setLogSink(next: Sink): void {
  sink = next;
}

const said = new Set<string>();

/** The message as the engine shows it: on its resource (the plugin), else naming the object it concerns. */
function attached(message: string): [string, string | undefined] {
  const { urn, subject } = currentCall();
  const text = safeText(message);
  return [urn || !subject || text.startsWith(subject) ? text : `${subject}: ${text}`, urn];
}

/**
 * A message in Pulumi's log, once per resource (or, where the engine names none, per object)
 * for the same key in this provider process, that is once per command (each command starts
 * its own); never carries a secret.
 */
function once(key: string, severity: Severity, message: string): void {
  const { urn, subject } = currentCall();
  const scoped = `${urn ?? subject ?? ""}\0${key}`;
  if (said.has(scoped)) return;
  said.add(scoped);
  const [text, resource] = attached(message);
  sink(severity, text, resource, false);
}

export function warnOnce(key: string, message: string): void {
  once(key, "warn", message);
}

export function infoOnce(key: string, message: string): void {
  once(key, "info", message);
}

/**
 * What the resource's operation is doing now, on its status line (`waiting for Torque to sync
 * ...`): replaced by the next, gone when the step ends. Dynamic mode's host writes its log to
 * its stderr, which the engine keeps among the diagnostics: there the first status of `key`
 * is said once, an info line naming the object, and the later ones are not.
 */
export function status(key: string, message: string): void {
  const [text, resource] = attached(message);
  if (resource) sink("info", text, resource, true);
  else once(key, "info", message);
}
