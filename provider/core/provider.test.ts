import { z } from "zod";
import { ACCOUNT } from "./account";
import { IMPORT_ID } from "./adopt";
import { Context } from "./context";
import { InitError, ProviderError } from "./errors";
import { setLogSink } from "./log";
import { Hooks, operations } from "./provider";
import type { ResourceSpec } from "./spec";
import { UNKNOWN } from "./unknown";

/**
 * The engine's protocol as core/provider.ts implements it for every resource, on a resource
 * kind made for the test whose "server" is a map in memory: what check, diff, create, read,
 * update and delete decide, apart from any API (each API's own tests cover its wire).
 */
const spec = {
  token: "test:Thing",
  description: "a thing",
  inputs: z.object({
    name: z.string(),
    url: z.string(),
    tags: z.array(z.string()).optional(),
    token: z.string().optional(),
    note: z.string().default("none"),
    preflight: z.enum(["strict", "off"]).default("strict"),
  }),
  computed: z.object({ thingId: z.string(), createdAt: z.string() }),
  replaceOnChanges: ["name", "url"],
  uniqueBy: "name",
  localInputs: ["preflight"],
  unordered: ["tags"],
  secrets: ["token"],
} as unknown as ResourceSpec;

type Thing = Record<string, unknown>;
const ACCOUNT_A = { torqueUrl: "https://a.example" };

function world(options: { checksInSteps?: boolean; partial?: boolean; ready?: (s: Thing) => boolean } = {}) {
  const server = new Map<string, Thing>();
  const calls: string[] = [];
  let next = 1;
  let account = ACCOUNT_A;
  const hooks: Hooks<Thing, Thing> = {
    validate: (inputs) => (inputs.note === "bad" ? [{ property: "note", reason: "note must not be bad." }] : []),
    complete: (inputs) => (inputs.tags === undefined ? { tags: [] } : {}),
    settings: () => (calls.includes("no-settings") ? { property: "gitlab-sources:torqueToken", reason: "set the token." } : undefined),
    changed: (inputs, olds) => inputs.url !== olds.url,
    preflight: async (_ctx, inputs, full) => {
      calls.push(`preflight ${inputs.name} ${full ? "full" : "token"}`);
      return inputs.url === "https://refused" ? [{ property: "url", reason: "url refused." }] : [];
    },
    planned: (_inputs, olds) => (olds ? { thingId: olds.thingId } : {}),
    account: () => account,
    create: async (_ctx, inputs) => {
      const id = `t-${next++}`;
      calls.push(`create ${inputs.name}`);
      if (inputs.url === "https://broken") throw new InitError("the thing is broken", id, { ...inputs, thingId: id, createdAt: "now" });
      server.set(id, { ...inputs, thingId: id, createdAt: "now" });
      return { id, outs: { ...inputs, thingId: id, createdAt: "now" } };
    },
    read: async (_ctx, id, props) => {
      calls.push(`read ${id}`);
      const found = server.get(id);
      return found && { ...found, token: (props.token as string | undefined) ?? "" }; // no API returns a token: the state's is kept
    },
    update: async (_ctx, id, olds, news) => {
      calls.push(`update ${id}`);
      const updated = { ...olds, ...news };
      server.set(id, updated);
      return updated;
    },
    ready: options.ready,
    delete: async (_ctx, id) => {
      calls.push(`delete ${id}`);
      server.delete(id);
    },
  };
  const ctx = new Context(
    () => undefined,
    (name) => ({ key: `gitlab-sources:${name}`, input: false }),
    { checksInSteps: options.checksInSteps, partial: options.partial },
  );
  return { ops: operations(spec, hooks), ctx, server, calls, moveTo: (to: typeof account) => (account = to) };
}

const declared = { name: "one", url: "https://git.example/a", tags: ["x", "y"], token: "tok-1234", note: "n", preflight: "strict" };

