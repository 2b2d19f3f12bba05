import type { ClientOptions, Request } from "./client";

type Cause = "dns" | "refused" | "tls" | "timeout" | "reset" | "proxy" | "tooLarge";

const tlsCodes = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT)/;

/** A request that got no usable HTTP answer, classified by what the user can do about it. */
export class NetworkError {
  private constructor(readonly cause: Cause, readonly code: string, readonly limit: number) {}

  /**
   * `err`: what axios reported (a system error code, a TLS code, a zlib code, or its own
   * ERR_BAD_RESPONSE for a body cut short or over maxContentLength), or ours: ETIMEDOUT, EPROXY.
   * `limit`: the timeout (ms) or the size cap (bytes) in force.
   */
  static from(err: { code?: string; message?: string }, timeoutMs: number, maxBytes: number): NetworkError {
    const code = err.code ?? "";
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new NetworkError("dns", code, timeoutMs);
    if (code === "ECONNREFUSED") return new NetworkError("refused", code, timeoutMs);
    if (code === "EPROXY") return new NetworkError("proxy", code, timeoutMs);
    if (tlsCodes.test(code)) return new NetworkError("tls", code, timeoutMs);
    if (code === "ETIMEDOUT") return new NetworkError("timeout", code, timeoutMs);
    if (code === "ERR_BAD_RESPONSE" && err.message?.startsWith("maxContentLength")) return new NetworkError("tooLarge", code, maxBytes);
    // "stream has been aborted": the connection closed before the whole body came.
    if (code === "ERR_BAD_RESPONSE") return new NetworkError("reset", "ECONNRESET", timeoutMs);
    return new NetworkError("reset", code || "aborted", timeoutMs);
  }

  /** Whether the request may have reached the server (and been applied). */
  get sent(): boolean {
    return this.cause === "timeout" || this.cause === "reset" || this.cause === "tooLarge";
  }

  /** Whether another attempt may fare better: not for an answer too large, which would come again. */
  get retryable(): boolean {
    return this.cause === "timeout" || this.cause === "reset" || this.code === "EAI_AGAIN";
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
      return `${api}: ${host} did not answer ${call} within ${err.limit / 1000} s; check that the server is reachable and healthy.`;
    case "proxy":
      return `${api}: the proxy would not tunnel to ${host}; check HTTPS_PROXY and NO_PROXY.`;
    case "reset":
      return `${api}: ${host} dropped the connection during ${call} (${err.code}); check the server and any proxy in between.`;
    case "tooLarge":
      return `${api}: ${host} answered ${call} with more than ${size(err.limit)} (after decompression), so the answer was dropped; check that the URL points at ${api}, or raise ${api.toLowerCase()}:maxResponseMegabytes if the answer is genuine.`;
  }
}

function size(bytes: number): string {
  return bytes < 2 ** 20 ? `${Math.round(bytes / 1024)} KB` : `${Math.round((bytes / 2 ** 20) * 100) / 100} MB`;
}
