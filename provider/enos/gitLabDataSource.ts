import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { resourceOptions, resourceProps } from "../core/resource";
import type { InputArgs, OutputProps } from "../core/spec";
import provider = require("./gitLabDataSource.hooks");
import { gitLabDataSourceSpec, GitLabDataSourceState } from "./gitLabDataSource.schema";

export type GitLabDataSourceArgs = InputArgs<z.input<typeof gitLabDataSourceSpec.inputs>>;

export interface GitLabDataSource extends OutputProps<GitLabDataSourceState> {}

/** A GitLab project registered in EnOS Data Source Registration. */
export class GitLabDataSource extends pulumi.dynamic.Resource {
  constructor(name: string, args: GitLabDataSourceArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, resourceProps(gitLabDataSourceSpec, name, args), resourceOptions(gitLabDataSourceSpec, opts), "enos", "GitLabDataSource");
  }
}
