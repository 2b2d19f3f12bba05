import { STATUS_CODES } from "node:http";
import * as semver from "semver";
import type { RateLimitFault, StatusFault } from "./faults";
import {
  bearerToken,
  jsonResponse,
  matchRoute,
  requireEntry,
  textResponse,
  type Route,
  type SandboxRequest,
  type SandboxResponse,
} from "./handler-kit";
import { SandboxServer } from "./server";

export type GitLabTokenKind = "personal" | "project" | "group" | "oauth";

export interface GitLabTokenSpec {
  token: string;
  scopes: string[];
  /** "YYYY-MM-DD"; null (the default) never expires. */
  expiresAt?: string | null;
  revoked?: boolean;
  kind?: GitLabTokenKind;
  userId?: number;
  name?: string;
}

export interface GitLabToken extends Required<GitLabTokenSpec> {
  id: number;
  createdAt: string;
  lastUsedAt: string | null;
}

export type GitLabVisibility = "public" | "internal" | "private";

export interface GitLabProjectSpec {
  /** Full path, "group/sub/project". */
  path: string;
  visibility?: GitLabVisibility;
  archived?: boolean;
  /** Users that see the project when it is private. */
  members?: number[];
  defaultBranch?: string;
}

export interface GitLabProject extends Required<GitLabProjectSpec> {
  id: number;
}

export interface GitLabOptions {
  port?: number;
  /** Relative URL root such as "/gitlab"; default none. */
  root?: string;
  /** The GitLab version it acts as; before 15.5 it has no /personal_access_tokens/self, before 15.2 no /metadata. Default 17.5.1. */
  version?: string;
}

const GITLAB_VERSION = "17.5.1";
const RATE_LIMIT_PER_MINUTE = 2000;
const USER_SCOPES = ["read_user", "read_api", "api"];
const PROJECT_SCOPES = ["api", "read_api"];
const NOT_FOUND_PAGE =
  "<!DOCTYPE html>\n<html><head><title>The page you're looking for could not be found (404)</title></head>" +
  "<body><h1>404</h1><p>The page could not be found or you don't have permission to view it.</p></body></html>\n";

type Handler = (token: GitLabToken, params: string[]) => SandboxResponse;
/** A route GitLab has from version `since` on. */
type VersionedRoute = Route<Handler> & { since?: string };

