import { randomUUID } from "node:crypto";
import { ListLag } from "./lag";
import {
  checkFields,
  isNonEmptyString,
  isObject,
  objectRule,
  parseHttpUrl,
  type FieldRule,
  type JsonObject,
} from "./fields";
import type { TestResult } from "./enos-probe";
import { parseJson, requireEntry } from "./handler-kit";

export interface DataSourceRecord {
  dataSourceId: string;
  orgId: string;
  name: string;
  type: string;
  description: string;
  gitUrl: string;
  token: string;
  /** "app:<appKey>" of the creating application. */
  createBy: string;
  createTime: number;
  updateTime: number;
}

/** A record to store; id and times are generated when omitted. */
export type DataSourceSeed = Omit<DataSourceRecord, "dataSourceId" | "createTime" | "updateTime"> &
  Partial<DataSourceRecord>;

export interface Pagination {
  pageNo: number;
  pageSize: number;
  totalSize: number;
}

/** An answer's code, msg and data, before the server adds requestId. */
export interface BusinessResult {
  code: number;
  msg: string;
  data: unknown;
  pagination?: Pagination;
}

/** Who is calling: the app's organization and its createBy value. */
export interface Caller {
  orgId: string;
  createBy: string;
}

export type ConnectionTester = (gitUrl: string, token: string) => Promise<TestResult>;

const ACTIONS = ["create", "get", "update", "delete", "search", "test"];
const DEFAULT_PAGE_SIZE = 10;

const nonEmpty: FieldRule = { check: isNonEmptyString, expected: "a non-empty string" };
const gitlabType: FieldRule = { check: (value) => value === "GITLAB", expected: "GITLAB" };
const descriptionRule: FieldRule = {
  check: (value) => typeof value === "string" && value.length <= 100,
  expected: "a string of at most 100 characters",
  optional: true,
};
const nameRule: FieldRule = {
  check: (value) => typeof value === "string" && /^[A-Za-z0-9_]{1,50}$/.test(value),
  expected: "1 to 50 characters of a-z, A-Z, 0-9 and _",
};
const gitUrlRule: FieldRule = {
  check: isGitUrl,
  expected: "http(s)://host[:port]/namespace/project without user info, query or fragment",
};
const connection = (optional: boolean, tokenOptional: boolean): FieldRule =>
  objectRule({ gitUrl: gitUrlRule, token: { ...nonEmpty, optional: tokenOptional } }, optional);
const countingNumber = (max?: number): FieldRule => ({
  check: (value) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= (max ?? Infinity),
  expected: max === undefined ? "an integer >= 1" : `an integer from 1 to ${max}`,
});

const CREATE_RULES = {
  name: nameRule,
  type: gitlabType,
  description: descriptionRule,
  connection: connection(false, false),
};
const UPDATE_RULES = { description: descriptionRule, connection: connection(true, true) };
const TEST_RULES = { type: gitlabType, connection: connection(false, false) };
const SEARCH_RULES = {
  type: { ...gitlabType, optional: true },
  name: { check: (value: unknown) => typeof value === "string", expected: "a string", optional: true },
  pagination: objectRule({ pageNo: countingNumber(), pageSize: countingNumber(100) }, true),
};

/** The Data Source Registration actions and their store. */
export class DataSources {
  readonly records = new Map<string, DataSourceRecord>();
  /** Search answers late (get does not). */
  readonly lag = new ListLag();
  /**
   * Pages after the first start one entry later, as when an earlier data source is deleted
   * between two page reads: the entry at the page boundary is in no page.
   */
  shiftPages = false;

  constructor(private readonly testConnection: ConnectionTester) {}

  /** One call: `query` carries action (and dataSourceId), `body` the raw JSON. */
  async run(query: URLSearchParams, body: string, caller: Caller): Promise<BusinessResult> {
    const action = query.get("action");
    if (!action || !ACTIONS.includes(action)) return invalid(`action must be one of ${ACTIONS.join(", ")}`);
    const value = parseJson(body);
    if (!isObject(value)) return invalid("the body must be a JSON object");
    const id = query.get("dataSourceId");
    switch (action) {
      case "create":
        return this.create(value, caller);
      case "get":
        return firstProblem(value, {}) ?? this.withStored(id, caller, false, (record) => ok(view(record)));
      case "update":
        return this.update(value, id, caller);
      case "delete":
        return firstProblem(value, {}) ?? this.withStored(id, caller, true, (record) => this.deleteAction(record));
      case "search":
        return this.search(value, caller);
      default:
        return this.test(value, caller);
    }
  }

  seed(record: DataSourceSeed): DataSourceRecord {
    const now = Date.now();
    const stored = { dataSourceId: `ds-${randomUUID()}`, createTime: now, updateTime: now, ...record };
    this.records.set(stored.dataSourceId, stored);
    return stored;
  }

  edit(id: string, patch: Partial<Omit<DataSourceRecord, "dataSourceId">>): DataSourceRecord {
    return Object.assign(requireEntry(this.records, id, "EnOS data source"), patch);
  }

