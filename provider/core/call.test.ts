import { getEventListeners } from "node:events";
import { inCall, pause, Stopped, stopReason, timeLeftMs } from "./call";

const CANCELLED = "the operation was cancelled (Ctrl-C)";
const TIMED_OUT = "the operation reached its timeout of 60 s (customTimeouts)";

/** How a promise ends, without letting a rejection go unhandled while the clock is advanced. */
function outcome(promise: Promise<void>): { value?: "resolved" | Error } {
  const seen: { value?: "resolved" | Error } = {};
  promise.then(() => (seen.value = "resolved"), (error: Error) => (seen.value = error));
  return seen;
}

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => jest.useRealTimers());

describe("why an operation must stop", () => {
  test("a cancelled operation, whatever its deadline", () => {
    const cancelled = new AbortController();
    cancelled.abort();
    expect(stopReason({ cancelled: cancelled.signal, deadline: Date.now() + 60_000 })).toBe(CANCELLED);
  });

  test("a deadline reached, to the millisecond, names the customTimeouts the user wrote", () => {
    expect(stopReason({ deadline: Date.now(), timeoutSeconds: 60 })).toBe(TIMED_OUT);
    expect(stopReason({ deadline: Date.now() - 1, timeoutSeconds: 60 })).toBe(TIMED_OUT);
    expect(stopReason({ deadline: Date.now() + 1, timeoutSeconds: 60 })).toBeUndefined();
  });

  test("no deadline and no cancellation: no reason", () => {
    expect(stopReason({ cancelled: new AbortController().signal })).toBeUndefined();
    expect(stopReason()).toBeUndefined();
  });

  test("the time left is the current call's, never below zero", async () => {
    expect(timeLeftMs()).toBeUndefined();
    expect(await inCall({ deadline: Date.now() + 2_500 }, async () => timeLeftMs())).toBe(2_500);
    expect(await inCall({ deadline: Date.now() - 2_500 }, async () => timeLeftMs())).toBe(0);
  });
});

describe("a pause between attempts", () => {
  test("without a deadline, it ends after the time asked and leaves no listener on the signal", async () => {
    const cancelled = new AbortController();
    const seen = await inCall({ cancelled: cancelled.signal }, async () => outcome(pause(1_000, "polling")));
    await jest.advanceTimersByTimeAsync(999);
    expect(seen.value).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(seen.value).toBe("resolved");
    expect(getEventListeners(cancelled.signal, "abort")).toHaveLength(0);
  });

  test("in an operation already cancelled, it fails at once naming what it waited for", async () => {
    const cancelled = new AbortController();
    cancelled.abort();
    const seen = await inCall({ cancelled: cancelled.signal }, async () => outcome(pause(1_000, "polling the sync")));
    await jest.advanceTimersByTimeAsync(0);
    expect(seen.value).toBeInstanceOf(Stopped);
    expect((seen.value as Stopped).message).toBe(`${CANCELLED} while polling the sync.`);
    expect((seen.value as Stopped).reason).toBe(CANCELLED);
  });

  test("a cancellation during the pause ends it at once", async () => {
    const cancelled = new AbortController();
    const seen = await inCall({ cancelled: cancelled.signal }, async () => outcome(pause(60_000, "polling")));
    await jest.advanceTimersByTimeAsync(10);
    cancelled.abort();
    await jest.advanceTimersByTimeAsync(0);
    expect((seen.value as Stopped).reason).toBe(CANCELLED);
    expect(getEventListeners(cancelled.signal, "abort")).toHaveLength(0);
  });

  test("a deadline before its end cuts it short, failing with the timeout", async () => {
    const seen = await inCall({ deadline: Date.now() + 300, timeoutSeconds: 60 }, async () => outcome(pause(1_000, "polling")));
    await jest.advanceTimersByTimeAsync(299);
    expect(seen.value).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect((seen.value as Stopped).message).toBe(`${TIMED_OUT} while polling.`);
  });

  test("a timer that fires a millisecond before the clock reaches the deadline still names the timeout, not Ctrl-C", async () => {
    const seen = await inCall({ deadline: Date.now() + 300, timeoutSeconds: 60 }, async () => outcome(pause(1_000, "polling")));
    await jest.advanceTimersByTimeAsync(299);
    jest.setSystemTime(Date.now() - 1); // the wall clock a millisecond behind the timer's
    await jest.advanceTimersByTimeAsync(1);
    expect((seen.value as Stopped).message).toBe(`${TIMED_OUT} while polling.`);
  });

  test("a deadline exactly at its end fails it: no attempt is left", async () => {
    const seen = await inCall({ deadline: Date.now() + 1_000, timeoutSeconds: 60 }, async () => outcome(pause(1_000, "polling")));
    await jest.advanceTimersByTimeAsync(1_000);
    expect((seen.value as Stopped).reason).toBe(TIMED_OUT);
  });

  test("a deadline after its end lets it end normally", async () => {
    const seen = await inCall({ deadline: Date.now() + 5_000, timeoutSeconds: 60 }, async () => outcome(pause(1_000, "polling")));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(seen.value).toBe("resolved");
  });

  test("past its deadline, it fails at once", async () => {
    const seen = await inCall({ deadline: Date.now(), timeoutSeconds: 60 }, async () => outcome(pause(1_000, "polling")));
    await Promise.resolve();
    expect((seen.value as Stopped).reason).toBe(TIMED_OUT);
  });
});