describe("check", () => {
  test("valid inputs: defaults and completions filled; the full network check for a new resource, the token's for an unchanged one, the full one again when what it tests changed", async () => {
    const { ops, ctx, calls } = world();
    expect(await ops.check(ctx, {}, { name: "one", url: "https://git.example/a", __provider: "p" })).toEqual({
      inputs: { name: "one", url: "https://git.example/a", note: "none", preflight: "strict", tags: [] },
      failures: [],
    });
    await ops.check(ctx, declared, declared);
    await ops.check(ctx, declared, { ...declared, url: "https://git.example/b" });
    expect(calls).toEqual(["preflight one full", "preflight one token", "preflight one full"]);
  });

  test("where steps run at preview, a new or changed resource's network check is left to them; with settings not yet known, every network check is", async () => {
    const steps = world({ checksInSteps: true });
    await steps.ops.check(steps.ctx, {}, declared);
    await steps.ops.check(steps.ctx, declared, declared);
    expect(steps.calls).toEqual(["preflight one token"]);
    const partial = world({ partial: true });
    expect((await partial.ops.check(partial.ctx, {}, { ...declared, url: "https://refused" })).failures).toEqual([]);
    expect(partial.calls).toEqual([]);
  });

  test("failures: bad inputs first, then the rules across properties, then settings, then the network; each stops the later ones", async () => {
    const { ops, ctx, calls } = world();
    expect((await ops.check(ctx, {}, { ...declared, url: 7, note: "bad" })).failures).toEqual([{ property: "url", reason: "url must be a string, not number." }]);
    expect((await ops.check(ctx, {}, { ...declared, note: "bad" })).failures).toEqual([{ property: "note", reason: "note must not be bad." }]);
    calls.push("no-settings");
    expect((await ops.check(ctx, {}, { ...declared, url: "https://refused" })).failures).toEqual([{ property: "gitlab-sources:torqueToken", reason: "set the token." }]);
    calls.length = 0;
    expect((await ops.check(ctx, {}, { ...declared, url: "https://refused" })).failures).toEqual([{ property: "url", reason: "url refused." }]);
  });

  test("a secret missing after an import says that no API returns it; the inputs of a failed check are given back as they were", async () => {
    const { ops, ctx } = world();
    const { token: _t, ...withoutToken } = declared;
    const result = await ops.check(ctx, { ...withoutToken, token: "" }, { ...withoutToken, token: 5 });
    expect(result.failures).toEqual([{ property: "token", reason: "token must be a string, not number." }]);
    const imported = await ops.check(ctx, { ...withoutToken, token: "" }, { ...withoutToken, token: null });
    expect(imported.failures).toEqual([]);
  });

  test("import: at preview already the object must exist and match the program; the option is kept for create", async () => {
    const { ops, ctx, server } = world();
    server.set("t-9", { ...declared, thingId: "t-9", createdAt: "then" });
    const adopted = await ops.check(ctx, {}, { ...declared, [IMPORT_ID]: "t-9" });
    expect(adopted).toMatchObject({ inputs: { [IMPORT_ID]: "t-9" }, failures: [] });
    expect((await ops.check(ctx, {}, { ...declared, [IMPORT_ID]: "t-404" })).failures).toEqual([
      { property: "import", reason: "cannot import test:Thing t-404: there is no such object; check the id (see docs/guides/import.md), or remove the import option to register a new one." },
    ]);
    expect((await ops.check(ctx, {}, { ...declared, note: "other", tags: ["y", "x"], token: "different", [IMPORT_ID]: "t-9" })).failures).toEqual([
      {
        property: "import",
        reason:
          'cannot import test:Thing t-9: the declared inputs differ from what the server holds: note (declared "other", found "n"); make the program declare what is there (change it afterwards with pulumi up), or remove the import option.',
      },
    ]);
    expect((await ops.check(ctx, {}, { ...declared, [IMPORT_ID]: "" })).failures).toEqual([
      { property: "import", reason: "the import option must be the id of an existing object (a non-empty string); see docs/guides/import.md for each resource's id." },
    ]);
  });

  test("a resource the stack holds drops its import option, and a replacement of it does not adopt that object again", async () => {
    const { ops, ctx } = world();
    const held = await ops.check(ctx, { ...declared, [IMPORT_ID]: "t-9" }, { ...declared, [IMPORT_ID]: "t-9" });
    expect(held.inputs[IMPORT_ID]).toBeUndefined();
    const replacement = await ops.check(ctx, {}, { ...declared, [IMPORT_ID]: "t-9" });
    expect(replacement).toEqual({ inputs: expect.not.objectContaining({ [IMPORT_ID]: expect.anything() }), failures: [] });
  });
});

