import * as crypto from "node:crypto";
import { CheckFailure, HostCallError, ProviderHost } from "./host";
import { LanguageHost, programDir } from "./program";
import type { Props, Registration, RegistrationReply } from "./protocol";
import { Limiter } from "../../provider/core/limiter";
import { canonical } from "../../provider/core/wire";

export type Op = "create" | "update" | "replace" | "same" | "delete" | "import" | "refresh-update" | "refresh-delete";
export interface Step { urn: string; op: Op }
export interface StepError { urn: string; message: string; failures?: CheckFailure[] }

export interface ResourceState {
  urn: string;
  type: string;
  id: string;
  inputs: Props;
  outputs: Props;
  secretInputs: string[];
  secretOutputs: string[];
  dependencies: string[];
  /** Set when the resource exists but failed to initialise (a Create or Update with ErrorResourceInitFailed). */
  initErrors?: string[];
}

export interface OperationResult {
  steps: Step[];
  errors: StepError[];
  /** Errors the program itself raised (mostly echoes of failed registrations). */
  programErrors: string[];
  /** What the provider host printed: Pulumi shows a plugin's stderr as diagnostics. */
  hostStdout: string;
  hostStderr: string;
  hostPeakRssBytes: number;
}

/**
 * A program: the path of a program module (relative to the repository), or resources to
 * declare through the generic test program (`declared-program.ts`).
 */
export type Program = string | Declaration[];

export interface Declaration {
  /** `torque:RepositoryProvider`, `torque:SpaceRepository` or `enos:GitLabDataSource`. */
  kind: string;
  name: string;
  /** Values may be `{ $secret: v }`, `{ $ref: name, output: key }` or `{ $resource: name }`. */
  args: Record<string, unknown>;
  opts?: { import?: string; deleteBeforeReplace?: boolean };
}

export interface StackOptions {
  /** Stack configuration, namespaced keys (`torque:url`) or program keys (`project:gitlabToken`). */
  config?: Record<string, string>;
  secretConfig?: string[];
  /** Environment of the provider host, as inherited from the shell that runs `pulumi`. */
  env?: NodeJS.ProcessEnv;
  /** Steps run at once, as the engine's `--parallel`. */
  parallel?: number;
  /**
   * Error.stackTraceLimit in the program. The Pulumi runtime captures a stack trace per
   * output, and ts-node's source maps make each cost milliseconds: the benchmark sets 0 so
   * that it measures the provider rather than that.
   */
  programStackTraceLimit?: number;
}

const PROJECT = "project";
const STACK = "dev";
const DECLARED_PROGRAM = "test/harness/declared-program.ts";

/**
 * An engine-like stack: state per URN, and the operations of the Pulumi CLI, each starting a
 * fresh provider host as each `pulumi` command does.
 */
export class Stack {
  readonly state = new Map<string, ResourceState>();
  private readonly key = crypto.randomBytes(32);

  constructor(private readonly options: StackOptions = {}) {}

  setConfig(key: string, value: string, secret = false): void {
    this.options.config = { ...this.options.config, [key]: value };
    if (secret) this.options.secretConfig = [...(this.options.secretConfig ?? []), key];
  }

  preview(program: Program, opts: { refresh?: boolean } = {}): Promise<OperationResult> {
    return this.operation(async (ctx) => {
      const working = cloneState(this.state);
      if (opts.refresh) await ctx.refresh(working);
      await ctx.runProgram(program, working, true);
    });
  }

  up(program: Program, opts: { refresh?: boolean } = {}): Promise<OperationResult> {
    return this.operation(async (ctx) => {
      if (opts.refresh) await ctx.refresh(this.state);
      await ctx.runProgram(program, this.state, false);
    });
  }

  refresh(): Promise<OperationResult> {
    return this.operation((ctx) => ctx.refresh(this.state));
  }

  destroy(): Promise<OperationResult> {
    return this.operation((ctx) => ctx.deleteAll(this.state, [...this.state.values()]));
  }

