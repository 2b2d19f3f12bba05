import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { SpecResource } from "../core/resource";
import type { InputArgs, OutputProps } from "../core/spec";
import provider = require("./gitCredential.hooks");
import { gitCredentialSpec, GitCredentialState } from "./gitCredential.schema";

export type GitCredentialArgs = InputArgs<z.input<typeof gitCredentialSpec.inputs>>;

export interface GitCredential extends OutputProps<GitCredentialState> {}

/** {@link gitCredentialSpec.description} */
export class GitCredential extends SpecResource {
  constructor(name: string, args: Omit<GitCredentialArgs, "name"> & { name?: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
    super(provider, gitCredentialSpec, name, args, opts);
  }
}
