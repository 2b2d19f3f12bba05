import { Holders } from "./holders";

test("an object is held by another when a different resource, or an unnamed adoption, holds it", () => {
  const holders = new Holders();
  expect(holders.heldByAnother("id-1", "urn:a")).toBe(false);
  holders.hold("id-1", "urn:a");
  expect(holders.heldByAnother("id-1", "urn:a")).toBe(false);
  expect(holders.heldByAnother("id-1", "urn:b")).toBe(true);
  expect(holders.heldByAnother("id-1", undefined)).toBe(true);
  expect(holders.heldByAnother("id-2", "urn:b")).toBe(false);
  holders.hold("id-1", "urn:b");
  expect(holders.heldByAnother("id-1", "urn:a")).toBe(true);
  // Dynamic mode names no holder: each adoption is its own, distinct from every delete.
  holders.hold("id-3", undefined);
  expect(holders.heldByAnother("id-3", undefined)).toBe(true);
  holders.hold("id-3", undefined);
  expect(holders.heldByAnother("id-3", "urn:c")).toBe(true);
});
