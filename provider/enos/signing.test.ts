import { apiSignature, paramsData, requestTimestamp, sha256Hex, tokenEncryption } from "./signing";

/*
 * Hand-worked examples of the EnOS signing rules (contract: shared/contracts/enos.md,
 * "Authentication"). Each expected hash was computed outside this code, in the shell:
 *   printf '%s' '<the concatenation in the comment>' | sha256sum
 * so a change to the concatenation order, the hex case, the key sort or the text encoding
 * breaks these tests.
 */
const APP_KEY = "app-key-7";
const APP_SECRET = "s3cr3t-9";
const TOKEN = "tok-42";
const TIMESTAMP = 1700000000123;

describe("EnOS signing: hand-worked examples", () => {
  test("sha256Hex is lower-case hex of the UTF-8 bytes", () => {
    // printf '%s' 'abc' | sha256sum
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  test("token encryption = sha256(appKey + timestamp + appSecret)", () => {
    // "app-key-7" + "1700000000000" + "s3cr3t-9" = "app-key-71700000000000s3cr3t-9"
    expect(tokenEncryption(APP_KEY, 1700000000000, APP_SECRET)).toBe("a79f910b8416b59d914ccfba963f2fe83557de601ef596aba84fde6c8549155c");
    expect(tokenEncryption(APP_KEY, 1700000000000, APP_SECRET)).toMatch(/^[0-9a-f]{64}$/);
  });

  describe("paramsData: query keys in ASCII order, key then value, then the exact body", () => {
    test("the contract's example ?k3=v3&k1=v1&k2=v2", () => {
      expect(paramsData({ k3: "v3", k1: "v1", k2: "v2" }, '{"a":1}')).toBe('k1v1k2v2k3v3{"a":1}');
      expect(paramsData({ k3: "v3", k1: "v1", k2: "v2" }, "")).toBe("k1v1k2v2k3v3");
    });

    test("the service's own query: action < dataSourceId < orgId", () => {
      // A case-insensitive or locale sort would give the same here; the next tests tell them apart.
      expect(paramsData({ orgId: "o15", action: "get", dataSourceId: "ds-7f3a" }, "{}")).toBe("actiongetdataSourceIdds-7f3aorgIdo15{}");
    });

    test("uppercase before lowercase, as ASCII has it (not localeCompare)", () => {
      // ASCII: "B" 0x42 < "Z" 0x5a < "a" 0x61 < "b" 0x62; localeCompare would give a, b, B, Z.
      expect(paramsData({ b: "1", B: "2", a: "3", Z: "4" }, "")).toBe("B2Z4a3b1");
      // "orgID" < "orgId" < "orgid": they differ only in case from the 4th character on.
      expect(paramsData({ orgid: "3", orgId: "2", orgID: "1" }, "")).toBe("orgID1orgId2orgid3");
    });

    test("the body is appended byte for byte: no re-serialisation, key order and spacing kept", () => {
      const body = '{ "name":"model_repo",  "type":"GITLAB" }';
      expect(paramsData({ action: "create" }, body)).toBe(`actioncreate${body}`);
      expect(paramsData({}, "{}")).toBe("{}");
    });
  });

  describe("apim-signature = sha256(accessToken + paramsData + timestamp + appSecret)", () => {
    test("a create call", () => {
      const body =
        '{"name":"model_repo","type":"GITLAB","description":"models for line 3","connection":{"gitUrl":"http://git.example.com:8080/ml/models","token":"glpat-x"}}';
      // "tok-42" + "actioncreateorgIdo15" + body + "1700000000123" + "s3cr3t-9"
      expect(apiSignature(TOKEN, { orgId: "o15", action: "create" }, body, TIMESTAMP, APP_SECRET)).toBe(
        "a05c842b8cfc152ecbd9edd3d33997862582aba95901e3b955d721cf20cbe815",
      );
    });

    test("a get call, whatever order the query was written in", () => {
      // "tok-42" + "actiongetdataSourceIdds-7f3aorgIdo15" + "{}" + "1700000000123" + "s3cr3t-9"
      const expected = "3faf6fbe5786f8349da891346ea13fc0e832f7c18b9d5e5b9e6bf85a5e9c7ba8";
      expect(apiSignature(TOKEN, { orgId: "o15", action: "get", dataSourceId: "ds-7f3a" }, "{}", TIMESTAMP, APP_SECRET)).toBe(expected);
      expect(apiSignature(TOKEN, { dataSourceId: "ds-7f3a", orgId: "o15", action: "get" }, "{}", TIMESTAMP, APP_SECRET)).toBe(expected);
    });

    test("the contract's k3/k1/k2 example", () => {
      // "tok-42" + "k1v1k2v2k3v3" + '{"a":1}' + "1700000000123" + "s3cr3t-9"
      expect(apiSignature(TOKEN, { k3: "v3", k1: "v1", k2: "v2" }, '{"a":1}', TIMESTAMP, APP_SECRET)).toBe(
        "67521047d543754c41ff7c122c8e7d0982b3b532a4f189a6411c6b396d779fd6",
      );
    });

    test("mixed-case keys and no body", () => {
      // "tok-42" + "B2Z4a3b1" + "" + "1700000000123" + "s3cr3t-9"
      expect(apiSignature(TOKEN, { b: "1", B: "2", a: "3", Z: "4" }, "", TIMESTAMP, APP_SECRET)).toBe(
        "d855047998e4a24642d6d9ed4c9943209d6e0bde4c5b8fb68bed48dcc816df46",
      );
    });

    test("a non-ASCII body is hashed as UTF-8 (ü = c3 bc)", () => {
      // "tok-42" + "actionupdatedataSourceIdds-7f3aorgIdo15" + '{"description":"Modelle für Linie 3"}' + "1700000000123" + "s3cr3t-9"
      const body = '{"description":"Modelle für Linie 3"}';
      expect(apiSignature(TOKEN, { action: "update", orgId: "o15", dataSourceId: "ds-7f3a" }, body, TIMESTAMP, APP_SECRET)).toBe(
        "ea32bc1c4678c722d7931a82386f7251b8ee48591438c085078db0eec23e54d7",
      );
    });

    test("every part counts: another token, timestamp, secret, query value or body byte changes it", () => {
      const base = apiSignature(TOKEN, { action: "get" }, "{}", TIMESTAMP, APP_SECRET);
      const variants = [
        apiSignature("tok-43", { action: "get" }, "{}", TIMESTAMP, APP_SECRET),
        apiSignature(TOKEN, { action: "get" }, "{}", TIMESTAMP + 1, APP_SECRET),
        apiSignature(TOKEN, { action: "get" }, "{}", TIMESTAMP, "s3cr3t-8"),
        apiSignature(TOKEN, { action: "gets" }, "{}", TIMESTAMP, APP_SECRET),
        apiSignature(TOKEN, { action: "get" }, "{ }", TIMESTAMP, APP_SECRET),
      ];
      expect(new Set([base, ...variants]).size).toBe(6);
      for (const v of [base, ...variants]) expect(v).toMatch(/^[0-9a-f]{64}$/);
    });
  });
});

describe("apim-timestamp: now in milliseconds, never the same twice in a row", () => {
  const at = (now: number) => {
    jest.spyOn(Date, "now").mockReturnValue(now);
    return requestTimestamp();
  };
  afterEach(() => jest.restoreAllMocks());

  test("a clock that moves on gives its time; one that stands still, one more millisecond each time", () => {
    const base = 4_000_000_000_000;
    expect(at(base)).toBe(base);
    expect(at(base)).toBe(base + 1);
    expect(at(base)).toBe(base + 2);
    expect(at(base + 10)).toBe(base + 10);
  });

  test("a clock set back by less than a second goes on from the last timestamp; by a second or more, it is followed", () => {
    const base = 4_100_000_000_000;
    expect(at(base)).toBe(base);
    expect(at(base - 999)).toBe(base + 1);
    expect(at(base + 1 - 1_000)).toBe(base + 1 - 1_000);
    expect(at(base - 5_000)).toBe(base - 5_000);
  });
});
