import { createOnce } from "../core/createOnce";
import { InitError, ProviderError } from "../core/errors";
import { Hooks, makeProvider } from "../core/provider";
import type { CheckFailure } from "../core/spec";
import { containsUnknown } from "../core/unknown";
import { canonical } from "../core/wire";
import { isUnder, sameUrl } from "../core/url";
import { applyMode, candidateRoots, checkGitLab } from "../gitlab/preflight";
import { SpaceRepositoryBody, SpaceRepositoryRecord, TorqueClient } from "./client";
import { requireTorqueSettings, torqueSettings } from "./settings";
import { spaceRepositorySpec, SpaceRepositoryArgs as Args, SpaceRepositoryState as State } from "./spaceRepository.schema";

const known = (value: unknown) => value !== undefined && !containsUnknown(value);

function body(args: Args): SpaceRepositoryBody {
  return {
    repository_name: args.repositoryName,
    repository_url: args.repositoryUrl,
    token: args.token ?? null,
    branch: args.branch,
    credential_name: args.credentialName ?? null,
    use_all_agents: args.useAllAgents ?? args.agents.length === 0,
    agents: args.agents,
    eac_auto_registration: args.eacAutoRegistration,
  };
}

/** `<space>/<repositoryName>`: the id, and the import id. */
function parseId(id: string): { space: string; name: string } {
  const slash = id.indexOf("/");
  if (slash <= 0 || slash === id.length - 1) throw new ProviderError(`${id} is not a space repository id; use <space>/<repositoryName>, e.g. platform/assets.`);
  return { space: id.slice(0, slash), name: id.slice(slash + 1) };
}

function stateOf(space: string, record: SpaceRepositoryRecord, props: Partial<State>): State {
  return {
    ...props,
    space,
    repositoryName: record.name,
    repositoryUrl: sameUrl(record.repository_url),
    branch: record.branch ?? "",
    credentialName: record.credential_name ?? undefined,
    agents: record.agents.map((a) => a.name),
    useAllAgents: record.use_all_agents,
    eacAutoRegistration: props.eacAutoRegistration ?? false,
    syncTimeoutSeconds: props.syncTimeoutSeconds ?? 120,
    preflight: props.preflight ?? "strict",
    status: record.status,
  };
}

/**
 * Polls with backoff until the sync ends. Repositories created together in a space share
 * their polls: each list answers for every repository created before it started.
 */
async function waitForSync(client: TorqueClient, args: Args): Promise<SpaceRepositoryRecord | undefined> {
  const deadline = Date.now() + args.syncTimeoutSeconds * 1000;
  let delay = 250;
  for (;;) {
    const last = (await client.listSpaceRepositories(args.space, true)).get(args.repositoryName);
    if ((last && last.status !== "Syncing") || Date.now() >= deadline) return last;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(deadline - Date.now(), 0))));
    delay = Math.min(delay * 1.5, 5_000);
  }
}

/** `fresh`: from a list asked for now, not the one this process may share. */
async function readRepository(id: string, props: Partial<State>, fresh: boolean): Promise<State | undefined> {
  const { space, name } = parseId(id);
  const record = (await new TorqueClient(requireTorqueSettings()).listSpaceRepositories(space, fresh)).get(name);
  return record && stateOf(space, record, props);
}

