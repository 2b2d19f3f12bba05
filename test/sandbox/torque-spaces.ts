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
import { torqueError, torqueErrors } from "./torque-errors";
import type { RepositoryProviders } from "./torque-providers";

export type SyncStatus = "Syncing" | "Connected" | "Error";

export interface SpaceRepositoryRecord {
  name: string;
  repositoryUrl: string;
  branch: string;
  token: string | null;
  credentialName: string | null;
  useAllAgents: boolean;
  agents: string[];
  status: SyncStatus;
  errors: string[];
  eacAutoRegistration: boolean;
}

/** What a newly created repository's sync ends in; with `url`, only for that repository URL. */
export interface SyncSetting {
  delayMs: number;
  outcome: "Connected" | "Error";
  errors?: string[];
  url?: string;
}

export interface SpaceSpec {
  agents?: string[];
  credentials?: string[];
}

/** `status` and `errors` hold from `syncedAt` on; before that the repository is Syncing. */
type StoredRepository = SpaceRepositoryRecord & { syncedAt: number };

interface Space {
  agents: string[];
  credentials: string[];
  repositories: Map<string, StoredRepository>;
}

const nonEmpty = { check: isNonEmptyString, expected: "a non-empty string" };
const nullableName = { check: nullOr(isNonEmptyString), expected: "null or a non-empty string" };
const boolean = { check: isBoolean, expected: "a boolean" };
const agentNames = { check: isStringArray, expected: "an array of agent names" };

const CREATE_RULES: Record<string, FieldRule> = {
  repository_name: nonEmpty,
  repository_url: { check: (value) => parseHttpUrl(value) !== undefined, expected: "an http(s) URL" },
  token: nullableName,
  branch: nonEmpty,
  credential_name: nullableName,
  use_all_agents: boolean,
  agents: agentNames,
  eac_auto_registration: boolean,
};

const UPDATE_RULES: Record<string, FieldRule> = {
  credential_name: nullableName,
  agents: agentNames,
  use_all_agents: boolean,
};

/** Space repositories: the HTTP operations, their store and the simulated sync. */
export class Spaces {
  readonly lag = new ListLag();
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
      token: input.token,
      credentialName: input.credential_name,
      useAllAgents: input.use_all_agents,
      agents: input.agents,
      eacAutoRegistration: input.eac_auto_registration,
      ...this.startSync(input.repository_url),
    };
    const refused = this.refusedConnection(space, repository);
    if (refused) return refused;
    space.repositories.set(repository.name, repository);
    return { status: 202 };
  }

  list(spaceName: string): SandboxResponse {
    const space = this.spaces.get(spaceName);
    if (!space) return spaceNotFound(spaceName);
    return jsonResponse(200, this.lag.answer(spaceName, [...space.repositories.values()].map((stored) => view(spaceName, current(stored)))));
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
    const refused = this.refusedConnection(space, { ...stored, ...patch });
    if (refused) return refused;
    Object.assign(stored, patch);
    return jsonResponse(200, view(spaceName, current(stored)));
  }

  delete(spaceName: string, name: string | null): SandboxResponse {
    const space = this.spaces.get(spaceName);
    if (!space) return spaceNotFound(spaceName);
    if (!name) return torqueError(400, "repository_name", "The query parameter repository_name is required");
    return space.repositories.delete(name) ? { status: 204 } : repositoryNotFound(spaceName, name);
  }

  add(name: string, spec: SpaceSpec = {}): void {
    this.spaces.set(name, { agents: spec.agents ?? [], credentials: spec.credentials ?? [], repositories: new Map() });
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

  private repositoryMap(spaceName: string): Map<string, StoredRepository> {
    return requireEntry(this.spaces, spaceName, "Torque space").repositories;
  }

  private startSync(repositoryUrl: string): Pick<StoredRepository, "status" | "errors" | "syncedAt"> {
    const sync = this.syncByUrl.get(repositoryUrl) ?? this.defaultSync;
    const errors = sync.outcome === "Error" ? (sync.errors ?? [`Could not sync ${repositoryUrl}`]) : [];
    return { status: sync.outcome, errors, syncedAt: Date.now() + sync.delayMs };
  }

  /** The 400 answer when the repository could not connect the way it is configured. */
  private refusedConnection(space: Space, repository: SpaceRepositoryRecord): SandboxResponse | undefined {
    const { token, credentialName, repositoryUrl } = repository;
    if (token !== null && credentialName !== null) {
      return torqueError(400, "credential_name", "token and credential_name cannot both be set");
    }
    if (credentialName !== null && !space.credentials.includes(credentialName)) {
      return torqueError(400, "credential_name", `Credential '${credentialName}' does not exist in the space`);
    }
    const unknownAgent = repository.agents.find((agent) => !space.agents.includes(agent));
    if (unknownAgent !== undefined) {
      return torqueError(400, "agents", `Agent '${unknownAgent}' is not associated with the space`);
    }
    if (token === null && credentialName === null && !this.providers.covering(repositoryUrl)) {
      return torqueError(400, "repository_url", `no repository provider covers ${repositoryUrl}`);
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
  credential_name: string | null;
  use_all_agents: boolean;
  agents: string[];
  eac_auto_registration: boolean;
};

type UpdateBody = Pick<CreateBody, "credential_name" | "agents" | "use_all_agents">;

function current({ syncedAt, ...record }: StoredRepository): SpaceRepositoryRecord {
  return Date.now() < syncedAt ? { ...record, status: "Syncing", errors: [] } : record;
}

function view(spaceName: string, record: SpaceRepositoryRecord): object {
  return {
    name: record.name,
    repository_url: record.repositoryUrl,
    branch: record.branch,
    credential_name: record.credentialName,
    use_all_agents: record.useAllAgents,
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
