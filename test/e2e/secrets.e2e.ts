import { leakedSecrets } from "../support/fixture";
import { diagnostics, expectFailure, expectSuccess, Project } from "./cli";
import { clearRegistrations, resetLogs, useE2eSandbox, writes } from "./sandbox";

/**
 * No credential in `pulumi stack export`, in the backend's files or in anything the CLI prints
 * (`--diff` included), whether given as config secrets or as plain strings; and a GitLab token
 * that has expired fails `pulumi preview` with one sentence, writing nothing.
 */
const fx = useE2eSandbox();

beforeEach(() => clearRegistrations(fx));

/** The encrypted form the engine stores a secret in. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

async function lifecycle(project: Project, env: Record<string, string> = {}): Promise<void> {
  for (const command of ["preview --diff", "up --yes --diff", "stack export", "preview --diff --expect-no-changes", "refresh --yes --diff --expect-no-changes", "preview --refresh --diff --expect-no-changes", "stack output --json", "stack export"]) {
    expectSuccess(await project.run(command, env));
  }
  // Every token property of every resource (token, providerToken, storedCredentialToken) is stored encrypted.
  for (const [name, r] of await project.resources()) {
    const tokens = (props: Record<string, unknown> = {}) => Object.fromEntries(Object.entries(props).filter(([k]) => /token$/i.test(k)));
    const stored = { name, inputs: tokens(r.inputs), outputs: tokens(r.outputs) };
    expect(Object.keys(stored.inputs).length).toBeGreaterThan(0);
    const encrypted = (props: Record<string, unknown>) => Object.fromEntries(Object.keys(props).map((k) => [k, expect.objectContaining({ [SECRET_SIG]: expect.any(String), ciphertext: expect.any(String) })]));
    expect(stored).toEqual({ name, inputs: encrypted(stored.inputs), outputs: encrypted(stored.outputs) });
  }
  expectSuccess(await project.run("destroy --yes --diff", env));
}

test("credentials given as config secrets appear nowhere", async () => {
  const project = Project.scenario("sources");
  const provider = fx.providerConfig();
  const program = fx.programConfig();
  await project.init({ ...provider.plain, ...program.plain }, { ...provider.secret, ...program.secret });
  await lifecycle(project);
  const everything = [...project.transcript.map((r) => r.output), ...project.backendFiles()]; // stack export included
  expect(leakedSecrets(everything, fx.secrets())).toEqual([]);
});

test("credentials given as plain strings (in the program, and the provider's from the environment) appear nowhere", async () => {
  const project = Project.scenario("sources");
  const provider = fx.providerConfig();
  const program = fx.programConfig();
  await project.init({ ...provider.plain, ...program.plain });
  const env = {
    GITLAB_TOKEN: fx.demo.gitlabToken, // read by the program: a plain string input
    TORQUE_TOKEN: provider.secret["torque:token"],
    ENOS_APP_SECRET: provider.secret["enos:appSecret"],
  };
  await lifecycle(project, env);
  const everything = [...project.transcript.map((r) => r.output), ...project.backendFiles()]; // stack export included
  expect(leakedSecrets(everything, fx.secrets())).toEqual([]);
});

describe.each([
  ["a config secret", true],
  ["a plain string", false],
])("an expired GitLab token given as %s", (_how, asSecret) => {
  test("fails pulumi preview with one sentence naming the property and the cause; nothing is written or shown", async () => {
    const expired = `glpat-expired-last-month-${asSecret ? "secret" : "plain"}`;
    const lastMonth = new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    fx.sandbox.gitlab.addToken({ token: expired, name: "expired", scopes: ["api", "read_user", "read_repository"], expiresAt: lastMonth, userId: 1 });
    const project = Project.scenario("sources");
    const provider = fx.providerConfig();
    const program = fx.programConfig();
    await project.init({ ...provider.plain, ...program.plain }, { ...provider.secret, ...(asSecret ? { gitlabToken: expired } : {}) });
    resetLogs(fx.sandbox);

    const env: Record<string, string> = asSecret ? {} : { GITLAB_TOKEN: expired };
    const preview = await project.run("preview", env);
    expectFailure(preview);
    // The engine stops at the first resource whose check fails: each one reported has one sentence.
    const reported = ["models", "gitlab", "model-assets", "gitlab-ci"].filter((name) => diagnostics(preview, name) !== "");
    expect(reported.length).toBeGreaterThan(0);
    for (const name of reported) {
      const errors = diagnostics(preview, name).split("\n").filter((l) => l.trim().startsWith("error:"));
      expect({ name, errors }).toEqual({ name, errors: [expect.stringMatching(/property token .*: token (is invalid, expired or revoked|expired on)/)] });
      const reason = errors[0].slice(errors[0].indexOf("has a problem: ") + "has a problem: ".length);
      expect({ name, reason, oneSentence: !/\.\s+\S/.test(reason.replace(/\.$/, "")) }).toEqual({ name, reason, oneSentence: true });
    }
    expect(writes(fx.sandbox)).toEqual([]);
    expect(await project.resources()).toEqual(new Map());
    expectFailure(await project.run("preview --diff", env));
    expect(leakedSecrets(project.transcript.map((r) => r.output), [expired, ...fx.secrets()])).toEqual([]);
  });
});
