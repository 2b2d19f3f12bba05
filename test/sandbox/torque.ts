import { STATUS_CODES } from "node:http";
import type { RateLimitFault, StatusFault } from "./faults";
import {
  bearerToken,
  jsonResponse,
  matchRoute,
  type Route,
  type SandboxRequest,
  type SandboxResponse,
} from "./handler-kit";
import { SandboxServer } from "./server";
import { torqueError } from "./torque-errors";
import { RepositoryProviders, type CreateResponseShape, type ProviderRecord } from "./torque-providers";
import type { CredentialRecord } from "./torque-credentials";
import { Spaces, type ListFields, type SpaceRepositoryRecord, type SpaceSpec, type SyncSetting } from "./torque-spaces";

export type { CreateResponseShape, CredentialRecord, ListFields, ProviderRecord, SpaceRepositoryRecord, SpaceSpec, SyncSetting };

export interface TorqueOptions {
  port?: number;
}

interface TorqueRoute {
  /** Repository-provider routes need a Torque Admin token. */
  adminOnly: boolean;
  /** A [designed] route, which `designedRoutes` can switch off. */
  designed: boolean;
  /** A write whose success status the contract leaves open (see SUCCESS_STATUSES). */
  write?: Write;
  run: (request: SandboxRequest, params: string[]) => SandboxResponse;
}

/**
 * The writes for which the contract documents several success statuses, each with them; the
 * sandbox answers the first unless `answerSuccess` picks another, so that every status a real
 * server may send is met in some test.
 */
export const SUCCESS_STATUSES = {
  createProvider: [201, 200, 202],
  updateProvider: [200, 202],
  deleteProvider: [204, 200, 202],
  createRepository: [202, 200],
  deleteRepository: [204, 200, 202],
} as const;
export type Write = keyof typeof SUCCESS_STATUSES;

const SPACES = /^\/api\/spaces$/;
const PROVIDERS = /^\/api\/settings\/repository_providers$/;
const PROVIDER = /^\/api\/settings\/repository_providers\/([^/]+)$/;
const REPOSITORIES = /^\/api\/spaces\/([^/]+)\/repositories$/;
const GITLAB_REPOSITORIES = /^\/api\/spaces\/([^/]+)\/repositories\/gitlabEnterprise$/;
const REPOSITORY = /^\/api\/spaces\/([^/]+)\/repositories\/([^/]+)$/;
const CREDENTIALS = /^\/api\/spaces\/([^/]+)\/settings\/credentialstore$/;
const CREDENTIAL = /^\/api\/spaces\/([^/]+)\/settings\/credentialstore\/([^/]+)$/;

export class TorqueServer extends SandboxServer {
  createResponseShape: CreateResponseShape = "string";
  /** When not "on", the [designed] provider routes answer this status, like a server without them. */
  designedRoutes: "on" | 404 | 405 = "on";
  private readonly successStatus = new Map<Write, number>();
  private readonly apiTokens = new Map<string, { admin: boolean }>();
  private readonly repositoryProviders = new RepositoryProviders();
  private readonly spaces = new Spaces(this.repositoryProviders);
  private readonly routes: Route<TorqueRoute>[] = [
    route("POST", PROVIDERS, { ...adminOnly, write: "createProvider" }, (request) =>
      this.repositoryProviders.create(request.body, this.createResponseShape),
    ),
    route("GET", PROVIDERS, designedAdminOnly, () => this.repositoryProviders.list()),
    route("GET", PROVIDER, designedAdminOnly, (_, [id]) => this.repositoryProviders.get(id)),
    route("PUT", PROVIDER, { ...designedAdminOnly, write: "updateProvider" }, (request, [id]) => this.repositoryProviders.update(id, request.body)),
    route("DELETE", PROVIDER, { ...designedAdminOnly, write: "deleteProvider" }, (_, [id]) => this.repositoryProviders.delete(id)),
    route("GET", SPACES, anyToken, () => jsonResponse(200, this.spaces.names().map((name) => ({ name })))),
    route("POST", GITLAB_REPOSITORIES, { ...anyToken, write: "createRepository" }, (request, [space]) => this.spaces.create(space, request.body)),
    route("GET", REPOSITORIES, anyToken, (_, [space]) => this.spaces.list(space)),
    route("PUT", REPOSITORY, anyToken, (request, [space, name]) => this.spaces.update(space, name, request.body)),
    route("DELETE", REPOSITORIES, { ...anyToken, write: "deleteRepository" }, (request, [space]) =>
      this.spaces.delete(space, request.query.get("repository_name")),
    ),
    route("POST", CREDENTIALS, anyToken, (request, [space]) => this.spaces.withStore(space, (store) => store.create(request.body))),
    route("GET", CREDENTIAL, anyToken, (_, [space, name]) => this.spaces.withStore(space, (store) => store.get(name))),
    route("PUT", CREDENTIAL, anyToken, (request, [space, name]) =>
      this.spaces.withStore(space, (store) => store.update(name, request.body)),
    ),
    route("DELETE", CREDENTIAL, anyToken, (request, [space, name]) =>
      this.spaces.withStore(space, (store) => store.delete(name, request.body)),
    ),
  ];

