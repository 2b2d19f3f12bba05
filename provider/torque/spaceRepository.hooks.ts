import { createOnce } from "../core/createOnce";
import { pause, Stopped } from "../core/call";
import { InitError } from "../core/errors";
import { status } from "../core/log";
import { Hooks, makeProvider } from "../core/provider";
import { failureOf, type CheckFailure } from "../core/spec";
import { containsUnknown } from "../core/unknown";
import { canonical } from "../core/wire";
import { isUnder, sameUrl } from "../core/url";
import { candidateRoots, checkGitLab } from "../gitlab/preflight";
import { credentialBody, SpaceRepositoryBody, SpaceRepositoryRecord, TorqueClient } from "./client";
import { parseSpaceScopedId } from "./inputs";
import { checkWithTorque } from "./preflight";
import { torqueAccount, torqueClient, torqueSettings } from "./settings";
import type { Context } from "../core/context";
import { spaceRepositorySpec, SpaceRepositoryArgs as Args, SpaceRepositoryState as State } from "./spaceRepository.schema";

const known = (value: unknown) => value !== undefined && !containsUnknown(value);
const parseId = (id: string) => parseSpaceScopedId(id, "space repository");

/** The official client's polling interval: polls start faster and slow down to it. */
const POLL_MS = 4_000;
/** A sync wait longer than this shows on the resource's status line what it waits for. */
const STATUS_AFTER_MS = 3_000;

function body(args: Args): SpaceRepositoryBody {
  return {
    repository_name: args.repositoryName,
    repository_url: args.repositoryUrl,
    token: args.token ?? null,
    branch: args.branch,
    credential_name: args.credentialName ?? "",
    use_all_agents: args.useAllAgents ?? args.agents.length === 0,
    agents: args.agents,
    eac_auto_registration: args.eacAutoRegistration,
  };
}

/**
 * The repository as the space lists it. What an entry leaves out (a null branch, no agents,
 * no use_all_agents) is what was last set, never a change; and Torque never lists
 * `eac_auto_registration`: an import leaves it to the program.
 */
function stateOf(space: string, record: SpaceRepositoryRecord, props: Partial<State>): State {
  const agents = record.agents?.map((a) => a.name) ?? props.agents ?? [];
  return {
    ...props,
    space,
    repositoryName: record.name,
    repositoryUrl: sameUrl(record.repository_url),
    branch: record.branch ?? props.branch,
    credentialName: record.credential_name,
    agents,
    useAllAgents: record.use_all_agents ?? props.useAllAgents ?? agents.length === 0,
    status: record.status,
  } as State;
}

/**
 * Polls until the sync ends: every status but Syncing is final. Repositories created together
 * in a space share their polls: each list answers for every repository created before it started.
 */
async function waitForSync(client: TorqueClient, args: Args): Promise<SpaceRepositoryRecord | undefined> {
  const started = Date.now();
  const deadline = started + args.syncTimeoutSeconds * 1000;
  let delay = 250;
  for (;;) {
    const last = (await client.listSpaceRepositories(args.space, true)).get(args.repositoryName);
    if ((last && last.status !== "Syncing") || Date.now() >= deadline) return last;
    const waited = Date.now() - started;
    if (waited >= STATUS_AFTER_MS) status("sync-wait", `waiting for Torque to sync ${args.repositoryName}: ${last?.status ?? "not listed yet"}, ${Math.round(waited / 1000)} s`);
    await pause(Math.min(delay, Math.max(deadline - Date.now(), 0)), `waiting for Torque to sync repository ${args.repositoryName} in space ${args.space} (status ${last?.status ?? "not listed"})`);
    delay = Math.min(delay * 1.5, POLL_MS);
  }
}

/** `fresh`: from a list asked for now, not the one this process may share. */
async function readRepository(ctx: Context, id: string, props: Partial<State>, fresh: boolean): Promise<State | undefined> {
  const { space, name } = parseId(id);
  const record = (await torqueClient(ctx).listSpaceRepositories(space, fresh)).get(name);
  return record && stateOf(space, record, props);
}

