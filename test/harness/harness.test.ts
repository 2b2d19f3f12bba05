import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { changes, Declaration, Stack } from "./stack";

/** The harness itself, proven with a trivial file-backed provider through the real provider host. */
describe("harness: a trivial dynamic provider through the real provider host", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "files-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(`${dir}.checks`, { force: true });
  });

  const file = (name: string, content: unknown, extra: Partial<Declaration> = {}): Declaration => ({
    kind: "test:File",
    name,
    args: { dir, fileName: `${name}.txt`, content },
    ...extra,
  });
  const read = (name: string) => fs.readFileSync(path.join(dir, `${name}.txt`), "utf8");

  test("create, no-op preview, refresh, update, drift, out-of-band delete, replace, destroy", async () => {
    const stack = new Stack();
    const up = await stack.up([file("a", "one")]);
    expect(up.errors).toEqual([]);
    expect(up.steps.map((s) => s.op)).toEqual(["create"]);
    expect(read("a")).toBe("one");
    expect(stack.resource("a").outputs).toMatchObject({ content: "one", size: 3 });
    expect(stack.resource("a").outputs.__provider).toEqual(expect.stringContaining("exports.handler"));

    expect(changes(await stack.preview([file("a", "one")]))).toEqual([]);
    expect(changes(await stack.refresh())).toEqual([]);

    const update = await stack.up([file("a", "two")]);
    expect(update.steps.map((s) => s.op)).toEqual(["update"]);
    expect(read("a")).toBe("two");

    fs.writeFileSync(path.join(dir, "a.txt"), "edited");
    const drift = await stack.preview([file("a", "two")], { refresh: true });
    expect(drift.steps.map((s) => s.op)).toEqual(["refresh-update", "update"]);
    expect(read("a")).toBe("edited");
    await stack.up([file("a", "two")], { refresh: true });
    expect(read("a")).toBe("two");

    fs.rmSync(path.join(dir, "a.txt"));
    const gone = await stack.refresh();
    expect(gone.steps.map((s) => s.op)).toEqual(["refresh-delete"]);
    expect(stack.state.size).toBe(0);
    await stack.up([file("a", "two")]);
    expect(read("a")).toBe("two");

    const renamed = await stack.up([{ ...file("a", "two"), args: { dir, fileName: "b.txt", content: "two" } }]);
    expect(renamed.steps.map((s) => s.op)).toEqual(["replace"]);
    expect(fs.readdirSync(dir)).toEqual(["b.txt"]);

    const destroyed = await stack.destroy();
    expect(destroyed.steps.map((s) => s.op)).toEqual(["delete"]);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(stack.state.size).toBe(0);
  });

  test("a check failure stops the resource before create and names the property", async () => {
    const stack = new Stack();
    const up = await stack.up([file("a", "")]);
    expect(up.errors).toEqual([expect.objectContaining({ failures: [{ property: "content", reason: "content must not be empty" }] })]);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(stack.state.size).toBe(0);
  });

  test("a failed preview has no steps, and `changes` refuses it rather than calling it clean", async () => {
    const stack = new Stack();
    await stack.up([file("a", "one")]);
    const failed = await stack.preview([file("a", "")]);
    expect(failed.steps).toEqual([]);
    expect(() => changes(failed)).toThrow(/the operation failed, so it cannot say what changes:\n.*content must not be empty/);
  });

  test("secret inputs stay secret in the checkpoint; outputs of the same key are re-marked", async () => {
    const stack = new Stack();
    await stack.up([file("a", { $secret: "s3cr3t-value" })]);
    expect(read("a")).toBe("s3cr3t-value");
    expect(stack.resource("a").secretOutputs).toContain("content");
    expect(stack.checkpoint()).not.toContain("s3cr3t-value");
    expect(stack.checkpoint()).toContain("ciphertext");
  });

  test("preview of a new stack sends unknowns for outputs of resources not yet created", async () => {
    const stack = new Stack();
    const dependent: Declaration = { kind: "test:File", name: "b", args: { dir, fileName: "b.txt", content: { $ref: "a", output: "content" } } };
    const preview = await stack.preview([file("a", "one"), dependent]);
    expect(preview.errors).toEqual([]);
    expect(preview.steps.map((s) => s.op).sort()).toEqual(["create", "create"]);
    expect(fs.readdirSync(dir)).toEqual([]);
    const up = await stack.up([file("a", "one"), dependent]);
    expect(up.errors).toEqual([]);
    expect(read("b")).toBe("one");
  });

  test("checks run one resource at a time, as the engine generates steps, however many steps run in parallel", async () => {
    const stack = new Stack({ parallel: 8 });
    const up = await stack.up([file("a", "1"), file("b", "2"), file("c", "3")]);
    expect(up.errors).toEqual([]);
    const log = fs.readFileSync(`${dir}.checks`, "utf8").trim().split("\n");
    expect(log).toHaveLength(6);
    log.forEach((line, i) => expect(line.split(" ")[0]).toBe(i % 2 === 0 ? "start" : "end"));
  });

  test("the import option fails for a plain dynamic resource, as under the real engine: Read gets the id alone", async () => {
    fs.writeFileSync(path.join(dir, "a.txt"), "existing");
    const stack = new Stack();
    const imported = await stack.up([file("a", "existing", { opts: { import: path.join(dir, "a.txt") } })]);
    expect(imported.errors).toEqual([expect.objectContaining({ message: "code must be a string, not undefined" })]);
    expect(stack.state.size).toBe(0);
  });
});
