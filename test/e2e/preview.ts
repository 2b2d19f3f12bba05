/**
 * What `pulumi preview` checks, under the real CLI, in one mode (preview-plugin.e2e.ts and
 * preview-dynamic.e2e.ts), on a new stack of every kind: a GitLab token, project or EnOS test
 * that fails, and on the platform's side a wrong Torque API token, URL or space, or a token
 * that may not manage repository providers, each fail the preview in one sentence naming the
 * resource and the property or setting as the provider in use takes it, and nothing is
 * written; `up --skip-preview` with a bad token writes nothing either. The plugin runs these
 * checks in the preview's Create steps (the CLI shows `Preview failed: ...` on the resource),
 * dynamic mode in Check. Then `up`, a clean no-op preview, and a token revoked since: the
 * no-op preview (the drift job's) fails on it.
 */
import { diagnosticsByResource, expectFailure, expectSuccess, Project, Run } from "./cli";
import { everyKind, Mode, usePaths } from "./engine-paths";
import { resetLogs, writes } from "./sandbox";

type Config = { plain?: Record<string, string>; secret?: Record<string, string> };

export function previewScenarios(mode: Mode): void {
  const paths = usePaths(mode);
  const { fx } = paths;
  const setting = (name: "torqueToken" | "torqueUrl") => (mode === "plugin" ? `gitlab-sources:${name}` : { torqueToken: "torque:token", torqueUrl: "torque:url" }[name]);
  let project: Project;

  beforeAll(async () => {
    project = await paths.stack(everyKind());
  });

  /** `command` with `config`, then the config set back: the run, which failed and wrote nothing. */
  async function refused(command: string, config: Config, restore: Config): Promise<Run> {
    await project.setConfig(config.plain ?? {}, config.secret ?? {});
    resetLogs(fx.sandbox);
    try {
      const run = await project.run(command);
      expectFailure(run);
      expect(writes(fx.sandbox)).toEqual([]);
      return run;
    } finally {
      await project.setConfig(restore.plain ?? {}, restore.secret ?? {});
    }
  }

  /**
   * Every resource that fails, fails with one error, the sentence expected, and is one of those
   * named. The engine starts no step after one has failed (`cancelDueToError` in
   * pkg/resource/deploy/step_executor.go), and in dynamic mode, or for a check that runs in
   * Check, stops at the first failing Check: so at least one fails, and every one of them only
   * where the run goes on past errors (`every`: `up --continue-on-error` with the plugin).
   */
  function expectErrors(run: Run, names: string[], sentence: RegExp, every = false): void {
    const errored = [...diagnosticsByResource(run)].filter(([name, said]) => !name.startsWith("paths-") && said.includes("error: "));
    const wrong = errored.filter(([name, said]) => !names.includes(name) || said.match(/error: /g)!.length !== 1 || !sentence.test(said));
    const expected = every ? errored.length === names.length : errored.length >= 1;
    if (wrong.length > 0 || !expected) throw new Error(`expected ${every ? "each" : "one or more"} of ${names.join(", ")} to fail with one error matching ${sentence}, in:\n${run.output}`);
  }

  /**
   * In each Diagnostics section (an `up` prints the preview's, then the update's), the warning
   * once on each resource named and nowhere else: with the plugin on the resource itself; in
   * dynamic mode, whose host names no resource, on the stack, naming the object.
   */
  function expectWarnings(run: Run, names: string[], sentence: RegExp): void {
    const objects: Record<string, string> = { rp: "torque:RepositoryProvider paths-gitlab", cred: "torque:GitCredential platform/paths-ci", ds: "enos:GitLabDataSource paths_models", repo: "torque:SpaceRepository platform/paths-infra" };
    // Which resource a warning is about: the one it is shown on, or (dynamic mode, on the stack) the one it names.
    const about = (shownOn: string, line: string) => (mode === "plugin" ? shownOn : Object.keys(objects).find((name) => line.includes(`] ${objects[name]}: `)) ?? shownOn);
    const sections = run.output.split("\nDiagnostics:\n").slice(1);
    for (const section of sections) {
      const warned = [...diagnosticsByResource({ ...run, output: `\nDiagnostics:\n${section}` })].flatMap(([shownOn, text]) =>
        text.split("\n").filter((line) => line.includes("warning: ")).map((line) => ({ name: about(shownOn, line), fits: sentence.test(line) && (mode === "plugin" || shownOn.startsWith("paths-")) })),
      );
      const fine = warned.every((w) => w.fits) && warned.map((w) => w.name).sort().join() === [...names].sort().join();
      if (!fine) throw new Error(`expected one warning matching ${sentence} about each of ${names.join(", ")}, in:\n${section}`);
    }
    if (sections.length === 0) throw new Error(`no diagnostics in:\n${run.output}`);
  }

  const badToken: Config = { secret: { gitlabToken: "glpat-revoked-0000" } };
  const goodToken = (): Config => ({ secret: { gitlabToken: fx.demo.gitlabToken } });
  const tokenRefused = /token is invalid, expired or revoked \(GitLab at 127\.0\.0\.1:\d+ answered 401\); create a new access token with scopes/;

  test(`${mode}: a token GitLab refuses fails preview, naming the property; up --skip-preview writes nothing either, and with the plugin fails on each resource`, async () => {
    expectErrors(await refused("preview", badToken, goodToken()), ["ds", "rp", "cred"], tokenRefused);
    // The plugin checks in each step before the write: past errors, every resource fails (the repository, which needs the credential, is skipped).
    const up = mode === "plugin" ? "up --yes --skip-preview --continue-on-error" : "up --yes --skip-preview";
    expectErrors(await refused(up, badToken, goodToken()), ["ds", "rp", "cred"], tokenRefused, mode === "plugin");
  });

  test(`${mode}: a project that is not there, and EnOS's own test failing, fail preview naming the property`, async () => {
    await paths.declare(project, everyKind().map((d) => (d.name === "ds" ? { ...d, args: { ...d.args, gitUrl: "$gitlab/platform/no-such-project" } } : d)));
    try {
      const missing = await refused("preview", {}, {});
      expectErrors(missing, ["ds"], /gitUrl: project platform\/no-such-project is missing on 127\.0\.0\.1:\d+ or not visible to this token \(GitLab answers 404 for both\)/);
    } finally {
      await paths.declare(project, everyKind());
    }
    fx.sandbox.enos.unreachableHosts.add(new URL(fx.sandbox.gitlab.url).host);
    try {
      expectErrors(await refused("preview", {}, {}), ["ds"], /gitUrl: EnOS's own connection test failed \(".*"\): EnOS connects to GitLab from its side/);
    } finally {
      fx.sandbox.enos.unreachableHosts.clear();
    }
  });

  test(`${mode}: a wrong Torque API token or URL fails preview naming the setting as the provider takes it`, async () => {
    const torque = { [setting("torqueToken")]: fx.demo.torqueToken };
    const wrongToken = await refused("preview", { secret: { [setting("torqueToken")]: "torque-wrong-token" } }, { secret: torque });
    const rejected = new RegExp(`${setting("torqueToken")}: Torque at 127\\.0\\.0\\.1:\\d+ rejected the API token \\(401 on GET /api/spaces\\): it is wrong, expired or revoked; set a valid one with`);
    expectErrors(wrongToken, ["cred", "rp"], rejected);

    const wrongUrl = await refused("preview", { plain: { [setting("torqueUrl")]: fx.sandbox.gitlab.url } }, { plain: { [setting("torqueUrl")]: fx.sandbox.torque.url } });
    const notTorque = new RegExp(`${setting("torqueUrl")}: http://127\\.0\\.0\\.1:\\d+ does not answer as Torque's API \\(GET /api/spaces answered 404`);
    expectErrors(wrongUrl, ["cred", "rp"], notTorque);
  });

  test(`${mode}: a space that is not there fails preview naming the property and the closest space`, async () => {
    const run = await refused("preview", { plain: { torqueSpace: "platfrom" } }, { plain: { torqueSpace: fx.demo.torqueSpace } });
    expectErrors(run, ["cred"], /space: Torque at 127\.0\.0\.1:\d+ has no space named platfrom that the API token can see \(did you mean platform\?\); check the name/);
  });

  test(`${mode}: a repository provider needs a Torque Admin's API token`, async () => {
    fx.sandbox.torque.addApiToken("torque-member-token", { admin: false });
    const run = await refused("preview", { secret: { [setting("torqueToken")]: "torque-member-token" } }, { secret: { [setting("torqueToken")]: fx.demo.torqueToken } });
    expectErrors(run, ["rp"], /Torque at 127\.0\.0\.1:\d+ refused GET \/api\/settings\/repository_providers \(403.*\): managing repository providers needs a Torque Admin's API token/);
  });

  test(`${mode}: with everything right, up registers every kind; warnings name the token, once per resource, on the resource (dynamic mode: naming the object); a slow sync shows on the status line; a token revoked since fails the no-op preview`, async () => {
    // A token that expires: Torque expects one that does not, and preview warns of it.
    const expiring = "glpat-expiring-preview-e2e";
    fx.sandbox.gitlab.addToken({ token: expiring, scopes: ["api", "read_user", "read_repository"], expiresAt: `${new Date().getUTCFullYear() + 1}-03-31`, userId: 1 });
    await project.setConfig({}, { gitlabToken: expiring });
    fx.sandbox.torque.setSync({ delayMs: 6_000, outcome: "Connected" });
    const up = await project.ok("up --yes");
    fx.sandbox.torque.setSync({ delayMs: 0, outcome: "Connected" });
    await paths.agree(project);
    // Dynamic mode expands the credential into the repository, whose check then tests its token too; the plugin passes its id alone.
    expectWarnings(up, mode === "plugin" ? ["rp", "cred"] : ["rp", "cred", "repo"], /token expires on \d{4}-03-31: Torque expects a token without an expiration date/);
    // The sync wait, on the repository's line as it goes, never among the diagnostics; dynamic mode's host can
    // only write it to the stack's log: once, naming the object.
    const waiting = "waiting for Torque to sync paths-infra: Syncing, \\d+ s";
    const diagnostics = up.output.slice(up.output.lastIndexOf("Diagnostics:"));
    if (mode === "plugin") {
      expect(up.output).toMatch(new RegExp(`gitlab-sources:torque:SpaceRepository repo creating .*${waiting}`));
      expect(diagnostics).not.toContain("waiting for Torque");
    } else {
      expect(up.output).toMatch(new RegExp(`pulumi:pulumi:Stack .*torque:SpaceRepository platform/paths-infra: ${waiting}`));
      expect(diagnostics.match(/waiting for Torque/g)).toHaveLength(1);
    }

    await paths.clean(project);
    fx.sandbox.gitlab.updateToken(expiring, { revoked: true });
    try {
      const drift = await project.run("preview --expect-no-changes");
      expectFailure(drift);
      // An unchanged resource's token is checked in Check, in both modes.
      expectErrors(drift, ["ds", "rp", "cred", "repo"], /token is (invalid, expired or revoked|revoked or inactive)/);
    } finally {
      fx.sandbox.gitlab.updateToken(expiring, { revoked: false });
    }
    expectSuccess(await project.run("destroy --yes"));
  });
}
