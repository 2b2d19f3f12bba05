import type * as Gitbeaker from "@gitbeaker/rest";
import type { TransportSettings } from "../core/context";
import { requesterFor } from "./requester";

/** Loaded on first use: refresh and destroy never check GitLab, and gitbeaker is 13 MB of RSS. */
const gitbeaker = (): typeof Gitbeaker => require("@gitbeaker/rest");

/** GitLab checks answer within this (unless `gitlab:timeoutSeconds` says otherwise), or fail with a message naming the host. */
export const GITLAB_TIMEOUT_MS = 10_000;

export interface TokenInfo {
  scopes: string[];
  /** "YYYY-MM-DD" or null when the token never expires. */
  expiresAt: string | null;
  active: boolean;
  /**
   * Set when GitLab is older than 15.5, which has no /personal_access_tokens/self: its version.
   * GET /user proved the token valid; scopes and expiry are unknown.
   */
  olderGitLab?: string;
}

export interface ProjectInfo {
  archived: boolean;
}

/** The GitLab calls the connectivity test needs, through gitbeaker. */
export class GitLabApi {
  private readonly options: { host: string; token: string; requesterFn: ReturnType<typeof requesterFor> };

  /** `root`: the server URL with its relative root, if any, without a trailing slash. */
  constructor(root: string, token: string, transport: TransportSettings) {
    this.options = { host: root, token, requesterFn: requesterFor({ ...transport, timeoutMs: transport.timeoutMs ?? GITLAB_TIMEOUT_MS }) };
  }

  async tokenSelf(): Promise<TokenInfo> {
    const body = (await new (gitbeaker().PersonalAccessTokens)(this.options).show()) as unknown as Record<string, unknown>;
    return {
      scopes: Array.isArray(body.scopes) ? body.scopes.map(String) : [],
      expiresAt: typeof body.expires_at === "string" ? body.expires_at : null,
      active: body.active !== false && body.revoked !== true,
    };
  }

  /** GET /version (every GitLab has it; /metadata only from 15.2 on). */
  async version(): Promise<string> {
    const { body } = (await new (gitbeaker().Metadata)(this.options).requester.get("version", {})) as { body: Record<string, unknown> };
    return String(body?.version ?? "");
  }

  /** GET /user: whether the token's user is active. */
  async userActive(): Promise<boolean> {
    const body = (await new (gitbeaker().Users)(this.options).showCurrentUser()) as unknown as Record<string, unknown>;
    return body.state === undefined || body.state === "active";
  }

  async project(path: string): Promise<ProjectInfo> {
    const body = (await new (gitbeaker().Projects)(this.options).show(path)) as unknown as Record<string, unknown>;
    return { archived: body.archived === true };
  }
}
