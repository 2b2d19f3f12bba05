import { Context, SettingNames, SETTINGS, transportSettings, TransportSettings } from "../core/context";
import { Account, placeValue } from "../core/account";
import { ProviderError } from "../core/errors";
import { rememberSecret } from "../core/secrets";
import type { CheckFailure } from "../core/spec";
import { EnosClient } from "./client";

export const DEFAULT_SERVICE_PATH = SETTINGS.enosServicePath.default as string;

export interface EnosSettings {
  apiGateway: string;
  orgId: string;
  appKey: string;
  appSecret: string;
  servicePath: string;
  transport: TransportSettings;
  names: SettingNames;
}

const required = [
  ["enosApiGateway", "<https://apigw-address>"],
  ["enosOrgId", "<org id>"],
  ["enosAppKey", "<access key>"],
  ["enosAppSecret", "<secret key>"],
] as const;

/** EnOS gateway and application credentials: the provider's configuration first, then environment variables. */
export function enosSettings(ctx: Context): EnosSettings | CheckFailure {
  const [apiGateway, orgId, appKey, appSecret] = required.map(([name]) => ctx.setting(name));
  const missing = required.filter(([name]) => !ctx.setting(name));
  if (missing.length > 0) {
    return {
      property: ctx.key(missing[0][0]),
      reason: `EnOS is not configured (${missing.map(([name]) => ctx.key(name)).join(", ")} missing): ${missing.map(([name, example]) => ctx.howToSet(name, example)).join(", ")}, or set ${missing.map(([name]) => SETTINGS[name].env![0]).join(", ")}.`,
    };
  }
  rememberSecret(appSecret);
  const transport = transportSettings(ctx, "enos");
  if ("reason" in transport) return transport;
  const gateway = apiGateway!.replace(/\/+$/, "");
  return {
    apiGateway: /^https?:\/\//i.test(gateway) ? gateway : `https://${gateway}`,
    orgId: orgId!,
    appKey: appKey!,
    appSecret: appSecret!,
    servicePath: `/${(ctx.setting("enosServicePath") ?? DEFAULT_SERVICE_PATH).replace(/^\/+|\/+$/g, "")}`,
    transport,
    names: ctx,
  };
}

/** The EnOS gateway and organization the configuration names, as each data source's state records them. */
export function enosAccount(ctx: Context): Account {
  const settings = enosSettings(ctx);
  if ("reason" in settings) throw new ProviderError(settings.reason);
  return { enosApiGateway: placeValue("enosApiGateway", settings.apiGateway), enosOrgId: placeValue("enosOrgId", settings.orgId) };
}

/** The configuration's EnOS client (one per configuration: its access token and list cache are shared by its calls). */
export function enosClient(ctx: Context): EnosClient {
  return ctx.once("enos", () => {
    const settings = enosSettings(ctx);
    if ("reason" in settings) throw new ProviderError(settings.reason);
    return new EnosClient(settings);
  });
}
