import * as crypto from "node:crypto";

/** Lower-case hex SHA-256 of the UTF-8 text, as every EnOS signature is. */
export function sha256Hex(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex"); // a string is hashed as UTF-8
}

/** The `encryption` of a token request: sha256(appKey + timestamp + appSecret). */
export function tokenEncryption(appKey: string, timestamp: number, appSecret: string): string {
  return sha256Hex(`${appKey}${timestamp}${appSecret}`);
}

/** Query parameters by key in ASCII order, each key followed by its value, then the body exactly as sent. */
export function paramsData(query: Record<string, string>, body: string): string {
  const keys = Object.keys(query).sort(); // UTF-16 code unit order: ASCII order for ASCII keys
  return keys.map((k) => k + query[k]).join("") + body;
}

/** `apim-signature`: sha256(accessToken + paramsData + timestamp + appSecret). */
export function apiSignature(accessToken: string, query: Record<string, string>, body: string, timestamp: number, appSecret: string): string {
  return sha256Hex(`${accessToken}${paramsData(query, body)}${timestamp}${appSecret}`);
}

let lastTimestamp = 0;

/**
 * `apim-timestamp` of a request about to be sent: now, in milliseconds, and never the same
 * twice in a row in this process, so that two identical requests (a retry, or two reads of one
 * data source at once) are not signed alike, which the gateway refuses as a replay. A clock
 * set back by more than a second is followed (the gateway accepts only five minutes of skew).
 */
export function requestTimestamp(): number {
  const now = Date.now();
  lastTimestamp = now <= lastTimestamp && lastTimestamp - now < 1000 ? lastTimestamp + 1 : now;
  return lastTimestamp;
}