describe("diff", () => {
  const olds = { ...declared, thingId: "t-1", createdAt: "now", [ACCOUNT]: ACCOUNT_A };

  test.each([
    ["nothing changed", {}, { changes: false, changed: [], replaces: [], deleteBeforeReplace: false }],
    ["an unordered list reordered", { tags: ["y", "x"] }, { changes: false, changed: [], replaces: [], deleteBeforeReplace: false }],
    ["a local input", { preflight: "off" }, { changes: false, changed: [], replaces: [], deleteBeforeReplace: false }],
    ["an in-place input", { note: "m" }, { changes: true, changed: ["note"], replaces: [], deleteBeforeReplace: false }],
    ["an unordered list's items", { tags: ["x", "z"] }, { changes: true, changed: ["tags"], replaces: [], deleteBeforeReplace: false }],
    ["a replacing input, the unique name kept: delete first", { url: "https://git.example/b" }, { changes: true, changed: ["url"], replaces: ["url"], deleteBeforeReplace: true }],
    ["the unique name: create first", { name: "two" }, { changes: true, changed: ["name"], replaces: ["name"], deleteBeforeReplace: false }],
    ["an unknown", { note: UNKNOWN }, { changes: true, changed: ["note"], replaces: [], deleteBeforeReplace: false }],
    ["an unknown unique name", { name: UNKNOWN }, { changes: true, changed: ["name"], replaces: ["name"], deleteBeforeReplace: false }],
  ])("%s", (_what, change, expected) => {
    const { ops, ctx } = world();
    expect(ops.diff(ctx, olds, { ...declared, ...change })).toEqual(expected);
  });

  test("what the server never said is no change: an imported secret, a field left out", () => {
    const { ops, ctx } = world();
    const { note: _n, ...withoutNote } = olds;
    expect(ops.diff(ctx, { ...withoutNote, token: "" }, { ...declared, token: "tok-new" }).changes).toBe(false);
    expect(ops.diff(ctx, { ...olds, token: "" }, { ...declared, note: "m" }).changed).toEqual(["note"]);
    expect(ops.diff(ctx, { ...olds, tags: undefined }, declared).changed).toEqual(["tags"]);
  });

  test("an object that is not ready always has changes (an Update waits for it again)", () => {
    const broken = world({ ready: (s) => s.note !== "broken" });
    expect(broken.ops.diff(broken.ctx, { ...olds, note: "broken" }, { ...declared, note: "broken" })).toEqual({ changes: true, changed: [], replaces: [], deleteBeforeReplace: false });
    expect(broken.ops.diff(broken.ctx, olds, declared).changes).toBe(false);
  });
});

