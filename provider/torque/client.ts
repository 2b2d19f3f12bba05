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

/**
 * A repository as a space lists it. Some servers leave out `use_all_agents` and name the
 * credential `credentials`; "" or null means none (a repository provider covers the URL).
 */
export const spaceRepositoryRecord = z
  .object({
    name: z.string(),
    repository_url: z.string(),
    branch: z.string().nullable().default(null),
    credential_name: z.string().nullish(),
    credentials: z.string().nullish(),
    use_all_agents: z.boolean().optional(),
    agents: z.array(z.object({ name: z.string(), status: z.string().optional() })).nullish(),
    status: z.string(),
    errors: z.array(z.object({ message: z.string() })).nullable().default([]),
  })
  .transform(({ credentials, credential_name, ...record }) => ({ ...record, credential_name: credential_name || credentials || undefined }));
export type SpaceRepositoryRecord = z.infer<typeof spaceRepositoryRecord>;

export interface SpaceRepositoryBody {
  repository_name: string;
  repository_url: string;
  /** With a token, Torque stores it as the space credential named `credential_name`. */
  token: string | null;
  branch: string;
  /** Always a string: the credential to use, or to create for `token`; "" when a repository provider covers the URL. */
  credential_name: string;
  use_all_agents: boolean;
  agents: string[];
  eac_auto_registration: boolean;
}

export interface SpaceRepositoryPatch {
  credential_name: string;
  agents: string[];
  use_all_agents: boolean;
}

/** A GitLab credential in a space's credential store, as Torque's official client writes it. */
export interface CredentialBody {
  space_name: string;
  name: string;
  description: string;
  cloud_type: "sourceControl";
  cloud_identifier: "gitlabEnterprise";
  credential_data: { token: string; type: "gitlabEnterprise" };
}

/** The body Torque's official client sends to create or update a space's GitLab credential. */
export function credentialBody(space: string, name: string, description: string, token: string): CredentialBody {
  const type = "gitlabEnterprise";
  return { space_name: space, name, description, cloud_type: "sourceControl", cloud_identifier: type, credential_data: { token, type } };
}

export const credentialRecord = z.object({
  name: z.string(),
  description: z.string().nullish(),
  cloud_identifier: z.string().nullish(),
});
export type CredentialRecord = z.infer<typeof credentialRecord>;

const PROVIDERS = "/api/settings/repository_providers";
const SPACES = "/api/spaces";
const entries = z.array(z.unknown());

/** Torque's REST API for repository providers, space repositories and space credentials. */
export class TorqueClient {
  private readonly http: HttpClient;
  /** For the onboarding call alone: Torque answers it slowly, the official client gives it 120 s. */
  private readonly onboarding: HttpClient;
  private readonly prefix: string;
  /** Lists read by this client, shared by its calls until one of them writes. */
  private readonly lists = new ListCache<Listing<unknown>>();

  constructor(private readonly settings: TorqueSettings) {
    const options = { api: "Torque", url: settings.url, ...settings.transport, credential: settings.names.name("torqueToken") };
    this.http = clientFor(options);
    this.onboarding = clientFor({ ...options, timeoutMs: settings.onboardingTimeoutMs });
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
    const gone = (await this.providerGone(id, res)) ? `repository provider ${id} no longer exists in Torque; run \`pulumi refresh\` to drop it from the stack, then \`pulumi up\` to create it again.` : undefined;
    throw this.failure("PUT", path, res, gone);
  }

  async deleteProvider(id: string): Promise<void> {
    const path = `${PROVIDERS}/${encodeURIComponent(id)}`;
    const res = await this.send("DELETE", path);
    if ([200, 202, 204].includes(res.status) || (await this.providerGone(id, res))) return;
    throw this.failure("DELETE", path, res);
  }

  /**
   * Torque's 404 for a provider, confirmed by the list (a designed route: a server without
   * it may answer 404 for the route itself, which would say nothing of the provider).
   */
  private async providerGone(id: string, res: Response): Promise<boolean> {
    return absent(res) && !(await this.listProviders(true)).get(id);
  }

