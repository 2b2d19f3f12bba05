import { describeNetworkError, NetworkError } from "./network";

const get = { method: "GET" as const, path: "/api/v4/version" };
const gitlab = { api: "GitLab", caSetting: "gitlab:caBundle" };
const describeFor = (err: { code?: string; message?: string }, client: { api: string; caSetting?: string } = gitlab) =>
  describeNetworkError(client, "git.example.com:8443", get, NetworkError.from(err, 30_000, 10 * 2 ** 20));

describe("NetworkError.from: what axios reported, classified by what the user can do", () => {
  test.each([
    ["ENOTFOUND", "GitLab: cannot resolve host git.example.com:8443 (DNS lookup failed, ENOTFOUND); check the host name in the URL."],
    ["EAI_AGAIN", "GitLab: cannot resolve host git.example.com:8443 (DNS lookup failed, EAI_AGAIN); check the host name in the URL."],
    ["ECONNREFUSED", "GitLab: git.example.com:8443 refused the connection; check the port in the URL and that the server is running."],
    ["EPROXY", "GitLab: the proxy would not tunnel to git.example.com:8443; check HTTPS_PROXY and NO_PROXY."],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "GitLab: TLS verification of git.example.com:8443 failed (DEPTH_ZERO_SELF_SIGNED_CERT); if the server uses a private CA, give its certificate as gitlab:caBundle."],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "GitLab: TLS verification of git.example.com:8443 failed (ERR_TLS_CERT_ALTNAME_INVALID); if the server uses a private CA, give its certificate as gitlab:caBundle."],
    ["ETIMEDOUT", "GitLab: git.example.com:8443 did not answer GET /api/v4/version within 30 s; check that the server is reachable and healthy."],
    ["ECONNRESET", "GitLab: git.example.com:8443 dropped the connection during GET /api/v4/version (ECONNRESET); check the server and any proxy in between."],
    ["ERR_BAD_RESPONSE", "GitLab: git.example.com:8443 dropped the connection during GET /api/v4/version (ECONNRESET); check the server and any proxy in between."],
    [undefined, "GitLab: git.example.com:8443 dropped the connection during GET /api/v4/version (aborted); check the server and any proxy in between."],
  ])("%s", (code, message) => {
    expect(describeFor({ code, message: "stream has been aborted" })).toBe(message);
  });

  test("a code that only contains a TLS code's name is not a TLS failure", () => {
    expect(NetworkError.from({ code: "X_CERT_HAS_EXPIRED" }, 1, 1).cause).toBe("reset");
    expect(NetworkError.from({ code: "CERT_HAS_EXPIRED" }, 1, 1).cause).toBe("tls");
  });

  test("an answer over the size cap names the cap and the setting; without a CA setting, caBundle", () => {
    const tooLarge = (bytes: number) =>
      describeNetworkError({ api: "Torque" }, "torque.example.com", get, NetworkError.from({ code: "ERR_BAD_RESPONSE", message: "maxContentLength size of 10 exceeded" }, 1, bytes));
    expect(tooLarge(10 * 2 ** 20)).toBe(
      "Torque: torque.example.com answered GET /api/v4/version with more than 10 MB (after decompression), so the answer was dropped; check that the URL points at Torque, or raise torque:maxResponseMegabytes if the answer is genuine.",
    );
    expect(tooLarge(2 ** 20)).toContain("with more than 1 MB (after");
    expect(tooLarge(2 ** 20 - 1024)).toContain("with more than 1023 KB (after");
    expect(tooLarge(1.5 * 2 ** 20 + 1)).toContain("with more than 1.5 MB (after");
    expect(describeFor({ code: "CERT_UNTRUSTED" }, { api: "EnOS" })).toMatch(/give its certificate as caBundle\.$/);
  });

  test.each([
    // code, sent (may have been applied), retryable
    ["ENOTFOUND", false, false],
    ["EAI_AGAIN", false, true],
    ["ECONNREFUSED", false, false],
    ["EPROXY", false, false],
    ["CERT_HAS_EXPIRED", false, false],
    ["ETIMEDOUT", true, true],
    ["ECONNRESET", true, true],
  ])("%s: sent %s, retryable %s", (code, sent, retryable) => {
    const err = NetworkError.from({ code }, 1, 1);
    expect([err.sent, err.retryable]).toEqual([sent, retryable]);
  });

  test("an answer over the size cap may have been applied and is not asked for again", () => {
    const err = NetworkError.from({ code: "ERR_BAD_RESPONSE", message: "maxContentLength size of 5 exceeded" }, 1, 5);
    expect([err.cause, err.sent, err.retryable, err.limit]).toEqual(["tooLarge", true, false, 5]);
  });
});
