export { RepositoryProvider } from "./repositoryProvider";
export type { RepositoryProviderArgs } from "./repositoryProvider";