const hooks: Hooks<Args, State> = {
  account: torqueAccount,

  validate(inputs) {
    const failures: CheckFailure[] = [];
    const ways = [
      inputs.providerId !== undefined && "repositoryProvider",
      inputs.token !== undefined && "token",
      inputs.storedCredentialName !== undefined && "credential",
      inputs.credentialName !== undefined && inputs.token === undefined && "credentialName",
    ].filter((way): way is string => way !== false);
    if (ways.length !== 1) {
      failures.push({
        property: ways[1] ?? "token",
        reason: `give exactly one of credential, credentialName, token and repositoryProvider (${ways.length === 0 ? "none is set" : `${ways.join(" and ")} are set`}): a stored credential, the repository's own token (credentialName then names the credential Torque stores it under), or a provider that covers the URL.`,
      });
    }
    const { space, storedCredentialSpace, storedCredentialName } = inputs;
    if (known(space) && known(storedCredentialSpace) && space !== storedCredentialSpace) {
      failures.push({
        property: "credential",
        reason: `credential ${storedCredentialName} is stored in space ${storedCredentialSpace}, the repository is in space ${space}; a repository uses only credentials of its own space: declare a torque.GitCredential in ${space}.`,
      });
    }
    const { repositoryUrl } = inputs;
    for (const [root, owner] of [[inputs.providerBaseUrl, "the provider's baseUrl"], [inputs.storedCredentialGitlabUrl, "the credential's gitlabUrl"]] as const) {
      if (known(repositoryUrl) && known(root) && !isUnder(repositoryUrl!, root!)) {
        failures.push({
          property: "repositoryUrl",
          reason: `repositoryUrl ${repositoryUrl} does not lie under ${owner} ${root}; use a repository of that GitLab server, or connect the repository another way.`,
        });
      }
    }
    if (inputs.useAllAgents === true && known(inputs.agents) && inputs.agents!.length > 0) {
      failures.push({ property: "useAllAgents", reason: "useAllAgents is true while agents are listed; list agents or use all of them, not both." });
    }
    return failures;
  },

  complete(inputs) {
    const { token, repositoryName, storedCredentialName } = inputs;
    const derived = token !== undefined && known(repositoryName) ? `${repositoryName}-token` : undefined;
    return {
      useAllAgents: inputs.useAllAgents ?? (known(inputs.agents) ? inputs.agents!.length === 0 : undefined),
      credentialName: inputs.credentialName ?? storedCredentialName ?? derived,
    };
  },

  settings: (ctx) => failureOf(torqueSettings(ctx)),

  changed: (inputs, olds) => olds.repositoryUrl !== inputs.repositoryUrl || tokenOf(olds) !== tokenOf(inputs),

  async preflight(ctx, inputs, full) {
    const { repositoryUrl, preflight = "strict" } = inputs;
    const root = inputs.providerBaseUrl ?? inputs.storedCredentialGitlabUrl;
    const token = tokenOf(inputs);
    const gitlabKnown = known(repositoryUrl) && known(token) && (root === undefined || known(root));
    return checkWithTorque(ctx, preflight, full, { spaces: [{ name: inputs.space, property: "space" }] }, gitlabKnown
      ? () => checkGitLab(ctx, { roots: root ? [root] : candidateRoots(repositoryUrl!), rootProperty: "repositoryUrl", token: token!, projects: [{ url: repositoryUrl!, property: "repositoryUrl" }], target: "torque", full, caBundle: inputs.gitlabCaBundle })
      : undefined);
  },

  // The status is Torque's once the sync ends; an update of a Connected repository keeps it.
  planned: (args, olds) => ({ useAllAgents: body(args).use_all_agents, status: olds?.status === "Connected" ? olds.status : undefined }),

  async create(ctx, args) {
    const client = torqueClient(ctx);
    const id = `${args.space}/${args.repositoryName}`;
    const sent = body(args);
    // An onboarding call that fails ambiguously (a timeout: onboarding is slow) may have
    // connected the repository: createOnce finds it listed, Syncing, and the wait goes on.
    await createOnce({
      what: `repository ${args.repositoryName} in Torque space ${args.space}`,
      clash: `Torque space ${args.space} already has a repository named ${args.repositoryName}`,
      post: async () => {
        await client.createSpaceRepository(args.space, sent);
        return id;
      },
      find: async () => {
        const found = (await client.listSpaceRepositories(args.space, true)).get(args.repositoryName);
        const matches = found && sameUrl(found.repository_url) === args.repositoryUrl && found.branch === args.branch && (found.credential_name ?? "") === sent.credential_name;
        return found && { id, matches: Boolean(matches) };
      },
    });
    return { id, outs: await connected(client, id, args) };
  },

  read: (ctx, id, props) => readRepository(ctx, id, props, false),
  readOne: (ctx, id, props) => readRepository(ctx, id, props, true),

  async update(ctx, id, olds, news, oldInputs) {
    const { space, name } = parseId(id);
    const client = torqueClient(ctx);
    const owned = ownedCredential(olds, oldInputs);
    await switchCredential(client, space, owned, olds, news);
    const { credential_name, agents, use_all_agents } = body(news);
    const patch = { credential_name, agents, use_all_agents };
    const before = { credential_name: olds.credentialName ?? "", agents: olds.agents, use_all_agents: olds.useAllAgents };
    if (canonical(patch) !== canonical(before)) await client.updateSpaceRepository(space, name, patch);
    if (owned && owned !== news.credentialName) await client.deleteCredential(space, owned);
    // A repository whose sync did not end Connected gets an Update on every pulumi up (it has
    // initialization errors, or `ready` says so after a refresh): check the sync again, fail while it is not.
    if (olds.status !== "Connected") return connected(client, id, news);
    return { ...news, useAllAgents: use_all_agents, status: olds.status, ownedCredential: ownedBy(news) };
  },

  ready: (state) => state.status === "Connected",

  async delete(ctx, id, props, oldInputs) {
    const { space, name } = parseId(id);
    const client = torqueClient(ctx);
    await client.deleteSpaceRepository(space, name);
    // The credential Torque stored for the repository's own token: a token must not outlive its repository.
    const owned = ownedCredential(props, oldInputs);
    if (owned) await client.deleteCredential(space, owned);
  },
};

