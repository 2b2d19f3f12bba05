import { createHash, randomUUID } from "node:crypto";
import { isObject, type JsonObject } from "./fields";
import { parseJson } from "./handler-kit";

export interface EnosApp {
  appKey: string;
  appSecret: string;
  orgId: string;
}

export interface IssuedToken {
  accessToken: string;
  app: EnosApp;
  /** Epoch ms. */
  expiresAt: number;
}

/** A token-service answer before the `business` field is added. */
export interface TokenServiceAnswer {
  status: number;
  msg: string;
  data: { accessToken: string; expire: number } | null;
}

const TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

export function sha256hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The `encryption` field of a token request. */
export function tokenEncryption(appKey: string, timestamp: number, appSecret: string): string {
  return sha256hex(appKey + timestamp + appSecret);
}

/** Query parameters sorted by key (code-unit order, i.e. ASCII), each as key+value, then the raw body. */
export function paramsData(query: URLSearchParams, body: string): string {
  const sorted = [...query].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map(([key, value]) => key + value).join("") + body;
}

/** The `apim-signature` header of a service call. */
export function apiSignature(
  accessToken: string,
  query: URLSearchParams,
  body: string,
  timestamp: string,
  appSecret: string,
): string {
  return sha256hex(accessToken + paramsData(query, body) + timestamp + appSecret);
}

/** The APIM token service: applications, issued access tokens and the replay guard. */
export class EnosTokens {
  lifetimeSeconds = 7200;
  issuedCount = 0;
  readonly apps = new Map<string, EnosApp>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly latestByApp = new Map<string, IssuedToken>();
  private readonly usedEncryptions = new Set<string>();

  /** token/get: the app's current token while it is valid, else a new one. */
  get(body: string): TokenServiceAnswer {
    const verified = this.verify(body, ["appKey", "encryption", "timestamp"]);
    if ("status" in verified) return verified;
    const latest = this.latestByApp.get(verified.app.appKey);
    return granted(latest && !isExpired(latest) ? latest : this.issue(verified.app));
  }

  /** token/refresh: a new token, given a token this app was issued (expired or not). */
  refresh(body: string): TokenServiceAnswer {
    const verified = this.verify(body, ["appKey", "encryption", "timestamp", "accessToken"]);
    if ("status" in verified) return verified;
    const previous = this.tokens.get(String(verified.fields.accessToken));
    if (previous?.app !== verified.app) {
      return failure(1204, "Refresh failed: the access token was not issued to this appKey");
    }
    return granted(this.issue(verified.app));
  }

  find(accessToken: string): IssuedToken | undefined {
    return this.tokens.get(accessToken);
  }

  expireAll(): void {
    const now = Date.now();
    for (const token of this.tokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
  }

  private issue(app: EnosApp): IssuedToken {
    const token = { accessToken: randomUUID(), app, expiresAt: Date.now() + this.lifetimeSeconds * 1000 };
    this.tokens.set(token.accessToken, token);
    this.latestByApp.set(app.appKey, token);
    this.issuedCount++;
    return token;
  }

  private verify(body: string, required: string[]): { app: EnosApp; fields: JsonObject } | TokenServiceAnswer {
    const fields = parseJson(body);
    if (!isObject(fields)) return failure(1004, "Invalid parameter: the body must be a JSON object");
    const empty = required.find((name) => fields[name] === undefined || fields[name] === null || fields[name] === "");
    if (empty) return failure(1202, `Empty parameter: ${empty}`);
    const { appKey, encryption, timestamp } = fields;
    const app = typeof appKey === "string" ? this.apps.get(appKey) : undefined;
    if (!app) return failure(1002, "Invalid appKey");
    if (typeof timestamp !== "number" || !Number.isInteger(timestamp)) {
      return failure(1004, "Invalid parameter: timestamp must be milliseconds since the epoch");
    }
    if (Math.abs(Date.now() - timestamp) > TIMESTAMP_TOLERANCE_MS) {
      return failure(1004, "Invalid parameter: timestamp is more than 5 minutes off");
    }
    const expected = tokenEncryption(app.appKey, timestamp, app.appSecret);
    if (encryption !== expected) return failure(1003, "Invalid encryption");
    if (this.usedEncryptions.has(encryption)) return failure(1001, "Duplicated encryption");
    this.usedEncryptions.add(encryption);
    return { app, fields };
  }
}

/**
 * The gateway's guard on a signed call's `apim-timestamp` and `apim-signature`: the timestamp
 * (milliseconds) within five minutes of the gateway's clock, and a signature never seen before
 * (one seen within the window is a replay; one outside it fails the window already).
 */
export class SignatureGuard {
  private readonly seen = new Map<string, number>();

  /** Why the call is refused, or undefined; a signature accepted here is remembered. */
  refusal(timestamp: string, signature: string): string | undefined {
    const ms = /^\d+$/.test(timestamp) ? Number(timestamp) : NaN;
    const now = Date.now();
    if (!(Math.abs(now - ms) <= TIMESTAMP_TOLERANCE_MS)) {
      return `apim-timestamp ${timestamp} is not within 5 minutes of the gateway's time (${now}, milliseconds since the epoch)`;
    }
    for (const [seen, at] of this.seen) {
      if (now - at <= TIMESTAMP_TOLERANCE_MS) break; // remembered in the order seen
      this.seen.delete(seen);
    }
    if (this.seen.has(signature)) return "Replayed request: this apim-signature was already used";
    this.seen.set(signature, now);
    return undefined;
  }
}

export function isExpired(token: IssuedToken): boolean {
  return token.expiresAt <= Date.now();
}

function granted(token: IssuedToken): TokenServiceAnswer {
  const expire = Math.max(0, Math.floor((token.expiresAt - Date.now()) / 1000));
  return { status: 0, msg: "SUCCESS", data: { accessToken: token.accessToken, expire } };
}

function failure(status: number, msg: string): TokenServiceAnswer {
  return { status, msg, data: null };
}
