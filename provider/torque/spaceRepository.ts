import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { SpecResource } from "../core/resource";
import type { InputArgs, OutputProps } from "../core/spec";
import type { GitCredential } from "./gitCredential";
import type { RepositoryProvider } from "./repositoryProvider";
import provider = require("./spaceRepository.hooks");
import { spaceRepositorySpec, SpaceRepositoryState } from "./spaceRepository.schema";

type WireArgs = InputArgs<z.input<typeof spaceRepositorySpec.inputs>>;
type SetByReferences = "storedCredentialName" | "storedCredentialSpace" | "storedCredentialToken" | "storedCredentialGitlabUrl" | "providerId" | "providerBaseUrl" | "providerToken";

export type SpaceRepositoryArgs = Omit<WireArgs, SetByReferences> & {
  /** A credential stored in the same space: the repository connects with it. */
  credential?: GitCredential;
  /** The repository provider whose base URL covers this repository: no token of its own is needed. */
  repositoryProvider?: RepositoryProvider;
  /** @deprecated Use `repositoryProvider`: `provider` is also a resource option in every Pulumi language. */
  provider?: RepositoryProvider;
};

export interface SpaceRepository extends OutputProps<SpaceRepositoryState> {}

/** A GitLab repository connected to a Torque space. */
export class SpaceRepository extends SpecResource {
  constructor(name: string, args: SpaceRepositoryArgs, opts?: pulumi.CustomResourceOptions) {
    const { provider: deprecated, ...rest } = args;
    super(provider, spaceRepositorySpec, name, { repositoryProvider: deprecated, ...rest }, opts);
  }
}
