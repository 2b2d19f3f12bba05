/** Messages between the engine (the test process) and the language host (the program's process). */
export type Props = Record<string, unknown>;

export interface RunRequest {
  /** Path of the program module, run for its side effects as `pulumi up` runs `main`. */
  program: string;
  config: Record<string, string>;
  secretKeys: string[];
  preview: boolean;
  project: string;
  stack: string;
  /** Error.stackTraceLimit in the program (the Pulumi runtime captures a stack per output). */
  stackTraceLimit?: number;
}

/** What a program asks the engine for each resource, with what the real RegisterResourceRequest carries. */
export interface Registration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  inputs: Props;
  secretKeys: string[];
  importId?: string;
  dependencies: string[];
  additionalSecretOutputs: string[];
  deleteBeforeReplace: boolean;
}

export type RegistrationReply = { id: string; outputs: Props; secretKeys: string[] } | { error: string };

export type ProgramMessage =
  | { kind: "ready" }
  | { kind: "register"; rid: number; registration: Registration }
  | { kind: "done"; errors: string[] };
