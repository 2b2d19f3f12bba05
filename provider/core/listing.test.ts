import { z } from "zod";
import { Listing } from "./listing";

const record = z.object({ name: z.string(), status: z.string() });
const listing = (entries: unknown[], checked: number[] = []) =>
  new Listing(entries, "name", (entry, at) => {
    checked.push(at);
    const parsed = record.safeParse(entry);
    if (!parsed.success) throw new Error(`entry ${at} is malformed`);
    return parsed.data;
  });

describe("Listing", () => {
  test("get finds an entry by its key and checks only that entry", () => {
    const checked: number[] = [];
    const list = listing([{ name: "a", status: "Connected" }, { name: "b", status: "Syncing" }, { name: "c", status: 7 }], checked);
    expect(list.get("b")).toEqual({ name: "b", status: "Syncing" });
    expect(list.get("missing")).toBeUndefined();
    expect(checked).toEqual([1]);
  });

  test("an entry that is read and malformed fails; one that no one reads does not", () => {
    const list = listing([{ name: "a", status: "Connected" }, { name: "c", status: 7 }]);
    expect(list.get("a")?.status).toBe("Connected");
    expect(() => list.get("c")).toThrow("entry 1 is malformed");
  });

  test("an entry without a string key fails at once: skipping it could make a resource look deleted", () => {
    expect(() => listing([{ name: "a", status: "Connected" }, { name: 42, status: "Connected" }])).toThrow("entry 1 is malformed");
  });

  test("find checks entries in order until one matches", () => {
    const checked: number[] = [];
    const list = listing([{ name: "a", status: "Syncing" }, { name: "b", status: "Connected" }, { name: "c", status: "Connected" }], checked);
    expect(list.find((r) => r.status === "Connected")?.name).toBe("b");
    expect(checked).toEqual([0, 1]);
  });
});
