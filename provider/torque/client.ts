import { z } from "zod";
import { ProviderError } from "../core/errors";
import { ListCache } from "../core/listCache";
import { Listing } from "../core/listing";
import { clientFor, HttpClient, Method, Request, Response } from "../http/client";
import { conform, parseBody } from "../http/json";
import type { TorqueSettings } from "./settings";

const errorsBody = z.object({ errors: z.array(z.object({ name: z.string().optional(), message: z.string() })) });

export const providerRecord = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  details: z.object({ base_url: z.string() }),
  repos: z.array(z.string()).default([]),
});
export type ProviderRecord = z.infer<typeof providerRecord>;

export interface ProviderBody {
  name: string;
  type: "gitLabEnterprise";
  details: { token: string; base_url: string };
  repos: string[];
}

export const spaceRepositoryRecord = z.object({
  name: z.string(),
  repository_url: z.string(),
  branch: z.string().nullable().default(null),
  credential_name: z.string().nullable().default(null),
  use_all_agents: z.boolean(),
  agents: z.array(z.object({ name: z.string(), status: z.string().optional() })).default([]),
  status: z.string(),
  errors: z.array(z.object({ message: z.string() })).nullable().default([]),
});
export type SpaceRepositoryRecord = z.infer<typeof spaceRepositoryRecord>;

export interface SpaceRepositoryBody {
  repository_name: string;
  repository_url: string;
  token: string | null;
  branch: string;
  credential_name: string | null;
  use_all_agents: boolean;
  agents: string[];
  eac_auto_registration: boolean;
}

export interface SpaceRepositoryPatch {
  credential_name: string | null;
  agents: string[];
  use_all_agents: boolean;
}

const PROVIDERS = "/api/settings/repository_providers";
const entries = z.array(z.unknown());
const lists = new ListCache<Listing<unknown>>();

/** Torque's REST API for repository providers and space repositories. */
export class TorqueClient {
  private readonly http: HttpClient;
  private readonly prefix: string;

  constructor(private readonly settings: TorqueSettings) {
    this.http = clientFor({ api: "Torque", url: settings.url, caSetting: "torque:caBundle", ...settings.transport });
    this.prefix = new URL(settings.url).pathname.replace(/\/+$/, "");
  }

  async createProvider(body: ProviderBody): Promise<string> {
    const res = await this.send("POST", PROVIDERS, body);
    if (![200, 201, 202].includes(res.status)) throw this.failure("POST", PROVIDERS, res);
    return this.createdId(res);
  }

  /** Every provider by id, one request per process however many resources read them; `fresh`: a list asked for from now on. */
  listProviders(fresh = false): Promise<Listing<ProviderRecord>> {
    return this.list(PROVIDERS, "id", providerRecord, "a JSON array of repository providers", undefined, fresh);
  }

  async updateProvider(id: string, body: ProviderBody): Promise<void> {
    const path = `${PROVIDERS}/${encodeURIComponent(id)}`;
    const res = await this.send("PUT", path, body);
    if (res.status === 200 || res.status === 202 || res.status === 204) return;
    if (res.status !== 404) throw this.failure("PUT", path, res);
    await this.listProviders(); // a 404 means gone, unless the server has no such route at all
    throw this.failure("PUT", path, res, `repository provider ${id} no longer exists in Torque; run \`pulumi refresh\` to drop it from the stack, then \`pulumi up\` to create it again.`);
  }

  async deleteProvider(id: string): Promise<void> {
    const path = `${PROVIDERS}/${encodeURIComponent(id)}`;
    const res = await this.send("DELETE", path);
    if ([200, 202, 204].includes(res.status)) return;
    if (res.status === 404) {
      // Already gone, unless the server has no such route at all: the list tells the two apart.
      await this.listProviders();
      return;
    }
    throw this.failure("DELETE", path, res);
  }

  async createSpaceRepository(space: string, body: SpaceRepositoryBody): Promise<void> {
    const path = `${this.spacePath(space)}/gitlabEnterprise`;
    const res = await this.send("POST", path, body);
    if (![200, 201, 202].includes(res.status)) throw this.failure("POST", path, res, this.spaceMissing(space, res));
  }

  /** Every repository of a space by name, one request per space and process; `fresh`: a list asked for from now on. */
  listSpaceRepositories(space: string, fresh = false): Promise<Listing<SpaceRepositoryRecord>> {
    return this.list(this.spacePath(space), "name", spaceRepositoryRecord, "a JSON array of space repositories", this.spaceMissingMessage(space), fresh);
  }

  async updateSpaceRepository(space: string, name: string, patch: SpaceRepositoryPatch): Promise<void> {
    const path = `${this.spacePath(space)}/${encodeURIComponent(name)}`;
    const res = await this.send("PUT", path, patch);
    if ([200, 202, 204].includes(res.status)) return;
    throw this.failure("PUT", path, res, res.status === 404 ? `repository ${name} is no longer in Torque space ${space}; run \`pulumi refresh\`, then \`pulumi up\`.` : undefined);
  }

