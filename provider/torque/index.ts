export { RepositoryProvider } from "./repositoryProvider";
export type { RepositoryProviderArgs } from "./repositoryProvider";
export { SpaceRepository } from "./spaceRepository";
export type { SpaceRepositoryArgs } from "./spaceRepository";
