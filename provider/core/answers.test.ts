import { Answers } from "./answers";

type Answer = { ok: boolean };

test("calls asking the same at once share one computation; a lasting answer is kept, a transient one only for those waiting", async () => {
  const answers = new Answers<Answer>((a) => !a.ok);
  let computed = 0;
  const compute = (ok: boolean) => async () => {
    computed++;
    await new Promise((resolve) => setTimeout(resolve, 10));
    return { ok };
  };
  const [a, b] = await Promise.all([answers.get(["h", "t"], compute(true)), answers.get(["h", "t"], compute(true))]);
  expect(a).toBe(b);
  expect(computed).toBe(1);
  expect(await answers.get(["h", "t"], compute(true))).toBe(a);
  expect(computed).toBe(1);
  // Every part is in the key, undefined included.
  await answers.get(["h", undefined], compute(true));
  await answers.get(["h"], compute(true));
  await answers.get(["ht"], compute(true));
  expect(computed).toBe(4);

  const [c, d] = await Promise.all([answers.get(["x"], compute(false)), answers.get(["x"], compute(false))]);
  expect(c).toBe(d);
  expect(computed).toBe(5);
  await answers.get(["x"], compute(false));
  expect(computed).toBe(6);
});

test("a computation that fails is shared by those waiting, then forgotten", async () => {
  const answers = new Answers<Answer>(() => false);
  let calls = 0;
  const failing = async (): Promise<Answer> => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 10));
    throw new Error("down");
  };
  const both = await Promise.allSettled([answers.get(["k"], failing), answers.get(["k"], failing)]);
  expect(both.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  expect(calls).toBe(1);
  await new Promise((resolve) => setImmediate(resolve));
  expect(await answers.get(["k"], async () => ({ ok: true }))).toEqual({ ok: true });
});
