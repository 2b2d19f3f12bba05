import * as semver from "semver";
import { Answers } from "../core/answers";
import { Context, transportSettings } from "../core/context";
import type { CheckFailure } from "../core/spec";
import { warnOnce } from "../core/log";
import { rememberSecret, safeText } from "../core/secrets";
import { TransportError } from "../http/client";
import { GitLabApi, ProjectInfo, TokenInfo } from "./api";
import { GitLabResponseError } from "./requester";

/** What each platform needs of the token: every group must be covered by one of its scopes. */
export const requiredScopes = {
  enos: [["api"], ["read_user"], ["read_repository"]],
  torque: [["read_api", "api"], ["read_repository"]],
} as const;
export type Target = keyof typeof requiredScopes;

export interface GitLabCheck {
  /** Candidate server roots, most likely first; the first that answers as GitLab is used. */
  roots: string[];
  /** The input that names the server, blamed for server problems. */
  rootProperty: string;
  token: string;
  projects: { url: string; property: string }[];
  target: Target;
  /** New or changed resource: token, scopes and projects. Otherwise only the token (it rots silently). */
  full: boolean;
  /** The resource's gitlabCaBundle; default: the provider's gitlabCaBundle setting. */
  caBundle?: string;
}

export interface PreflightResult {
  failures: CheckFailure[];
  warnings: string[];
  /** The root that answered as GitLab. */
  root?: string;
}

type TokenOutcome = { info: TokenInfo } | { notGitLab: string } | { failure: CheckFailure };
/** What GitLab answered, before it is judged: the same answer means different things to each target. */
type Answer<T> = T | GitLabResponseError | TransportError;

// Per provider process: a stack of 500 sources sharing one token asks about it once. The raw
// answers are cached, not the verdicts, which name the target's scopes and the input at fault.
const tokenChecks = new Answers<Answer<TokenInfo>>(transient);
const projectChecks = new Answers<Answer<ProjectInfo>>(transient);

function transient(answer: Answer<unknown>): boolean {
  return answer instanceof TransportError || (answer instanceof GitLabResponseError && (answer.status === 429 || answer.status >= 500));
}

/** HTTP and network failures are answers to judge; anything else is a bug and propagates. */
function answerOf<T>(call: Promise<T>): Promise<Answer<T>> {
  return call.catch((err: unknown) => {
    if (err instanceof GitLabResponseError || err instanceof TransportError) return err;
    throw err;
  });
}

/** The console's Test button, from the deploying machine: server, token, scopes, expiry, projects. */
export async function checkGitLab(ctx: Context, given: GitLabCheck): Promise<PreflightResult> {
  const transport = transportSettings(ctx, "gitlab");
  if ("reason" in transport) return { failures: [transport], warnings: [] };
  const check = {
    ...given,
    roots: given.roots.map((root) => root.replace(/\/+$/, "")),
    transport: { ...transport, caBundle: given.caBundle ?? transport.caBundle },
  };
  rememberSecret(check.token);
  let outcome: TokenOutcome | undefined;
  let firstNotGitLab: string | undefined;
  let root = check.roots[0];
  for (root of check.roots) {
    const answer = await tokenChecks.get([root, check.token, check.transport.caBundle], () => askToken(new GitLabApi(root, check.token, check.transport)));
    outcome = judgeTokenAnswer(answer, root, check);
    if (!("notGitLab" in outcome)) break;
    firstNotGitLab ??= outcome.notGitLab;
  }
  if (!outcome) return { failures: [], warnings: [] };
  // No candidate answered as GitLab: blame the URL as given (its origin), not the last guess.
  if ("notGitLab" in outcome) return { failures: [{ property: check.rootProperty, reason: firstNotGitLab ?? outcome.notGitLab }], warnings: [] };
  if ("failure" in outcome) return { failures: [outcome.failure], warnings: [] };

  const result: PreflightResult = { ...judgeToken(outcome.info, check.target, new URL(root).host), root };
  if (!check.full || result.failures.length > 0) return result;
  const found = await Promise.all(
    check.projects.map((project) => {
      const path = projectPath(root, project.url);
      return projectChecks.get([root, check.token, check.transport.caBundle, path], () => answerOf(new GitLabApi(root, check.token, check.transport).project(path)));
    }),
  );
  check.projects.forEach((project, i) => judgeProject(found[i], projectPath(root, project.url), project.property, root, result));
  return result;
}

/** The first version with /personal_access_tokens/self. */
const TOKEN_SELF_SINCE = "15.5.0";

