import { asProviderError, InitError, ProviderError } from "./errors";
import { rememberSecret } from "./secrets";

describe("ProviderError: one sentence, never a stack or a secret", () => {
  test("prints as the package name and its message; the stack is the message alone; flags default to false", () => {
    rememberSecret("glpat-errors-test");
    const err = new ProviderError("token glpat-errors-test\nis refused");
    expect(err.message).toBe("token [secret] is refused");
    expect(err.stack).toBe(err.message);
    expect(Object.keys(err)).not.toContain("stack");
    expect(String(err)).toBe("pulumi-gitlab-sources");
    expect([err.ambiguous, err.clash]).toEqual([false, false]);
    const flagged = new ProviderError("m", { ambiguous: true, clash: true });
    expect([flagged.ambiguous, flagged.clash]).toEqual([true, true]);
  });

  test("InitError keeps the object and gives its message as the one reason unless told others", () => {
    const err = new InitError("sync ended Error", "id-1", { a: 1 });
    expect([err.id, err.properties, err.reasons, err instanceof ProviderError]).toEqual(["id-1", { a: 1 }, ["sync ended Error"], true]);
    expect(new InitError("m", "i", {}, ["r1", "r2"]).reasons).toEqual(["r1", "r2"]);
  });

  test("asProviderError keeps a ProviderError and wraps anything else with its context", () => {
    const own = new ProviderError("mine");
    expect(asProviderError(own, "ctx")).toBe(own);
    expect(asProviderError(new TypeError("x is undefined"), "torque:SpaceRepository: create failed").message).toBe("torque:SpaceRepository: create failed: x is undefined");
    expect(asProviderError("a string", "ctx").message).toBe("ctx: a string");
  });
});
