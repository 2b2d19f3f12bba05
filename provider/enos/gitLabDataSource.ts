import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { SpecResource } from "../core/resource";
import type { InputArgs, OutputProps } from "../core/spec";
import provider = require("./gitLabDataSource.hooks");
import { gitLabDataSourceSpec, GitLabDataSourceState } from "./gitLabDataSource.schema";

export type GitLabDataSourceArgs = InputArgs<z.input<typeof gitLabDataSourceSpec.inputs>>;

export interface GitLabDataSource extends OutputProps<GitLabDataSourceState> {}

/** A GitLab project registered in EnOS Data Source Registration. */
export class GitLabDataSource extends SpecResource {
  constructor(name: string, args: GitLabDataSourceArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, gitLabDataSourceSpec, name, args, opts);
  }
}
