/** Helpers for the sandbox's own contract tests: plain HTTP calls and signed EnOS calls. */
import { apiSignature, tokenEncryption, type EnosApp } from "./enos-auth";

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: T;
}

export async function call<T = unknown>(url: string, init: RequestInit = {}): Promise<Answer<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as T };
}

/** The request as JSON with a method and extra headers. */
export function jsonInit(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, body: JSON.stringify(body), headers: { "Content-Type": "application/json", ...headers } };
}

/** The error a failed fetch rejects with, reading the whole body; fails the test when the call succeeds. */
export async function callFailure(url: string, init: RequestInit = {}): Promise<Error> {
  try {
    const response = await fetch(url, init);
    await response.text();
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected ${url} to fail`);
}

let lastTimestamp = 0;

/** Milliseconds since the epoch, never the same twice (the gateway rejects a reused encryption or signature). */
export function uniqueTimestamp(): number {
  lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
  return lastTimestamp;
}

export function tokenBody(app: EnosApp, timestamp = uniqueTimestamp()): Record<string, unknown> {
  return { appKey: app.appKey, encryption: tokenEncryption(app.appKey, timestamp, app.appSecret), timestamp };
}

export interface TokenAnswer {
  status: number;
  msg: string;
  business: string;
  data: { accessToken: string; expire: number } | null;
}

export async function tokenCall(gateway: string, path: "get" | "refresh", body: unknown): Promise<TokenAnswer> {
  const answer = await call<TokenAnswer>(`${gateway}/apim-token-service/v2.0/token/${path}`, jsonInit("POST", body));
  return answer.json;
}

export async function accessToken(gateway: string, app: EnosApp): Promise<string> {
  const answer = await tokenCall(gateway, "get", tokenBody(app));
  if (!answer.data) throw new Error(`token/get failed: ${answer.msg}`);
  return answer.data.accessToken;
}

export interface EnosEnvelope<T = unknown> {
  code: number;
  msg: string;
  requestId: string;
  data: T;
  pagination?: { pageNo: number; pageSize: number; totalSize: number };
}

export interface SignedCall {
  url: string;
  init: RequestInit & { headers: Record<string, string>; body: string };
}

/** A correctly signed Data Source Registration call, for a test to send or to spoil first. */
export function signedCall(
  gateway: string,
  app: EnosApp,
  token: string,
  query: Record<string, string>,
  body: unknown = {},
  servicePath = "/data-source-registration/v2.0",
  timestamp = String(uniqueTimestamp()),
): SignedCall {
  const params = new URLSearchParams({ orgId: app.orgId, ...query });
  const rawBody = JSON.stringify(body);
  const headers = {
    "Content-Type": "application/json;charset=UTF-8",
    "apim-accesstoken": token,
    "apim-timestamp": timestamp,
    "apim-signature": apiSignature(token, params, rawBody, timestamp, app.appSecret),
  };
  return { url: `${gateway}${servicePath}/data-sources?${params}`, init: { method: "POST", headers, body: rawBody } };
}

export function send<T = unknown>({ url, init }: SignedCall): Promise<Answer<EnosEnvelope<T>>> {
  return call<EnosEnvelope<T>>(url, init);
}
