import { ListLag } from "./lag";
import {
  checkFields,
  isBoolean,
  isNonEmptyString,
  isObject,
  isStringArray,
  nullOr,
  parseHttpUrl,
  type FieldRule,
} from "./fields";
import { jsonResponse, parseJson, requireEntry, type SandboxResponse } from "./handler-kit";
import { CredentialStore, nameTaken, type CredentialRecord } from "./torque-credentials";
import { torqueError, torqueErrors } from "./torque-errors";
import type { RepositoryProviders } from "./torque-providers";

/** Syncing while the sync runs; then Connected, or any other status Torque reports (Error, Disconnected, ...). */
export type SyncStatus = string;

export interface SpaceRepositoryRecord {
  name: string;
  repositoryUrl: string;
  branch: string;
  /** "" when a repository provider covers the URL. */
  credentialName: string;
  useAllAgents: boolean;
  agents: string[];
  status: SyncStatus;
  errors: string[];
  eacAutoRegistration: boolean;
}

/** What a newly created repository's sync ends in; with `url`, only for that repository URL. */
export interface SyncSetting {
  delayMs: number;
  outcome: SyncStatus;
  errors?: string[];
  url?: string;
}

export interface SpaceSpec {
  agents?: string[];
  /** Names of GitLab credentials already in the space's credential store. */
  credentials?: string[];
}

/**
 * How list entries look: "current" as Torque's official client reads them; "sparse" as some
 * servers answer, without use_all_agents and with the credential as `credentials`.
 */
export type ListFields = "current" | "sparse";

/** `status` and `errors` hold from `syncedAt` on; before that the repository is Syncing. */
type StoredRepository = SpaceRepositoryRecord & { syncedAt: number };

interface Space {
  agents: string[];
  credentials: CredentialStore;
  repositories: Map<string, StoredRepository>;
}

const nonEmpty = { check: isNonEmptyString, expected: "a non-empty string" };
const nullableName = { check: nullOr(isNonEmptyString), expected: "null or a non-empty string" };
/** A string since September 2024 ("" only when a repository provider covers the URL): null is refused. */
const credentialName = { check: (value: unknown) => typeof value === "string", expected: "a string (the name of the credential to use or create)" };
const boolean = { check: isBoolean, expected: "a boolean" };
const agentNames = { check: isStringArray, expected: "an array of agent names" };

const CREATE_RULES: Record<string, FieldRule> = {
  repository_name: nonEmpty,
  repository_url: { check: (value) => parseHttpUrl(value) !== undefined, expected: "an http(s) URL" },
  token: nullableName,
  branch: nonEmpty,
  credential_name: credentialName,
  use_all_agents: boolean,
  agents: agentNames,
  eac_auto_registration: boolean,
};

const UPDATE_RULES: Record<string, FieldRule> = {
  credential_name: credentialName,
  agents: agentNames,
  use_all_agents: boolean,
};

/** Space repositories: the HTTP operations, their store and the simulated sync. */
export class Spaces {
  readonly lag = new ListLag();
  listFields: ListFields = "current";
  private readonly spaces = new Map<string, Space>();
  private defaultSync: SyncSetting = { delayMs: 0, outcome: "Connected" };
  private readonly syncByUrl = new Map<string, SyncSetting>();

  constructor(private readonly providers: RepositoryProviders) {}

  create(spaceName: string, body: string): SandboxResponse {
    const space = this.spaces.get(spaceName);
    if (!space) return spaceNotFound(spaceName);
    const value = parseJson(body);
    if (!isObject(value)) return invalidBody();
    const problems = checkFields(value, CREATE_RULES);
    if (problems.length > 0) return torqueErrors(400, problems);
    const input = value as CreateBody;
    if (space.repositories.has(input.repository_name)) {
      const message = `Repository '${input.repository_name}' already exists in space '${spaceName}'`;
      return torqueError(409, "repository_name", message);
    }
    const repository: StoredRepository = {
      name: input.repository_name,
      repositoryUrl: input.repository_url,
      branch: input.branch,
      credentialName: input.credential_name,
      useAllAgents: input.use_all_agents,
      agents: input.agents,
      eacAutoRegistration: input.eac_auto_registration,
      ...this.startSync(input.repository_url),
    };
    const refused = this.refusedConnection(space, repository, input.token);
    if (refused) return refused;
    // With a token, Torque stores it as a credential of the space under credential_name.
    if (input.token !== null) space.credentials.add(input.credential_name, input.token);
    space.repositories.set(repository.name, repository);
    return { status: 202 };
  }

