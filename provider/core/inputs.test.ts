import { gitlabCaBundleInput, nameInput, preflightInput, quoted, secretInput } from "./inputs";

const problem = (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }, value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? undefined : parsed.error!.issues[0].message;
};

describe("quoted: a value for a message", () => {
  test.each([
    [undefined, "nothing"],
    ["abc", '"abc"'],
    ['say "hi"', '"say \\"hi\\""'],
    [42, "42"],
    [null, "null"],
    [{ a: [1] }, '{"a":[1]}'],
    ["x".repeat(60), `"${"x".repeat(60)}"`],
    ["x".repeat(61), `"${"x".repeat(57)}..."`],
    [["y".repeat(70)], `["${"y".repeat(55)}...`],
  ])("%j is %s", (value, shown) => {
    expect(quoted(value)).toBe(shown);
  });
});

describe("the shared inputs' rules, each failure one sentence", () => {
  test("nameInput", () => {
    const name = nameInput({ max: 5 });
    const compact = nameInput({ max: 5, spaces: false });
    expect(problem(name, "a b")).toBeUndefined();
    expect(problem(name, "abcde")).toBeUndefined();
    expect(problem(name, 3)).toBe("must be a string.");
    expect(problem(name, "")).toBe("must not be empty.");
    expect(problem(name, "abcdef")).toBe("must be at most 5 characters (got 6).");
    expect(problem(name, "a\tb")).toBe("must be printable ASCII: no line breaks, tabs or other control characters, no letters outside a-z and A-Z; rename it.");
    expect(problem(compact, "a b")).toBe("must be printable ASCII without spaces: no line breaks, tabs or other control characters, no letters outside a-z and A-Z; rename it.");
    expect(problem(compact, "a~!b")).toBeUndefined();
  });

  test("secretInput", () => {
    const token = secretInput("the token");
    expect(token.description).toBe("the token");
    expect(problem(token, "glpat-x")).toBeUndefined();
    expect(problem(token, 1)).toBe("must be a string.");
    expect(problem(token, "")).toBe("must not be empty; set it (as a secret).");
    expect(problem(token, "t".repeat(1024))).toBeUndefined();
    expect(problem(token, "t".repeat(1025))).toBe("must be at most 1024 characters; check that the token alone was set.");
    expect(problem(token, "glpat-x\n")).toBe("must be printable ASCII without spaces or line breaks (a token read from a file often ends with a newline); set it again without them.");
  });

  test("gitlabCaBundleInput and preflightInput", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    expect(problem(gitlabCaBundleInput, pem)).toBeUndefined();
    expect(problem(gitlabCaBundleInput, undefined)).toBeUndefined();
    expect(problem(gitlabCaBundleInput, "")).toBe("must not be empty; leave it out to trust the system's certificates.");
    expect(problem(gitlabCaBundleInput, "not a pem")).toBe("must hold PEM certificates (-----BEGIN CERTIFICATE----- ...).");
    expect(problem(gitlabCaBundleInput, pem.padEnd(65_537, "x"))).toBe("must be at most 64 KB: give only the private CA's certificates (the system's are trusted already).");
    expect(preflightInput.parse(undefined)).toBe("strict");
    expect(problem(preflightInput, "loud")).toBe('must be "strict", "warn" or "off".');
  });
});
