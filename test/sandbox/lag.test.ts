import { ListLag } from "./lag";

describe("ListLag", () => {
  test("at 0 a list answers what it holds; at 1 what it held one read before, per collection", () => {
    const lag = new ListLag();
    expect(lag.answer("a", [1])).toEqual([1]);
    lag.reads = 1;
    expect(lag.answer("a", [1, 2])).toEqual([1]);
    expect(lag.answer("a", [1, 2, 3])).toEqual([1, 2]);
    expect(lag.answer("b", ["x"])).toEqual(["x"]);
    expect(lag.answer("b", ["x", "y"])).toEqual(["x"]);
  });

  test("answers are copies: a later change to an entry does not show in an old answer", () => {
    const lag = new ListLag();
    lag.reads = 1;
    const entry = { status: "Syncing" };
    lag.answer("a", [entry]);
    entry.status = "Connected";
    expect(lag.answer("a", [entry])).toEqual([{ status: "Syncing" }]);
  });
});
