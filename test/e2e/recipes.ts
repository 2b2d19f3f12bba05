/**
 * The nightly drift jobs of examples/ci, read from the files a user copies, as the commands
 * they run: the tests run exactly what the jobs run.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const CI = path.resolve(__dirname, "..", "..", "examples", "ci");

/** The `pulumi ...` lines of the GitLab CI job's script, `$PULUMI_STACK` filled in, as CLI arguments. */
export function gitlabJob(stack: string): string[][] {
  const text = fs.readFileSync(path.join(CI, "gitlab-ci.yml"), "utf8");
  const script = /^\s+script:\n((?:\s+- .*\n)+)/m.exec(text);
  if (!script) throw new Error("examples/ci/gitlab-ci.yml has no script");
  return script[1]
    .split("\n")
    .map((line) => line.replace(/^\s+- /, "").trim())
    .filter((line) => line.startsWith("pulumi "))
    .map((line) => line.replace(/"\$PULUMI_STACK"|\$PULUMI_STACK/g, stack).split(/\s+/).slice(1));
}

/** The CLI command of the GitHub Actions job's pulumi/actions step (its `with:` inputs as flags). */
export function githubJob(stack: string): string[] {
  const text = fs.readFileSync(path.join(CI, "github-actions.yml"), "utf8");
  const step = /- uses: pulumi\/actions@\S+\n\s+with:\n((?:\s{10,}\S.*\n)+)/.exec(text);
  if (!step) throw new Error("examples/ci/github-actions.yml has no pulumi/actions step");
  const inputs = Object.fromEntries(step[1].trim().split("\n").map((l) => l.trim().split(/:\s*/, 2)));
  const flags = { refresh: "--refresh", "expect-no-changes": "--expect-no-changes", diff: "--diff" } as Record<string, string>;
  const known = new Set(["command", "stack-name", ...Object.keys(flags)]);
  const unknown = Object.keys(inputs).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new Error(`the pulumi/actions step has inputs this test does not translate: ${unknown.join(", ")}`);
  const args = [inputs.command, "--stack", inputs["stack-name"] && stack];
  for (const [input, flag] of Object.entries(flags)) if (inputs[input] === "true") args.push(flag);
  return args;
}
