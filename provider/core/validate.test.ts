import { z } from "zod";
import { parseInputs } from "./validate";
import { UNKNOWN } from "./unknown";
import type { ResourceSpec } from "./spec";

const spec = {
  token: "torque:Thing",
  inputs: z.object({
    name: z.string().min(1, { error: "must not be empty." }),
    paths: z.array(z.string()).optional(),
    labels: z.object({ team: z.string() }).optional(),
    retries: z.number().default(3),
  }),
} as unknown as ResourceSpec;

describe("parseInputs: each input on its own, one failure per bad property", () => {
  test("valid inputs are parsed (defaults filled, a null as absent); an unknown skips its own rules only", () => {
    expect(parseInputs(spec, { name: "a", paths: null, __provider: "serialized" })).toEqual({ inputs: { name: "a", retries: 3 }, failures: [] });
    expect(parseInputs(spec, { name: UNKNOWN, paths: [UNKNOWN], retries: "x" })).toEqual({
      inputs: { name: UNKNOWN, paths: [UNKNOWN], retries: "x" },
      failures: [{ property: "retries", reason: "retries must be a number, not string." }],
    });
  });

  test("each failure names the property, its path inside it, and what to do", () => {
    const { failures, inputs } = parseInputs(spec, { paths: ["a", 7], labels: { team: 1 }, name: "", extra: true });
    expect(inputs).toMatchObject({ paths: ["a", 7], labels: { team: 1 }, name: "" });
    expect(failures).toEqual([
      { property: "name", reason: "name must not be empty." },
      { property: "paths[1]", reason: "paths[1] must be a string, not number." },
      { property: "labels.team", reason: "labels.team must be a string, not number." },
      { property: "extra", reason: "extra is not a property of torque:Thing; remove it (properties: name, paths, labels, retries)." },
    ]);
    expect(parseInputs(spec, {}).failures).toEqual([{ property: "name", reason: "name is required; set it." }]);
    expect(parseInputs(spec, { name: "a", paths: "a" }).failures).toEqual([{ property: "paths", reason: "paths must be a list, not string." }]);
    expect(parseInputs(spec, { name: ["a"] }).failures).toEqual([{ property: "name", reason: "name must be a string, not a list." }]);
  });
});
