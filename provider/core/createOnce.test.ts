import { Stopped } from "./call";
import { createOnce, CreateOnce, Found } from "./createOnce";
import { ProviderError } from "./errors";

/**
 * The decision of a create that may have been applied, against a server whose answers the
 * test scripts (no HTTP here: the clients' own tests cover the wire). Pauses run on jest's
 * fake timers, whose clock tells how long each wait was.
 */
beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const ambiguous = () => new ProviderError("the create timed out", { ambiguous: true });
const clash = () => new ProviderError("name taken", { clash: true });
const ours: Found = { id: "new-1", matches: true };

function server(script: { posts: (() => string | Error)[]; finds: (() => Found | undefined | Error)[]; recordsMaker?: boolean }) {
  const log: string[] = [];
  const started = Date.now();
  const op: CreateOnce = {
    what: "Torque repository provider gl",
    clash: "Torque already has a repository provider named gl",
    recordsMaker: script.recordsMaker,
    post: async () => {
      log.push(`post@${Date.now() - started}`);
      const next = script.posts.shift()!();
      if (next instanceof Error) throw next;
      return next;
    },
    find: async () => {
      log.push(`find@${Date.now() - started}`);
      const next = script.finds.shift()!();
      if (next instanceof Error) throw next;
      return next;
    },
  };
  return { op, log };
}

async function outcome(op: CreateOnce, attempts?: number): Promise<string> {
  const run = createOnce(op, attempts).then(
    (id) => `id ${id}`,
    (err: Error) => err.message,
  );
  await jest.runAllTimersAsync();
  return run;
}

describe("where the server records no maker (Torque): the name must be free just before", () => {
  test("a free name is created once", async () => {
    const { op, log } = server({ finds: [() => undefined], posts: [() => "new-1"] });
    expect(await outcome(op)).toBe("id new-1");
    expect(log).toEqual(["find@0", "post@0"]);
  });

  test("a name taken before anything is sent is a clash naming the object, and nothing is sent", async () => {
    const { op, log } = server({ finds: [() => ({ id: "old-7", matches: true })], posts: [] });
    expect(await outcome(op)).toMatch(/^Torque already has a repository provider named gl \(id old-7\), and this provider never takes over an object it did not just create: .* adopt it with the resource option import: "old-7" .*; otherwise choose another name\.$/);
    expect(log).toEqual(["find@0"]);
  });

  test("an ambiguous create whose object then shows up, the name having been free, is adopted", async () => {
    const { op, log } = server({ finds: [() => undefined, () => ours], posts: [ambiguous] });
    expect(await outcome(op)).toBe("id new-1");
    expect(log).toEqual(["find@0", "post@0", "find@0"]);
  });

  test("an ambiguous create that left nothing is sent again after 500 ms, then 1 s, and its error stands after the last", async () => {
    const { op, log } = server({ finds: [() => undefined, () => undefined, () => undefined, () => undefined], posts: [ambiguous, ambiguous, ambiguous] });
    expect(await outcome(op)).toBe("the create timed out");
    expect(log).toEqual(["find@0", "post@0", "find@0", "post@500", "find@500", "post@1500", "find@1500"]);
  });

  test("an object that differs from what was sent is not adopted: its id and both ways out", async () => {
    const { op } = server({ finds: [() => undefined, () => ({ id: "x-2", matches: false })], posts: [ambiguous] });
    expect(await outcome(op)).toBe(
      'Torque repository provider gl exists (id x-2) but differs from what was sent after an interrupted create; adopt it with the resource option import: "x-2" or delete it, then run pulumi up again.',
    );
  });

  test("when the name could not be looked up first, a matching object after an ambiguous create is not taken", async () => {
    const { op, log } = server({ finds: [() => new Error("list route missing"), () => ours], posts: [ambiguous] });
    expect(await outcome(op)).toMatch(/^Torque already has a repository provider named gl \(id new-1\) \(a create of this run failed without an answer, and the server cannot show that it made this one\), and this provider never/);
    expect(log).toEqual(["find@0", "post@0", "find@0"]);
  });

  test("a cancellation while looking the name up first is passed on, nothing sent", async () => {
    const { op, log } = server({ finds: [() => new Stopped("the operation was cancelled (Ctrl-C)", "listing")], posts: [] });
    expect(await outcome(op)).toBe("the operation was cancelled (Ctrl-C) while listing.");
    expect(log).toEqual(["find@0"]);
  });

  test("an error that says nothing was applied is passed on at once", async () => {
    const { op, log } = server({ finds: [() => undefined], posts: [() => new ProviderError("403: not allowed")] });
    expect(await outcome(op)).toBe("403: not allowed");
    expect(log).toEqual(["find@0", "post@0"]);
  });
});

describe("a clash answered by the server", () => {
  test("on the first attempt: someone else's object, named by its id, or said unfound", async () => {
    const found = server({ finds: [() => undefined, () => ({ id: "theirs", matches: true })], posts: [clash] });
    expect(await outcome(found.op)).toMatch(/^Torque already has a repository provider named gl \(id theirs\), and this provider never/);
    const lost = server({ finds: [() => undefined, () => undefined], posts: [clash] });
    expect(await outcome(lost.op)).toBe(
      'Torque already has a repository provider named gl, but it could not be found to give its id; choose another name, or find its id in the console and add the resource option import: "<id>".',
    );
    const failing = server({ finds: [() => undefined, () => new Error("down")], posts: [clash] });
    expect(await outcome(failing.op)).toMatch(/^Torque already has a repository provider named gl, but it could not be found/);
  });

  test("after our own ambiguous attempt: a lagging list is asked until it shows the object, which is adopted", async () => {
    const { op, log } = server({ finds: [() => undefined, () => undefined, () => undefined, () => undefined, () => ours], posts: [ambiguous, clash] });
    expect(await outcome(op)).toBe("id new-1");
    expect(log).toEqual(["find@0", "post@0", "find@0", "post@500", "find@500", "find@1000", "find@2000"]);
  });
});

describe("where the server records who made an object and when (EnOS)", () => {
  const since = (sentAt: number) => (s: number) => s <= sentAt;
  test("nothing is looked up before; an object this call made after an ambiguous create is adopted, an older one is not", async () => {
    const made = server({ recordsMaker: true, finds: [() => ({ ...ours, madeSince: since(Date.now()) })], posts: [ambiguous] });
    expect(await outcome(made.op)).toBe("id new-1");
    expect(made.log).toEqual(["post@0", "find@0"]);
    const older = server({ recordsMaker: true, finds: [() => ({ ...ours, madeSince: () => false })], posts: [ambiguous] });
    expect(await outcome(older.op)).toMatch(/^Torque already has a repository provider named gl \(id new-1\) \(a create of this run failed without an answer/);
  });
});

test("a lookup that keeps failing after an ambiguous create says what is unknown and what to do", async () => {
  const { op, log } = server({ finds: [() => undefined, ...Array.from({ length: 4 }, () => () => new Error("503 from Torque"))], posts: [ambiguous] });
  expect(await outcome(op)).toBe(
    "could not tell whether Torque repository provider gl was created after an interrupted create (503 from Torque); run pulumi up again, and if it reports that the name exists, import the object with the id it gives.",
  );
  expect(log).toEqual(["find@0", "post@0", "find@0", "find@500", "find@1500", "find@3500"]);
});
