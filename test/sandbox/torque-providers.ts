import { randomUUID } from "node:crypto";
import { isNonEmptyString, isObject, parseHttpUrl, unknownKeys } from "./fields";
import { jsonResponse, parseJson, requireEntry, textResponse, type SandboxResponse } from "./server";
import { torqueError, torqueErrors, type TorqueError } from "./torque-errors";

export interface ProviderRecord {
  id: string;
  name: string;
  type: string;
  baseUrl: string;
  token: string;
  repos: string[];
}

/** How a successful create returns the new GUID: JSON string, text/plain, or {"id": ...}. */
export type CreateResponseShape = "string" | "text" | "object";

const FIELDS = ["name", "type", "details", "repos"];
const DETAILS_FIELDS = ["token", "base_url"];

/** Account-level repository providers: the HTTP operations and their store. */
export class RepositoryProviders {
  readonly records = new Map<string, ProviderRecord>();

  create(body: string, shape: CreateResponseShape): SandboxResponse {
    const input = readProvider(body);
    if (Array.isArray(input)) return torqueErrors(400, input);
    if (this.nameTaken(input.name)) return nameConflict(input.name);
    const id = this.seed(input).id;
    if (shape === "text") return textResponse(201, id);
    return jsonResponse(201, shape === "object" ? { id } : id);
  }

  list(): SandboxResponse {
    return jsonResponse(200, [...this.records.values()].map(view));
  }

  get(id: string): SandboxResponse {
    const record = this.records.get(id);
    return record ? jsonResponse(200, view(record)) : notFound(id);
  }

  update(id: string, body: string): SandboxResponse {
    const record = this.records.get(id);
    if (!record) return notFound(id);
    const input = readProvider(body, record);
    if (Array.isArray(input)) return torqueErrors(400, input);
    if (this.nameTaken(input.name, id)) return nameConflict(input.name);
    return jsonResponse(200, view(Object.assign(record, input)));
  }

  delete(id: string): SandboxResponse {
    return this.records.delete(id) ? { status: 204 } : notFound(id);
  }

  /** The provider whose base_url covers the repository URL, if any. */
  covering(repositoryUrl: string): ProviderRecord | undefined {
    return [...this.records.values()].find((record) => isUnder(repositoryUrl, record.baseUrl));
  }

  seed(record: Omit<ProviderRecord, "id"> & { id?: string }): ProviderRecord {
    const stored = { ...record, id: record.id ?? randomUUID() };
    this.records.set(stored.id, stored);
    return stored;
  }

  edit(id: string, patch: Partial<Omit<ProviderRecord, "id">>): ProviderRecord {
    return Object.assign(requireEntry(this.records, id, "Torque repository provider"), patch);
  }

  private nameTaken(name: string, exceptId?: string): boolean {
    return [...this.records.values()].some((record) => record.name === name && record.id !== exceptId);
  }
}

/** True when `url` is an http(s) URL strictly below `baseUrl` (compared after URL normalisation). */
export function isUnder(url: string, baseUrl: string): boolean {
  const parsed = parseHttpUrl(url)?.href;
  const base = parseHttpUrl(baseUrl)?.href;
  return parsed !== undefined && base !== undefined && parsed.length > base.length && parsed.startsWith(base);
}

/** Validates a create (no `stored`) or update body; every problem is reported, each naming its field. */
function readProvider(body: string, stored?: ProviderRecord): Omit<ProviderRecord, "id"> | TorqueError[] {
  const value = parseJson(body);
  if (!isObject(value)) return [{ name: "body", message: "The request body must be a JSON object" }];
  const errors = unknownKeys(value, FIELDS).map((key) => unknownField(key));
  if (!isNonEmptyString(value.name)) errors.push({ name: "name", message: "name is required" });
  if (value.type !== "gitLabEnterprise") errors.push({ name: "type", message: "type must be 'gitLabEnterprise'" });
  const details = isObject(value.details) ? value.details : {};
  if (!isObject(value.details)) errors.push({ name: "details", message: "details must be an object" });
  errors.push(...unknownKeys(details, DETAILS_FIELDS).map((key) => unknownField(`details.${key}`)));
  const baseUrl = details.base_url;
  const baseUrlValid = isBaseUrl(baseUrl);
  if (!baseUrlValid) {
    errors.push({ name: "details.base_url", message: "details.base_url must be an http(s) URL ending with '/'" });
  }
  const token = details.token ?? stored?.token;
  if (!isNonEmptyString(token)) errors.push({ name: "details.token", message: "details.token is required" });
  const repos = value.repos;
  if (!Array.isArray(repos) || !repos.every((repo) => typeof repo === "string")) {
    errors.push({ name: "repos", message: "repos must be an array of repository URL strings" });
  } else if (baseUrlValid) {
    for (const repo of repos.filter((candidate) => !isUnder(candidate, baseUrl))) {
      errors.push({ name: "repos", message: `Repository '${repo}' is not under details.base_url '${baseUrl}'` });
    }
  }
  if (errors.length > 0) return errors;
  return { name: value.name as string, type: "gitLabEnterprise", baseUrl: baseUrl as string, token: token as string, repos: repos as string[] };
}

function isBaseUrl(value: unknown): value is string {
  const url = parseHttpUrl(value);
  return url !== undefined && !url.search && !url.hash && (value as string).endsWith("/");
}

function view({ id, name, type, baseUrl, repos }: ProviderRecord): object {
  return { id, name, type, details: { base_url: baseUrl }, repos };
}

function unknownField(field: string): TorqueError {
  return { name: field, message: `Unknown field '${field}'` };
}

function notFound(id: string): SandboxResponse {
  return torqueError(404, "NotFound", `Repository provider '${id}' was not found`);
}

/** The contract's exact 409 body, which carries no field name. */
function nameConflict(name: string): SandboxResponse {
  return torqueErrors(409, [{ message: `Repository provider '${name}' already exists` }]);
}
