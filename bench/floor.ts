/** The fewest requests each phase needs, per API: what the benchmark measures against. */
export interface Floor {
  gitlab: number;
  enos: number;
  torque: number;
  total: number;
}

export interface Scenario {
  /** Resources of each kind: EnOS data sources, Torque providers, space repositories. */
  n: number;
  /** Distinct GitLab tokens. */
  tokens: number;
  /** Distinct GitLab projects (data source i and space repository i share project i). */
  projects: number;
  /** Torque spaces holding the space repositories. */
  spaces: number;
  /** Resources of each kind changed by the update phase (properties that need no new GitLab check). */
  changed: number;
  /** `preflight: "off"` on every resource: no preview check at all. */
  unchecked?: boolean;
}

const PAGE_SIZE = 100;

function floor(gitlab: number, enos: number, torque: number): Floor {
  return { gitlab, enos, torque, total: gitlab + enos + torque };
}

export function floors(s: Scenario): Record<"previewNew" | "up" | "previewNoop" | "refresh" | "update" | "destroy", Floor> {
  const enosToken = 1;
  const checked = s.unchecked ? 0 : 1;
  const fullCheck = checked * (s.tokens + s.projects);
  const enosTests = checked * s.n;
  // Torque's side, once per provider process: its URL and API token with the spaces it sees, and the right to manage providers.
  const torqueChecks = checked * 2;
  return {
    // New resources: every token and project once; one EnOS-side test per data source.
    previewNew: floor(fullCheck, (enosTests > 0 ? enosToken : 0) + enosTests, torqueChecks),
    // The same checks in a new process, then one write per resource; one list per space sees
    // the syncs end; EnOS answers a create with the id alone, so one get learns its createTime.
    up: floor(fullCheck, enosToken + enosTests + 2 * s.n, torqueChecks + 2 * s.n + s.spaces),
    // Unchanged resources: only the tokens, once each.
    previewNoop: floor(checked * s.tokens, 0, 0),
    // Reads coalesce into list calls: EnOS pages of 100, one provider list, one list per space.
    refresh: floor(0, enosToken + Math.ceil(s.n / PAGE_SIZE), 1 + s.spaces),
    update: floor(s.tokens, enosToken + s.changed, 2 * s.changed),
    // One delete per resource, and per space repository the credential Torque stored for its own token.
    destroy: floor(0, enosToken + s.n, 3 * s.n),
  };
}
