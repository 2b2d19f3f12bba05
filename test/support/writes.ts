import type { Sandbox } from "../sandbox";

/** Requests that change something on Torque or EnOS (GitLab is only ever read). */
export function writes(sandbox: Sandbox): string[] {
  const torque = sandbox.torque.requests.filter((r) => r.method !== "GET").map((r) => `Torque ${r.method} ${r.path}`);
  const enos = sandbox.enos.requests
    .filter((r) => ["create", "update", "delete"].includes(r.query.action))
    .map((r) => `EnOS ${r.query.action} ${r.query.dataSourceId ?? ""}`.trim());
  return [...torque, ...enos];
}

/** Forgets the sandbox's request logs, so that `writes` tells what happens from now on. */
export function resetLogs(sandbox: Sandbox): void {
  for (const server of [sandbox.gitlab, sandbox.torque, sandbox.enos]) server.resetLog();
}
