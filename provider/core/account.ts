import type { Context, SettingName } from "./context";
import { ProviderError } from "./errors";
import { containsUnknown } from "./unknown";

/** The state key under which each object records the account it was registered in. */
export const ACCOUNT = "account";

/** The settings that name the place an object lives in (a Torque account; an EnOS gateway and organization), in one written form each. */
export type Account = Partial<Record<SettingName, string>>;

/**
 * A place setting in one form: a URL written another way (a trailing slash, the host's case,
 * https left implicit as the settings allow) is the same place.
 */
export function placeValue(name: SettingName, value: unknown): string {
  const text = String(value ?? "").trim().replace(/\/+$/, "");
  if (name === "enosOrgId") return text;
  try {
    const parsed = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}`;
  } catch {
    return text;
  }
}

/** Whether two values of a place setting name another place. */
export function movesPlace(name: SettingName, old: unknown, next: unknown): boolean {
  return containsUnknown(next) || placeValue(name, old) !== placeValue(name, next);
}

/**
 * The state's recorded account, when it is another than the configuration names: a read,
 * update or delete there would act on another account's objects (or find them absent and
 * drop them). State written before accounts were recorded has none, and is taken as it is.
 */
export function checkAccount(ctx: Context, recorded: unknown, current: Account, what: string): void {
  if (!recorded || typeof recorded !== "object") return;
  const was = recorded as Account;
  const moved = (Object.keys(current) as SettingName[]).filter((name) => was[name] !== undefined && was[name] !== current[name]);
  if (moved.length === 0) return;
  const names = moved.map((name) => ctx.name(name)).join(" and ");
  const back = moved.map((name) => `${ctx.name(name)} back to ${was[name]}`).join(" and ");
  throw new ProviderError(
    `${what} was registered in ${describe(was)}, but ${names} now name${moved.length > 1 ? "" : "s"} ${describe(current)}, so nothing was done there; set ${back} to manage it, or, to move the stack's registrations to the other account, run pulumi destroy while the settings name the old one, then change them and run pulumi up.`,
  );
}

function describe(account: Account): string {
  if (account.torqueUrl) return `Torque account ${account.torqueUrl}`;
  return `EnOS organization ${account.enosOrgId} at ${account.enosApiGateway}`;
}
