import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { InputArgs, OutputProps } from "../../core/spec";
import { gitLabDataSourceSpec, type GitLabDataSourceState } from "../../enos/gitLabDataSource.schema";
import { gitCredentialSpec, type GitCredentialState } from "../../torque/gitCredential.schema";
import { repositoryProviderSpec, type RepositoryProviderState } from "../../torque/repositoryProvider.schema";
import { spaceRepositorySpec, type SpaceRepositoryState } from "../../torque/spaceRepository.schema";
import { PluginResource } from "./resource";

export { Provider, type ProviderArgs } from "./provider";

type Named<T> = Omit<T, "name"> & { name?: pulumi.Input<string> };

export namespace enos {
  export type GitLabDataSourceArgs = InputArgs<z.input<typeof gitLabDataSourceSpec.inputs>>;
  export interface GitLabDataSource extends OutputProps<GitLabDataSourceState> {}
  /** A GitLab project registered in EnOS Data Source Registration (served by the plugin). */
  export class GitLabDataSource extends PluginResource {
    constructor(name: string, args: GitLabDataSourceArgs, opts?: pulumi.CustomResourceOptions) {
      super(gitLabDataSourceSpec, name, args, opts);
    }
  }
}

export namespace torque {
  export type RepositoryProviderArgs = Named<InputArgs<z.input<typeof repositoryProviderSpec.inputs>>>;
  export interface RepositoryProvider extends OutputProps<RepositoryProviderState> {}
  /** A GitLab server registered as a Torque repository provider (served by the plugin). */
  export class RepositoryProvider extends PluginResource {
    constructor(name: string, args: RepositoryProviderArgs, opts?: pulumi.CustomResourceOptions) {
      super(repositoryProviderSpec, name, args, opts);
    }
  }

  export type GitCredentialArgs = Named<InputArgs<z.input<typeof gitCredentialSpec.inputs>>>;
  export interface GitCredential extends OutputProps<GitCredentialState> {}
  /** A GitLab token stored in a Torque space's credential store (served by the plugin). */
  export class GitCredential extends PluginResource {
    constructor(name: string, args: GitCredentialArgs, opts?: pulumi.CustomResourceOptions) {
      super(gitCredentialSpec, name, args, opts);
    }
  }

  type SetByReferences = "storedCredentialName" | "storedCredentialSpace" | "storedCredentialToken" | "storedCredentialGitlabUrl" | "providerId" | "providerBaseUrl" | "providerToken";
  export type SpaceRepositoryArgs = Omit<InputArgs<z.input<typeof spaceRepositorySpec.inputs>>, SetByReferences> & {
    /** A credential stored in the same space: the repository connects with it. */
    credential?: pulumi.Input<GitCredential>;
    /** The repository provider whose base URL covers this repository: no token of its own is needed. */
    repositoryProvider?: pulumi.Input<RepositoryProvider>;
  };
  export interface SpaceRepository extends OutputProps<SpaceRepositoryState> {}
  /** A GitLab repository connected to a Torque space (served by the plugin). */
  export class SpaceRepository extends PluginResource {
    constructor(name: string, args: SpaceRepositoryArgs, opts?: pulumi.CustomResourceOptions) {
      super(spaceRepositorySpec, name, args, opts);
    }
  }
}