  async createSpaceRepository(space: string, body: SpaceRepositoryBody): Promise<void> {
    const path = `${this.spacePath(space)}/gitlabEnterprise`;
    const res = await this.send("POST", path, body, undefined, this.onboarding);
    if ([200, 201, 202].includes(res.status)) return;
    if (res.status === 409 && serverErrors(res).some((e) => e.name === "credential_name")) {
      throw this.failure("POST", path, res, `Torque space ${space} already has a credential named ${body.credential_name}${serverMessages(res)}; give the token's credential another credentialName, or use the stored credential instead of a token.`);
    }
    throw this.failure("POST", path, res, this.spaceMissing(space, res));
  }

  /** Every repository of a space by name, one request per space and process; `fresh`: a list asked for from now on. */
  listSpaceRepositories(space: string, fresh = false): Promise<Listing<SpaceRepositoryRecord>> {
    return this.list(this.spacePath(space), "name", spaceRepositoryRecord, "a JSON array of space repositories", this.spaceMissingMessage(space), fresh);
  }

  async updateSpaceRepository(space: string, name: string, patch: SpaceRepositoryPatch): Promise<void> {
    const path = `${this.spacePath(space)}/${encodeURIComponent(name)}`;
    const res = await this.send("PUT", path, patch);
    if ([200, 202, 204].includes(res.status)) return;
    throw this.failure("PUT", path, res, absent(res) ? `repository ${name} is no longer in Torque space ${space}; run \`pulumi refresh\`, then \`pulumi up\`.` : undefined);
  }

  async deleteSpaceRepository(space: string, name: string): Promise<void> {
    const path = this.spacePath(space);
    const res = await this.send("DELETE", path, undefined, { repository_name: name });
    if ([200, 202, 204].includes(res.status) || absent(res)) return;
    throw this.failure("DELETE", path, res);
  }

  async createCredential(body: CredentialBody): Promise<void> {
    const path = this.credentialsPath(body.space_name);
    const res = await this.send("POST", path, body);
    if (![200, 201, 202, 204].includes(res.status)) throw this.failure("POST", path, res, this.spaceMissing(body.space_name, res));
  }

  /** The credential, asked directly (no list): undefined when the space has none of that name. */
  async getCredential(space: string, name: string): Promise<CredentialRecord | undefined> {
    const path = `${this.credentialsPath(space)}/${encodeURIComponent(name)}`;
    const res = await this.send("GET", path);
    if (absent(res)) return undefined;
    if (res.status !== 200) throw this.failure("GET", path, res);
    return parseBody("Torque", { method: "GET", path: this.prefix + path }, res, credentialRecord, "a credential");
  }

  async updateCredential(body: CredentialBody): Promise<void> {
    const path = `${this.credentialsPath(body.space_name)}/${encodeURIComponent(body.name)}`;
    const res = await this.send("PUT", path, body);
    if ([200, 202, 204].includes(res.status)) return;
    throw this.failure("PUT", path, res, absent(res) ? `credential ${body.name} is no longer in Torque space ${body.space_name}; run \`pulumi refresh\`, then \`pulumi up\`.` : undefined);
  }

  /** A credential already gone counts as deleted. */
  async deleteCredential(space: string, name: string): Promise<void> {
    const path = `${this.credentialsPath(space)}/${encodeURIComponent(name)}`;
    const res = await this.send("DELETE", path, { space_name: space, credential_name: name });
    if ([200, 202, 204].includes(res.status) || absent(res)) return;
    const inUse = res.status === 409 ? `Torque keeps credential ${name} of space ${space}${serverMessages(res)}; connect the repositories that use it another way (or remove them), then run pulumi up again.` : undefined;
    throw this.failure("DELETE", path, res, inUse);
  }

  /** The spaces the API token sees (`GET /api/spaces`), answered as is: the preview checks judge the answer. */
  spacesAnswer(): Promise<Response> {
    return this.send("GET", SPACES);
  }

  /** The repository providers, answered as is: whether the API token may manage them, for the preview checks. */
  providersAnswer(): Promise<Response> {
    return this.send("GET", PROVIDERS);
  }

  private spacePath(space: string): string {
    return `/api/spaces/${encodeURIComponent(space)}/repositories`;
  }

  private credentialsPath(space: string): string {
    return `/api/spaces/${encodeURIComponent(space)}/settings/credentialstore`;
  }

  private spaceMissingMessage(space: string): string {
    return `Torque has no space named ${space} (or the API token cannot see it); check the space input.`;
  }

