export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server's Retry-After is honoured up to this. */
  retryAfterCapMs: number;
  /** No retry starts once this much time has passed since the first attempt. */
  totalMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  retryAfterCapMs: 30_000,
  totalMs: 60_000,
};

/** Exponential backoff with jitter: between half and all of base * 2^attempt, capped. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Retry-After as seconds or an HTTP date, in milliseconds, capped; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, policy: RetryPolicy): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), policy.retryAfterCapMs);
}
