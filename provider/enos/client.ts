import { z } from "zod";
import { ProviderError } from "../core/errors";
import { ListCache } from "../core/listCache";
import { Listing } from "../core/listing";
import { clientFor, HttpClient, Response } from "../http/client";
import { firstIssue, parseBody } from "../http/json";
import type { EnosSettings } from "./settings";
import { apiSignature, requestTimestamp } from "./signing";
import { accessToken, TokenCache } from "./tokens";

const envelope = z.object({
  code: z.number(),
  msg: z.string().nullable().optional(),
  data: z.unknown().optional(),
  pagination: z.object({ totalSize: z.number() }).optional(),
});
type Envelope = z.infer<typeof envelope>;

export const dataSourceRecord = z.object({
  dataSourceId: z.string(),
  name: z.string(),
  type: z.string(),
  description: z.string().nullable().optional(),
  connection: z.object({ gitUrl: z.string() }),
  createBy: z.string().optional(),
  createTime: z.number(),
});
export type DataSourceRecord = z.infer<typeof dataSourceRecord>;

const entries = z.array(z.unknown());
const createdRecord = z.object({ dataSourceId: z.string() });
const anything = z.unknown();
const testResult = z.object({ success: z.boolean(), message: z.string().nullable().optional() });

export interface DataSourceBody {
  name: string;
  type: "GITLAB";
  description: string;
  connection: { gitUrl: string; token: string };
}

/** A business failure the caller may act on (40401, 40901, ...). */
export class EnosBusinessError extends ProviderError {
  constructor(readonly code: number, message: string) {
    super(message, { clash: code === 40901 });
  }
}

const PAGE_SIZE = 100;
/** 50,000 data sources: far beyond an organization's, near enough to stop a runaway server. */
const MAX_PAGES = 500;
const PAGES_IN_FLIGHT = 8;
const EXPIRED = 1203;
/** A Date header tells the server's clock to the second, and the answer took time to arrive. */
const CLOCK_SLACK_MS = 2_000;

/** The Data Source Registration service behind the EnOS API gateway, signed as the gateway requires. */
export class EnosClient {
  private readonly http: HttpClient;
  /** The organization's list as this client last read it, shared by its calls until one of them writes. */
  private readonly lists = new ListCache<Listing<DataSourceRecord>>();
  /** The access token this client was issued, shared by its calls. */
  private readonly issued: TokenCache = new Map();

  /** EnOS's `createBy` of what this application creates. */
  readonly creator: string;
  /** The gateway's clock minus this machine's, from the last answer's Date header. */
  private clockOffsetMs = 0;

  constructor(private readonly settings: EnosSettings) {
    this.creator = `app:${settings.appKey}`;
    this.http = clientFor({ api: "EnOS", url: settings.apiGateway, ...settings.transport, credential: settings.names.name("enosAppSecret") });
  }

  async create(body: DataSourceBody): Promise<string> {
    return (await this.write("create", {}, body, createdRecord, "the new data source's id")).dataSourceId;
  }

  /** Whether this application registered the data source after `sentAt` (this machine's clock): EnOS records who and when. */
  madeSince(record: DataSourceRecord, sentAt: number): boolean {
    return record.createBy === this.creator && record.createTime >= sentAt + this.clockOffsetMs - CLOCK_SLACK_MS;
  }

  /** One data source by id, or undefined when EnOS has none (40401). */
  async get(id: string): Promise<DataSourceRecord | undefined> {
    const answer = await this.call("get", { dataSourceId: id }, {});
    if (answer.code === 40401) return undefined;
    return this.data(answer, "get", dataSourceRecord, "a data source");
  }

