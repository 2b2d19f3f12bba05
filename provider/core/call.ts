import { AsyncLocalStorage } from "node:async_hooks";
import { ProviderError } from "./errors";

/**
 * What the engine says of the request being served, beyond its properties: the resource's
 * URN (log lines are attached to it), the time the operation may take (`customTimeouts`),
 * and whether the engine has cancelled the operations in flight (Ctrl-C). The plugin sets it
 * per request; every wait of the operations, however deep, reads it from here.
 */
export interface Call {
  urn?: string;
  /**
   * The object the request is about (`torque:SpaceRepository platform/assets`), for messages
   * where the engine names no resource (dynamic mode's host gives the provider no URN).
   */
  subject?: string;
  /** When the whole operation must have ended (this machine's clock). */
  deadline?: number;
  /** `customTimeouts`, as the user wrote it, for messages. */
  timeoutSeconds?: number;
  cancelled?: AbortSignal;
}

const current = new AsyncLocalStorage<Call>();

export function inCall<T>(call: Call, run: () => Promise<T>): Promise<T> {
  return current.run(call, run);
}

export function currentCall(): Call {
  return current.getStore() ?? {};
}

/** Why the operation must stop at `now` (cancelled, or past its timeout), or undefined. */
export function stopReason(call = currentCall(), now = Date.now()): string | undefined {
  const { cancelled, deadline, timeoutSeconds } = call;
  if (cancelled?.aborted) return "the operation was cancelled (Ctrl-C)";
  if (deadline !== undefined && now >= deadline) return `the operation reached its timeout of ${timeoutSeconds} s (customTimeouts)`;
  return undefined;
}

/** The time left before the operation's deadline, if it has one. */
export function timeLeftMs(): number | undefined {
  const { deadline } = currentCall();
  return deadline === undefined ? undefined : Math.max(deadline - Date.now(), 0);
}

/** Thrown when a wait is cut short by a cancellation or the operation's timeout. */
export class Stopped extends ProviderError {
  /** "the operation was cancelled (Ctrl-C)", or that it reached its timeout. */
  readonly reason: string;

  constructor(reason: string, what: string) {
    super(`${reason} while ${what}.`);
    this.reason = reason;
  }
}

/**
 * A pause between attempts or polls that ends early, failing, when the engine cancels the
 * operation or its timeout passes; `what` names what was being waited for.
 */
export function pause(ms: number, what: string): Promise<void> {
  // Read now: the abort event fires in the context of the Cancel request, not of this one.
  const call = currentCall();
  const stopped = (now?: number) => new Stopped(stopReason(call, now) ?? "the operation was cancelled (Ctrl-C)", what);
  if (stopReason(call)) return Promise.reject(stopped());
  const { cancelled } = call;
  const left = timeLeftMs();
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      cancelled?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(stopped());
    // A timer may fire a millisecond before Date.now() reaches the deadline: the wait ended at it all the same.
    const atDeadline = () => stopped(Math.max(Date.now(), call.deadline ?? 0));
    const timer = setTimeout(() => finish(left !== undefined && left <= ms ? atDeadline() : undefined), left === undefined ? ms : Math.min(ms, left));
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: finish() removes the listener on every path, so `once` changes nothing.
    cancelled?.addEventListener("abort", onAbort, { once: true });
  });
}
