import { takeImportId } from "./adopt";
import { UNKNOWN } from "./unknown";

describe("takeImportId: the import option, for a resource not yet in state", () => {
  const none = new Set<string>();
  const failure = { property: "import", reason: "the import option must be the id of an existing object (a non-empty string); see docs/guides/import.md for each resource's id." };

  test("a new resource takes it out of its inputs; one in state, or whose id the stack holds, drops it", () => {
    expect(takeImportId(undefined, { name: "a", importId: "id-1" }, none)).toEqual({ news: { name: "a" }, importId: "id-1" });
    expect(takeImportId({}, { name: "a", importId: "id-1" }, none)).toEqual({ news: { name: "a" }, importId: "id-1" });
    expect(takeImportId({ name: "a" }, { name: "a", importId: "id-1" }, none)).toEqual({ news: { name: "a" } });
    expect(takeImportId(undefined, { name: "a", importId: "id-1" }, new Set(["id-1"]))).toEqual({ news: { name: "a" } });
    expect(takeImportId(undefined, { name: "a" }, none)).toEqual({ news: { name: "a" } });
  });

  test("an unknown id waits for up; a wrong one is a failure on import", () => {
    expect(takeImportId(undefined, { importId: UNKNOWN }, none)).toEqual({ news: {} });
    for (const bad of ["", "   ", 42, "x".repeat(301)]) expect(takeImportId(undefined, { importId: bad }, none)).toEqual({ news: {}, failure });
    expect(takeImportId(undefined, { importId: "x".repeat(300) }, none)).toEqual({ news: {}, importId: "x".repeat(300) });
  });
});
