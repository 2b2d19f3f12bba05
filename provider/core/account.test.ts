import { checkAccount, movesPlace, placeValue } from "./account";
import { stackConfigContext } from "./context";
import { UNKNOWN } from "./unknown";

const config: Record<string, string> = { "gitlab-sources:torqueUrl": "x", "gitlab-sources:enosApiGateway": "x", "gitlab-sources:enosOrgId": "x" };
const ctx = stackConfigContext({ get: (key) => config[key] });

describe("placeValue and movesPlace: one written form per place", () => {
  test.each([
    ["torqueUrl", "https://Portal.Qtorque.io/", "https://portal.qtorque.io"],
    ["torqueUrl", "  portal.qtorque.io//  ", "https://portal.qtorque.io"],
    ["torqueUrl", "HTTP://torque.local:8080/api/", "http://torque.local:8080/api"],
    ["torqueUrl", "https://h:443", "https://h"],
    ["torqueUrl", undefined, ""],
    ["torqueUrl", "http://[bad", "http://[bad"],
    ["enosOrgId", " o15/ ", "o15"],
    ["enosOrgId", "O15", "O15"],
  ])("%s %j is %j", (name, value, form) => {
    expect(placeValue(name as "torqueUrl", value)).toBe(form);
  });

  test("a URL written another way is the same place; another host, an unknown or another organization is not", () => {
    expect(movesPlace("torqueUrl", "https://portal.qtorque.io", "portal.qtorque.io/")).toBe(false);
    expect(movesPlace("torqueUrl", "https://portal.qtorque.io", "https://eu.qtorque.io")).toBe(true);
    expect(movesPlace("torqueUrl", "https://portal.qtorque.io", UNKNOWN)).toBe(true);
    expect(movesPlace("enosOrgId", "o1", "o1")).toBe(false);
    expect(movesPlace("enosOrgId", "o1", "o2")).toBe(true);
  });
});

describe("checkAccount: no call acts on another account's objects", () => {
  const attempt = (recorded: unknown, current: Record<string, string>) => {
    try {
      checkAccount(ctx, recorded, current, "Torque repository provider gl");
      return "allowed";
    } catch (err) {
      return (err as Error).message;
    }
  };

  test("state without an account, or the same account, goes on", () => {
    expect(attempt(undefined, { torqueUrl: "https://a" })).toBe("allowed");
    expect(attempt("https://a", { torqueUrl: "https://b" })).toBe("allowed");
    expect(attempt({ torqueUrl: "https://a" }, { torqueUrl: "https://a" })).toBe("allowed");
    expect(attempt({}, { torqueUrl: "https://b" })).toBe("allowed");
  });

  test("another account names each setting that moved, both places and the way back", () => {
    expect(attempt({ torqueUrl: "https://a" }, { torqueUrl: "https://b" })).toBe(
      "Torque repository provider gl was registered in Torque account https://a, but gitlab-sources:torqueUrl now names Torque account https://b, so nothing was done there; set gitlab-sources:torqueUrl back to https://a to manage it, or, to move the stack's registrations to the other account, run pulumi destroy while the settings name the old one, then change them and run pulumi up.",
    );
    expect(attempt({ enosApiGateway: "https://gw1", enosOrgId: "o1" }, { enosApiGateway: "https://gw2", enosOrgId: "o2" })).toBe(
      "Torque repository provider gl was registered in EnOS organization o1 at https://gw1, but gitlab-sources:enosApiGateway and gitlab-sources:enosOrgId now name EnOS organization o2 at https://gw2, so nothing was done there; set gitlab-sources:enosApiGateway back to https://gw1 and gitlab-sources:enosOrgId back to o1 to manage it, or, to move the stack's registrations to the other account, run pulumi destroy while the settings name the old one, then change them and run pulumi up.",
    );
  });
});