const hooks: Hooks<Args, State> = {
  validate(inputs) {
    const failures: CheckFailure[] = [];
    const ways = (["providerId", "token", "credentialName"] as const).filter((k) => inputs[k] !== undefined);
    if (ways.length !== 1) {
      failures.push({
        property: ways[1] ?? "token",
        reason: `give exactly one of provider, token and credentialName (${ways.length === 0 ? "none is set" : `${ways.join(" and ")} are set`}): a provider covers the URL, or the repository carries its own token or a stored credential.`,
      });
    }
    const { repositoryUrl, providerBaseUrl } = inputs;
    if (known(repositoryUrl) && known(providerBaseUrl) && !isUnder(repositoryUrl!, providerBaseUrl!)) {
      failures.push({
        property: "repositoryUrl",
        reason: `repositoryUrl ${repositoryUrl} does not lie under the provider's baseUrl ${providerBaseUrl}; use a repository of that GitLab server, or give the repository its own token.`,
      });
    }
    if (inputs.useAllAgents === true && known(inputs.agents) && inputs.agents!.length > 0) {
      failures.push({ property: "useAllAgents", reason: "useAllAgents is true while agents are listed; list agents or use all of them, not both." });
    }
    return failures;
  },

  complete(inputs) {
    return { useAllAgents: inputs.useAllAgents ?? (known(inputs.agents) ? inputs.agents!.length === 0 : undefined) };
  },

  async preflight(inputs, olds) {
    const settings = torqueSettings();
    if ("reason" in settings) return [settings];
    const { repositoryUrl, preflight = "strict", providerBaseUrl } = inputs;
    const token = inputs.token ?? inputs.providerToken;
    if (preflight === "off" || !known(repositoryUrl) || !known(token) || (providerBaseUrl !== undefined && !known(providerBaseUrl))) return [];
    const full = !olds || olds.repositoryUrl !== repositoryUrl || (olds.token ?? olds.providerToken) !== token;
    const result = await checkGitLab({
      roots: providerBaseUrl ? [providerBaseUrl] : candidateRoots(repositoryUrl!),
      rootProperty: "repositoryUrl",
      token: token!,
      projects: [{ url: repositoryUrl!, property: "repositoryUrl" }],
      target: "torque",
      full,
      caBundle: inputs.gitlabCaBundle,
    });
    return applyMode(preflight, result);
  },

  async create(args) {
    const client = new TorqueClient(requireTorqueSettings());
    const id = `${args.space}/${args.repositoryName}`;
    await createOnce({
      what: `repository ${args.repositoryName} in Torque space ${args.space}`,
      clash: `Torque space ${args.space} already has a repository named ${args.repositoryName}`,
      post: async () => {
        await client.createSpaceRepository(args.space, body(args));
        return id;
      },
      find: async () => {
        const found = (await client.listSpaceRepositories(args.space, true)).get(args.repositoryName);
        return found && { id, matches: sameUrl(found.repository_url) === args.repositoryUrl && found.branch === args.branch };
      },
    });
    return { id, outs: await connected(client, id, args) };
  },

  read: (id, props) => readRepository(id, props, false),
  readOne: (id, props) => readRepository(id, props, true),

  async update(id, olds, news) {
    const { space, name } = parseId(id);
    const client = new TorqueClient(requireTorqueSettings());
    const { credential_name, agents, use_all_agents } = body(news);
    const patch = { credential_name, agents, use_all_agents };
    const before = { credential_name: olds.credentialName ?? null, agents: olds.agents, use_all_agents: olds.useAllAgents };
    if (canonical(patch) !== canonical(before)) await client.updateSpaceRepository(space, name, patch);
    const outs = { ...news, useAllAgents: use_all_agents, status: olds.status };
    // A repository whose sync did not end Connected gets an Update on every pulumi up (it has
    // initialization errors, or `ready` says so after a refresh): check the sync again, fail while it is not.
    return olds.status === "Connected" ? outs : connected(client, id, news);
  },

  ready: (state) => state.status === "Connected",

  async delete(id) {
    const { space, name } = parseId(id);
    await new TorqueClient(requireTorqueSettings()).deleteSpaceRepository(space, name);
  },
};

/** The repository's state once its sync has ended Connected; otherwise it is kept in state with initialization errors. */
async function connected(client: TorqueClient, id: string, args: Args): Promise<State> {
  const synced = await waitForSync(client, args);
  const outs = { ...args, useAllAgents: body(args).use_all_agents, status: synced?.status ?? "Unknown" };
  if (synced?.status === "Connected") return outs;
  const reasons = synced?.errors?.map((e) => e.message) ?? [];
  const message =
    synced?.status === "Error"
      ? `Torque could not sync repository ${args.repositoryName} in space ${args.space}: ${reasons.join("; ") || "no reason given"}; fix the cause, then run pulumi up again.`
      : `repository ${args.repositoryName} in space ${args.space} did not finish syncing within ${args.syncTimeoutSeconds} s (status ${synced?.status ?? "not listed"}${agentProgress(synced)}); raise syncTimeoutSeconds or check the space's agents, then run pulumi up again.`;
  throw new InitError(message, id, outs, reasons.length > 0 ? reasons : [message]);
}

function agentProgress(record: SpaceRepositoryRecord | undefined): string {
  if (!record || record.agents.length === 0) return "";
  return `; agents: ${record.agents.map((a) => `${a.name} ${a.status ?? "?"}`).join(", ")}`;
}

export = makeProvider(spaceRepositorySpec, hooks);
