import type { TorqueServer } from "../torque";
import { escape, page, requestLog, table } from "./html";

/** Torque: the account's repository providers, then per space its repositories and credential store. */
export function torquePage(torque: TorqueServer): string {
  const providers = table("repository-providers", "Repository providers (Settings)", [
    { title: "Name", cell: (p) => p.name },
    { title: "Type", cell: (p) => p.type },
    { title: "Base URL", cell: (p) => p.baseUrl },
    { title: "Repositories", cell: (p) => p.repos.join(", ") },
    { title: "ID", cell: (p) => p.id },
  ], torque.providers());
  const spaces = torque.spaceNames().map((space) => [
    `<h2 id="space-${escape(space)}">Space ${escape(space)}</h2>`,
    table(`repositories-${space}`, "Repositories", [
      { title: "Name", cell: (r) => r.name },
      { title: "Repository URL", cell: (r) => r.repositoryUrl },
      { title: "Branch", cell: (r) => r.branch },
      { title: "Credential", cell: (r) => r.credentialName || "(repository provider)" },
      { title: "Agents", cell: (r) => (r.useAllAgents ? "all" : r.agents.join(", ")) },
      { title: "Sync status", cell: (r) => r.status },
      { title: "Errors", cell: (r) => r.errors.join("; ") },
    ], torque.spaceRepositories(space)),
    table(`credentials-${space}`, "Credential store", [
      { title: "Name", cell: (c) => c.name },
      { title: "Type", cell: (c) => `${c.cloudType} / ${c.cloudIdentifier}` },
      { title: "Description", cell: (c) => c.description },
    ], torque.credentials(space)),
  ].join("\n"));
  return page("Torque", [providers, ...spaces, requestLog(torque.requests)]);
}
