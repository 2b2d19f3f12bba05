import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { rememberSecret } from "../core/secrets";
import { UNKNOWN } from "../core/unknown";

type Props = Record<string, unknown>;

/** Pulumi's signature key, and the signature of a secret. */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

function isSecret(value: unknown): value is { value?: unknown } {
  return typeof value === "object" && value !== null && (value as Props)[SIG] === SECRET;
}

/**
 * Plain values from the engine's: secrets unwrapped (and remembered, so no message shows
 * them), unknowns kept as the engine's unknown. Resource references arrive as ids already:
 * Configure answers `acceptResources: false`.
 */
export function plain(value: unknown): unknown {
  if (isSecret(value)) {
    rememberSecret(value.value);
    return plain(value.value);
  }
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

export function fromStruct(struct: structproto.Struct | undefined): Props {
  return struct ? (plain(struct.toJavaScript()) as Props) : {};
}

/** Whether a secret is anywhere inside (an array's values included). */
function holdsSecret(value: unknown): boolean {
  return isSecret(value) || (value !== null && typeof value === "object" && Object.values(value).some(holdsSecret));
}

/** The properties that arrived secret, or holding a secret anywhere inside: what comes back under them is secret too. */
export function secretKeys(...structs: (structproto.Struct | undefined)[]): string[] {
  return [...new Set(structs.flatMap((struct) => Object.entries(struct?.toJavaScript() ?? {}).filter(([, v]) => holdsSecret(v)).map(([k]) => k)))];
}

/** A Struct for the engine, with the keys in `secrets` marked secret (a plain string included). */
// Stryker disable next-line ArrayDeclaration: a default of ["Stryker was here"] marks only a property of that name, which no resource has.
export function toStruct(props: Props, secrets: string[] = []): structproto.Struct {
  const marked = Object.fromEntries(
    Object.entries(props)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, secrets.includes(k) && v !== UNKNOWN ? { [SIG]: SECRET, value: v } : v]),
  );
  return structproto.Struct.fromJavaScript(marked as Record<string, structproto.JavaScriptValue>);
}
