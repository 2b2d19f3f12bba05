import { Limiter } from "./limiter";

test("at most `limit` tasks run at once, the others start in arrival order as slots free, also after a failure", async () => {
  const limiter = new Limiter(2);
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const task = (i: number, fail = false) =>
    limiter.run(async () => {
      started.push(i);
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
      if (fail) throw new Error(`task ${i}`);
      return i;
    });
  const results = await Promise.allSettled([task(1), task(2, true), task(3), task(4), task(5)]);
  expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([1, "task 2", 3, 4, 5]);
  expect(peak).toBe(2);
  expect(started).toEqual([1, 2, 3, 4, 5]);
  expect(await limiter.run(async () => "free again")).toBe("free again");
});
