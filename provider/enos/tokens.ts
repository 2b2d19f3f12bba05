import { z } from "zod";
import { ProviderError } from "../core/errors";
import { rememberSecret } from "../core/secrets";
import type { HttpClient, Response } from "../http/client";
import { parseBody } from "../http/json";
import type { EnosSettings } from "./settings";
import { tokenEncryption } from "./signing";

const TOKEN_SERVICE = "/apim-token-service/v2.0/token";

// The token service answers with `status` (one published sample spells it `stauts`).
const tokenAnswer = z
  .object({
    status: z.number().optional(),
    stauts: z.number().optional(),
    code: z.number().optional(),
    msg: z.string().optional(),
    data: z.object({ accessToken: z.string(), expire: z.number() }).nullable().optional(),
  })
  .refine((a) => a.status !== undefined || a.stauts !== undefined || a.code !== undefined, { message: "no status field" });

/** What a token service status means, naming the settings as the provider in use takes them. */
function tokenError(status: number, msg: string | undefined, settings: EnosSettings): string {
  const [appKey, appSecret] = [settings.names.name("enosAppKey"), settings.names.name("enosAppSecret")];
  switch (status) {
    case 1002:
      return `EnOS does not know the application key (1002); check ${appKey} (Developer Console > Application Registration).`;
    case 1003:
      return `EnOS rejected the token request's encryption (1003); check ${appSecret}, the secret key of the application.`;
    case 1004:
      return `EnOS rejected the token request as invalid (1004); check the machine's clock and ${appKey}.`;
    case 1202:
      return `EnOS rejected the token request: a parameter is empty (1202); check ${appKey} and ${appSecret}.`;
    default:
      return `EnOS token service refused the application (${status} ${msg ?? ""}); check ${appKey} and ${appSecret}.`;
  }
}

interface Issued {
  token: string;
  renewAt: number;
}

/** Access tokens by gateway and application, shared by concurrent calls. */
export type TokenCache = Map<string, Promise<Issued>>;

/**
 * The current access token, reused until shortly before it expires. `stale`: a token the
 * gateway reported expired (1203); a different one is returned.
 */
export async function accessToken(issued: TokenCache, settings: EnosSettings, http: HttpClient, stale?: string): Promise<string> {
  const key = `${settings.apiGateway}\n${settings.appKey}`;
  const current = issued.get(key);
  let previous: string | undefined;
  if (current) {
    const entry = await current.catch(() => undefined);
    if (entry && entry.token !== stale && Date.now() < entry.renewAt) return entry.token;
    if (issued.get(key) !== current) return accessToken(issued, settings, http, stale);
    previous = entry?.token;
  }
  const next = previous === undefined ? requestToken(settings, http, "get") : renewToken(settings, http, previous);
  issued.set(key, next);
  next.catch(() => issued.get(key) === next && issued.delete(key));
  return (await next).token;
}

/**
 * A new token in place of `previous` (close to expiry, or reported expired): token/get would
 * answer the same token while it is valid, so ask token/refresh; if the gateway will not
 * refresh it (1204, or no refresh endpoint), ask token/get.
 */
async function renewToken(settings: EnosSettings, http: HttpClient, previous: string): Promise<Issued> {
  try {
    const renewed = await requestToken(settings, http, "refresh", previous);
    if (renewed.token !== previous) return renewed;
  } catch {
    // fall back to token/get, whose errors name the setting to fix
  }
  return requestToken(settings, http, "get");
}

async function requestToken(settings: EnosSettings, http: HttpClient, verb: "get" | "refresh", previous?: string): Promise<Issued> {
  const path = `${TOKEN_SERVICE}/${verb}`;
  for (let attempt = 1; ; attempt++) {
    const timestamp = Date.now();
    const fields = { appKey: settings.appKey, encryption: tokenEncryption(settings.appKey, timestamp, settings.appSecret), timestamp };
    const body = JSON.stringify(previous === undefined ? fields : { ...fields, accessToken: previous });
    let res: Response;
    try {
      res = await http.request({ method: "POST", path, headers: { "Content-Type": "application/json;charset=UTF-8" }, body, idempotent: false });
    } catch (err) {
      if (attempt < 3) continue;
      throw err;
    }
    if (res.status >= 500 && attempt < 3) continue;
    if (res.status !== 200) {
      throw new ProviderError(`EnOS token service answered ${res.status} to POST ${path}; check ${settings.names.name("enosApiGateway")} (${settings.apiGateway}).`);
    }
    const answer = parseBody("EnOS", { method: "POST", path }, res, tokenAnswer, "a token service answer ({status, msg, data})");
    const status = answer.status ?? answer.stauts ?? answer.code ?? -1;
    // 1001: the same encryption was seen before (a retried request); a new timestamp makes a new one.
    if (status === 1001 && attempt < 3) continue;
    if (status !== 0 || !answer.data) {
      throw new ProviderError(tokenError(status, answer.msg, settings));
    }
    rememberSecret(answer.data.accessToken);
    const lifetimeMs = answer.data.expire * 1000;
    return { token: answer.data.accessToken, renewAt: timestamp + lifetimeMs - Math.min(300_000, lifetimeMs / 10) };
  }
}
