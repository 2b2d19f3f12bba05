import * as fs from "node:fs";

/** Removes the run's temporary folder (projects, state, tarball) unless E2E_KEEP=1 asks to look at it. */
export default function globalTeardown(): void {
  const root = process.env.E2E_ROOT;
  if (!root) return;
  if (process.env.E2E_KEEP === "1") console.log(`e2e: kept ${root}`);
  else fs.rmSync(root, { recursive: true, force: true });
}
