import { createRequesterFn } from "@gitbeaker/requester-utils";
import type { TransportSettings } from "../core/context";
import { clientFor, Method } from "../http/client";

/** A GitLab answer outside 2xx, or one that is not JSON where JSON belongs. */
export class GitLabResponseError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly isJson: boolean,
    readonly path: string,
    /** The Retry-After header of a 429, if any. */
    readonly retryAfter?: string,
  ) {
    super(`GitLab answered ${status} to GET ${path}`);
  }

  /** The `message` or `error` field of a GitLab JSON error body. */
  get gitlabMessage(): string {
    try {
      const parsed = JSON.parse(this.body) as { message?: unknown; error?: unknown; error_description?: unknown };
      return String(parsed.error_description ?? parsed.message ?? parsed.error ?? "");
    } catch {
      return "";
    }
  }
}

/**
 * gitbeaker's requester on the shared HTTP layer, so GitLab calls get the same timeouts,
 * retries, proxy and CA handling, and error redaction as the Torque and EnOS calls.
 */
export function requesterFor(transport: TransportSettings & { timeoutMs: number }) {
  return createRequesterFn(
    (_service, requestOptions) => Promise.resolve(requestOptions),
    async (endpoint: string, options?: Record<string, unknown>) => {
      const prefix = String(options?.prefixUrl ?? "");
      const url = new URL(endpoint, prefix.endsWith("/") ? prefix : `${prefix}/`);
      if (options?.searchParams) url.search = String(options.searchParams);
      // No retry starts once the time budget is spent: a server that never answers fails the
      // check after one timeout (10 s by default), not after several; a short Retry-After is still honoured.
      const client = clientFor({
        api: "GitLab",
        url: url.origin,
        ...transport,
        caSetting: `the resource's gitlabCaBundle input or ${transport.caSetting ?? "the provider's gitlabCaBundle setting"}`,
        retry: { totalMs: transport.timeoutMs },
      });
      const res = await client.request({
        method: String(options?.method ?? "GET").toUpperCase() as Method,
        path: url.pathname + url.search,
        headers: options?.headers as Record<string, string>,
        body: options?.body as string | undefined,
      });
      const isJson = (res.headers["content-type"] ?? "").includes("application/json");
      // The answers this check reads are JSON objects: `null`, a number or a list is no GitLab answer.
      let body: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = isJson ? JSON.parse(res.body) : undefined;
        body = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
      } catch {
        body = undefined;
      }
      if (res.status >= 300 || body === undefined) {
        throw new GitLabResponseError(res.status, res.body, body !== undefined, url.pathname, res.headers["retry-after"]);
      }
      return { body, headers: res.headers, status: res.status };
    },
  );
}
