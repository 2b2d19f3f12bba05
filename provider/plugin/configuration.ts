import { closest } from "fastest-levenshtein";
import { movesPlace } from "../core/account";
import { Context, positiveSetting, SETTING_NAMES, SETTINGS, SettingName } from "../core/context";
import type { CheckFailure } from "../core/spec";
import { containsUnknown } from "../core/unknown";
import { httpUrlProblem } from "../core/url";

type Props = Record<string, unknown>;
type Kind = "default" | "explicit";

/** Keys the engine itself records among a provider's inputs (`pkg/resource/deploy/providers/registry.go`): not ours to judge. */
const ENGINE_KEYS = new Set(["version", "pluginDownloadURL", "pluginChecksums", "__internal"]);

/** Settings that name the account or organization: another value is another place, so the provider (and its resources) is replaced. */
export const PLACE_SETTINGS: SettingName[] = ["torqueUrl", "enosApiGateway", "enosOrgId"];

/** Settings given as URLs (a bare host name means https, as Torque's CLI takes TORQUE_HOSTNAME). */
const URL_SETTINGS: SettingName[] = ["torqueUrl", "enosApiGateway"];

/**
 * The engine's own rule for a default provider (`IsDefaultProvider` in
 * sdk/go/common/providers/reference.go): a provider type whose URN's name begins with
 * "default". Requests that carry no URN fall back to the name.
 */
export function isDefaultProvider(urn: string, name: string): boolean {
  if (!urn) return name.startsWith("default");
  const [type = "", resourceName = ""] = urn.split("::").slice(-2);
  return type.split("$").pop()!.startsWith("pulumi:providers:") && resourceName.startsWith("default");
}

/** Inputs of this package's provider: the settings, by name. */
export function providerInputs(props: Props): Partial<Record<SettingName, unknown>> {
  return Object.fromEntries(SETTING_NAMES.filter((name) => props[name] !== undefined && props[name] !== null).map((name) => [name, props[name]]));
}

/**
 * Each setting given, as the provider will read it: a known name (the closest one is
 * suggested for a typo), the right type, a positive number, a URL where one is expected.
 * What needs the network (a token's worth) is judged when resources use it.
 */
export function checkProviderInputs(inputs: Props, kind: Kind): CheckFailure[] {
  const ctx = providerContext(inputs, kind);
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(inputs)) {
    if (ENGINE_KEYS.has(key) || (SETTING_NAMES as string[]).includes(key)) continue;
    const where = kind === "explicit" ? `the provider's ${key} input` : `gitlab-sources:${key}`;
    failures.push({ property: key, reason: `${where} is not a setting of this provider; did you mean ${closest(key, SETTING_NAMES)}? (settings: ${SETTING_NAMES.join(", ")}).` });
  }
  for (const [name, value] of Object.entries(providerInputs(inputs)) as [SettingName, unknown][]) {
    if (containsUnknown(value)) continue;
    const spec = SETTINGS[name];
    if (spec.type === "string" && typeof value !== "string") {
      failures.push({ property: name, reason: `${ctx.name(name)} must be a string; set it to ${spec.description.replace(/\.$/, "")}.` });
      continue;
    }
    const checked = spec.type === "number" ? positiveSetting(ctx, name) : undefined;
    if (typeof checked === "object") failures.push(checked);
    const problem = URL_SETTINGS.includes(name) ? httpUrlProblem(/^[a-z][a-z0-9+.-]*:\/\//i.test(String(value)) ? String(value) : `https://${value}`) : undefined;
    if (problem) failures.push({ property: name, reason: `${ctx.name(name)} ${problem} (got "${String(value)}"); fix it with ${ctx.howToSet(name, "<url>")}.` });
  }
  return failures;
}

/**
 * What changed between two configurations of the provider, judged on the settings in
 * effect (a value left out falls back to its environment variable, then its default, as the
 * provider reads it): the same place written another way, or made explicit, is an update of
 * the provider; only another place replaces it, and with it everything it registered.
 */
export function diffProviderInputs(oldProps: Props, newProps: Props): { changed: SettingName[]; replaces: SettingName[] } {
  const olds = providerInputs(oldProps);
  const news = providerInputs(newProps);
  const [was, is] = [providerContext(oldProps, "explicit"), providerContext(newProps, "explicit")];
  const inEffect = (ctx: Context, name: SettingName, given: unknown) => (containsUnknown(given) ? given : (ctx.setting(name) ?? SETTINGS[name].default));
  const changed = SETTING_NAMES.filter((name) => containsUnknown(news[name]) || String(olds[name] ?? "") !== String(news[name] ?? ""));
  // Old settings of none of ours: a provider of another package (the dynamic provider, when a
  // stack moves to the plugin). Nothing says the place changed.
  const comparable = Object.keys(olds).length > 0;
  const replaces = comparable ? PLACE_SETTINGS.filter((name) => movesPlace(name, inEffect(was, name, olds[name]), inEffect(is, name, news[name]))) : [];
  return { changed, replaces };
}

/**
 * The configuration of one provider instance, from what Configure hands over: stack config
 * `gitlab-sources:*` for the default provider, the inputs of an explicit one. A value not
 * known yet (an output of a resource still to be created, at preview) makes it partial.
 */
export function providerContext(args: Props, kind: Kind): Context {
  const inputs = providerInputs(args);
  const partial = containsUnknown(Object.values(inputs));
  return new Context(
    (name) => {
      const value = inputs[name];
      return value === undefined || containsUnknown(value) ? undefined : String(value);
    },
    (name) => (kind === "explicit" ? { key: name, input: true } : { key: `gitlab-sources:${name}`, input: false }),
    { partial, checksInSteps: true },
  );
}
