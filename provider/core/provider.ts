import type * as pulumi from "@pulumi/pulumi";
import { IMPORT_ID, importFailure, importMismatch, takeImportId } from "./adopt";
import { Context, stackConfigContext } from "./context";
import { asProviderError, InitError, ProviderError } from "./errors";
import { infoOnce } from "./log";
import { rememberSecret, safeText } from "./secrets";
import type { CheckFailure, ResourceSpec } from "./spec";
import { containsUnknown } from "./unknown";
import { parseInputs } from "./validate";
import { canonical, canonicalSet, toWire } from "./wire";

type Props = Record<string, unknown>;

/** A resource's behaviour against its API; the rest of the provider protocol is shared. */
export interface Hooks<I, O> {
  /** Rules across properties, on the inputs that are known. */
  validate?(inputs: Partial<I>): CheckFailure[];
  /** Defaults that depend on other properties, filled in once the inputs are valid. */
  complete?(inputs: Partial<I>): Partial<I>;
  /** Settings and network checks on valid inputs; `olds` are the previous inputs, if any. */
  preflight?(ctx: Context, inputs: Partial<I>, olds: Partial<I> | undefined): Promise<CheckFailure[]>;
  create(ctx: Context, inputs: I): Promise<{ id: string; outs: O }>;
  /** The object as the server has it, or undefined when it is gone. `props`: old state, or the declared inputs on import. */
  read(ctx: Context, id: string, props: Partial<O>): Promise<O | undefined>;
  /**
   * The same, asked directly (a get by id, or a list read afresh): lists can lag behind
   * writes and shift under concurrent ones, so a resource is dropped from state only when
   * this confirms its absence. Import reads through it too. Default: `read`.
   */
  readOne?(ctx: Context, id: string, props: Partial<O>): Promise<O | undefined>;
  update(ctx: Context, id: string, olds: O, news: I): Promise<O>;
  /**
   * Whether the object, as last seen, works. One that does not gets an Update (which waits
   * for it again) even when nothing changed: refresh clears the engine's initialization
   * errors, and drift detection must keep reporting it.
   */
  ready?(state: Partial<O>): boolean;
  delete(ctx: Context, id: string, props: O): Promise<void>;
}

type Result<T> = Promise<T>;

/** The engine's protocol for one resource kind, under a given configuration: what dynamic mode and the plugin both run. */
export interface Operations {
  spec: ResourceSpec;
  check(ctx: Context, olds: Props, news: Props): Result<{ inputs: Props; failures: CheckFailure[] }>;
  /** `olds`: the old state, with the old inputs over it where the engine sends them (the plugin). */
  diff(olds: Props, news: Props): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean; changed: string[] };
  create(ctx: Context, inputs: Props): Result<{ id: string; outs: Props }>;
  /** `importing`: the engine's import, which knows nothing but the id. */
  read(ctx: Context, id: string, props: Props, importing?: boolean): Result<{ id: string; props: Props; inputs?: Props }>;
  update(ctx: Context, id: string, olds: Props, news: Props): Result<{ outs: Props }>;
  delete(ctx: Context, id: string, props: Props): Result<void>;
}

