import type * as pulumi from "@pulumi/pulumi";
import { setStackConfig } from "./config";
import { asProviderError, PartialCreateError } from "./errors";
import { redact } from "./secrets";
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
  preflight?(inputs: Partial<I>, olds: Partial<I> | undefined): Promise<CheckFailure[]>;
  create(inputs: I): Promise<{ id: string; outs: O }>;
  /** The object as the server has it, or undefined when it is gone. `props`: old state, or the program's inputs on import. */
  read(id: string, props: Partial<O>): Promise<O | undefined>;
  update(id: string, olds: O, news: I): Promise<O>;
  delete(id: string, props: O): Promise<void>;
}

/**
 * The dynamic provider the host deserializes: the engine's protocol (check, diff, create,
 * read, update, delete) implemented once for every resource, around the resource's hooks.
 */
export function makeProvider<I extends Props, O extends Props>(spec: ResourceSpec, hooks: Hooks<I, O>): pulumi.dynamic.ResourceProvider {
  const inputKeys = Object.keys(spec.inputs.shape);
  const remoteKeys = inputKeys.filter((k) => !spec.localInputs.includes(k));
  const local = (props: Props) => Object.fromEntries(spec.localInputs.filter((k) => k in props).map((k) => [k, props[k]]));
  const described = (verb: string) => `${spec.token}: ${verb} failed`;
  const comparable = (key: string, value: unknown) =>
    (spec.unordered as string[] | undefined)?.includes(key) && Array.isArray(value) ? canonicalSet(value) : canonical(value);

  return {
    async configure(req) {
      setStackConfig(req.config);
    },

    async check(olds, news) {
      try {
        const { inputs, failures } = parseInputs(spec, news);
        if (failures.length === 0 && hooks.validate) failures.push(...hooks.validate(inputs as Partial<I>));
        if (failures.length === 0 && hooks.complete) Object.assign(inputs, hooks.complete(inputs as Partial<I>));
        if (failures.length === 0 && hooks.preflight) {
          const previous = olds && Object.keys(olds).length > 0 ? (olds as Partial<I>) : undefined;
          failures.push(...(await hooks.preflight(inputs as Partial<I>, previous)));
        }
        return { inputs: toWire(inputs), failures: failures.map((f) => ({ property: f.property, reason: redact(f.reason) })) };
      } catch (err) {
        return { inputs: news, failures: [{ property: "", reason: asProviderError(err, described("check")).message }] };
      }
    },

    async diff(_id, olds, news) {
      const changed = remoteKeys.filter((k) => containsUnknown(news[k]) || comparable(k, olds[k]) !== comparable(k, news[k]));
      const replaces = changed.filter((k) => (spec.replaceOnChanges as string[]).includes(k));
      const keepsUniqueValue = spec.uniqueBy !== undefined && comparable(spec.uniqueBy, olds[spec.uniqueBy]) === comparable(spec.uniqueBy, news[spec.uniqueBy]);
      return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && keepsUniqueValue };
    },

    async create(inputs) {
      try {
        const { id, outs } = await hooks.create(withoutProvider(inputs) as I);
        return { id, outs: toWire({ ...local(inputs), ...outs }) };
      } catch (err) {
        // The host does not add __provider to a partial failure's properties: without it the
        // engine could not refresh or delete the resource it keeps in state.
        if (err instanceof PartialCreateError) {
          throw Object.assign(err, { properties: toWire({ __provider: inputs.__provider, ...local(inputs), ...err.properties }) });
        }
        throw asProviderError(err, described("create"));
      }
    },

    async read(id, props = {}) {
      try {
        const outs = await hooks.read(id, withoutProvider(props) as Partial<O>);
        if (!outs) return { id: "", props: {} };
        const state = toWire({ ...local(props), ...outs });
        const inputs = Object.fromEntries(inputKeys.filter((k) => k in state).map((k) => [k, state[k]]));
        return { id, props: state, inputs };
      } catch (err) {
        throw asProviderError(err, described("read"));
      }
    },

    async update(id, olds, news) {
      try {
        const outs = await hooks.update(id, withoutProvider(olds) as O, withoutProvider(news) as I);
        return { outs: toWire({ ...local(news), ...outs }) };
      } catch (err) {
        throw asProviderError(err, described("update"));
      }
    },

    async delete(id, props) {
      try {
        await hooks.delete(id, withoutProvider(props) as O);
      } catch (err) {
        throw asProviderError(err, described("delete"));
      }
    },
  };
}

function withoutProvider(props: Props): Props {
  const { __provider: _ignored, ...rest } = props;
  return rest;
}
