/**
 * Writes the Python and Go SDKs (`sdk/python`, `sdk/go`) from schema.json with Pulumi's own
 * generators, through the Go program in sdk/gen (`npm run sdk`). The generated code is
 * committed and never edited by hand; an end-to-end test fails when it is stale.
 *
 * Needs Go 1.26.6 or later (the version github.com/pulumi/pulumi/pkg/v3 v3.274.1 asks for).
 * The first run builds Pulumi's codegen packages (about 2.5 minutes on 2 cores); later runs take
 * seconds.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

const repo = path.resolve(__dirname, "..");
export const SDK_LANGUAGES = ["python", "go"] as const;

/**
 * Generates both SDKs from `schema` into `<out>/python` and `<out>/go` (each emptied first).
 * As in scripts/pulumi-cli.sh: the local Go toolchain only, and pkg/v3's replace directives
 * honoured by resolving modules in sdk/gen's own module (GOFLAGS=-mod=mod).
 */
export async function generateSdks(out = path.join(repo, "sdk"), schema = path.join(repo, "schema.json")): Promise<void> {
  fs.mkdirSync(out, { recursive: true });
  const { stderr } = await promisify(execFile)("go", ["run", ".", path.resolve(schema), path.resolve(out)], {
    cwd: path.join(repo, "sdk", "gen"),
    env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
    maxBuffer: 1 << 26,
  });
  if (stderr.trim()) process.stderr.write(stderr);
}

if (require.main === module) {
  generateSdks().catch((err: unknown) => {
    const e = err as { stderr?: string; message?: string };
    console.error(e.stderr || e.message || err);
    process.exit(1);
  });
}
