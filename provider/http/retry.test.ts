import { backoffDelay, defaultRetryPolicy, retryAfterMs } from "./retry";

const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1_000, retryAfterCapMs: 10_000 };

describe("backoffDelay: between half and all of base * 2^attempt, capped at maxDelayMs", () => {
  afterEach(() => jest.restoreAllMocks());
  test.each([
    [0, 0, 50],
    [0, 0.999999, 100],
    [2, 0, 200],
    [2, 0.5, 300],
    [2, 0.999999, 400],
    [5, 0, 500], // 100 * 32 capped at 1000
    [5, 0.999999, 1_000],
  ])("attempt %i with Math.random() = %f waits %i ms", (attempt, random, expected) => {
    jest.spyOn(Math, "random").mockReturnValue(random);
    expect(backoffDelay(policy, attempt)).toBe(expected);
  });
});

describe("retryAfterMs: the server's Retry-After, in milliseconds, capped", () => {
  test.each([
    [undefined, undefined],
    ["", undefined],
    ["2", 2_000],
    ["0", 0],
    ["-3", 0],
    ["3600", 10_000],
    ["soon", undefined],
  ])("Retry-After %j is %j", (header, expected) => {
    expect(retryAfterMs(header, policy)).toBe(expected);
  });

  test("an HTTP date is the time until then; a date passed is no wait", () => {
    const inFiveSeconds = new Date(Date.now() + 5_000).toUTCString();
    const ms = retryAfterMs(inFiveSeconds, policy)!;
    expect(ms).toBeGreaterThan(3_000);
    expect(ms).toBeLessThanOrEqual(5_000);
    expect(retryAfterMs(new Date(Date.now() - 60_000).toUTCString(), policy)).toBe(0);
    expect(retryAfterMs(new Date(Date.now() + 3_600_000).toUTCString(), policy)).toBe(10_000);
  });
});
