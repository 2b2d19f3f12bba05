import * as fs from "node:fs";

/** Removes this run's program directory. */
export default function globalTeardown(): void {
  const dir = process.env.PULUMI_GITLAB_SOURCES_PROGRAM_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