  async deleteSpaceRepository(space: string, name: string): Promise<void> {
    const path = this.spacePath(space);
    const res = await this.send("DELETE", path, undefined, { repository_name: name });
    if ([200, 202, 204, 404].includes(res.status)) return;
    throw this.failure("DELETE", path, res);
  }

  private spacePath(space: string): string {
    return `/api/spaces/${encodeURIComponent(space)}/repositories`;
  }

  private spaceMissingMessage(space: string): string {
    return `Torque has no space named ${space} (or the API token cannot see it); check the space input.`;
  }

  private spaceMissing(space: string, res: Response): string | undefined {
    return res.status === 404 ? this.spaceMissingMessage(space) : undefined;
  }

  private list<T>(path: string, key: string, schema: z.ZodType<T>, expected: string, notFound?: string, fresh = false): Promise<Listing<T>> {
    const load = async () => {
      const res = await this.send("GET", path);
      if (res.status !== 200) throw this.failure("GET", path, res, res.status === 404 ? notFound : undefined);
      const call = { method: "GET" as const, path: this.prefix + path };
      const { status } = res;
      return new Listing(parseBody("Torque", call, res, entries, expected), key, (entry, at) => conform("Torque", call, { status }, entry, schema, expected, [at]));
    };
    return (fresh ? lists.fresh(this.cacheKey(path), load) : lists.get(this.cacheKey(path), load)) as Promise<Listing<T>>;
  }

  private cacheKey(path: string): string {
    return `${this.settings.url}${path}`;
  }

  /** A write, whatever its outcome (a lost answer may hide an applied write), drops the cached list it changes. */
  private async send(method: Method, path: string, body?: unknown, query?: Record<string, string>): Promise<Response> {
    const req: Request = {
      method,
      path: this.prefix + path,
      query,
      headers: { Authorization: `Bearer ${this.settings.token}`, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    try {
      return await this.http.request(req);
    } finally {
      if (method !== "GET") lists.invalidate(this.cacheKey(collectionOf(path)));
    }
  }

  /** The GUID of a created object: a JSON string, plain text, or `{ "id": ... }`. */
  private createdId(res: Response): string {
    const text = res.body.trim();
    let id: unknown = text;
    try {
      const json = JSON.parse(text);
      id = typeof json === "object" && json !== null ? (json as { id?: unknown }).id : json;
    } catch {
      // plain text
    }
    if (typeof id !== "string" || !/^[\w-]{1,128}$/.test(id)) {
      throw new ProviderError(`Torque: POST ${this.prefix}${PROVIDERS} answered ${res.status} without an id (a GUID as JSON string, plain text or {"id"} was expected); check that torque:url points at Torque.`);
    }
    return id;
  }

  /** One sentence for an answer the caller cannot use, naming the call and the way out. */
  private failure(method: Method, path: string, res: Response, meaning?: string): ProviderError {
    const call = `${method} ${this.prefix}${path}`;
    const detail = serverMessages(res);
    if (res.status === 401) {
      return new ProviderError(`Torque rejected the API token (401 on ${call}); set a valid one with \`pulumi config set --secret torque:token <token>\` or TORQUE_TOKEN.`);
    }
    if (res.status === 403) {
      return new ProviderError(`Torque refused ${call} (403)${detail}: the API token's user needs Torque Admin permissions (or access to the space).`);
    }
    if (res.status === 405 || (res.status === 404 && !meaning)) {
      return new ProviderError(`Torque at ${this.http.host} does not offer ${call} (${res.status}); this provider needs it, see "API contracts" in the README.`);
    }
    if (meaning) return new ProviderError(meaning);
    if (res.status === 429) return new ProviderError(`Torque kept rate-limiting ${call} (429) after retries; try again later or lower --parallel.`);
    if (res.status === 400 || res.status === 409) return new ProviderError(`Torque rejected ${call} (${res.status})${detail}.`, { clash: res.status === 409 });
    if (res.status >= 500) {
      return new ProviderError(`Torque answered ${res.status} to ${call}${detail}; the service may be down, try again later.`, { ambiguous: method === "POST" });
    }
    return new ProviderError(`Torque answered ${res.status} to ${call}${detail}.`);
  }
}

/** The list a path belongs to: the providers, or one space's repositories. */
function collectionOf(path: string): string {
  return path.startsWith(PROVIDERS) ? PROVIDERS : (/^\/api\/spaces\/[^/]+\/repositories/.exec(path)?.[0] ?? path);
}

function serverMessages(res: Response): string {
  try {
    const parsed = errorsBody.safeParse(JSON.parse(res.body));
    if (parsed.success && parsed.data.errors.length > 0) return `: ${parsed.data.errors.map((e) => e.message).join("; ")}`;
  } catch {
    // no JSON body
  }
  return "";
}
