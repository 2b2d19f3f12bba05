import { ListLag } from "./lag";
import { randomUUID } from "node:crypto";
import {
  checkFields,
  isNonEmptyString,
  isObject,
  isStringArray,
  objectRule,
  parseHttpUrl,
  type FieldRule,
} from "./fields";
import { jsonResponse, parseJson, requireEntry, textResponse, type SandboxResponse } from "./handler-kit";
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

/** Account-level repository providers: the HTTP operations and their store. */
export class RepositoryProviders {
  readonly records = new Map<string, ProviderRecord>();
  readonly lag = new ListLag();

  create(body: string, shape: CreateResponseShape): SandboxResponse {
    const input = readProvider(body);
    if (Array.isArray(input)) return torqueErrors(400, input);
    if (this.nameTaken(input.name)) return nameConflict(input.name);
    const id = this.seed(input).id;
    if (shape === "text") return textResponse(201, id);
    return jsonResponse(201, shape === "object" ? { id } : id);
  }

  list(): SandboxResponse {
    return jsonResponse(200, this.lag.answer("providers", [...this.records.values()].map(view)));
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

  remove(id: string): void {
    requireEntry(this.records, id, "Torque repository provider");
    this.records.delete(id);
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

/** On update an omitted token keeps the stored one. */
function providerRules(tokenOptional: boolean): Record<string, FieldRule> {
  return {
    name: { check: isNonEmptyString, expected: "a non-empty string" },
    type: { check: (value) => value === "gitLabEnterprise", expected: "'gitLabEnterprise'" },
    details: objectRule({
      base_url: { check: isBaseUrl, expected: "an http(s) URL ending with '/'" },
      token: { check: isNonEmptyString, expected: "a non-empty string", optional: tokenOptional },
    }),
    repos: { check: isStringArray, expected: "an array of repository URL strings" },
  };
}

/** Validates a create (no `stored`) or update body; every problem is reported, each naming its field. */
function readProvider(body: string, stored?: ProviderRecord): Omit<ProviderRecord, "id"> | TorqueError[] {
  const value = parseJson(body);
  if (!isObject(value)) return [{ name: "body", message: "The request body must be a JSON object" }];
  const problems = checkFields(value, providerRules(stored !== undefined));
  if (problems.length > 0) return problems;
  const input = value as { name: string; details: { base_url: string; token?: string }; repos: string[] };
  const baseUrl = input.details.base_url;
  const outside = input.repos.filter((repo) => !isUnder(repo, baseUrl));
  if (outside.length > 0) {
    const message = (repo: string): string => `Repository '${repo}' is not under details.base_url '${baseUrl}'`;
    return outside.map((repo) => ({ name: "repos", message: message(repo) }));
  }
  // Without `stored` the rules made the token required.
  const token = input.details.token ?? (stored as ProviderRecord).token;
  return { name: input.name, type: "gitLabEnterprise", baseUrl, token, repos: input.repos };
}

function isBaseUrl(value: unknown): boolean {
  const url = parseHttpUrl(value);
  return url !== undefined && !url.search && !url.hash && (value as string).endsWith("/");
}

function view({ id, name, type, baseUrl, repos }: ProviderRecord): object {
  return { id, name, type, details: { base_url: baseUrl }, repos };
}

function notFound(id: string): SandboxResponse {
  return torqueError(404, "NotFound", `Repository provider '${id}' was not found`);
}

/** The contract's exact 409 body, which carries no field name. */
function nameConflict(name: string): SandboxResponse {
  return torqueErrors(409, [{ message: `Repository provider '${name}' already exists` }]);
}
