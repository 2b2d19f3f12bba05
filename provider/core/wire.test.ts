import { canonical, canonicalSet, toWire } from "./wire";

describe("toWire: values the provider host can carry", () => {
  test("undefined keys and list items are dropped at any depth; dates become ISO text; other values stay", () => {
    const at = new Date("2026-01-02T03:04:05.000Z");
    expect(toWire({ a: undefined, b: [1, undefined, { c: undefined, d: at }], e: null, f: "x", g: 0, h: false })).toEqual({
      b: [1, { d: "2026-01-02T03:04:05.000Z" }],
      e: null,
      f: "x",
      g: 0,
      h: false,
    });
    expect(Object.keys(toWire({ a: undefined, b: 1 }))).toEqual(["b"]);
    expect(toWire(at)).toBe("2026-01-02T03:04:05.000Z");
    expect(toWire(null)).toBeNull();
  });
});

describe("canonical and canonicalSet: equal values compare equal", () => {
  test("object keys in any order, at any depth; list order matters, except to canonicalSet", () => {
    expect(canonical({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"x":2,"y":1}]},"b":1}');
    expect(canonical([2, 1])).not.toBe(canonical([1, 2]));
    expect(canonicalSet([{ b: 1, a: 2 }, "z"])).toBe(canonicalSet(["z", { a: 2, b: 1 }]));
    expect(canonicalSet(["a", "b"])).not.toBe(canonicalSet(["a", "a"]));
  });
});