  /** From now on, a successful `write` answers `status`, one of those the contract documents for it. */
  answerSuccess(write: Write, status: number): void {
    if (!(SUCCESS_STATUSES[write] as readonly number[]).includes(status)) {
      throw new Error(`sandbox: the contract does not document ${status} for ${write} (${SUCCESS_STATUSES[write].join(", ")})`);
    }
    this.successStatus.set(write, status);
  }

  addApiToken(token: string, access: { admin: boolean }): void {
    this.apiTokens.set(token, access);
  }

  providers(): ProviderRecord[] {
    return [...this.repositoryProviders.records.values()].map((record) => ({ ...record }));
  }

  seedProvider(record: Omit<ProviderRecord, "id"> & { id?: string }): ProviderRecord {
    return this.repositoryProviders.seed(record);
  }

  editProvider(id: string, patch: Partial<Omit<ProviderRecord, "id">>): ProviderRecord {
    return this.repositoryProviders.edit(id, patch);
  }

  removeProvider(id: string): void {
    this.repositoryProviders.remove(id);
  }

  addSpace(name: string, spec?: SpaceSpec): void {
    this.spaces.add(name, spec);
  }

  spaceRepositories(space: string): SpaceRepositoryRecord[] {
    return this.spaces.repositories(space);
  }

  /** A patch with `status` or `errors` ends the sync at once with that result. */
  editSpaceRepository(
    space: string,
    name: string,
    patch: Partial<Omit<SpaceRepositoryRecord, "name">>,
  ): SpaceRepositoryRecord {
    return this.spaces.edit(space, name, patch);
  }

  removeSpaceRepository(space: string, name: string): void {
    this.spaces.remove(space, name);
  }

  spaceNames(): string[] {
    return this.spaces.names();
  }

  /** The space's credential store, tokens included. */
  credentials(space: string): CredentialRecord[] {
    return this.spaces.credentials(space);
  }

  editCredential(space: string, name: string, patch: Partial<Omit<CredentialRecord, "name">>): CredentialRecord {
    return this.spaces.editCredential(space, name, patch);
  }

  removeCredential(space: string, name: string): void {
    this.spaces.removeCredential(space, name);
  }

  /** How list entries of space repositories look (see ListFields). */
  setListFields(fields: ListFields): void {
    this.spaces.listFields = fields;
  }

  /** List reads (providers, a space's repositories) answer what they held `reads` list reads ago. */
  lagLists(reads: number): void {
    this.repositoryProviders.lag.reads = reads;
    this.spaces.lag.reads = reads;
  }

  /** Sync of repositories created from now on; without `url` the default for all. */
  setSync(setting: SyncSetting): void {
    this.spaces.setSync(setting);
  }

  protected handle(request: SandboxRequest): SandboxResponse {
    const token = bearerToken(request);
    const access = token === undefined ? undefined : this.apiTokens.get(token);
    if (!access) return torqueError(401, "Unauthorized", "The API token is missing, invalid or expired");
    const match = matchRoute(this.routes, request.method, request.path);
    if ("miss" in match) return missingRoute(match.miss, request);
    const { handler, params } = match;
    if (handler.designed && this.designedRoutes !== "on") return missingRoute(this.designedRoutes, request);
    if (handler.adminOnly && !access.admin) {
      return torqueError(403, "Forbidden", "Repository providers require Torque Admin permissions");
    }
    const unsupported = unsupportedBody(request);
    if (unsupported) return unsupported;
    const answer = handler.run(request, params);
    const status = handler.write && this.successStatus.get(handler.write);
    if (!status || answer.status < 200 || answer.status > 299) return answer;
    return status === 204 ? { status } : { ...answer, status };
  }

  protected faultResponse(fault: StatusFault | RateLimitFault): SandboxResponse {
    if (fault.kind === "rateLimit") {
      const errors = [{ name: "TooManyRequests", message: `Too many requests; retry after ${fault.retryAfter} s` }];
      return jsonResponse(429, { errors }, { "Retry-After": String(fault.retryAfter) });
    }
    const reason = STATUS_CODES[fault.status] ?? "Error";
    return torqueError(fault.status, reason.replace(/\W/g, ""), reason);
  }
}

export function startTorque(options: TorqueOptions = {}): Promise<TorqueServer> {
  return new TorqueServer().listen(options.port);
}

const adminOnly = { adminOnly: true, designed: false };
const designedAdminOnly = { adminOnly: true, designed: true };
const anyToken = { adminOnly: false, designed: false };

function route(
  method: string,
  pattern: RegExp,
  access: Omit<TorqueRoute, "run">,
  run: TorqueRoute["run"],
): Route<TorqueRoute> {
  return { method, pattern, handler: { ...access, run } };
}

/**
 * 415 for a write whose body is not declared JSON: POST and PUT always carry one, a DELETE
 * may (the credential store's does).
 */
function unsupportedBody(request: SandboxRequest): SandboxResponse | undefined {
  const hasBody = request.method === "POST" || request.method === "PUT" || request.body !== "";
  const type = (request.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (!hasBody || type === "application/json") return undefined;
  return torqueError(415, "UnsupportedMediaType", `${request.method} ${request.path} takes a JSON body with Content-Type: application/json`);
}

function missingRoute(status: 404 | 405, request: SandboxRequest): SandboxResponse {
  const name = status === 404 ? "NotFound" : "MethodNotAllowed";
  return torqueError(status, name, `This server does not offer ${request.method} ${request.path}`);
}
