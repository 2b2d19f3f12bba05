import { ListCache } from "./listCache";

/** A load that records when it started and resolves when told to. */
function loads() {
  const started: number[] = [];
  const pending: ((v: number) => void)[] = [];
  let count = 0;
  const load = () => {
    const n = ++count;
    started.push(n);
    return new Promise<number>((resolve) => pending.push(() => resolve(n)));
  };
  const finishAll = () => pending.splice(0).forEach((resolve) => resolve(0));
  return { load, started, finishAll };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("ListCache", () => {
  test("get: concurrent and later reads within the TTL share one load", async () => {
    const cache = new ListCache<number>();
    const l = loads();
    const reads = [cache.get("k", l.load), cache.get("k", l.load)];
    l.finishAll();
    expect(await Promise.all(reads)).toEqual([1, 1]);
    expect(await cache.get("k", l.load)).toBe(1);
    expect(l.started).toEqual([1]);
  });

  test("fresh: never answers with a load that started before the call; callers during a load share the next one", async () => {
    const cache = new ListCache<number>();
    const l = loads();
    const first = cache.get("k", l.load);
    const waiters = [cache.fresh("k", l.load), cache.fresh("k", l.load), cache.fresh("k", l.load)];
    await tick();
    expect(l.started).toEqual([1]);
    l.finishAll();
    await first;
    await tick();
    expect(l.started).toEqual([1, 2]);
    l.finishAll();
    expect(await Promise.all(waiters)).toEqual([2, 2, 2]);
  });

  test("invalidate drops the entry; a failed load is not kept", async () => {
    const cache = new ListCache<number>();
    let n = 0;
    await cache.get("k", async () => ++n);
    cache.invalidate("k");
    expect(await cache.get("k", async () => ++n)).toBe(2);
    await expect(cache.get("x", async () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("x", async () => 7)).toBe(7);
  });

  test("get: an entry older than the TTL is loaded again", async () => {
    const cache = new ListCache<number>(50);
    let n = 0;
    expect(await cache.get("k", async () => ++n)).toBe(1);
    expect(await cache.get("k", async () => ++n)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await cache.get("k", async () => ++n)).toBe(2);
  });

  test("fresh after a load has ended starts at once; after a failed one too, and a failure is not the next answer", async () => {
    const cache = new ListCache<number>();
    let n = 0;
    await cache.get("k", async () => ++n);
    expect(await cache.fresh("k", async () => ++n)).toBe(2);
    await expect(cache.get("y", async () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.fresh("y", async () => 9)).toBe(9);
    expect(await cache.get("y", async () => 10)).toBe(9);
  });

  test("a failed load that a newer one replaced leaves the newer entry", async () => {
    const cache = new ListCache<number>();
    let fail!: (e: Error) => void;
    const failing = cache.get("k", () => new Promise<number>((_resolve, reject) => (fail = reject)));
    cache.invalidate("k");
    expect(await cache.get("k", async () => 5)).toBe(5);
    fail(new Error("late"));
    await expect(failing).rejects.toThrow("late");
    expect(await cache.get("k", async () => 6)).toBe(5);
    // A fresh list after the failed one still waits for nothing that is gone.
    expect(await cache.fresh("k", async () => 7)).toBe(7);
  });
});