  /**
   * Every GitLab data source of the organization by id, once per process. The first page's
   * total says how many pages to ask for, a few at a time; reading stops at a short or empty
   * page, or at a full one that brings the count to the total. Pages that contradict the
   * total (more entries than it says) read on, one at a time; a missing total reads until a
   * short page. A server that repeats a page (it ignores pageNo) or claims more than
   * MAX_PAGES fails. (A list can still miss an entry, as when pages shift under a concurrent
   * delete: refresh confirms an absence with `get`.)
   */
  list(): Promise<Listing<DataSourceRecord>> {
    return this.lists.get(this.listKey(), async () => {
      const first = await this.searchPage(1);
      const total = first.totalSize;
      if (total !== undefined && total > MAX_PAGES * PAGE_SIZE) throw this.tooMany(`reports ${total} data sources`);
      const planned = Math.ceil((total ?? 0) / PAGE_SIZE);
      const pages = [first.entries];
      let read = first.entries.length;
      while (pages[pages.length - 1].length === PAGE_SIZE && read !== total) {
        const next = pages.length + 1;
        if (next > MAX_PAGES) throw this.tooMany(`keeps answering full pages past page ${MAX_PAGES}`);
        const count = Math.max(1, Math.min(PAGES_IN_FLIGHT, planned - pages.length, MAX_PAGES - pages.length));
        const batch = await Promise.all(Array.from({ length: count }, (_, i) => this.searchPage(next + i)));
        for (const page of batch) {
          if (sameIds(page.entries, pages[pages.length - 1])) {
            throw new ProviderError(`EnOS answered action=search page ${pages.length + 1} with the same data sources as page ${pages.length} (it ignores pageNo), so the list cannot be read whole; check ${this.settings.names.name("enosServicePath")} (now ${this.settings.servicePath}).`);
          }
          pages.push(page.entries);
          read += page.entries.length;
          if (page.entries.length < PAGE_SIZE || read === total) break;
        }
      }
      return new Listing(pages.flat(), "dataSourceId", (entry, at) => conformData(this.servicePathName(), "search", entry, dataSourceRecord, "a list of data sources", at));
    });
  }

  /** The data source of that name, asked for now (never a cached list): lookups after a create. */
  async findByName(name: string): Promise<DataSourceRecord | undefined> {
    const answer = await this.call("search", {}, { type: "GITLAB", name, pagination: { pageNo: 1, pageSize: PAGE_SIZE } });
    const found = this.data(answer, "search", entries, "a list of data sources").find((entry) => (entry as { name?: unknown } | null)?.name === name);
    return found === undefined ? undefined : conformData(this.servicePathName(), "search", found, dataSourceRecord, "a data source");
  }

  private tooMany(what: string): ProviderError {
    return new ProviderError(`EnOS action=search ${what}, more than the ${MAX_PAGES * PAGE_SIZE} this provider reads; check ${this.settings.names.name("enosServicePath")} (now ${this.settings.servicePath}) and ${this.settings.names.name("enosOrgId")}.`);
  }

  private async searchPage(pageNo: number): Promise<{ entries: unknown[]; totalSize?: number }> {
    const answer = await this.call("search", {}, { type: "GITLAB", pagination: { pageNo, pageSize: PAGE_SIZE } });
    return { entries: this.data(answer, "search", entries, "a list of data sources"), totalSize: answer.pagination?.totalSize };
  }

  async update(id: string, body: Omit<DataSourceBody, "name" | "type">): Promise<void> {
    await this.write("update", { dataSourceId: id }, body, anything, "a result");
  }

  async delete(id: string): Promise<void> {
    try {
      await this.write("delete", { dataSourceId: id }, {}, anything, "a result");
    } catch (err) {
      if (!(err instanceof EnosBusinessError && err.code === 40401)) throw err;
    }
  }

  /** The console's Test button: EnOS connects to GitLab from its side. */
  async test(gitUrl: string, token: string): Promise<{ success: boolean; message: string }> {
    const answer = await this.call("test", {}, { type: "GITLAB", connection: { gitUrl, token } });
    const result = this.data(answer, "test", testResult, "a test result");
    return { success: result.success, message: result.message ?? "" };
  }

  private async write<T>(action: string, query: Record<string, string>, body: object, schema: z.ZodType<T>, expected: string): Promise<T> {
    try {
      return this.data(await this.call(action, query, body), action, schema, expected);
    } finally {
      this.lists.invalidate(this.listKey());
    }
  }

  private servicePathName(): string {
    return this.settings.names.name("enosServicePath");
  }

  private listKey(): string {
    return `${this.settings.apiGateway}\n${this.settings.orgId}`;
  }

  /** A signed call; an expired token (1203) is replaced once and the call sent once more. */
  private async call(action: string, extra: Record<string, string>, body: object): Promise<Envelope> {
    const query = { action, orgId: this.settings.orgId, ...extra };
    const path = `${this.settings.servicePath}/data-sources`;
    const text = JSON.stringify(body);
    let token = await accessToken(this.issued, this.settings, this.http);
    for (let attempt = 1; ; attempt++) {
      const signer = token;
      const res = await this.http.request({
        method: "POST",
        path,
        query,
        body: text,
        idempotent: action !== "create",
        headers: { "Content-Type": "application/json;charset=UTF-8", "apim-accesstoken": signer },
        // Signed again for every attempt: the gateway refuses a signature it has seen (a replay).
        signed: () => {
          const timestamp = requestTimestamp();
          return { "apim-timestamp": String(timestamp), "apim-signature": apiSignature(signer, query, text, timestamp, this.settings.appSecret) };
        },
      });
      const serverNow = Date.parse(res.headers.date ?? "");
      if (Number.isFinite(serverNow)) this.clockOffsetMs = serverNow + 500 - Date.now();
      const answer = this.envelope(action, path, res);
      if (answer.code !== EXPIRED || attempt > 1) return answer;
      token = await accessToken(this.issued, this.settings, this.http, token);
    }
  }

