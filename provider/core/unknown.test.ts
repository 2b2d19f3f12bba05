import { containsUnknown, UNKNOWN } from "./unknown";

test("containsUnknown finds the engine's unknown anywhere inside a value", () => {
  expect(containsUnknown(UNKNOWN)).toBe(true);
  expect(containsUnknown(["a", UNKNOWN])).toBe(true);
  expect(containsUnknown({ a: 1, b: { c: [UNKNOWN] } })).toBe(true);
  expect(containsUnknown(["a", { b: "c" }])).toBe(false);
  expect(containsUnknown({ a: "x", b: null })).toBe(false);
  expect(containsUnknown(`${UNKNOWN}x`)).toBe(false);
  expect(containsUnknown(null)).toBe(false);
  expect(containsUnknown(undefined)).toBe(false);
});