  private spaceMissing(space: string, res: Response): string | undefined {
    return absent(res) ? this.spaceMissingMessage(space) : undefined;
  }

  private list<T>(path: string, key: string, schema: z.ZodType<T>, expected: string, notFound?: string, fresh = false): Promise<Listing<T>> {
    const load = async () => {
      const res = await this.send("GET", path);
      if (res.status !== 200) throw this.failure("GET", path, res, absent(res) ? notFound : undefined);
      const call = { method: "GET" as const, path: this.prefix + path };
      const { status } = res;
      return new Listing(parseBody("Torque", call, res, entries, expected), key, (entry, at) => conform("Torque", call, { status }, entry, schema, expected, [at]));
    };
    return (fresh ? this.lists.fresh(this.cacheKey(path), load) : this.lists.get(this.cacheKey(path), load)) as Promise<Listing<T>>;
  }

  private cacheKey(path: string): string {
    return `${this.settings.url}${path}`;
  }

  /** A write, whatever its outcome (a lost answer may hide an applied write), drops the cached list it changes. */
  private async send(method: Method, path: string, body?: unknown, query?: Record<string, string>, http = this.http): Promise<Response> {
    const req: Request = {
      method,
      path: this.prefix + path,
      query,
      headers: { Authorization: `Bearer ${this.settings.token}`, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    try {
      return await http.request(req);
    } finally {
      if (method !== "GET") this.lists.invalidate(this.cacheKey(collectionOf(path)));
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
      throw new ProviderError(`Torque: POST ${this.prefix}${PROVIDERS} answered ${res.status} without an id (a GUID as JSON string, plain text or {"id"} was expected); check that ${this.settings.names.name("torqueUrl")} points at Torque.`);
    }
    return id;
  }

  /** One sentence for an answer the caller cannot use, naming the call and the way out. */
  private failure(method: Method, path: string, res: Response, meaning?: string): ProviderError {
    const call = `${method} ${this.prefix}${path}`;
    const detail = serverMessages(res);
    if (res.status === 401) {
      return new ProviderError(`Torque rejected the API token (401 on ${call}); set a valid one with ${this.settings.names.howToSet("torqueToken", "<token>")}.`);
    }
    if (res.status === 403) {
      return new ProviderError(`Torque refused ${call} (403)${detail}: the API token's user needs Torque Admin permissions (or access to the space).`);
    }
    if (res.status === 404 && !absent(res)) {
      return new ProviderError(
        `Torque at ${this.http.host} answered ${call} with a 404 that is not Torque's (no {"errors"} body), so it says nothing of the object; check ${this.settings.names.name("torqueUrl")} (now ${this.settings.url}): a wrong address or path prefix reaches another web server.`,
      );
    }
    if (res.status === 405 || (res.status === 404 && !meaning)) {
      if (path.startsWith(PROVIDERS) && method !== "POST") {
        return new ProviderError(
          `Torque at ${this.http.host} does not offer ${call} (${res.status}): Torque documents only the create of repository providers, and this read, update or delete is a route this package designed; see Repository providers in docs/guides/torque.md for what still works and how to manage the provider otherwise.`,
        );
      }
      return new ProviderError(`Torque at ${this.http.host} does not offer ${call} (${res.status}); this provider needs it, see docs/guides/api-contracts.md.`);
    }
    if (meaning) return new ProviderError(`Torque answered ${res.status} to ${call}: ${meaning}`);
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

/**
 * Torque says the object is not there: a 404 in its own error shape. Any other 404 (a web
 * server's page behind a wrong URL prefix) proves nothing, and is an error naming the call.
 */
function absent(res: Response): boolean {
  return res.status === 404 && fromTorque(res);
}

/** The answer is an error in Torque's own shape (`{"errors": [...]}`), not a page of another web server. */
export function fromTorque(res: Response): boolean {
  try {
    return errorsBody.safeParse(JSON.parse(res.body)).success;
  } catch {
    return false;
  }
}

function serverErrors(res: Response): { name?: string; message: string }[] {
  try {
    const parsed = errorsBody.safeParse(JSON.parse(res.body));
    if (parsed.success) return parsed.data.errors;
  } catch {
    // no JSON body
  }
  return [];
}

export function serverMessages(res: Response): string {
  const errors = serverErrors(res);
  return errors.length > 0 ? `: ${errors.map((e) => e.message).join("; ")}` : "";
}
