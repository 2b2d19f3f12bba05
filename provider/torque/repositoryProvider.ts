import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { SpecResource } from "../core/resource";
import type { InputArgs, OutputProps } from "../core/spec";
import provider = require("./repositoryProvider.hooks");
import { repositoryProviderSpec, RepositoryProviderState } from "./repositoryProvider.schema";

export type RepositoryProviderArgs = InputArgs<z.input<typeof repositoryProviderSpec.inputs>>;

export interface RepositoryProvider extends OutputProps<RepositoryProviderState> {}

/** {@link repositoryProviderSpec.description} */
export class RepositoryProvider extends SpecResource {
  constructor(name: string, args: Omit<RepositoryProviderArgs, "name"> & { name?: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
    super(provider, repositoryProviderSpec, name, args, opts);
  }
}
