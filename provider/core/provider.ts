import type * as pulumi from "@pulumi/pulumi";
import { Account, ACCOUNT, checkAccount } from "./account";
import { IMPORT_ID, importFailure, importMismatch, takeImportId } from "./adopt";
import { inCall } from "./call";
import { Context, stackConfigContext } from "./context";
import { asProviderError, InitError, ProviderError } from "./errors";
import { Holders } from "./holders";
import { infoOnce, warnOnce } from "./log";
import { rememberSecret, safeText } from "./secrets";
import type { CheckFailure, ResourceSpec } from "./spec";
import { containsUnknown, UNKNOWN } from "./unknown";
import { parseInputs } from "./validate";
import { canonical, canonicalSet, toWire } from "./wire";
import type { z } from "zod";

type Props = Record<string, unknown>;

/** A resource's behaviour against its API; the rest of the provider protocol is shared. */
export interface Hooks<I, O> {
  /** Rules across properties, on the inputs that are known. */
  validate?(inputs: Partial<I>): CheckFailure[];
  /** Defaults that depend on other properties, filled in once the inputs are valid. */
  complete?(inputs: Partial<I>): Partial<I>;
  /** Whether the configuration gives what the resource needs (a Torque token, EnOS credentials): a failure naming the setting. Nothing is sent. */
  settings?(ctx: Context): CheckFailure | undefined;
  /**
   * Whether what the network checks test is new or changed since `olds`, the previous inputs
   * (undefined: a new resource). Then every check runs; for an unchanged resource only those
   * of its token (a token rots silently). Default: only a new resource.
   */
  changed?(inputs: Partial<I>, olds: Partial<I>): boolean;
  /** Network checks on valid inputs: every one when `full`, else the token's alone. */
  preflight?(ctx: Context, inputs: Partial<I>, full: boolean): Promise<CheckFailure[]>;
  /**
   * The outputs a create (`olds` undefined) or an update of `inputs` will have that are known
   * before it runs (a constant type, an id kept); every other output is unknown at preview.
   */
  planned?(inputs: I, olds: O | undefined): Partial<O>;
  /** The account the configuration names (a Torque URL; an EnOS gateway and organization): recorded in each object's state, checked by every later call. */
  account(ctx: Context): Account;
  create(ctx: Context, inputs: I): Promise<{ id: string; outs: O }>;
  /**
   * The object as the server has it, or undefined when the server says it is gone. `props`:
   * old state, or the declared inputs on import. A field the server leaves out falls back to
   * `props`: what the server does not say never turns into a change.
   */
  read(ctx: Context, id: string, props: Partial<O>): Promise<O | undefined>;
  /**
   * The same, asked directly (a get by id, or a list read afresh): lists can lag behind
   * writes and shift under concurrent ones, so a resource is dropped from state only when
   * this confirms its absence. Import reads through it too. Default: `read`.
   */
  readOne?(ctx: Context, id: string, props: Partial<O>): Promise<O | undefined>;
  /** `olds`: the old state; `oldInputs`: the program's inputs it was made from, where the engine sends them (the plugin), else the old state. */
  update(ctx: Context, id: string, olds: O, news: I, oldInputs: Partial<I>): Promise<O>;
  /**
   * Whether the object, as last seen, works. One that does not gets an Update (which waits
   * for it again) even when nothing changed: refresh clears the engine's initialization
   * errors, and drift detection must keep reporting it.
   */
  ready?(state: Partial<O>): boolean;
  delete(ctx: Context, id: string, props: O, oldInputs: Partial<I>): Promise<void>;
}

type Result<T> = Promise<T>;

/**
 * What the engine holds of an existing resource: its id, its old state (outputs) and the
 * inputs it was made from (dynamic mode's host sends no old inputs: there they are the old
 * state), and the resource that holds it (its URN, where the engine says; see Holders).
 */
export interface Existing {
  id: string;
  state: Props;
  inputs?: Props;
  holder?: string;
}

