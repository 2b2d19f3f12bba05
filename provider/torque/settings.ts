import { Context, positiveSetting, SettingNames, SETTINGS, transportSettings, TransportSettings } from "../core/context";
import { Account, placeValue } from "../core/account";
import { ProviderError } from "../core/errors";
import { rememberSecret } from "../core/secrets";
import type { CheckFailure } from "../core/spec";
import { TorqueClient } from "./client";

export const DEFAULT_TORQUE_URL = SETTINGS.torqueUrl.default as string;
/** The official client's HTTP timeout, which its slow onboarding call needs. */
export const DEFAULT_ONBOARDING_TIMEOUT_SECONDS = SETTINGS.torqueOnboardingTimeoutSeconds.default as number;

export interface TorqueSettings {
  url: string;
  token: string;
  transport: TransportSettings;
  /** Time the onboarding call (connecting a repository to a space) may take. */
  onboardingTimeoutMs: number;
  names: SettingNames;
}

/** Torque's address and API token: the provider's configuration first, then the variables Torque's own tools use. */
export function torqueSettings(ctx: Context): TorqueSettings | CheckFailure {
  const token = ctx.setting("torqueToken");
  if (!token) {
    return {
      property: ctx.key("torqueToken"),
      reason: `the Torque API token is not set: set it with ${ctx.howToSet("torqueToken", "<token>")}, or set TORQUE_TOKEN.`,
    };
  }
  rememberSecret(token);
  const transport = transportSettings(ctx, "torque");
  if ("reason" in transport) return transport;
  const onboarding = positiveSetting(ctx, "torqueOnboardingTimeoutSeconds") ?? DEFAULT_ONBOARDING_TIMEOUT_SECONDS;
  if (typeof onboarding === "object") return onboarding;
  const url = ctx.setting("torqueUrl") ?? DEFAULT_TORQUE_URL;
  return { url: /^https?:\/\//i.test(url) ? url : `https://${url}`, token, transport, onboardingTimeoutMs: onboarding * 1000, names: ctx };
}

/** The Torque account the configuration names, as each object's state records it. */
export function torqueAccount(ctx: Context): Account {
  const settings = torqueSettings(ctx);
  if ("reason" in settings) throw new ProviderError(settings.reason);
  return { torqueUrl: placeValue("torqueUrl", settings.url) };
}

/** The configuration's Torque client (one per configuration: its connections and list caches are shared by its calls). */
export function torqueClient(ctx: Context): TorqueClient {
  return ctx.once("torque", () => {
    const settings = torqueSettings(ctx);
    if ("reason" in settings) throw new ProviderError(settings.reason);
    return new TorqueClient(settings);
  });
}
