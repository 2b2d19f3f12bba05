/**
 * Every resource kind, with the changes a person makes in a console "behind Pulumi's back".
 * The drift scenario runs through this list: a new kind is one more entry (and its resource in
 * examples/ci).
 */
import type { Sandbox } from "../sandbox";

export interface Kind {
  /** The type in state and URNs. */
  type: string;
  /** Its resource in examples/ci. */
  ciResource: string;
  /** An edit in the console of the registration with this id. */
  edit(sandbox: Sandbox, id: string): void;
  /** A deletion in the console. */
  remove(sandbox: Sandbox, id: string): void;
}

/** `<space>/<name>`: the id of space repositories and credentials. */
const inSpace = (id: string) => id.split("/") as [string, string];

export const KINDS: Kind[] = [
  {
    type: "pulumi-nodejs:dynamic/enos:GitLabDataSource",
    ciResource: "models",
    edit: (sb, id) => sb.enos.editDataSource(id, { description: "edited in the console" }),
    remove: (sb, id) => sb.enos.removeDataSource(id),
  },
  {
    type: "pulumi-nodejs:dynamic/torque:RepositoryProvider",
    ciResource: "gitlab",
    edit: (sb, id) => sb.torque.editProvider(id, { repos: [] }),
    remove: (sb, id) => sb.torque.removeProvider(id),
  },
  {
    type: "pulumi-nodejs:dynamic/torque:SpaceRepository",
    ciResource: "infra-stored",
    edit: (sb, id) => sb.torque.editSpaceRepository(...inSpace(id), { agents: ["sandbox-agent"], useAllAgents: false }),
    remove: (sb, id) => sb.torque.removeSpaceRepository(...inSpace(id)),
  },
  {
    type: "pulumi-nodejs:dynamic/torque:GitCredential",
    ciResource: "gitlab-ci",
    edit: (sb, id) => sb.torque.editCredential(...inSpace(id), { description: "edited in the console" }),
    remove: (sb, id) => sb.torque.removeCredential(...inSpace(id)),
  },
];