/** The engine's protocol for one resource kind, under a given configuration: what dynamic mode and the plugin both run. */
export interface Operations {
  spec: ResourceSpec;
  /** The object these properties name (`torque:SpaceRepository platform/assets`): what messages say where the engine names no resource. */
  subject(props: Props): string;
  check(ctx: Context, olds: Props, news: Props): Result<{ inputs: Props; failures: CheckFailure[] }>;
  /** `olds`: the old state, with the old inputs over it where the engine sends them (the plugin). `held`: the resource the diff is about. */
  diff(ctx: Context, olds: Props, news: Props, held?: { id: string; holder: string }): Diff;
  /** `holder`: the resource's URN, where the engine says; `preview`: the engine's Create at preview, which writes nothing. */
  create(ctx: Context, inputs: Props, step?: Step): Result<{ id: string; outs: Props }>;
  /** `importing`: the engine's import, which knows nothing but the id. */
  read(ctx: Context, old: Existing, importing?: boolean): Result<{ id: string; props: Props; inputs?: Props }>;
  update(ctx: Context, old: Existing, news: Props, step?: Step): Result<{ outs: Props }>;
  delete(ctx: Context, old: Existing): Result<void>;
}

/** What the engine says of a Create or Update: the resource's URN, and whether it is a preview (the plugin: supportsPreview). */
export interface Step {
  holder?: string;
  preview?: boolean;
}

