import { setting, transportSettings, TransportSettings } from "../core/config";
import { ProviderError } from "../core/errors";
import { rememberSecret } from "../core/secrets";
import type { CheckFailure } from "../core/spec";

export const DEFAULT_SERVICE_PATH = "/data-source-registration/v2.0";

export interface EnosSettings {
  apiGateway: string;
  orgId: string;
  appKey: string;
  appSecret: string;
  servicePath: string;
  transport: TransportSettings;
}

const required = [
  ["apiGateway", "ENOS_API_GATEWAY", "<https://apigw-address>"],
  ["orgId", "ENOS_ORG_ID", "<org id>"],
  ["appKey", "ENOS_APP_KEY", "<access key>"],
  ["appSecret", "ENOS_APP_SECRET", "<secret key>"],
] as const;

/** EnOS gateway and application credentials: stack config first, then environment variables. */
export function enosSettings(): EnosSettings | CheckFailure {
  const values = Object.fromEntries(required.map(([key, env]) => [key, setting(`enos:${key}`, env)]));
  const missing = required.filter(([key]) => !values[key]);
  if (missing.length > 0) {
    const commands = missing.map(([key, , example]) => `pulumi config set ${key === "appSecret" ? "--secret " : ""}enos:${key} ${example}`);
    return {
      property: `enos:${missing[0][0]}`,
      reason: `EnOS is not configured (${missing.map(([k]) => `enos:${k}`).join(", ")} missing): run ${commands.map((c) => `\`${c}\``).join(", ")}, or set ${missing.map(([, env]) => env).join(", ")}.`,
    };
  }
  rememberSecret(values.appSecret);
  const transport = transportSettings("enos");
  if ("reason" in transport) return transport;
  const gateway = values.apiGateway!;
  return {
    apiGateway: /^https?:\/\//i.test(gateway) ? gateway.replace(/\/+$/, "") : `https://${gateway.replace(/\/+$/, "")}`,
    orgId: values.orgId!,
    appKey: values.appKey!,
    appSecret: values.appSecret!,
    servicePath: `/${(setting("enos:servicePath", "ENOS_SERVICE_PATH") ?? DEFAULT_SERVICE_PATH).replace(/^\/+|\/+$/g, "")}`,
    transport,
  };
}

export function requireEnosSettings(): EnosSettings {
  const settings = enosSettings();
  if ("reason" in settings) throw new ProviderError(settings.reason);
  return settings;
}
