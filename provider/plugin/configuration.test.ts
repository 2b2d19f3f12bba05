import { SETTING_NAMES } from "../core/context";
import { UNKNOWN } from "../core/unknown";
import { checkProviderInputs, isDefaultProvider } from "./configuration";

const reasons = (inputs: Record<string, unknown>, kind: "default" | "explicit") => checkProviderInputs(inputs, kind).map((f) => [f.property, f.reason]);

describe("which provider a request is for", () => {
  test("by the URN: a provider type whose name begins with default, as the engine's IsDefaultProvider", () => {
    expect(isDefaultProvider("urn:pulumi:dev::p::pulumi:providers:gitlab-sources::default_0_1_0", "")).toBe(true);
    expect(isDefaultProvider("urn:pulumi:dev::p::pulumi:providers:gitlab-sources::west", "default_0_1_0")).toBe(false);
    expect(isDefaultProvider("urn:pulumi:dev::p::gitlab-sources:torque:RepositoryProvider::default-gitlab", "")).toBe(false);
    expect(isDefaultProvider("urn:pulumi:dev::p::my:Component$pulumi:providers:gitlab-sources::default_0_1_0", "")).toBe(true);
  });

  test("without a URN, by the name", () => {
    expect(isDefaultProvider("", "default_0_1_0")).toBe(true);
    expect(isDefaultProvider("", "west")).toBe(false);
    expect(isDefaultProvider("", "west-default")).toBe(false);
  });
});

describe("the provider's settings", () => {
  test("an unknown setting is named as the provider takes it, with the closest one and the whole list", () => {
    const list = SETTING_NAMES.join(", ");
    expect(reasons({ torqeUrl: "https://x.example" }, "default")).toEqual([
      ["torqeUrl", `gitlab-sources:torqeUrl is not a setting of this provider; did you mean torqueUrl? (settings: ${list}).`],
    ]);
    expect(reasons({ torqeUrl: "https://x.example" }, "explicit")).toEqual([
      ["torqeUrl", `the provider's torqeUrl input is not a setting of this provider; did you mean torqueUrl? (settings: ${list}).`],
    ]);
  });

  test("a setting of the wrong type or an unusable URL is named, saying what to set", () => {
    expect(reasons({ torqueUrl: 5, enosApiGateway: "ftp://gw.example" }, "default")).toEqual([
      ["torqueUrl", expect.stringMatching(/^gitlab-sources:torqueUrl must be a string; set it to Torque account URL \(https:\/\/<account>\.qtorque\.io .*TORQUE_HOSTNAME.*\.$/)],
      ["enosApiGateway", 'gitlab-sources:enosApiGateway must use http or https, not ftp (got "ftp://gw.example"); fix it with `pulumi config set gitlab-sources:enosApiGateway <url>`.'],
    ]);
  });

  test("a null setting counts as unset, an unknown one (at preview) as unchecked, a bare host name as https", () => {
    expect(reasons({ torqueUrl: null, enosOrgId: null, torqueToken: UNKNOWN, enosApiGateway: UNKNOWN }, "explicit")).toEqual([]);
    expect(reasons({ torqueUrl: "west.example", enosApiGateway: "gw.example:8443/api" }, "explicit")).toEqual([]);
  });
});