/**
 * The token as GitLab describes it. A GitLab older than 15.5 has no /personal_access_tokens/self
 * (a JSON 404): there /version names the version and /user proves the token works; its scopes
 * and expiry stay unknown. A 404 from a GitLab that is not older stays the URL's fault.
 */
async function askToken(api: GitLabApi): Promise<Answer<TokenInfo>> {
  const self = await answerOf(api.tokenSelf());
  if (!(self instanceof GitLabResponseError && self.status === 404 && self.isJson)) return self;
  const version = await answerOf(api.version());
  // No /version either: the URL's fault (the first 404). A refusal (401, 403) or a failure there is judged as such.
  if (version instanceof GitLabResponseError && (version.status === 404 || !version.isJson)) return self;
  if (typeof version !== "string") return version;
  const parsed = semver.coerce(version);
  if (!parsed || !semver.lt(parsed, TOKEN_SELF_SINCE)) return self;
  const active = await answerOf(api.userActive());
  if (typeof active !== "boolean") return active;
  return { scopes: [], expiresAt: null, active, olderGitLab: version };
}

function judgeTokenAnswer(answer: Answer<TokenInfo>, root: string, check: GitLabCheck): TokenOutcome {
  const host = new URL(root).host;
  if (answer instanceof TransportError) return { failure: { property: check.rootProperty, reason: `${check.rootProperty}: ${answer.message}` } };
  if (!(answer instanceof GitLabResponseError)) return { info: answer };
  const err = answer;
  const scopes = describeScopes(check.target);
  if (err.status === 429) {
    const wait = err.retryAfter ? ` and asks to retry after ${err.retryAfter} s` : "";
    return { failure: { property: check.rootProperty, reason: `${check.rootProperty}: GitLab at ${host} is rate-limiting requests (429)${wait}; run again later, or set preflight to "off" for this run.` } };
  }
  if (err.status >= 500) {
    return { failure: { property: check.rootProperty, reason: `${check.rootProperty}: GitLab at ${host} answered ${err.status} to GET ${err.path}${suffix(err.gitlabMessage)}: the server or a proxy in front of it is failing; try again later.` } };
  }
  if (!err.isJson) {
    return { notGitLab: `${check.rootProperty}: not a GitLab API at this URL: GET ${root}/api/v4/personal_access_tokens/self answered ${err.status} with ${err.body.trimStart().startsWith("<") ? "HTML" : "a body that is not a JSON object"}; check the server URL and its relative URL root, if any (for example https://host/gitlab/).` };
  }
  if (err.status === 401) {
    return { failure: { property: "token", reason: `token is invalid, expired or revoked (GitLab at ${host} answered 401); create a new access token with ${scopes} and set it.` } };
  }
  if (err.status === 403) {
    return { failure: { property: "token", reason: `token may not call GET ${err.path} (GitLab at ${host} answered 403${suffix(err.gitlabMessage)}); create an access token with ${scopes} and set it.` } };
  }
  if (err.status === 400) {
    return { failure: { property: "token", reason: `token is not a personal, project or group access token (GitLab at ${host} answered 400, as it does for OAuth tokens); create an access token with ${scopes}.` } };
  }
  if (err.status === 404) {
    return { failure: { property: check.rootProperty, reason: `${check.rootProperty}: GitLab at ${root} has no /personal_access_tokens/self (404), and its /version names no GitLab older than 15.5 (which would lack it): the URL is wrong; check it and its relative URL root, if any.` } };
  }
  return { failure: { property: check.rootProperty, reason: `${check.rootProperty}: GitLab at ${host} answered ${err.status} to GET ${err.path}${suffix(err.gitlabMessage)}; check the server and try again.` } };
}

