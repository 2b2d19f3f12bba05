/** The data-source `test` action: EnOS itself connects to GitLab, the way the console's Test button does. */
import { isObject } from "./fields";
import { parseJson } from "./handler-kit";

export type GitLabFetch = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<Response>;

export interface TestResult {
  success: boolean;
  message: string;
}

export interface ProbeOptions {
  fetch: GitLabFetch;
  /** Hosts ("host" or "host:port") EnOS cannot reach; the probe fails without trying. */
  unreachableHosts: Set<string>;
  signal: AbortSignal;
}

const REQUIRED_SCOPES = ["api", "read_user", "read_repository"];
const TIMEOUT_MS = 5000;

interface GitLabAnswer {
  url: string;
  status: number;
  /** The parsed body when GitLab answered (valid) JSON. */
  json?: unknown;
}

const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

/** Global fetch limited to loopback hosts (and to `port` when given): the sandbox never leaves 127.0.0.1. */
export function loopbackFetch(port?: number): GitLabFetch {
  return (url, init) => {
    const target = new URL(url);
    const allowed = LOOPBACK_HOSTS.includes(target.hostname) && (port === undefined || target.port === String(port));
    return allowed ? fetch(url, init) : Promise.reject(new Error(`${target.host} is outside the sandbox network`));
  };
}

export async function probeGitLab(gitUrl: string, token: string, options: ProbeOptions): Promise<TestResult> {
  const url = new URL(gitUrl);
  if (options.unreachableHosts.has(url.host) || options.unreachableHosts.has(url.hostname)) {
    return failure(`EnOS cannot connect to ${url.origin}: connection timed out`);
  }
  const get = (path: string): Promise<GitLabAnswer> => call(options, url.origin + path, token);
  const segments = url.pathname.replace(/\.git$/, "").split("/").filter(Boolean);
  try {
    let root = "";
    let self = await get("/api/v4/personal_access_tokens/self");
    // A 404 page that is not JSON means no API at the origin: the first segment may be a relative root.
    if (self.status === 404 && self.json === undefined && segments.length > 2) {
      root = `/${segments[0]}`;
      self = await get(`${root}/api/v4/personal_access_tokens/self`);
    }
    const tokenProblem = checkToken(self);
    if (tokenProblem) return failure(tokenProblem);
    const projectPath = segments.slice(root ? 1 : 0).join("/");
    const project = await get(`${root}/api/v4/projects/${encodeURIComponent(projectPath)}`);
    return checkProject(project, projectPath);
  } catch (error) {
    return failure(`EnOS cannot connect to ${url.origin}: ${reason(error)}`);
  }
}

async function call(options: ProbeOptions, url: string, token: string): Promise<GitLabAnswer> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(TIMEOUT_MS)]);
  const response = await options.fetch(url, { headers: { "PRIVATE-TOKEN": token }, signal });
  const text = await response.text();
  const isJson = /^application\/json/i.test(response.headers.get("content-type") ?? "");
  return { url, status: response.status, json: isJson ? parseJson(text) : undefined };
}

function checkToken(answer: GitLabAnswer): string | undefined {
  switch (answer.status) {
    case 200: {
      if (!isObject(answer.json)) return `GitLab sent an unexpected answer to GET ${answer.url}`;
      const granted = Array.isArray(answer.json.scopes) ? answer.json.scopes : [];
      const missing = REQUIRED_SCOPES.filter((scope) => !granted.includes(scope));
      if (missing.length === 0) return undefined;
      return `The GitLab token lacks the scopes ${missing.join(", ")} (it has: ${granted.join(", ") || "none"})`;
    }
    case 401:
      return "GitLab rejected the token (401 Unauthorized): it is unknown, expired or revoked";
    case 400:
      return "GitLab refused the token: it must be a personal, project or group access token, not an OAuth token";
    case 404:
      return `GitLab answered 404 to GET ${answer.url}: not a GitLab API root, or GitLab older than 15.5`;
    default:
      return `GitLab answered HTTP ${answer.status} to GET ${answer.url}`;
  }
}

function checkProject(answer: GitLabAnswer, projectPath: string): TestResult {
  switch (answer.status) {
    case 200:
      return { success: true, message: `Connected to GitLab project ${projectPath}` };
    case 404:
      return failure(`GitLab project ${projectPath} does not exist or the token cannot see it`);
    case 403:
      return failure(`The GitLab token may not read project ${projectPath} (insufficient scope)`);
    default:
      return failure(`GitLab answered HTTP ${answer.status} to GET ${answer.url}`);
  }
}

/** Read by shape: errors from fetch may come from another realm, where instanceof Error fails. */
function reason(error: unknown): string {
  const { name, message, cause } = (error ?? {}) as { name?: string; message?: string; cause?: { code?: string } };
  if (name === "TimeoutError") return "connection timed out";
  return cause?.code ?? message ?? String(error);
}

function failure(message: string): TestResult {
  return { success: false, message };
}
