export { GitCredential } from "./gitCredential";
export type { GitCredentialArgs } from "./gitCredential";
export { RepositoryProvider } from "./repositoryProvider";
export type { RepositoryProviderArgs } from "./repositoryProvider";
export { SpaceRepository } from "./spaceRepository";
export type { SpaceRepositoryArgs } from "./spaceRepository";