function judgeToken(info: TokenInfo, target: Target, host: string): PreflightResult {
  const failures: CheckFailure[] = [];
  const warnings: string[] = [];
  if (info.olderGitLab !== undefined) {
    if (!info.active) failures.push({ property: "token", reason: `token belongs to a user who is not active on GitLab at ${host}; create an access token of an active user with ${describeScopes(target)} and set it.` });
    warnings.push(
      `GitLab at ${host} is version ${info.olderGitLab}, older than 15.5, which has no /personal_access_tokens/self: the token's scopes (${describeScopes(target)} needed) and its expiry could not be checked; GET /user proved the token valid, and each project is still checked. Check the scopes and expiry in GitLab (User settings > Access tokens).`,
    );
    return { failures, warnings };
  }
  const missing = requiredScopes[target].filter((group) => !group.some((s) => info.scopes.includes(s)));
  if (missing.length > 0) {
    const names = missing.map((g) => g.join(" or ")).join(", ");
    failures.push({
      property: "token",
      reason: `token lacks scope${missing.length > 1 ? "s" : ""} ${names} (it has ${info.scopes.join(", ") || "none"}); GitLab cannot add scopes to a token, so create a new one at ${host} with ${describeScopes(target)} and set it.`,
    });
  }
  if (!info.active) {
    failures.push({ property: "token", reason: `token is revoked or inactive (GitLab at ${host}); create a new access token with ${describeScopes(target)} and set it.` });
  } else if (info.expiresAt) {
    const days = Math.round((Date.parse(`${info.expiresAt}T00:00:00Z`) - Date.parse(`${today()}T00:00:00Z`)) / 86_400_000);
    if (days < 0) {
      failures.push({ property: "token", reason: `token expired on ${info.expiresAt}; create a new token with ${describeScopes(target)} and set it.` });
    } else if (target === "torque") {
      warnings.push(`token expires on ${info.expiresAt}: Torque expects a token without an expiration date, so renew it before then (or have an administrator allow non-expiring tokens).`);
    } else if (days <= 30) {
      warnings.push(`token expires on ${info.expiresAt} (${days === 0 ? "today" : `in ${days} day${days === 1 ? "" : "s"}`}); renew it before then or EnOS will lose access to the repository.`);
    }
  }
  return { failures, warnings };
}

function judgeProject(found: Answer<ProjectInfo>, path: string, property: string, root: string, result: PreflightResult): void {
  const host = new URL(root).host;
  if (found instanceof TransportError) {
    result.failures.push({ property, reason: `${property}: ${found.message}` });
  } else if (found instanceof GitLabResponseError) {
    if (found.status === 404) {
      result.failures.push({ property, reason: `${property}: project ${path} is missing on ${host} or not visible to this token (GitLab answers 404 for both); check the path and that the token's user can see the project.` });
    } else if (found.status === 403) {
      result.failures.push({ property: "token", reason: `token may not read project ${path} (GitLab at ${host} answered 403${suffix(found.gitlabMessage)}); use a token with scope read_api or api.` });
    } else {
      result.failures.push({ property, reason: `${property}: GitLab at ${host} answered ${found.status} for project ${path}${suffix(found.gitlabMessage)}; check the server and try again.` });
    }
  } else if (found.archived) {
    result.warnings.push(`${property}: project ${path} on ${host} is archived: it is read-only until it is unarchived.`);
  }
}

/** `namespace/project` of a repository URL below a GitLab root (no `.git`, no trailing slash). */
export function projectPath(root: string, url: string): string {
  const rootPath = new URL(root).pathname.replace(/\/+$/, "");
  const path = new URL(url).pathname.replace(/\/+$/, "").replace(/\.git$/, "");
  const relative = path.startsWith(`${rootPath}/`) ? path.slice(rootPath.length + 1) : path.replace(/^\//, "");
  try {
    return decodeURIComponent(relative);
  } catch {
    return relative; // a stray "%": ask GitLab for the path as written
  }
}

/**
 * Candidate roots for a project URL whose server root is not given: the origin, then the
 * origin with the first path segment as a relative URL root (`https://host/gitlab/ns/project`).
 */
export function candidateRoots(projectUrl: string): string[] {
  const url = new URL(projectUrl);
  const segments = url.pathname.split("/").filter(Boolean);
  return segments.length >= 3 ? [url.origin, `${url.origin}/${segments[0]}`] : [url.origin];
}

export type PreflightMode = "strict" | "warn" | "off";

/** strict: problems fail the check and warnings go to the log; warn: everything goes to the log. */
export function applyMode(mode: PreflightMode, result: PreflightResult): CheckFailure[] {
  // Once per process: 500 resources sharing an expiring token make one warning, not 500.
  for (const w of result.warnings) warnOnce(w, w);
  if (mode === "strict") return result.failures;
  for (const f of result.failures) warnOnce(f.reason, `preflight (warn mode): ${f.reason}`);
  return [];
}

function describeScopes(target: Target): string {
  return `scopes ${requiredScopes[target].map((g) => g[0]).join(", ")}`;
}

/** GitLab's own message, quoted: on one line and redacted, whatever the server put in it. */
function suffix(message: string): string {
  return message ? ` "${safeText(message)}"` : "";
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}
