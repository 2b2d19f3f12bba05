import { redact, rememberSecret, safeText } from "./secrets";

describe("redact: no credential leaves the provider", () => {
  test("a remembered credential is masked everywhere, also without the whitespace it was pasted with; short or non-string values are not remembered", () => {
    rememberSecret("  pasted-token-1234\n");
    rememberSecret("abc");
    rememberSecret(12345678);
    expect(redact("token pasted-token-1234 and '  pasted-token-1234\n'")).toBe("token [secret] and '[secret]'");
    expect(redact("abc 12345678")).toBe("abc 12345678");
  });

  test.each([
    ["Authorization: Bearer eyJhbGciOi.x.y", "Authorization: Bearer [secret]"],
    ['{"authorization": "Basic dXNlcjpwYXNz"}', '{"authorization": "Basic [secret]"}'],
    ["PRIVATE-TOKEN: glpat-abcdef", "PRIVATE-TOKEN: [secret]"],
    ["apim-accesstoken=tok123, next", "apim-accesstoken=[secret], next"],
    ["apim-signature: \"sig\"", 'apim-signature: "[secret]"'],
    ['{"PRIVATE-TOKEN":"glpat-4"}', '{"PRIVATE-TOKEN":"[secret]"}'],
    ['{"token":"glpat-1","name":"n"}', '{"token":"[secret]","name":"n"}'],
    ['{"appSecret": "s3cr3t"}', '{"appSecret": "[secret]"}'],
    ['password = "hunter2"', 'password = "[secret]"'],
    ["GET /api/v4/projects?private_token=glpat-2&per_page=1", "GET /api/v4/projects?private_token=[secret]&per_page=1"],
    ["https://h/x?a=1&access-token=t1#frag", "https://h/x?a=1&access-token=[secret]#frag"],
    ["https://h/x;key=k1 done", "https://h/x;key=[secret] done"],
    ["cloning https://oauth2:glpat-3@gitlab.example.com/a/b.git", "cloning https://[secret]@gitlab.example.com/a/b.git"],
    ["a message with no secret: token expired", "a message with no secret: token expired"],
  ])("%s", (text, expected) => {
    expect(redact(text)).toBe(expected);
  });
});

describe("safeText: one readable line", () => {
  test("control characters and line separators become one space; the text is redacted", () => {
    expect(safeText("a\r\n\tb\u2028c\u0000\u007fd PRIVATE-TOKEN: x1")).toBe("a b c d PRIVATE-TOKEN: [secret]");
  });

  test("a text over 1200 characters keeps its start and its end around ' ... '", () => {
    expect(safeText("x".repeat(1200))).toBe("x".repeat(1200));
    const long = `START${"m".repeat(2000)}END`;
    const shown = safeText(long);
    expect(shown).toHaveLength(597 + 5 + 597);
    expect(shown.startsWith(`START${"m".repeat(592)} ... `)).toBe(true);
    expect(shown.endsWith(` ... ${"m".repeat(594)}END`)).toBe(true);
  });
});