  list(spaceName: string): SandboxResponse {
    const space = this.spaces.get(spaceName);
    if (!space) return spaceNotFound(spaceName);
    const entries = [...space.repositories.values()].map((stored) => view(spaceName, current(stored), this.listFields));
    return jsonResponse(200, this.lag.answer(spaceName, entries));
  }

  update(spaceName: string, name: string, body: string): SandboxResponse {
    const space = this.spaces.get(spaceName);
    if (!space) return spaceNotFound(spaceName);
    const stored = space.repositories.get(name);
    if (!stored) return repositoryNotFound(spaceName, name);
    const value = parseJson(body);
    if (!isObject(value)) return invalidBody();
    const problems = checkFields(value, UPDATE_RULES);
    if (problems.length > 0) return torqueErrors(400, problems);
    const input = value as UpdateBody;
    const patch = { credentialName: input.credential_name, agents: input.agents, useAllAgents: input.use_all_agents };
    const refused = this.refusedConnection(space, { ...stored, ...patch }, null);
    if (refused) return refused;
    Object.assign(stored, patch);
    return jsonResponse(200, view(spaceName, current(stored), "current"));
  }

  delete(spaceName: string, name: string | null): SandboxResponse {
    const space = this.spaces.get(spaceName);
    if (!space) return spaceNotFound(spaceName);
    if (!name) return torqueError(400, "repository_name", "The query parameter repository_name is required");
    return space.repositories.delete(name) ? { status: 204 } : repositoryNotFound(spaceName, name);
  }

  add(name: string, spec: SpaceSpec = {}): void {
    const repositories = new Map<string, StoredRepository>();
    const usedBy = (credential: string) => [...repositories.values()].find((r) => r.credentialName === credential)?.name;
    const credentials = new CredentialStore(name, usedBy);
    for (const credential of spec.credentials ?? []) credentials.add(credential, `glpat-stored-${credential}`);
    this.spaces.set(name, { agents: spec.agents ?? [], credentials, repositories });
  }

  /** A request to a space's credential store; 404 for an unknown space. */
  withStore(spaceName: string, run: (store: CredentialStore) => SandboxResponse): SandboxResponse {
    const space = this.spaces.get(spaceName);
    return space ? run(space.credentials) : spaceNotFound(spaceName);
  }

  names(): string[] {
    return [...this.spaces.keys()];
  }

  credentials(spaceName: string): CredentialRecord[] {
    return [...requireEntry(this.spaces, spaceName, "Torque space").credentials.records.values()].map((record) => ({ ...record }));
  }

  editCredential(spaceName: string, name: string, patch: Partial<Omit<CredentialRecord, "name">>): CredentialRecord {
    return { ...Object.assign(requireEntry(this.credentialMap(spaceName), name, "Torque credential"), patch) };
  }

  /** Removes a credential as an admin would, used or not. */
  removeCredential(spaceName: string, name: string): void {
    requireEntry(this.credentialMap(spaceName), name, "Torque credential");
    this.credentialMap(spaceName).delete(name);
  }

  repositories(spaceName: string): SpaceRepositoryRecord[] {
    const space = requireEntry(this.spaces, spaceName, "Torque space");
    return [...space.repositories.values()].map(current);
  }

  /** A patch with `status` or `errors` ends the sync at once with that result. */
  edit(spaceName: string, name: string, patch: Partial<Omit<SpaceRepositoryRecord, "name">>): SpaceRepositoryRecord {
    const stored = requireEntry(this.repositoryMap(spaceName), name, "Torque space repository");
    Object.assign(stored, patch);
    if (patch.status !== undefined || patch.errors !== undefined) stored.syncedAt = 0;
    return current(stored);
  }