/** The GitLab token preview tests: the repository's own, its credential's or its provider's. */
function tokenOf(inputs: Partial<Args>): string | undefined {
  return inputs.token ?? inputs.storedCredentialToken ?? inputs.providerToken;
}

/** The credential stored for the repository's own token ("" for none), as its state records it. */
function ownedBy(args: Args): string {
  return args.token !== undefined ? args.credentialName! : "";
}

/**
 * The credential the repository owns: recorded in its state when this provider stored it (its
 * own token, by Torque at create or by an update). An import, or state from before the
 * record, has none: then the program's inputs tell, a token of its own declared there being
 * stored under its credentialName.
 */
function ownedCredential(state: Partial<State>, inputs: Partial<Args>): string | undefined {
  if (state.ownedCredential !== undefined) return state.ownedCredential || undefined;
  return (inputs.token ?? state.token) && state.credentialName ? state.credentialName : undefined;
}

/**
 * Before the repository's credential_name changes: a token rotated in the credential stored
 * for it (the repository stays connected), or stored under its new name. Torque's update of
 * a repository takes a credential's name, never a token.
 */
async function switchCredential(client: TorqueClient, space: string, owned: string | undefined, olds: State, news: Args): Promise<void> {
  if (news.token === undefined) return;
  const name = news.credentialName!;
  const sameCredential = owned === name;
  if (sameCredential && olds.token === news.token) return;
  const stored = sameCredential ? await client.getCredential(space, name) : undefined;
  // Kept: the description Torque gave it. Gone behind our back (or never shown in the store): stored again.
  if (stored) await client.updateCredential(credentialBody(space, name, stored.description ?? "", news.token));
  else await client.createCredential(credentialBody(space, name, "", news.token));
}

/**
 * The repository's state once its sync has ended Connected; otherwise (another status, no end
 * in time, a Ctrl-C or the operation's timeout while waiting) it is kept in state with
 * initialization errors, and the next pulumi up waits for it again.
 */
async function connected(client: TorqueClient, id: string, args: Args): Promise<State> {
  const outs = { ...args, useAllAgents: body(args).use_all_agents, status: "Syncing", ownedCredential: ownedBy(args) };
  const synced = await waitForSync(client, args).catch((err: unknown) => {
    if (!(err instanceof Stopped)) throw err;
    throw new InitError(`${err.reason} while waiting for Torque to sync repository ${args.repositoryName} in space ${args.space}; the repository is connected and Torque goes on syncing it: run pulumi up again to wait for it.`, id, outs);
  });
  outs.status = synced?.status ?? "Unknown";
  if (synced?.status === "Connected") return outs;
  const reasons = synced?.errors?.map((e) => e.message) ?? [];
  const message =
    synced && synced.status !== "Syncing"
      ? `Torque could not sync repository ${args.repositoryName} in space ${args.space} (status ${synced.status}): ${reasons.join("; ") || "Torque gave no reason"}; fix the cause, then run pulumi up again.`
      : `repository ${args.repositoryName} in space ${args.space} did not finish syncing within ${args.syncTimeoutSeconds} s (status ${synced?.status ?? "not listed"}${agentProgress(synced)}); raise syncTimeoutSeconds or check the space's agents, then run pulumi up again.`;
  throw new InitError(message, id, outs, reasons.length > 0 ? reasons : [message]);
}

function agentProgress(record: SpaceRepositoryRecord | undefined): string {
  if (!record?.agents?.length) return "";
  return `; agents: ${record.agents.map((a) => `${a.name} ${a.status ?? "?"}`).join(", ")}`;
}

export = makeProvider(spaceRepositorySpec, hooks);
