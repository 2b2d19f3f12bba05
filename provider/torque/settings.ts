import { setting, transportSettings, TransportSettings } from "../core/config";
import { ProviderError } from "../core/errors";
import { rememberSecret } from "../core/secrets";
import type { CheckFailure } from "../core/spec";

export const DEFAULT_TORQUE_URL = "https://portal.qtorque.io";
/** The official client's HTTP timeout, which its slow onboarding call needs. */
export const DEFAULT_ONBOARDING_TIMEOUT_SECONDS = 120;

export interface TorqueSettings {
  url: string;
  token: string;
  transport: TransportSettings;
  /** Time the onboarding call (connecting a repository to a space) may take. */
  onboardingTimeoutMs: number;
}

/** Torque's address and API token: stack config first, then the variables Torque's own tools use. */
export function torqueSettings(): TorqueSettings | CheckFailure {
  const token = setting("torque:token", "TORQUE_TOKEN");
  if (!token) {
    return {
      property: "torque:token",
      reason: "the Torque API token is not set: run `pulumi config set --secret torque:token <token>` or set TORQUE_TOKEN.",
    };
  }
  rememberSecret(token);
  const transport = transportSettings("torque");
  if ("reason" in transport) return transport;
  const onboarding = setting("torque:onboardingTimeoutSeconds") ?? String(DEFAULT_ONBOARDING_TIMEOUT_SECONDS);
  if (!(Number(onboarding) > 0)) {
    return {
      property: "torque:onboardingTimeoutSeconds",
      reason: `torque:onboardingTimeoutSeconds must be a positive number, not "${onboarding}"; fix it with \`pulumi config set torque:onboardingTimeoutSeconds <number>\`.`,
    };
  }
  const url = setting("torque:url", "TORQUE_URL", "TORQUE_HOST", "TORQUE_HOSTNAME") ?? DEFAULT_TORQUE_URL;
  return { url: /^https?:\/\//i.test(url) ? url : `https://${url}`, token, transport, onboardingTimeoutMs: Number(onboarding) * 1000 };
}

export function requireTorqueSettings(): TorqueSettings {
  const settings = torqueSettings();
  if ("reason" in settings) throw new ProviderError(settings.reason);
  return settings;
}