export class GitLabServer extends SandboxServer {
  private readonly tokens = new Map<string, GitLabToken>();
  private readonly projects = new Map<string, GitLabProject>();
  private lastTokenId = 0;
  private lastProjectId = 0;
  private rateWindow = { start: 0, used: 0 };
  private readonly routes: VersionedRoute[] = [
    { method: "GET", pattern: /^\/personal_access_tokens\/self$/, handler: (token) => this.tokenSelf(token), since: "15.5" },
    { method: "GET", pattern: /^\/user$/, handler: (token) => this.withScope(token, USER_SCOPES, user(token)) },
    { method: "GET", pattern: /^\/metadata$/, handler: (token) => this.withScope(token, USER_SCOPES, { ...this.versionBody(), kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null }, enterprise: false }), since: "15.2" },
    { method: "GET", pattern: /^\/version$/, handler: (token) => this.withScope(token, USER_SCOPES, this.versionBody()) },
    {
      method: "GET",
      pattern: /^\/projects\/([^/]+)$/,
      handler: (token, [id]) => this.insufficientScope(token, PROJECT_SCOPES) ?? this.project(token, id),
    },
  ];

  constructor(
    private readonly root: string,
    /** The GitLab version it acts as (see GitLabOptions.version). */
    readonly version = GITLAB_VERSION,
  ) {
    super();
  }

  override get url(): string {
    return this.origin + this.root;
  }

  addToken(spec: GitLabTokenSpec): GitLabToken {
    if (this.tokens.has(spec.token)) throw new Error(`GitLab sandbox: token ${spec.token} already exists`);
    const token: GitLabToken = {
      expiresAt: null,
      revoked: false,
      kind: "personal",
      userId: 1,
      name: `token-${this.lastTokenId + 1}`,
      ...spec,
      id: ++this.lastTokenId,
      createdAt: new Date().toISOString(),
      lastUsedAt: null,
    };
    this.tokens.set(token.token, token);
    return token;
  }

  tokenList(): GitLabToken[] {
    return [...this.tokens.values()].map((token) => ({ ...token }));
  }

  projectList(): GitLabProject[] {
    return [...this.projects.values()].map((project) => ({ ...project }));
  }

  updateToken(token: string, patch: Partial<Omit<GitLabTokenSpec, "token">>): GitLabToken {
    return Object.assign(requireEntry(this.tokens, token, "GitLab token"), patch);
  }

  addProject(spec: GitLabProjectSpec): GitLabProject {
    if (this.projects.has(spec.path)) throw new Error(`GitLab sandbox: project ${spec.path} already exists`);
    const project: GitLabProject = {
      visibility: "private",
      archived: false,
      members: [],
      defaultBranch: "main",
      ...spec,
      id: ++this.lastProjectId,
    };
    this.projects.set(project.path, project);
    return project;
  }

  updateProject(path: string, patch: Partial<Omit<GitLabProjectSpec, "path">>): GitLabProject {
    return Object.assign(requireEntry(this.projects, path, "GitLab project"), patch);
  }

  removeProject(path: string): void {
    requireEntry(this.projects, path, "GitLab project");
    this.projects.delete(path);
  }

  protected handle(request: SandboxRequest): SandboxResponse {
    const apiPrefix = `${this.root}/api/v4`;
    if (!request.path.startsWith(`${apiPrefix}/`)) return textResponse(404, NOT_FOUND_PAGE, "text/html; charset=utf-8");
    const routes = this.routes.filter((candidate) => !candidate.since || !semver.lt(semver.coerce(this.version)!, semver.coerce(candidate.since)!));
    const route = matchRoute(routes, request.method, request.path.slice(apiPrefix.length));
    if ("miss" in route) return this.json(route.miss, { error: `${route.miss} ${STATUS_CODES[route.miss]}` });
    const token = this.authenticate(request);
    if (!token) return this.json(401, { message: "401 Unauthorized" });
    return route.handler(token, route.params);
  }

  protected faultResponse(fault: StatusFault | RateLimitFault): SandboxResponse {
    if (fault.kind === "rateLimit") {
      return textResponse(429, "Retry later", undefined, { "Retry-After": String(fault.retryAfter) });
    }
    return this.json(fault.status, { message: `${fault.status} ${STATUS_CODES[fault.status] ?? "Error"}` });
  }

  private authenticate(request: SandboxRequest): GitLabToken | undefined {
    const privateToken = request.headers["private-token"];
    const secret = typeof privateToken === "string" ? privateToken : bearerToken(request);
    const token = secret === undefined ? undefined : this.tokens.get(secret);
    if (!token || token.revoked || isExpired(token)) return undefined;
    token.lastUsedAt = new Date().toISOString();
    return token;
  }

  private versionBody(): object {
    return { version: this.version, revision: "sandbox" };
  }

  private withScope(token: GitLabToken, accepted: string[], body: object): SandboxResponse {
    return this.insufficientScope(token, accepted) ?? this.json(200, body);
  }

  private insufficientScope(token: GitLabToken, accepted: string[]): SandboxResponse | undefined {
    if (token.scopes.some((scope) => accepted.includes(scope))) return undefined;
    return this.json(403, {
      error: "insufficient_scope",
      error_description: "The request requires higher privileges than provided by the access token.",
      scope: accepted.join(" "),
    });
  }

  private tokenSelf(token: GitLabToken): SandboxResponse {
    if (token.kind === "oauth") {
      return this.json(400, {
        message: "400 Bad request - This endpoint requires token type to be a personal access token",
      });
    }
    return this.json(200, {
      id: token.id,
      name: token.name,
      revoked: token.revoked,
      created_at: token.createdAt,
      description: null,
      scopes: token.scopes,
      user_id: token.userId,
      last_used_at: token.lastUsedAt,
      active: true,
      expires_at: token.expiresAt,
    });
  }

  private project(token: GitLabToken, id: string): SandboxResponse {
    const project = /^\d+$/.test(id)
      ? [...this.projects.values()].find((candidate) => candidate.id === Number(id))
      : this.projects.get(id);
    const visible = project && (project.visibility !== "private" || project.members.includes(token.userId));
    if (!visible) return this.json(404, { message: "404 Project Not Found" });
    return this.json(200, {
      id: project.id,
      path_with_namespace: project.path,
      web_url: `${this.url}/${project.path}`,
      http_url_to_repo: `${this.url}/${project.path}.git`,
      default_branch: project.defaultBranch,
      archived: project.archived,
      visibility: project.visibility,
    });
  }

  /** Every JSON answer carries the rate-limit headers, counted per wall-clock minute. */
  private json(status: number, body: unknown): SandboxResponse {
    const now = Math.floor(Date.now() / 1000);
    const windowStart = now - (now % 60);
    if (this.rateWindow.start !== windowStart) this.rateWindow = { start: windowStart, used: 0 };
    const remaining = Math.max(0, RATE_LIMIT_PER_MINUTE - ++this.rateWindow.used);
    return jsonResponse(status, body, {
      "RateLimit-Limit": String(RATE_LIMIT_PER_MINUTE),
      "RateLimit-Remaining": String(remaining),
      "RateLimit-Reset": String(windowStart + 60),
    });
  }
}

export async function startGitLab(options: GitLabOptions = {}): Promise<GitLabServer> {
  const root = (options.root ?? "").replace(/\/+$/, "");
  if (root && !root.startsWith("/")) throw new Error(`GitLab sandbox: root must start with "/": ${options.root}`);
  return new GitLabServer(root, options.version).listen(options.port);
}

function user(token: GitLabToken): object {
  return { id: token.userId, username: `user${token.userId}`, name: `Sandbox User ${token.userId}`, state: "active" };
}

function isExpired(token: GitLabToken): boolean {
  const todayUtc = new Date().toISOString().slice(0, 10);
  return token.expiresAt !== null && token.expiresAt < todayUtc;
}
