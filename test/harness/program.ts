import { ChildProcess, fork } from "node:child_process";
import * as path from "node:path";
import type { ProgramMessage, Registration, RegistrationReply, RunRequest } from "./protocol";

const repoRoot = path.resolve(__dirname, "..", "..");
/**
 * The directory a user's program would live in: the packed package is installed in its
 * node_modules (by the jest global setup, one directory per test run).
 */
export function programDir(): string {
  const dir = process.env.PULUMI_GITLAB_SOURCES_PROGRAM_DIR;
  if (!dir) throw new Error("no program directory: run through jest (or call the jest global setup first, as the benchmark does)");
  return dir;
}

/**
 * The parent side of the language host: one child process per test process, running one
 * program at a time, its registrations answered by the engine.
 */
export class LanguageHost {
  private static instance?: Promise<LanguageHost>;
  readonly output: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding("utf8").on("data", (d: string) => this.output.push(d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => this.output.push(d));
    this.idle();
  }

  static shared(): Promise<LanguageHost> {
    LanguageHost.instance ??= LanguageHost.start();
    return LanguageHost.instance;
  }

  private static async start(): Promise<LanguageHost> {
    const child = fork(path.join(__dirname, "language-host.ts"), [], {
      cwd: programDir(),
      execArgv: ["-r", "ts-node/register/transpile-only"],
      env: { ...process.env, TS_NODE_PROJECT: path.join(repoRoot, "tsconfig.json") },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    await new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`language host exited (${code})`)));
    });
    return new LanguageHost(child);
  }

  /** Runs a program to completion; returns the errors the program raised. */
  run(request: Omit<RunRequest, "program"> & { program: string }, engine: (r: Registration) => Promise<RegistrationReply>): Promise<string[]> {
    const result = this.queue.then(() => this.runNow({ ...request, program: path.resolve(repoRoot, request.program) }, engine));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private runNow(request: RunRequest, engine: (r: Registration) => Promise<RegistrationReply>): Promise<string[]> {
    this.busy();
    return new Promise<string[]>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`language host exited (${code}): ${this.output.join("")}`));
      const onMessage = (message: ProgramMessage) => {
        if (message.kind === "register") {
          void engine(message.registration)
            .catch((err: Error) => ({ error: err.message }))
            .then((reply) => this.child.send({ kind: "registered", rid: message.rid, reply }));
        } else if (message.kind === "done") {
          this.child.off("message", onMessage);
          this.child.off("exit", onExit);
          this.idle();
          resolve(message.errors);
        }
      };
      this.child.on("message", onMessage);
      this.child.once("exit", onExit);
      this.child.send({ kind: "run", request });
    });
  }

  /** Lets the test process exit while the host waits for work. */
  private idle(): void {
    this.child.unref();
    (this.child.channel as unknown as { unref(): void } | undefined)?.unref();
    (this.child.stdout as unknown as { unref?(): void }).unref?.();
    (this.child.stderr as unknown as { unref?(): void }).unref?.();
  }

  private busy(): void {
    this.child.ref();
    (this.child.channel as unknown as { ref(): void } | undefined)?.ref();
  }
}
