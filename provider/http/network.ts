import type { ClientOptions, Request } from "./client";

type Cause = "dns" | "refused" | "tls" | "timeout" | "reset" | "proxy";

const tlsCodes = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT)/;

/** A request that got no HTTP answer, classified by what the user can do about it. */
export class NetworkError {
  private constructor(readonly cause: Cause, readonly code: string, readonly timeoutMs: number) {}

  /** `err`: what node:http reported (a system error code, a TLS code, or ours: ETIMEDOUT, EPROXY). */
  static from(err: { code?: string }, timeoutMs: number): NetworkError {
    const code = err.code ?? "";
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new NetworkError("dns", code, timeoutMs);
    if (code === "ECONNREFUSED") return new NetworkError("refused", code, timeoutMs);
    if (code === "EPROXY") return new NetworkError("proxy", code, timeoutMs);
    if (tlsCodes.test(code)) return new NetworkError("tls", code, timeoutMs);
    if (code === "ETIMEDOUT") return new NetworkError("timeout", code, timeoutMs);
    return new NetworkError("reset", code || "aborted", timeoutMs);
  }

  /** Whether the request may have reached the server. */
  get sent(): boolean {
    return this.cause === "timeout" || this.cause === "reset";
  }

  get retryable(): boolean {
    return this.sent || this.code === "EAI_AGAIN";
  }
}

export function describeNetworkError(client: Pick<ClientOptions, "api" | "caSetting">, host: string, req: Request, err: NetworkError): string {
  const { api } = client;
  const call = `${req.method} ${req.path}`;
  switch (err.cause) {
    case "dns":
      return `${api}: cannot resolve host ${host} (DNS lookup failed, ${err.code}); check the host name in the URL.`;
    case "refused":
      return `${api}: ${host} refused the connection; check the port in the URL and that the server is running.`;
    case "tls":
      return `${api}: TLS verification of ${host} failed (${err.code}); if the server uses a private CA, give its certificate as ${client.caSetting ?? "caBundle"}.`;
    case "timeout":
      return `${api}: ${host} did not answer ${call} within ${err.timeoutMs / 1000} s; check that the server is reachable and healthy.`;
    case "proxy":
      return `${api}: the proxy would not tunnel to ${host}; check HTTPS_PROXY and NO_PROXY.`;
    case "reset":
      return `${api}: ${host} dropped the connection during ${call} (${err.code}); check the server and any proxy in between.`;
  }
}