/** The engine's protocol (check, diff, create, read, update, delete) implemented once for every resource, around the resource's hooks. */
export function operations<I extends Props, O extends Props>(spec: ResourceSpec, hooks: Hooks<I, O>): Operations {
  const inputKeys = Object.keys(spec.inputs.shape);
  const remoteKeys = inputKeys.filter((k) => !spec.localInputs.includes(k));
  const uniqueKeys: string[] = spec.uniqueBy === undefined ? [] : ([] as string[]).concat(spec.uniqueBy);
  const local = (props: Props) => Object.fromEntries(spec.localInputs.filter((k) => k in props).map((k) => [k, props[k]]));
  const described = (verb: string) => `${spec.token}: ${verb} failed`;
  const comparable = (key: string, value: unknown) =>
    (spec.unordered as string[] | undefined)?.includes(key) && Array.isArray(value) ? canonicalSet(value) : canonical(value);
  // No API returns a token: after an import the state has "" for it, which no valid input is.
  // What the program then declares is taken as the token the object already has, not a change.
  const unread = (key: string, old: unknown) => spec.secrets.includes(key) && old === "";
  // `pulumi import` checks what Read found, where the secret is missing: say why, and what to do.
  const unreadSecret = (key: string, olds: Props, news: Props) =>
    spec.secrets.includes(key) && Object.keys(olds ?? {}).length > 0 && !olds[key] && !news[key];
  const afterImport = (key: string): CheckFailure => ({
    property: key,
    reason: `${key}: no API returns a registration's ${key}, so an import cannot fill it in; give it in the program (the registration keeps the ${key} it has until the program changes it).`,
  });

  return {
    spec,

    async check(ctx, olds, given) {
      for (const key of spec.secrets) rememberSecret(given[key]);
      try {
        const { news, importId, failure } = takeImportId(olds, given);
        const { inputs, failures: invalid } = parseInputs(spec, news);
        const failures = invalid.map((f) => (unreadSecret(f.property, olds, news) ? afterImport(f.property) : f));
        if (failure) failures.push(failure);
        if (failures.length === 0 && hooks.validate) failures.push(...hooks.validate(inputs as Partial<I>));
        if (failures.length === 0 && hooks.complete) Object.assign(inputs, hooks.complete(inputs as Partial<I>));
        if (failures.length === 0 && hooks.preflight && !ctx.partial) {
          const previous = olds && Object.keys(olds).length > 0 ? (olds as Partial<I>) : undefined;
          failures.push(...(await hooks.preflight(ctx, inputs as Partial<I>, previous)));
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

    diff(olds, news) {
      const changed = remoteKeys.filter(
        (k) => containsUnknown(news[k]) || (!unread(k, olds[k]) && comparable(k, olds[k]) !== comparable(k, news[k])),
      );
      const replaces = changed.filter((k) => (spec.replaceOnChanges as string[]).includes(k));
      const keepsUniqueValue = uniqueKeys.length > 0 && uniqueKeys.every((k) => comparable(k, olds[k]) === comparable(k, news[k]));
      const broken = hooks.ready !== undefined && !hooks.ready(olds as Partial<O>);
      return { changes: changed.length > 0 || broken, replaces, deleteBeforeReplace: replaces.length > 0 && keepsUniqueValue, changed };
    },

    async create(ctx, inputs) {
      try {
        const { [IMPORT_ID]: importId, ...declared } = withoutProvider(inputs);
        if (typeof importId === "string") return { id: importId, outs: toWire({ ...local(declared), ...(await adopt(ctx, importId, declared)) }) };
        const { id, outs } = await hooks.create(ctx, declared as I);
        return { id, outs: toWire({ ...local(inputs), ...outs }) };
      } catch (err) {
        throw keptInState(err, inputs, described("create"));
      }
    },

    async read(ctx, id, props = {}, importing = false) {
      try {
        const known = withoutProvider(props) as Partial<O>;
        const outs = importing ? await (hooks.readOne ?? hooks.read)(ctx, id, known) : ((await hooks.read(ctx, id, known)) ?? (await hooks.readOne?.(ctx, id, known)));
        if (!outs) return { id: "", props: {} };
        const state = toWire({ ...local(props), ...outs }) as Props;
        if (importing) for (const key of spec.secrets) if (remoteKeys.includes(key) && !state[key]) state[key] = "";
        const inputs = Object.fromEntries(inputKeys.filter((k) => k in state && !unread(k, state[k])).map((k) => [k, state[k]]));
        return { id, props: state, inputs };
      } catch (err) {
        throw asProviderError(err, described("read"));
      }
    },

    async update(ctx, id, olds, news) {
      try {
        const outs = await hooks.update(ctx, id, withoutProvider(olds) as O, withoutProvider(news) as I);
        return { outs: toWire({ ...local(news), ...outs }) };
      } catch (err) {
        throw keptInState(err, news, described("update"));
      }
    },

    async delete(ctx, id, props) {
      try {
        await hooks.delete(ctx, id, withoutProvider(props) as O);
      } catch (err) {
        throw asProviderError(err, described("delete"));
      }
    },
  };

  /** The object under `id`, when it is what the program declares; nothing is written. */
  async function adopt(ctx: Context, id: string, declared: Props): Promise<O> {
    const found = await (hooks.readOne ?? hooks.read)(ctx, id, declared as Partial<O>);
    if (!found) throw new ProviderError(`cannot import ${spec.token} ${id}: there is no such object; check the id (see Import in the README), or remove the import option to register a new one.`);
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
  return {
    operations: ops,
    async configure(req) {
      ctx = stackConfigContext(req.config);
    },
    check: (olds, news) => ops.check(ctx, olds, news),
    async diff(_id, olds, news) {
      const { changes, replaces, deleteBeforeReplace } = ops.diff(olds, news);
      return { changes, replaces, deleteBeforeReplace };
    },
    create: (inputs) => ops.create(ctx, inputs),
    read: (id, props) => ops.read(ctx, id, props ?? {}),
    update: (id, olds, news) => ops.update(ctx, id, olds, news),
    delete: (id, props) => ops.delete(ctx, id, props),
  };
}

/**
 * A failure to hand back to the host. An object that exists but is not ready keeps the
 * inputs' `__provider` (the host does not add it to a failure's properties, and without it
 * the engine could neither refresh nor delete the resource it keeps in state).
 */
function keptInState(err: unknown, inputs: Props, context: string): ProviderError {
  if (!(err instanceof InitError)) return asProviderError(err, context);
  return Object.assign(err, { properties: toWire({ __provider: inputs.__provider, ...err.properties }) });
}

function withoutProvider(props: Props): Props {
  const { __provider: _ignored, ...rest } = props;
  return rest;
}