describe("create, read, update, delete", () => {
  test("create records the account and the local inputs; read gives the state and the inputs; an object gone reads as empty", async () => {
    const { ops, ctx, server } = world();
    const { id, outs } = await ops.create(ctx, { ...declared, __provider: "p" }, { holder: "urn:one" });
    expect(id).toBe("t-1");
    expect(outs).toEqual({ ...declared, thingId: "t-1", createdAt: "now", [ACCOUNT]: ACCOUNT_A });
    const read = await ops.read(ctx, { id, state: { ...outs, __provider: "p" }, holder: "urn:one" });
    expect(read.props).toEqual(outs);
    expect(read.inputs).toEqual({ name: "one", url: "https://git.example/a", tags: ["x", "y"], token: "tok-1234", note: "n", preflight: "strict" });
    server.delete(id);
    expect(await ops.read(ctx, { id, state: outs })).toEqual({ id: "", props: {} });
  });

  test("import reads the id alone: secrets empty, local inputs left out", async () => {
    const { ops, ctx, server } = world();
    server.set("t-7", { ...declared, thingId: "t-7", createdAt: "then" });
    const { props, inputs } = await ops.read(ctx, { id: "t-7", state: {} }, true);
    expect(props).toEqual({ name: "one", url: "https://git.example/a", tags: ["x", "y"], token: "", note: "n", thingId: "t-7", createdAt: "then", [ACCOUNT]: ACCOUNT_A });
    expect(inputs).toEqual({ name: "one", url: "https://git.example/a", tags: ["x", "y"], note: "n" });
  });

  test("at preview, create and update write nothing and answer the outputs known before the write, unknowns for the rest", async () => {
    const { ops, ctx, calls } = world({ checksInSteps: true });
    expect(await ops.create(ctx, declared, { preview: true })).toEqual({ id: "", outs: { ...declared, thingId: UNKNOWN, createdAt: UNKNOWN, [ACCOUNT]: ACCOUNT_A } });
    const old = { id: "t-5", state: { ...declared, thingId: "t-5", createdAt: "then", [ACCOUNT]: ACCOUNT_A } };
    expect(await ops.update(ctx, old, { ...declared, note: "m" }, { preview: true })).toEqual({ outs: { ...declared, note: "m", thingId: "t-5", createdAt: UNKNOWN, [ACCOUNT]: ACCOUNT_A } });
    expect(calls).toEqual(["preflight one full"]);
    await expect(ops.create(ctx, { ...declared, url: "https://refused" }, { preview: true })).rejects.toThrow(new ProviderError("url refused."));
    await expect(ops.update(ctx, old, { ...declared, url: "https://refused" })).rejects.toThrow("url refused.");
    expect(calls.filter((c) => c.startsWith("create") || c.startsWith("update"))).toEqual([]);
  });

  test("an object made but not ready stays in state with its provider and account, for the next up", async () => {
    const { ops, ctx } = world();
    const err = (await ops.create(ctx, { ...declared, url: "https://broken", __provider: "serialized" }).catch((e) => e)) as InitError;
    expect(err).toBeInstanceOf(InitError);
    expect(err.properties).toMatchObject({ __provider: "serialized", thingId: "t-1", [ACCOUNT]: ACCOUNT_A });
  });

  test("state from another account is neither read, updated nor deleted", async () => {
    const { ops, ctx, calls, moveTo } = world();
    const { id, outs } = await ops.create(ctx, declared);
    moveTo({ torqueUrl: "https://b.example" });
    const old = { id, state: outs };
    for (const run of [() => ops.read(ctx, old), () => ops.update(ctx, old, declared), () => ops.delete(ctx, old)]) {
      await expect(run()).rejects.toThrow(/^test:Thing t-1 was registered in Torque account https:\/\/a\.example, but gitlab-sources:torqueUrl now names Torque account https:\/\/b\.example/);
    }
    expect(calls).toEqual(["create one"]); // nothing read, updated or deleted
  });

  test("an object another resource adopted in this run is not deleted by the one that held it: a warning instead", async () => {
    const said: string[] = [];
    setLogSink((_s, message) => said.push(message));
    const { ops, ctx, server, calls } = world();
    const { id, outs } = await ops.create(ctx, declared, { holder: "urn:old" });
    await ops.create(ctx, { ...declared, [IMPORT_ID]: id }, { holder: "urn:renamed" });
    await ops.delete(ctx, { id, state: outs, holder: "urn:old" });
    expect(server.has(id)).toBe(true);
    expect(calls).not.toContain(`delete ${id}`);
    expect(said).toEqual([
      "test:Thing t-1 was not deleted: in this run another resource of the stack took it over (an import option left in the program, through a rename or a replacement), and holds it now; remove the import option from the program.",
    ]);
    await ops.delete(ctx, { id, state: outs, holder: "urn:renamed" });
    expect(server.has(id)).toBe(true);
    const other = await ops.create(ctx, { ...declared, name: "two" }, { holder: "urn:two" });
    await ops.delete(ctx, { id: other.id, state: other.outs, holder: "urn:two" });
    expect(server.has(other.id)).toBe(false);
  });

  test("subject: the object a message names, by its unique name when known", () => {
    const { ops } = world();
    expect(ops.subject({ name: "one" })).toBe("test:Thing one");
    expect(ops.subject({ name: UNKNOWN })).toBe("test:Thing");
    expect(ops.subject({})).toBe("test:Thing");
  });
});