  /** The resource a program declared under this name. */
  resource(name: string): ResourceState {
    const found = [...this.state.values()].find((r) => r.urn.endsWith(`::${name}`));
    if (!found) throw new Error(`no resource named ${name} in the stack`);
    return found;
  }

  /** The checkpoint as Pulumi writes it: secrets encrypted, everything else in clear. */
  checkpoint(): string {
    const resources = [...this.state.values()].map((r) => ({
      urn: r.urn,
      custom: true,
      id: r.id,
      type: r.type,
      inputs: this.sealSecrets(r.inputs, r.secretInputs),
      outputs: this.sealSecrets(r.outputs, r.secretOutputs),
      dependencies: r.dependencies,
    }));
    return JSON.stringify({ version: 3, deployment: { resources } });
  }

  private sealSecrets(props: Props, keys: string[]): Props {
    const sealed = { ...props };
    for (const key of keys) {
      if (!(key in sealed)) continue;
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv("aes-256-gcm", this.key, iv);
      const text = Buffer.concat([cipher.update(JSON.stringify(sealed[key])), cipher.final(), cipher.getAuthTag()]);
      sealed[key] = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: `v1:${iv.toString("base64")}:${text.toString("base64")}` };
    }
    return sealed;
  }

  private async operation(body: (ctx: Operation) => Promise<void>): Promise<OperationResult> {
    const host = await ProviderHost.start({ cwd: programDir(), env: this.options.env });
    const ctx = new Operation(host, this.options);
    try {
      await host.configure(this.options.config ?? {});
      await body(ctx);
    } finally {
      ctx.hostPeakRssBytes = host.peakRssBytes();
      await host.stop();
    }
    return {
      steps: ctx.steps,
      errors: ctx.errors,
      programErrors: ctx.programErrors,
      hostStdout: host.stdout.join(""),
      hostStderr: host.stderr.join(""),
      hostPeakRssBytes: ctx.hostPeakRssBytes,
    };
  }
}

/** One CLI command's work against one provider host. */
class Operation {
  readonly steps: Step[] = [];
  readonly errors: StepError[] = [];
  programErrors: string[] = [];
  hostPeakRssBytes = 0;
  private readonly limiter: Limiter;
  /**
   * The engine generates steps one registration at a time: Check and Diff of one resource
   * run after those of the one before, however large --parallel is (only the steps
   * themselves, create, update, delete, run in parallel).
   */
  private readonly stepGeneration = new Limiter(1);

  constructor(private readonly host: ProviderHost, private readonly options: StackOptions) {
    this.limiter = new Limiter(options.parallel ?? 16);
  }

  async runProgram(program: Program, state: Map<string, ResourceState>, preview: boolean): Promise<void> {
    const registered = new Set<string>();
    const replaced: ResourceState[] = [];
    const config = { ...this.options.config };
    if (typeof program !== "string") config["harness:resources"] = JSON.stringify(program);
    const language = await LanguageHost.shared();
    this.programErrors = await language.run(
      {
        program: typeof program === "string" ? program : DECLARED_PROGRAM,
        config,
        secretKeys: this.options.secretConfig ?? [],
        preview,
        project: PROJECT,
        stack: STACK,
        stackTraceLimit: this.options.programStackTraceLimit,
      },
      (reg) => {
        registered.add(reg.urn);
        return this.register(reg, state, preview, replaced);
      },
    );
    const orphans = [...state.values()].filter((r) => !registered.has(r.urn));
    if (preview) {
      for (const r of orphans) this.steps.push({ urn: r.urn, op: "delete" });
      return;
    }
    await this.deleteReplaced(replaced);
    if (this.errors.length === 0 && this.programErrors.length === 0) await this.deleteAll(state, orphans);
  }