export interface Diff {
  changes: boolean;
  /** Every input that changed (a replacing one among them) or that the program removed or added. */
  changed: string[];
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** The engine's protocol (check, diff, create, read, update, delete) implemented once for every resource, around the resource's hooks. */
export function operations<I extends Props, O extends Props>(spec: ResourceSpec, hooks: Hooks<I, O>): Operations {
  const inputKeys = Object.keys(spec.inputs.shape);
  const remoteKeys = inputKeys.filter((k) => !spec.localInputs.includes(k));
  const uniqueKeys: string[] = spec.uniqueBy === undefined ? [] : ([] as string[]).concat(spec.uniqueBy);
  const shape = spec.inputs.shape as Record<string, z.ZodType>;
  // Required, or with a default: every state this provider writes has them, so only a server
  // that left one out (an import, a list entry without it) yields state without one.
  const alwaysSet = new Set(inputKeys.filter((k) => shape[k].safeParse(undefined).data !== undefined || !shape[k].safeParse(undefined).success));
  const computedKeys = Object.keys(spec.computed.shape);
  const local = (props: Props) => Object.fromEntries(spec.localInputs.filter((k) => k in props).map((k) => [k, props[k]]));
  const described = (verb: string) => `${spec.token}: ${verb} failed`;
  const comparable = (key: string, value: unknown) =>
    (spec.unordered as string[] | undefined)?.includes(key) && Array.isArray(value) ? canonicalSet(value) : canonical(value);
  // What the server never said is no change: the declared value is taken. No API returns a
  // token (an import leaves "" for it), and a list entry may leave out a field it always has.
  const unread = (key: string, old: unknown) => (spec.secrets.includes(key) && old === "") || (old === undefined && alwaysSet.has(key));
  // `pulumi import` checks what Read found, where the secret is missing: say why, and what to do.
  const unreadSecret = (key: string, olds: Props, news: Props) =>
    spec.secrets.includes(key) && Object.keys(olds ?? {}).length > 0 && !olds[key] && !news[key];
  const afterImport = (key: string): CheckFailure => ({
    property: key,
    reason: `${key}: no API returns a registration's ${key}, so an import cannot fill it in; give it in the program (the registration keeps the ${key} it has until the program changes it).`,
  });
  // What this provider instance has seen of the stack in this run (see Holders). Import ids of
  // resources the stack already holds (their old inputs carry one): a replacement of such a
  // resource registers a new object; it never adopts the one it replaces.
  const holders = (ctx: Context) => ctx.once(`holders:${spec.token}`, () => new Holders());
  const importedHere = (ctx: Context) => ctx.once(`imported:${spec.token}`, () => new Set<string>());
  /** The configuration's account, after checking that the state (if it records one) was made there. */
  const account = (ctx: Context, old: Existing) => {
    const current = hooks.account(ctx);
    checkAccount(ctx, old.state[ACCOUNT], current, `${spec.token} ${old.id}`);
    return current;
  };

  return {
    spec,

    subject(props) {
      const names = (uniqueKeys.length > 0 ? uniqueKeys : [spec.autoName ?? "name"]).map((k) => props[k]).filter((v): v is string => typeof v === "string" && !containsUnknown(v));
      return names.length > 0 ? `${spec.token} ${names.join("/")}` : spec.token;
    },

    async check(ctx, olds, given) {
      for (const key of spec.secrets) rememberSecret(given[key]);
      try {
        // A resource in state whose program carries an import id: the stack holds that object.
        if (olds && Object.keys(olds).length > 0 && typeof given[IMPORT_ID] === "string") importedHere(ctx).add(given[IMPORT_ID]);
        const { news, importId, failure } = takeImportId(olds, given, importedHere(ctx));
        const { inputs, failures: invalid } = parseInputs(spec, news);
        const failures = invalid.map((f) => (unreadSecret(f.property, olds, news) ? afterImport(f.property) : f));
        if (failure) failures.push(failure);
        if (failures.length === 0 && hooks.validate) failures.push(...hooks.validate(inputs as Partial<I>));
        if (failures.length === 0 && hooks.complete) Object.assign(inputs, hooks.complete(inputs as Partial<I>));
        const settings = failures.length === 0 && !ctx.partial ? hooks.settings?.(ctx) : undefined;
        if (settings) failures.push(settings);
        if (failures.length === 0 && hooks.preflight && !ctx.partial) {
          const full = changed(inputs as Partial<I>, olds && Object.keys(olds).length > 0 ? (olds as Partial<I>) : undefined);
          // Where the host runs steps at preview, a new or changed resource is checked there, at the engine's parallelism.
          if (!(full && ctx.checksInSteps)) failures.push(...(await hooks.preflight(ctx, inputs as Partial<I>, full)));
        }
        if (importId !== undefined) {
          inputs[IMPORT_ID] = importId;
          // As the engine's import, at preview already: the object must exist and hold what the program declares.
          if (failures.length === 0 && !containsUnknown(inputs) && !ctx.partial) {
            try {
              await adopt(ctx, importId, inputs);
              infoOnce(`import:${importId}`, `${spec.token} ${importId}: the import option adopts this existing object (it was read and matches the program; nothing is registered).`);
            } catch (err) {
              failures.push({ property: "import", reason: asProviderError(err, described("import")).message });
            }
          }
        }
        return { inputs: toWire(inputs), failures: failures.map((f) => ({ property: f.property, reason: safeText(f.reason) })) };
      } catch (err) {
        return { inputs: given, failures: [{ property: "", reason: asProviderError(err, described("check")).message }] };
      }
    },

    diff(ctx, olds, news, held) {
      if (held) holders(ctx).hold(held.id, held.holder);
      const changed = remoteKeys.filter((k) => containsUnknown(news[k]) || (!unread(k, olds[k]) && comparable(k, olds[k]) !== comparable(k, news[k])));
      const replaces = changed.filter((k) => (spec.replaceOnChanges as string[]).includes(k));
      const keepsUniqueValue = uniqueKeys.length > 0 && uniqueKeys.every((k) => unread(k, olds[k]) || comparable(k, olds[k]) === comparable(k, news[k]));
      const broken = hooks.ready !== undefined && !hooks.ready(olds as Partial<O>);
      return { changes: changed.length > 0 || broken, changed, replaces, deleteBeforeReplace: replaces.length > 0 && keepsUniqueValue };
    },

    async create(ctx, inputs, { holder, preview = false } = {}) {
      let registeredIn: Account | undefined;
      try {
        const { [IMPORT_ID]: importId, ...declared } = withoutProvider(inputs);
        registeredIn = hooks.account(ctx);
        if (typeof importId !== "string") await checkBeforeStep(ctx, declared as Partial<I>, undefined);
        if (preview) return { id: "", outs: toWire({ ...local(inputs), ...planned(declared as I, undefined), [ACCOUNT]: registeredIn }) };
        if (typeof importId === "string") {
          const adopted = await adopt(ctx, importId, declared);
          holders(ctx).hold(importId, holder);
          return { id: importId, outs: toWire({ ...local(declared), ...adopted, [ACCOUNT]: registeredIn }) };
        }
        const { id, outs } = await hooks.create(ctx, declared as I);
        if (holder) holders(ctx).hold(id, holder);
        return { id, outs: toWire({ ...local(inputs), ...outs, [ACCOUNT]: registeredIn }) };
      } catch (err) {
        throw keptInState(err, inputs, described("create"), registeredIn);
      }
    },

    async read(ctx, old, importing = false) {
      try {
        const { id } = old;
        const registeredIn = account(ctx, old);
        const known = withoutProvider(old.state) as Partial<O>;
        const outs = importing ? await (hooks.readOne ?? hooks.read)(ctx, id, known) : ((await hooks.read(ctx, id, known)) ?? (await hooks.readOne?.(ctx, id, known)));
        if (!outs) return { id: "", props: {} };
        if (importing || old.holder) holders(ctx).hold(id, old.holder);
        const state = toWire({ ...local(old.state), ...outs, [ACCOUNT]: registeredIn }) as Props;
        if (importing) {
          for (const key of spec.secrets) if (remoteKeys.includes(key) && !state[key]) state[key] = "";
          // What only the program knows (preview checks, timeouts, a credential's gitlabUrl): not invented for the code `pulumi import` generates.
          for (const key of spec.localInputs) delete state[key];
        }
        const inputs = Object.fromEntries(inputKeys.filter((k) => k in state && !unread(k, state[k])).map((k) => [k, state[k]]));
        return { id, props: state, inputs };
      } catch (err) {
        throw asProviderError(err, described("read"));
      }
    },

    async update(ctx, old, news, { preview = false } = {}) {
      let registeredIn: Account | undefined;
      try {
        registeredIn = account(ctx, old);
        const state = withoutProvider(old.state) as O;
        const [declared, oldInputs] = [withoutProvider(news) as I, withoutProvider(old.inputs ?? old.state) as Partial<I>];
        await checkBeforeStep(ctx, declared, oldInputs);
        if (preview) return { outs: toWire({ ...local(news), ...planned(declared, state), [ACCOUNT]: registeredIn }) };
        const outs = await hooks.update(ctx, old.id, state, declared, oldInputs);
        if (old.holder) holders(ctx).hold(old.id, old.holder);
        return { outs: toWire({ ...local(news), ...outs, [ACCOUNT]: registeredIn }) };
      } catch (err) {
        throw keptInState(err, news, described("update"), registeredIn);
      }
    },

    async delete(ctx, old) {
      try {
        if (holders(ctx).heldByAnother(old.id, old.holder)) {
          warnOnce(
            `kept:${old.id}`,
            `${spec.token} ${old.id} was not deleted: in this run another resource of the stack took it over (an import option left in the program, through a rename or a replacement), and holds it now; remove the import option from the program.`,
          );
          return;
        }
        account(ctx, old);
        await hooks.delete(ctx, old.id, withoutProvider(old.state) as O, withoutProvider(old.inputs ?? old.state) as Partial<I>);
      } catch (err) {
        throw asProviderError(err, described("delete"));
      }
    },
  };

  /** Whether the network checks of these inputs are new or changed since `olds` (undefined: a new resource). */
  function changed(inputs: Partial<I>, olds: Partial<I> | undefined): boolean {
    return olds === undefined || (hooks.changed?.(inputs, olds) ?? false);
  }

  /**
   * Where the host runs steps at preview (the plugin), the network checks of a new or changed
   * resource, which Check left to the step: in the preview's Create or Update, and again before
   * the write (whatever a preview found, `up --skip-preview` had none, and a preview ran in
   * another process). A failure fails the step in one sentence per problem; nothing is written.
   */
  async function checkBeforeStep(ctx: Context, inputs: Partial<I>, olds: Partial<I> | undefined): Promise<void> {
    if (!ctx.checksInSteps || ctx.partial || !hooks.preflight || !changed(inputs, olds)) return;
    const failures = await hooks.preflight(ctx, inputs, true);
    if (failures.length > 0) throw new ProviderError(failures.map((f) => f.reason).join(" "));
  }

  /** The outputs of a create or an update at preview: the inputs, what the hooks know before the call, the rest unknown. */
  function planned(inputs: I, olds: O | undefined): Props {
    const known = (hooks.planned?.(inputs, olds) ?? {}) as Props;
    return { ...inputs, ...Object.fromEntries(computedKeys.map((k) => [k, known[k] ?? UNKNOWN])) };
  }

  /** The object under `id`, when it is what the program declares; nothing is written. */
  async function adopt(ctx: Context, id: string, declared: Props): Promise<O> {
    const found = await (hooks.readOne ?? hooks.read)(ctx, id, declared as Partial<O>);
    if (!found) throw new ProviderError(`cannot import ${spec.token} ${id}: there is no such object; check the id (see docs/guides/import.md), or remove the import option to register a new one.`);
    const differences = importMismatch(remoteKeys, spec.secrets, declared, found, (k, a, b) => comparable(k, a) === comparable(k, b));
    if (differences.length > 0) throw importFailure(spec.token, id, differences);
    return found;
  }
}

/**
 * The dynamic provider the host deserializes: the operations under the configuration the
 * host's `configure` hands over (stack config). `configure` stores it synchronously, before
 * the host can start a concurrent call on the provider it has just cached.
 */
export function makeProvider<I extends Props, O extends Props>(spec: ResourceSpec, hooks: Hooks<I, O>): pulumi.dynamic.ResourceProvider & { operations: Operations } {
  const ops = operations(spec, hooks);
  let ctx = stackConfigContext({ get: () => undefined });
  // The host names no resource: messages name the object instead.
  const about = <T>(props: Props | undefined, run: () => Promise<T>) => inCall({ subject: ops.subject(props ?? {}) }, run);
  return {
    operations: ops,
    async configure(req) {
      ctx = stackConfigContext(req.config);
    },
    check: (olds, news) => about(news, () => ops.check(ctx, olds, news)),
    async diff(_id, olds, news) {
      const { changes, replaces, deleteBeforeReplace } = ops.diff(ctx, olds, news);
      return { changes, replaces, deleteBeforeReplace };
    },
    create: (inputs) => about(inputs, () => ops.create(ctx, inputs)),
    read: (id, props) => about(props, () => ops.read(ctx, { id, state: props ?? {} })),
    update: (id, olds, news) => about(news, () => ops.update(ctx, { id, state: olds }, news)),
    delete: (id, props) => about(props, () => ops.delete(ctx, { id, state: props })),
  };
}

/**
 * A failure to hand back to the host. An object that exists but is not ready keeps the
 * inputs' `__provider` (the host does not add it to a failure's properties, and without it
 * the engine could neither refresh nor delete the resource it keeps in state), and records
 * its account as any state does.
 */
function keptInState(err: unknown, inputs: Props, context: string, registeredIn: Account | undefined): ProviderError {
  if (!(err instanceof InitError)) return asProviderError(err, context);
  return Object.assign(err, { properties: toWire({ __provider: inputs.__provider, ...err.properties, [ACCOUNT]: registeredIn }) });
}

function withoutProvider(props: Props): Props {
  const { __provider: _ignored, ...rest } = props;
  return rest;
}
