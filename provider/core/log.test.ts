import { inCall } from "./call";
import { infoOnce, setLogSink, status, warnOnce } from "./log";

const lines: [string, string, string | undefined, boolean][] = [];
beforeAll(() => setLogSink((severity, message, urn, ephemeral) => lines.push([severity, message, urn, ephemeral])));
beforeEach(() => (lines.length = 0));

test("once per resource and key: on the resource where the engine names it, else naming the object", async () => {
  await inCall({ urn: "urn:a", subject: "torque:SpaceRepository p/a" }, async () => {
    warnOnce("k1", "the token expires soon");
    warnOnce("k1", "the token expires soon");
    infoOnce("k2", "torque:SpaceRepository p/a: already named");
  });
  await inCall({ urn: "urn:b" }, async () => warnOnce("k1", "the token expires soon"));
  await inCall({ subject: "torque:SpaceRepository p/c" }, async () => {
    warnOnce("k1", "the token expires soon");
    infoOnce("k3", "torque:SpaceRepository p/c is fine");
  });
  warnOnce("k4", "no call PRIVATE-TOKEN: glpat-1");
  warnOnce("k4", "no call again");
  expect(lines).toEqual([
    ["warn", "the token expires soon", "urn:a", false],
    ["info", "torque:SpaceRepository p/a: already named", "urn:a", false],
    ["warn", "the token expires soon", "urn:b", false],
    ["warn", "torque:SpaceRepository p/c: the token expires soon", undefined, false],
    ["info", "torque:SpaceRepository p/c is fine", undefined, false],
    ["warn", "no call PRIVATE-TOKEN: [secret]", undefined, false],
  ]);
});

test("a status replaces the resource's status line each time; without a resource, its first is said once", async () => {
  await inCall({ urn: "urn:s" }, async () => {
    status("sync", "waiting 4 s");
    status("sync", "waiting 8 s");
  });
  await inCall({ subject: "torque:SpaceRepository p/s" }, async () => {
    status("sync", "waiting 4 s");
    status("sync", "waiting 8 s");
  });
  expect(lines).toEqual([
    ["info", "waiting 4 s", "urn:s", true],
    ["info", "waiting 8 s", "urn:s", true],
    ["info", "torque:SpaceRepository p/s: waiting 4 s", undefined, false],
  ]);
});