  private async register(reg: Registration, state: Map<string, ResourceState>, preview: boolean, replaced: ResourceState[]): Promise<RegistrationReply> {
    if (!reg.custom) return { id: "", outputs: reg.inputs, secretKeys: reg.secretKeys };
    const secretOutputs = [...new Set([...reg.secretKeys, ...reg.additionalSecretOutputs])];
    const reply = (r: ResourceState | { id: string; outputs: Props }) => ({ id: r.id, outputs: r.outputs, secretKeys: secretOutputs });
    const fresh = (id: string, inputs: Props, outputs: Props): ResourceState => ({
      urn: reg.urn, type: reg.type, id, inputs, outputs, secretInputs: reg.secretKeys, secretOutputs, dependencies: reg.dependencies,
    });
    try {
      const old = state.get(reg.urn);
      if (reg.importId && !old) {
        const imported = await this.limiter.run(() => this.importStep(reg));
        if (!preview) state.set(reg.urn, fresh(imported.id, imported.inputs, imported.outputs));
        return reply(imported);
      }
      const { checked, diff } = await this.stepGeneration.run(async () => {
        const inputs = await this.check(reg, old?.inputs ?? {});
        return { checked: inputs, diff: old && (await this.host.diff(reg.urn, old.id, old.outputs, inputs, old.inputs)) };
      });
      const keepPartial = (partial: { id: string; properties: Props; reasons: string[] }) =>
        state.set(reg.urn, { ...fresh(partial.id, checked, partial.properties), initErrors: partial.reasons });
      if (!old || !diff) {
        this.steps.push({ urn: reg.urn, op: "create" });
        if (preview) return reply({ id: "", outputs: checked });
        const created = await this.keepingPartial(() => this.limiter.run(() => this.host.create(reg.urn, checked)), keepPartial);
        state.set(reg.urn, fresh(created.id, checked, created.properties));
        return reply(state.get(reg.urn)!);
      }
      const changed = diff.changes === "unknown" ? canonical(old.inputs) !== canonical(checked) : diff.changes === "some";
      // As the engine's step generator: an unchanged resource with initialization errors
      // still gets an Update, to go on awaiting its initialization; success clears the errors.
      if (!changed && !old.initErrors?.length) {
        this.steps.push({ urn: reg.urn, op: "same" });
        if (!preview) state.set(reg.urn, { ...old, inputs: checked, secretInputs: reg.secretKeys, secretOutputs });
        return reply(old);
      }
      const replace = changed && diff.replaces.length > 0;
      this.steps.push({ urn: reg.urn, op: replace ? "replace" : "update" });
      if (preview) return reply({ id: replace ? "" : old.id, outputs: checked });
      if (!replace) {
        const outputs = await this.keepingPartial(() => this.limiter.run(() => this.host.update(reg.urn, old.id, old.outputs, checked, old.inputs)), keepPartial);
        state.set(reg.urn, fresh(old.id, checked, outputs));
        return reply(state.get(reg.urn)!);
      }
      if (diff.deleteBeforeReplace || reg.deleteBeforeReplace) {
        await this.limiter.run(() => this.host.delete(reg.urn, old.id, old.outputs, old.inputs));
        state.delete(reg.urn);
      } else {
        replaced.push(old);
      }
      const created = await this.keepingPartial(() => this.limiter.run(() => this.host.create(reg.urn, checked)), keepPartial);
      state.set(reg.urn, fresh(created.id, checked, created.properties));
      return reply(state.get(reg.urn)!);
    } catch (err) {
      const error: StepError = { urn: reg.urn, message: (err as Error).message };
      if (err instanceof CheckFailed) error.failures = err.failures;
      this.errors.push(error);
      return { error: error.message };
    }
  }

  private async check(reg: Registration, olds: Props): Promise<Props> {
    const { inputs, failures } = await this.host.check(reg.urn, olds, reg.inputs);
    if (failures.length > 0) throw new CheckFailed(failures);
    return inputs;
  }

