import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { rememberSecret } from "../core/secrets";
import { UNKNOWN } from "../core/unknown";

type Props = Record<string, unknown>;

/** Pulumi's signature key, and the signatures of a secret and of a resource reference. */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE = "5cf8f73096256a8f31e491e813e4eb8e";

function isSigned(value: unknown, sig: string): value is { value?: unknown; id?: unknown; urn?: string } {
  return typeof value === "object" && value !== null && (value as Props)[SIG] === sig;
}

/**
 * Plain values from the engine's: secrets unwrapped (and remembered, so no message shows
 * them), resource references as their ids (`acceptResources` is false, so the engine sends
 * ids already; this covers a reference it keeps anyway), unknowns kept as the engine's unknown.
 */
export function plain(value: unknown): unknown {
  if (isSigned(value, SECRET)) {
    rememberSecret(value.value);
    return plain(value.value);
  }
  if (isSigned(value, RESOURCE)) return value.id === undefined || value.id === "" ? UNKNOWN : plain(value.id);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

export function fromStruct(struct: structproto.Struct | undefined): Props {
  return struct ? (plain(struct.toJavaScript()) as Props) : {};
}

/** A Struct for the engine, with the keys in `secrets` marked secret (a plain string included). */
export function toStruct(props: Props, secrets: string[] = []): structproto.Struct {
  const marked = Object.fromEntries(
    Object.entries(props)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, secrets.includes(k) && v !== UNKNOWN ? { [SIG]: SECRET, value: v } : v]),
  );
  return structproto.Struct.fromJavaScript(marked as Record<string, structproto.JavaScriptValue>);
}
