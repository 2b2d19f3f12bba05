import { httpUrlProblem, isUnder, normalizeUrl, sameUrl, urlInput } from "./url";

describe("httpUrlProblem: what a server URL may not be", () => {
  test.each([
    ["https://gitlab.example.com/", undefined],
    ["http://10.0.0.5:8080/gitlab", undefined],
    ["gitlab.example.com", "must be an absolute http(s) URL such as https://gitlab.example.com/"],
    ["ftp://gitlab.example.com/", "must use http or https, not ftp"],
    ["file:///etc/passwd", "must use http or https, not file"],
    ["https://user:glpat-x@gitlab.example.com/", "must not contain user info (user:password@); give credentials as token"],
    ["https://user@gitlab.example.com/", "must not contain user info (user:password@); give credentials as token"],
    ["https://:pw@gitlab.example.com/", "must not contain user info (user:password@); give credentials as token"],
    ["https://gitlab.example.com/?private_token=x", "must not have a query (?...)"],
    ["https://gitlab.example.com/#top", "must not have a fragment (#...)"],
    ["https://gitlab.example.com/#", "must not have a fragment (#...)"],
  ])("%s: %s", (value, problem) => {
    expect(httpUrlProblem(value)).toBe(problem);
  });
});

describe("urlInput: validated, then normalised", () => {
  const url = urlInput({ trailingSlash: false });
  const rooted = urlInput({ trailingSlash: true, extraRule: (u) => (u.pathname.split("/").length < 3 ? "must name a group and a project" : undefined) });
  const problem = (schema: typeof url, value: unknown) => {
    const parsed = schema.safeParse(value);
    return parsed.success ? undefined : parsed.error.issues[0].message;
  };

  test("scheme and host lower case, no default port, no trailing slashes; the rooted form ends with one", () => {
    expect(url.parse("HTTPS://GitLab.Example.COM:443/Group/Project//")).toBe("https://gitlab.example.com/Group/Project");
    expect(url.parse("http://gitlab.example.com:8080")).toBe("http://gitlab.example.com:8080");
    expect(rooted.parse("https://gitlab.example.com/a/b")).toBe("https://gitlab.example.com/a/b/");
  });

  test("each problem is one sentence quoting the value, with user info masked", () => {
    expect(problem(url, "https://root:glpat-secret@gitlab.example.com/")).toBe(
      'must not contain user info (user:password@); give credentials as token (got "https://***@gitlab.example.com/").',
    );
    expect(problem(url, "not a url")).toBe('must be ASCII without spaces or control characters: write an internationalised host name in its xn-- form and percent-encode other characters (%C3%A9 for é) (got "not a url").');
    expect(problem(url, "https://gitlab.exämple.com/")).toMatch(/^must be ASCII without spaces/);
    expect(problem(url, `https://gitlab.example.com/${"a".repeat(2040)}`)).toMatch(/^must be at most 2048 characters \(got 2067\) \(got "https:\/\/gitlab\.example\.com\/a+\.\.\."\)\.$/);
    expect(problem(url, `https://gitlab.example.com/${"a".repeat(2021)}`)).toBeUndefined();
    expect(problem(rooted, "https://gitlab.example.com/a")).toBe('must name a group and a project (got "https://gitlab.example.com/a").');
    expect(problem(rooted, "https://gitlab.example.com/a/b")).toBeUndefined();
  });
});

describe("sameUrl and isUnder", () => {
  test("a server's URL is normalised like the inputs; what is not a URL stays as it is", () => {
    expect(sameUrl("https://GITLAB.example.com/a/")).toBe("https://gitlab.example.com/a");
    expect(sameUrl("https://gitlab.example.com/a", true)).toBe("https://gitlab.example.com/a/");
    expect(sameUrl("not a url", true)).toBe("not a url");
    expect(normalizeUrl("https://h.example.com")).toBe("https://h.example.com");
  });

  test("strictly below the root, with or without its trailing slash", () => {
    expect(isUnder("https://h/a/b", "https://h/a")).toBe(true);
    expect(isUnder("https://h/a/b", "https://h/a/")).toBe(true);
    expect(isUnder("https://h/a/", "https://h/a")).toBe(false);
    expect(isUnder("https://h/ab", "https://h/a")).toBe(false);
    expect(isUnder("https://h/a", "https://h/a")).toBe(false);
  });
});
