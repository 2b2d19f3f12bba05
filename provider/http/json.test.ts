import { z } from "zod";
import { conform, parseBody } from "./json";

const call = { method: "GET" as const, path: "/api/spaces" };
const answer = (body: string, status = 200) => ({ status, headers: {}, body });
const spaces = z.array(z.object({ name: z.string() }));
const failure = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected a failure");
};
const tail = "where a list of spaces was expected; check that the configured URL points at Torque and not at a proxy or login page.";

describe("parseBody: an answer that is not the promised JSON is one sentence naming the call and what came", () => {
  test("the promised shape is returned as parsed", () => {
    expect(parseBody("Torque", call, answer('[{"name":"a"}]'), spaces, "a list of spaces")).toEqual([{ name: "a" }]);
  });

  test.each([
    ["", "an empty body"],
    ["  \n ", "an empty body"],
    ["  <html><body>Sign in</body></html>", "HTML"],
    ['{"name": "a"', "JSON that is cut short or invalid"],
    ["  [1, 2", "JSON that is cut short or invalid"],
    ["Service Unavailable", "text that is not JSON"],
    ["ok <b>", "text that is not JSON"],
  ])("%j is described as %s", (body, got) => {
    expect(failure(() => parseBody("Torque", call, answer(body, 203), spaces, "a list of spaces"))).toBe(`Torque: GET /api/spaces answered 203 with ${got} ${tail}`);
  });

  test("JSON of another shape names the first issue and where it is", () => {
    expect(failure(() => parseBody("Torque", call, answer('[{"name":"a"},{"name":7}]'), spaces, "a list of spaces"))).toBe(
      `Torque: GET /api/spaces answered 200 with JSON of another shape (Invalid input: expected string, received number at 1.name) ${tail}`,
    );
  });
});

describe("conform: a value from within a body, its path in the body prefixed", () => {
  test("the path given comes before the issue's own; without either, the issue alone", () => {
    expect(failure(() => conform("Torque", call, { status: 200 }, { name: 7 }, spaces.element, "a list of spaces", ["items", 3]))).toContain(
      "(Invalid input: expected string, received number at items.3.name)",
    );
    expect(failure(() => conform("Torque", call, { status: 200 }, "x", z.number(), "a list of spaces"))).toContain("(Invalid input: expected number, received string)");
    expect(conform("Torque", call, { status: 200 }, { name: "b" }, spaces.element, "a list of spaces")).toEqual({ name: "b" });
  });
});
