import type { GitLabServer } from "../gitlab";
import { page, requestLog, table, when } from "./html";

/** GitLab: its access tokens (never the token itself) and projects, as an administrator sees them. */
export function gitlabPage(gitlab: GitLabServer): string {
  return page(`GitLab ${gitlab.version}`, [
    table("tokens", "Access tokens", [
      { title: "Name", cell: (t) => t.name },
      { title: "Kind", cell: (t) => t.kind },
      { title: "Scopes", cell: (t) => t.scopes.join(", ") },
      { title: "Expires", cell: (t) => t.expiresAt ?? "never" },
      { title: "State", cell: (t) => (t.revoked ? "revoked" : "active") },
      { title: "User", cell: (t) => t.userId },
      { title: "Last used", cell: (t) => when(t.lastUsedAt) },
    ], gitlab.tokenList()),
    table("projects", "Projects", [
      { title: "Path", cell: (p) => p.path },
      { title: "Visibility", cell: (p) => p.visibility },
      { title: "Archived", cell: (p) => (p.archived ? "yes" : "no") },
      { title: "Default branch", cell: (p) => p.defaultBranch },
      { title: "Members", cell: (p) => p.members.join(", ") },
    ], gitlab.projectList()),
    requestLog(gitlab.requests),
  ]);
}
