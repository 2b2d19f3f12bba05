export { GitLabDataSource } from "./gitLabDataSource";
export type { GitLabDataSourceArgs } from "./gitLabDataSource";