  remove(spaceName: string, name: string): void {
    requireEntry(this.repositoryMap(spaceName), name, "Torque space repository");
    this.repositoryMap(spaceName).delete(name);
  }

  setSync(setting: SyncSetting): void {
    if (setting.url === undefined) this.defaultSync = setting;
    else this.syncByUrl.set(setting.url, setting);
  }

  private credentialMap(spaceName: string): Map<string, CredentialRecord> {
    return requireEntry(this.spaces, spaceName, "Torque space").credentials.records;
  }

  private repositoryMap(spaceName: string): Map<string, StoredRepository> {
    return requireEntry(this.spaces, spaceName, "Torque space").repositories;
  }

  private startSync(repositoryUrl: string): Pick<StoredRepository, "status" | "errors" | "syncedAt"> {
    const sync = this.syncByUrl.get(repositoryUrl) ?? this.defaultSync;
    const errors = sync.outcome === "Connected" ? [] : (sync.errors ?? [`Could not sync ${repositoryUrl}`]);
    return { status: sync.outcome, errors, syncedAt: Date.now() + sync.delayMs };
  }

  /**
   * The answer when the repository cannot connect the way it is configured. A token creates
   * the credential named credential_name; without one, credential_name names a stored
   * credential, or is "" when a repository provider covers the URL.
   */
  private refusedConnection(space: Space, repository: SpaceRepositoryRecord, token: string | null): SandboxResponse | undefined {
    const { credentialName, repositoryUrl } = repository;
    const stored = space.credentials.records.has(credentialName);
    if (token !== null && credentialName === "") {
      return torqueError(400, "credential_name", "credential_name must name the credential to create for the token");
    }
    if (token !== null && stored) return nameTaken(space.credentials.space, credentialName, "credential_name");
    if (token === null && credentialName !== "" && !stored) {
      return torqueError(400, "credential_name", `Credential '${credentialName}' does not exist in the space`);
    }
    const unknownAgent = repository.agents.find((agent) => !space.agents.includes(agent));
    if (unknownAgent !== undefined) {
      return torqueError(400, "agents", `Agent '${unknownAgent}' is not associated with the space`);
    }
    if (token === null && credentialName === "" && !this.providers.covering(repositoryUrl)) {
      return torqueError(400, "credential_name", `credential_name is required: no repository provider covers ${repositoryUrl}`);
    }
    return undefined;
  }
}

/** Type aliases (not interfaces) so that a checked JsonObject may be cast to them. */
type CreateBody = {
  repository_name: string;
  repository_url: string;
  token: string | null;
  branch: string;
  credential_name: string;
  use_all_agents: boolean;
  agents: string[];
  eac_auto_registration: boolean;
};

type UpdateBody = Pick<CreateBody, "credential_name" | "agents" | "use_all_agents">;

function current({ syncedAt, ...record }: StoredRepository): SpaceRepositoryRecord {
  return Date.now() < syncedAt ? { ...record, status: "Syncing", errors: [] } : record;
}

function view(spaceName: string, record: SpaceRepositoryRecord, fields: ListFields): object {
  const credential = fields === "current" ? { credential_name: record.credentialName, use_all_agents: record.useAllAgents } : { credentials: record.credentialName };
  return {
    name: record.name,
    repository_url: record.repositoryUrl,
    branch: record.branch,
    ...credential,
    agents: record.agents.map((name) => ({ name, status: "Active" })),
    status: record.status,
    space_name: spaceName,
    errors: record.errors.map((message) => ({ message })),
  };
}

function invalidBody(): SandboxResponse {
  return torqueError(400, "body", "The request body must be a JSON object");
}

function spaceNotFound(spaceName: string): SandboxResponse {
  return torqueError(404, "NotFound", `Space '${spaceName}' was not found`);
}

function repositoryNotFound(spaceName: string, name: string): SandboxResponse {
  return torqueError(404, "NotFound", `Repository '${name}' was not found in space '${spaceName}'`);
}
