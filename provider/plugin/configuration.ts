import { Context, positiveSetting, SETTING_NAMES, SETTINGS, SettingName } from "../core/context";
import type { CheckFailure } from "../core/spec";
import { containsUnknown } from "../core/unknown";

type Props = Record<string, unknown>;

/** Inputs of this package's provider: the settings, by name. The engine adds `version` and the like, which are not ours to judge. */
export function providerInputs(props: Props): Partial<Record<SettingName, unknown>> {
  return Object.fromEntries(SETTING_NAMES.filter((name) => props[name] !== undefined && props[name] !== null).map((name) => [name, props[name]]));
}

/**
 * Type and range of each setting given, as the provider will read them (a number is checked as
 * every other configuration's is); what needs the network (a token's worth) is judged when
 * resources use it.
 */
export function checkProviderInputs(inputs: Props, explicit: boolean): CheckFailure[] {
  const ctx = providerContext(inputs, explicit);
  const failures: CheckFailure[] = [];
  for (const [name, value] of Object.entries(providerInputs(inputs)) as [SettingName, unknown][]) {
    if (containsUnknown(value)) continue;
    const spec = SETTINGS[name];
    const checked = spec.type === "number" ? positiveSetting(ctx, name) : undefined;
    if (typeof checked === "object") failures.push(checked);
    if (spec.type === "string" && typeof value !== "string") {
      failures.push({ property: name, reason: `${name} must be a string; set it to ${spec.description.replace(/\.$/, "").toLowerCase()}.` });
    }
  }
  return failures;
}

/** Settings that name the account or organization: another value is another place, so the provider (and its resources) is replaced. */
export const PLACE_SETTINGS: SettingName[] = ["torqueUrl", "enosApiGateway", "enosOrgId"];

/**
 * Whether two values of a place setting name another place. A URL written another way (a
 * trailing slash, the host's case, https left implicit as settings allow) is the same place:
 * an update of the provider, not a replacement of everything it registered.
 */
export function movesPlace(name: SettingName, old: unknown, next: unknown): boolean {
  if (containsUnknown(next)) return true;
  const url = (value: unknown) => {
    const text = String(value ?? "").trim().replace(/\/+$/, "");
    try {
      const parsed = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
      return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}`;
    } catch {
      return text;
    }
  };
  const same = name === "enosOrgId" ? String(old ?? "") === String(next ?? "") : url(old) === url(next);
  return !same;
}

/**
 * The configuration of one provider instance, from what Configure hands over: stack config
 * `gitlab-sources:*` for the default provider, the inputs of an explicit one. A value not
 * known yet (an output of a resource still to be created, at preview) makes it partial.
 */
export function providerContext(args: Props, explicit: boolean): Context {
  const inputs = providerInputs(args);
  const partial = containsUnknown(Object.values(inputs));
  return new Context(
    (name) => {
      const value = inputs[name];
      return value === undefined || containsUnknown(value) ? undefined : String(value);
    },
    (name) => (explicit ? { key: name, input: true } : { key: `gitlab-sources:${name}`, input: false }),
    partial,
  );
}
