import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { UNKNOWN } from "../core/unknown";
import { fromStruct, secretKeys, toStruct } from "./wire";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const secret = (value: unknown) => ({ ...SECRET, value });
const struct = (props: Record<string, unknown>) => structproto.Struct.fromJavaScript(props as Record<string, structproto.JavaScriptValue>);

describe("the engine's values on the plugin's wire", () => {
  test("secrets arrive unwrapped at any depth; nulls and plain values as they are", () => {
    expect(fromStruct(struct({ token: secret("glpat-1"), repos: [{ name: "a", token: secret("t") }, null], none: null, count: 2 }))).toEqual({
      token: "glpat-1",
      repos: [{ name: "a", token: "t" }, null],
      none: null,
      count: 2,
    });
    expect(fromStruct(undefined)).toEqual({});
  });

  test("a property holding a secret anywhere inside is secret; one holding nulls and plain values is not", () => {
    const given = struct({
      token: secret("t"),
      list: ["plain", secret("t")],
      nested: { plain: "p", deeper: { token: secret("t") } },
      plainList: ["a", null, { b: "c" }],
      plainObject: { a: null, b: ["c"] },
      none: null,
    });
    expect(secretKeys(given).sort()).toEqual(["list", "nested", "token"]);
  });

  test("the keys named secret go back marked, an unknown stays unknown, an undefined value is left out", () => {
    const answer = toStruct({ token: "t", later: UNKNOWN, name: "n", gone: undefined }, ["token", "later"]).toJavaScript();
    expect(answer).toEqual({ token: secret("t"), later: UNKNOWN, name: "n" });
  });
});