  private envelope(action: string, path: string, res: Response): Envelope {
    const call = `POST ${path}?action=${action}`;
    if (res.status === 401) {
      throw new ProviderError(`EnOS rejected the access token or signature (401 on ${call})${detail(res)}; check ${this.settings.names.name("enosAppKey")} and ${this.settings.names.name("enosAppSecret")}.`);
    }
    if (res.status === 403) {
      throw new ProviderError(`EnOS refused ${call} (403)${detail(res)}; check ${this.settings.names.name("enosOrgId")} and that the application is authorised for the Data Source Registration service.`);
    }
    if (res.status === 404 || res.status === 405) {
      throw new ProviderError(`EnOS at ${this.http.host} does not offer ${call} (${res.status}); check ${this.settings.names.name("enosServicePath")} (now ${this.settings.servicePath}), see docs/guides/api-contracts.md.`);
    }
    if (res.status === 429) throw new ProviderError(`EnOS kept rate-limiting ${call} (429) after retries; try again later or lower --parallel.`);
    if (res.status >= 500) {
      throw new ProviderError(`EnOS answered ${res.status} to ${call}; the service may be down, try again later.`, { ambiguous: action === "create" });
    }
    const answer = parseBody("EnOS", { method: "POST", path: `${path}?action=${action}` }, res, envelope, 'an EnOS answer ({"code","msg","data"})');
    // A business failure keeps its code whatever the status; a success is only one under a 2xx status.
    if (answer.code === 0 && (res.status < 200 || res.status > 299)) {
      throw new ProviderError(`EnOS answered ${res.status} to ${call} with a success envelope (code 0), which is no success; check ${this.settings.names.name("enosApiGateway")} and ${this.settings.names.name("enosServicePath")} (now ${this.settings.servicePath}).`, { ambiguous: action === "create" });
    }
    return answer;
  }

  private data<T>(answer: Envelope, action: string, schema: z.ZodType<T>, expected: string): T {
    if (answer.code !== 0) throw new EnosBusinessError(answer.code, businessMessage(action, answer));
    return conformData(this.servicePathName(), action, answer.data, schema, expected);
  }
}

function sameIds(a: unknown[], b: unknown[]): boolean {
  const ids = (page: unknown[]) => page.map((entry) => (entry as { dataSourceId?: unknown } | null)?.dataSourceId).join("\n");
  return a.length > 0 && a.length === b.length && ids(a) === ids(b);
}

/** `data` of an answer (or its entry `at`) checked against its shape; `servicePath`: how messages name that setting. */
function conformData<T>(servicePath: string, action: string, data: unknown, schema: z.ZodType<T>, expected: string, at?: number): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new ProviderError(`EnOS answered action=${action} with data that is not ${expected} (${firstIssue(parsed.error, at === undefined ? [] : [at])}); check ${servicePath}.`);
  }
  return parsed.data;
}

function businessMessage(action: string, answer: Envelope): string {
  const msg = answer.msg ? `: ${answer.msg}` : "";
  switch (answer.code) {
    case 40001:
      return `EnOS rejected action=${action} as an invalid parameter (40001)${msg}; fix the input it names.`;
    case 40301:
      return action === "delete"
        ? `EnOS allows only the creator to delete this data source (40301)${msg}; use the provider with the application credentials (EnOS app key and secret) that created it, or drop it from the stack with \`pulumi state delete\` and leave it in EnOS.`
        : `EnOS allows only the creator to change this data source (40301)${msg}; use the provider with the application credentials (EnOS app key and secret) that created it.`;
    case 40401:
      return action === "update"
        ? `EnOS has no such data source (40401)${msg}: it was deleted outside Pulumi; run \`pulumi refresh\` to drop it from the stack, then \`pulumi up\` creates it again.`
        : `EnOS has no such data source (40401)${msg}.`;
    case 40901:
      return `EnOS already has a data source with that name (40901)${msg}.`;
    case EXPIRED:
      return `EnOS reported the access token expired again after a renewal (1203)${msg}; check the machine's clock.`;
    default:
      return `EnOS answered action=${action} with code ${answer.code}${msg}.`;
  }
}

function detail(res: Response): string {
  try {
    const msg = (JSON.parse(res.body) as { msg?: unknown }).msg;
    return typeof msg === "string" && msg ? ` "${msg}"` : "";
  } catch {
    return "";
  }
}
