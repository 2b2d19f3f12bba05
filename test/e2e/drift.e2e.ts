import { expectSuccess, Project, type Run } from "./cli";
import { KINDS, type Kind } from "./kinds";
import { githubJob, gitlabJob } from "./recipes";
import { useE2eSandbox } from "./sandbox";

/**
 * The nightly drift detection of examples/ci, exactly as its job files run it, against the
 * stack of examples/ci (every resource kind): clean passes; an edit and a deletion made in a
 * console each fail it and name the resource; `pulumi up --refresh` repairs.
 */
const fx = useE2eSandbox();

let project: Project;
/** The job's credentials come from masked CI variables, the rest from the stack's config. */
let ciVariables: Record<string, string>;

beforeAll(async () => {
  project = await Project.example("ci");
  const provider = fx.packageConfig();
  const program = fx.programConfig();
  await project.init({ ...provider.plain, ...program.plain }, program.secret);
  ciVariables = { TORQUE_TOKEN: provider.secret["gitlab-sources:torqueToken"], ENOS_APP_SECRET: provider.secret["gitlab-sources:enosAppSecret"] };
  await project.ok("up --yes", ciVariables);
});

/** The GitLab job's script (pulumi login, pulumi preview ...), line by line; the result of the last line run. */
async function gitlab(): Promise<Run> {
  let last: Run | undefined;
  for (const line of gitlabJob(stack())) {
    last = await project.run(line, ciVariables);
    if (last.code !== 0) break;
  }
  return last!;
}

/** The GitHub Actions job's pulumi/actions step. */
const github = (): Promise<Run> => project.run(githubJob(stack()), ciVariables);

/** The stack as the jobs name it: organization/project/stack. */
const stack = () => `organization/${project.name}/${project.stack}`;

const CHANGE = "(?:update|create|delete|replace|create-replacement|delete-replaced)";
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * Whether the output proposes a change to this resource: with `--diff` a `(update)`-like
 * header and its URN, else the progress line `~ <type> <name> update`.
 */
function names(run: Run, kind: Kind): boolean {
  const urn = escape(project.urn(kind.type, kind.ciResource));
  const type = escape(kind.type);
  const withDiff = new RegExp(`${type}: \\(${CHANGE}\\)\\n(?:\\s+\\[id=.*\\]\\n)?\\s+\\[urn=${urn}\\]`);
  const progress = new RegExp(`^\\s*[~+-]+\\s+${type} ${escape(kind.ciResource)} ${CHANGE}\\b`, "m");
  return withDiff.test(run.output) || progress.test(run.output);
}

/** The resources of the stack, other than this one, that the output names. */
function othersNamed(run: Run, kind: Kind): string[] {
  return KINDS.filter((k) => k !== kind && names(run, k)).map((k) => k.ciResource);
}

async function idOf(kind: Kind): Promise<string> {
  const resource = (await project.resources()).get(kind.ciResource);
  if (!resource?.id) throw new Error(`${kind.ciResource} is not in the stack`);
  return resource.id;
}

test("the drift jobs pass on an untouched stack", async () => {
  expectSuccess(await gitlab());
  expectSuccess(await github());
});

describe.each(KINDS.map((k) => [k.type, k] as const))("%s", (_type, kind) => {
  for (const change of ["edit", "remove"] as const) {
    test(`a console ${change === "edit" ? "edit" : "deletion"} fails the drift jobs, naming the resource; pulumi up --refresh repairs it`, async () => {
      kind[change](fx.sandbox, await idOf(kind));

      for (const job of [await gitlab(), await github()]) {
        const seen = { failed: job.code !== 0, named: names(job, kind), others: othersNamed(job, kind), output: job.output };
        expect(seen).toMatchObject({ failed: true, named: true, others: [] });
        expect(job.output).toMatch(/error: no changes were expected .*but changes were proposed/);
      }

      expectSuccess(await project.run("up --refresh --yes", ciVariables));
      expectSuccess(await gitlab()); // a preview --refresh --expect-no-changes
    });
  }
});