  /** A Create or Update that fails with ErrorResourceInitFailed leaves the resource in state, with its errors. */
  private async keepingPartial<T>(call: () => Promise<T>, keep: (partial: NonNullable<HostCallError["partial"]>) => void): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof HostCallError && err.partial?.id) keep(err.partial);
      throw err;
    }
  }

  /** As the engine's ImportStep: Read with the URN and the id only, no state and no inputs. */
  private async importStep(reg: Registration): Promise<{ id: string; inputs: Props; outputs: Props }> {
    this.steps.push({ urn: reg.urn, op: "import" });
    const read = await this.host.read(reg.urn, reg.importId!, {}, {});
    if (!read.id) throw new Error(`resource '${reg.importId}' does not exist`);
    const checked = await this.check(reg, read.inputs ?? {});
    const diff = await this.host.diff(reg.urn, read.id, read.properties, checked, read.inputs ?? {});
    if (diff.changes === "some") {
      throw new Error(`inputs to import do not match the existing resource; importing this resource will fail`);
    }
    return { id: read.id, inputs: checked, outputs: read.properties };
  }

  async refresh(state: Map<string, ResourceState>): Promise<void> {
    await Promise.all(
      [...state.values()].map((r) =>
        this.limiter.run(async () => {
          try {
            const read = await this.host.read(r.urn, r.id, r.outputs, r.inputs);
            if (!read.id) {
              this.steps.push({ urn: r.urn, op: "refresh-delete" });
              state.delete(r.urn);
              return;
            }
            const inputs = read.inputs ?? r.inputs;
            const drift = await this.host.diff(r.urn, r.id, read.properties, r.inputs, inputs);
            this.steps.push({ urn: r.urn, op: drift.changes === "none" ? "same" : "refresh-update" });
            // As the engine's RefreshStep: a Read that succeeds clears initialization errors.
            state.set(r.urn, { ...r, inputs, outputs: read.properties, initErrors: undefined });
          } catch (err) {
            this.errors.push({ urn: r.urn, message: (err as Error).message });
          }
        }),
      ),
    );
  }

  /** Deletes resources, each only after every resource that depends on it. */
  async deleteAll(state: Map<string, ResourceState>, doomed: ResourceState[]): Promise<void> {
    const done = new Map<string, Promise<void>>();
    const deleteOne = (r: ResourceState): Promise<void> => {
      let promise = done.get(r.urn);
      if (promise) return promise;
      const dependents = doomed.filter((d) => d.dependencies.includes(r.urn));
      promise = Promise.all(dependents.map(deleteOne)).then(() =>
        this.limiter.run(async () => {
          try {
            await this.host.delete(r.urn, r.id, r.outputs, r.inputs);
            this.steps.push({ urn: r.urn, op: "delete" });
            state.delete(r.urn);
          } catch (err) {
            this.errors.push({ urn: r.urn, message: (err as Error).message });
          }
        }),
      );
      done.set(r.urn, promise);
      return promise;
    };
    await Promise.all(doomed.map(deleteOne));
  }

  private async deleteReplaced(replaced: ResourceState[]): Promise<void> {
    for (const old of replaced) {
      try {
        await this.host.delete(old.urn, old.id, old.outputs, old.inputs);
      } catch (err) {
        this.errors.push({ urn: old.urn, message: (err as Error).message });
      }
    }
  }
}

class CheckFailed extends Error {
  constructor(readonly failures: CheckFailure[]) {
    super(failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason)).join("; "));
  }
}

function cloneState(state: Map<string, ResourceState>): Map<string, ResourceState> {
  return new Map([...state].map(([urn, r]) => [urn, structuredClone(r)]));
}

/**
 * Steps that change something (what `--expect-no-changes` fails on). Throws when the operation
 * or the program reported an error: a failed Check, Diff or Read records an error and no step,
 * so "no changes" of a failed run would otherwise pass, as `--expect-no-changes` never does.
 */
export function changes(result: OperationResult): Step[] {
  const failures = [...result.errors.map((e) => `${e.urn}: ${e.message}`), ...result.programErrors.map((e) => `program: ${e}`)];
  if (failures.length > 0) throw new Error(`the operation failed, so it cannot say what changes:\n${failures.join("\n")}`);
  return result.steps.filter((s) => s.op !== "same");
}
