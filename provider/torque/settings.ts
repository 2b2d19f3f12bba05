import { setting, transportSettings, TransportSettings } from "../core/config";
import { ProviderError } from "../core/errors";
import { rememberSecret } from "../core/secrets";
import type { CheckFailure } from "../core/spec";

export const DEFAULT_TORQUE_URL = "https://portal.qtorque.io";

export interface TorqueSettings {
  url: string;
  token: string;
  transport: TransportSettings;
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
  const url = setting("torque:url", "TORQUE_URL", "TORQUE_HOST") ?? DEFAULT_TORQUE_URL;
  return { url: /^https?:\/\//i.test(url) ? url : `https://${url}`, token, transport };
}

export function requireTorqueSettings(): TorqueSettings {
  const settings = torqueSettings();
  if ("reason" in settings) throw new ProviderError(settings.reason);
  return settings;
}
