import { createOnce } from "../core/createOnce";
import { Hooks, makeProvider } from "../core/provider";
import { failureOf, type CheckFailure } from "../core/spec";
import { containsUnknown } from "../core/unknown";
import { isUnder, sameUrl } from "../core/url";
import { canonicalSet } from "../core/wire";
import { checkGitLab } from "../gitlab/preflight";
import type { ProviderBody, ProviderRecord } from "./client";
import type { Context } from "../core/context";
import { repositoryProviderSpec, RepositoryProviderArgs as Args, RepositoryProviderState as State } from "./repositoryProvider.schema";
import { checkWithTorque } from "./preflight";
import { torqueAccount, torqueClient, torqueSettings } from "./settings";

const TYPE = "gitLabEnterprise";

function body(args: Args): ProviderBody {
  return { name: args.name, type: TYPE, details: { token: args.token, base_url: args.baseUrl }, repos: args.repos };
}

/** The state of a provider as Torque has it; Torque never returns the token, so the stack's is kept. */
function stateOf(record: ProviderRecord, token: string | undefined): State {
  return {
    providerId: record.id,
    type: TYPE,
    name: record.name,
    baseUrl: sameUrl(record.details.base_url, true),
    repos: record.repos.map((r) => sameUrl(r, false)),
    token: token ?? "",
    preflight: "strict",
  };
}

function sameRegistration(state: State, args: Args): boolean {
  return state.baseUrl === args.baseUrl && canonicalSet(state.repos) === canonicalSet(args.repos);
}

/** `fresh`: from a list asked for now, not the one this process may share. */
async function readProvider(ctx: Context, id: string, props: Partial<State>, fresh: boolean): Promise<State | undefined> {
  const record = (await torqueClient(ctx).listProviders(fresh)).get(id);
  return record && { ...stateOf(record, props.token), preflight: props.preflight ?? "strict" };
}

const hooks: Hooks<Args, State> = {
  account: torqueAccount,

  validate(inputs) {
    const failures: CheckFailure[] = [];
    const { baseUrl, repos } = inputs;
    if (!repos || containsUnknown(repos)) return failures;
    repos.forEach((repo, i) => {
      if (baseUrl !== undefined && !containsUnknown(baseUrl) && !isUnder(repo, baseUrl)) {
        failures.push({ property: `repos[${i}]`, reason: `repos[${i}] ${repo} does not lie under baseUrl ${baseUrl}; list only repositories of this GitLab server.` });
      }
      if (repos.indexOf(repo) !== i) failures.push({ property: `repos[${i}]`, reason: `repos[${i}] ${repo} is listed twice; list each repository once.` });
    });
    return failures;
  },

  settings: (ctx) => failureOf(torqueSettings(ctx)),

  changed: (inputs, olds) => olds.baseUrl !== inputs.baseUrl || olds.token !== inputs.token || canonicalSet(olds.repos ?? []) !== canonicalSet(inputs.repos ?? []),

  async preflight(ctx, inputs, full) {
    const { baseUrl, token, repos = [], preflight = "strict" } = inputs;
    const projects = containsUnknown(repos) ? [] : repos.map((url, i) => ({ url, property: `repos[${i}]` }));
    const known = baseUrl !== undefined && token !== undefined && !containsUnknown([baseUrl, token]);
    return checkWithTorque(ctx, preflight, full, { managesProviders: true }, known
      ? () => checkGitLab(ctx, { roots: [baseUrl], rootProperty: "baseUrl", token, projects, target: "torque", full, caBundle: inputs.gitlabCaBundle })
      : undefined);
  },

  planned: (_inputs, olds) => ({ type: TYPE, providerId: olds?.providerId }),

  async create(ctx, args) {
    const client = torqueClient(ctx);
    const id = await createOnce({
      what: `Torque repository provider ${args.name}`,
      clash: `Torque already has a repository provider named ${args.name}`,
      post: () => client.createProvider(body(args)),
      find: async () => {
        const found = (await client.listProviders(true)).find((p) => p.name === args.name);
        return found && { id: found.id, matches: sameRegistration(stateOf(found, args.token), args) };
      },
    });
    return { id, outs: { ...args, providerId: id, type: TYPE } };
  },

  read: (ctx, id, props) => readProvider(ctx, id, props, false),
  readOne: (ctx, id, props) => readProvider(ctx, id, props, true),

  async update(ctx, id, _olds, news) {
    await torqueClient(ctx).updateProvider(id, body(news));
    return { ...news, providerId: id, type: TYPE };
  },

  async delete(ctx, id) {
    await torqueClient(ctx).deleteProvider(id);
  },
};

export = makeProvider(repositoryProviderSpec, hooks);
