import * as fs from "node:fs";
import * as path from "node:path";
import GithubSlugger from "github-slugger";
import MarkdownIt from "markdown-it";
type Token = MarkdownIt.Token;
import { GENERATED, renderGenerated } from "../scripts/docs";

/** The documentation: README, docs/, CONTRIBUTING, bench/README and the examples' READMEs. */
const repo = path.resolve(__dirname, "..");
const markdown = new MarkdownIt({ html: true });

function documents(): string[] {
  const under = (folder: string, keep: (name: string) => boolean): string[] =>
    (fs.readdirSync(path.join(repo, folder), { recursive: true, encoding: "utf8" }) as string[])
      .filter((name) => !name.split(path.sep).includes("node_modules") && keep(name))
      .map((name) => path.join(folder, name));
  return [
    "README.md",
    "CONTRIBUTING.md",
    "bench/README.md",
    ...under("docs", (name) => name.endsWith(".md")),
    ...under("examples", (name) => path.basename(name) === "README.md"),
  ].sort();
}

function read(file: string): string {
  return fs.readFileSync(path.join(repo, file), "utf8");
}

function tokens(text: string): Token[] {
  const all = markdown.parse(text, {});
  return all.flatMap((token) => [token, ...(token.children ?? [])]);
}

/** The anchors GitHub gives a file's headings. */
function anchors(file: string): Set<string> {
  const slugger = new GithubSlugger();
  const found = new Set<string>();
  const all = tokens(read(file));
  all.forEach((token, i) => {
    if (token.type !== "heading_open") return;
    const text = (all[i + 1].children ?? []).filter((t) => t.type === "text" || t.type === "code_inline").map((t) => t.content).join("");
    found.add(slugger.slug(text));
  });
  return found;
}

/** Every relative link of a file (in text, not in code) that leads nowhere: `file: target (why)`. */
function brokenLinks(file: string, text = read(file)): string[] {
  const broken: string[] = [];
  for (const token of tokens(text)) {
    const target = String((token.type === "link_open" ? token.attrGet("href") : token.type === "image" ? token.attrGet("src") : null) ?? "");
    if (!target || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [pathPart, anchor] = target.split("#");
    const resolved = pathPart ? path.resolve(path.dirname(path.join(repo, file)), decodeURIComponent(pathPart)) : path.join(repo, file);
    if (!fs.existsSync(resolved)) {
      broken.push(`${file}: ${target} (no such file)`);
    } else if (anchor !== undefined) {
      if (!resolved.endsWith(".md")) broken.push(`${file}: ${target} (an anchor in a file that is not Markdown)`);
      else if (!anchors(path.relative(repo, resolved)).has(anchor)) broken.push(`${file}: ${target} (no such heading)`);
    }
  }
  return broken;
}

test("the documentation is where the README says, and the README fits on a screen (under 150 lines)", () => {
  const files = documents();
  expect(files).toEqual(expect.arrayContaining(["docs/_index.md", "docs/installation-configuration.md", "docs/guides/engine-paths.md", "examples/yaml/README.md"]));
  expect(read("README.md").split("\n").length).toBeLessThan(150);
  for (const page of ["docs/_index.md", "docs/installation-configuration.md"]) {
    const front = /^---\n([\s\S]*?)\n---\n/.exec(read(page))?.[1] ?? "";
    expect(`${page}\n${front}`).toMatch(/^title: .+$/m);
    expect(front).toMatch(/^meta_desc: .+$/m);
    expect(front).toMatch(/^layout: package$/m);
  }
});

test("no link or anchor of the documentation is broken", () => {
  expect(documents().flatMap((file) => brokenLinks(file))).toEqual([]);
});

test("the link check finds a missing file, a missing heading and an anchor in a file that is not Markdown", () => {
  const file = "docs/guides/probe.md";
  const text = "# Probe\n\n[a](nowhere.md) [b](import.md#no-such-heading) [c](../../LICENSE#x) [e](import.md#import) [f](../_index.md#guides)\n\n`[g](nowhere.md)`\n";
  expect(brokenLinks(file, text)).toEqual([
    `${file}: nowhere.md (no such file)`,
    `${file}: import.md#no-such-heading (no such heading)`,
    `${file}: ../../LICENSE#x (an anchor in a file that is not Markdown)`,
  ]);
});

test("the generated parts (resource reference, settings table) are not stale: run npm run docs", () => {
  for (const [file, part] of Object.entries(GENERATED)) {
    const text = fs.readFileSync(file, "utf8");
    expect(`${path.relative(repo, file)}\n${text}`).toBe(`${path.relative(repo, file)}\n${renderGenerated(text, part)}`);
  }
  expect(fs.readFileSync(path.join(repo, "docs", "resources.md"), "utf8")).toContain("### torque.SpaceRepository");
});