  remove(id: string): void {
    requireEntry(this.records, id, "EnOS data source");
    this.records.delete(id);
  }

  private create(value: JsonObject, caller: Caller): BusinessResult {
    const problem = firstProblem(value, CREATE_RULES);
    if (problem) return problem;
    const input = value as { name: string; description?: string; connection: { gitUrl: string; token: string } };
    if (this.inOrg(caller).some((record) => record.name === input.name)) {
      return result(40901, `A data source named ${input.name} already exists`);
    }
    const { gitUrl, token } = input.connection;
    const description = input.description ?? "";
    const record = this.seed({ ...caller, name: input.name, type: "GITLAB", description, gitUrl, token });
    return ok({ dataSourceId: record.dataSourceId });
  }

  private update(value: JsonObject, id: string | null, caller: Caller): BusinessResult {
    if ("name" in value) return invalid("name cannot be changed after creation");
    const problem = firstProblem(value, UPDATE_RULES);
    if (problem) return problem;
    const input = value as { description?: string; connection?: { gitUrl: string; token?: string } };
    return this.withStored(id, caller, true, (record) => {
      if (input.description !== undefined) record.description = input.description;
      if (input.connection) record.gitUrl = input.connection.gitUrl;
      if (input.connection?.token !== undefined) record.token = input.connection.token;
      record.updateTime = Date.now();
      return ok(view(record));
    });
  }

  private search(value: JsonObject, caller: Caller): BusinessResult {
    const problem = firstProblem(value, SEARCH_RULES);
    if (problem) return problem;
    const { name, pagination } = value as { name?: string; pagination?: { pageNo: number; pageSize: number } };
    const { pageNo, pageSize } = pagination ?? { pageNo: 1, pageSize: DEFAULT_PAGE_SIZE };
    const matching = this.lag.answer(caller.orgId, this.inOrg(caller)).filter((record) => name === undefined || record.name === name);
    const shift = this.shiftPages && pageNo > 1 ? 1 : 0;
    const page = matching.slice((pageNo - 1) * pageSize + shift, pageNo * pageSize + shift);
    return { ...ok(page.map(view)), pagination: { pageNo, pageSize, totalSize: matching.length } };
  }

  private async test(value: JsonObject, caller: Caller): Promise<BusinessResult> {
    if ("dataSourceId" in value) {
      const problem = firstProblem(value, { dataSourceId: nonEmpty });
      if (problem) return problem;
      const record = this.stored(value.dataSourceId as string, caller, true);
      return "code" in record ? record : ok(await this.testConnection(record.gitUrl, record.token));
    }
    const problem = firstProblem(value, TEST_RULES);
    if (problem) return problem;
    const { gitUrl, token } = (value as { connection: { gitUrl: string; token: string } }).connection;
    return ok(await this.testConnection(gitUrl, token));
  }

  private deleteAction(record: DataSourceRecord): BusinessResult {
    this.records.delete(record.dataSourceId);
    return ok(null);
  }

  private withStored(
    id: string | null,
    caller: Caller,
    creatorOnly: boolean,
    use: (record: DataSourceRecord) => BusinessResult,
  ): BusinessResult {
    if (!id) return invalid("dataSourceId is required");
    const record = this.stored(id, caller, creatorOnly);
    return "code" in record ? record : use(record);
  }

  /** The record, or the 40401 / 40301 answer; records of other organizations do not exist for the caller. */
  private stored(id: string, caller: Caller, creatorOnly: boolean): DataSourceRecord | BusinessResult {
    const record = this.records.get(id);
    if (!record || record.orgId !== caller.orgId) return result(40401, `Data source ${id} not found`);
    if (creatorOnly && record.createBy !== caller.createBy) {
      return result(40301, "Only the creator can edit, delete and use a data source");
    }
    return record;
  }

  private inOrg(caller: Caller): DataSourceRecord[] {
    return [...this.records.values()].filter((record) => record.orgId === caller.orgId);
  }
}

/** The 40001 answer naming the first problem of the body, if any. */
function firstProblem(value: JsonObject, rules: Record<string, FieldRule>): BusinessResult | undefined {
  const [problem] = checkFields(value, rules);
  return problem ? invalid(problem.message) : undefined;
}

function isGitUrl(value: unknown): boolean {
  const url = parseHttpUrl(value);
  if (!url || /[?#]/.test(value as string) || !url.hostname) return false;
  return /^(\/[^/]+){2,}$/.test(url.pathname);
}

function view(record: DataSourceRecord): object {
  const { dataSourceId, name, type, description, gitUrl, createBy, createTime, updateTime } = record;
  return { dataSourceId, name, type, description, connection: { gitUrl }, createBy, createTime, updateTime };
}

function ok(data: unknown): BusinessResult {
  return { code: 0, msg: "OK", data };
}

function invalid(detail: string): BusinessResult {
  return result(40001, `Invalid parameter: ${detail}`);
}

function result(code: number, msg: string): BusinessResult {
  return { code, msg, data: null };
}
