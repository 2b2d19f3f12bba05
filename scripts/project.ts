/**
 * The project's version and public home, each set once in package.json (`version`,
 * `repository`); everything a release publishes derives its names and addresses from here:
 * the schema's `repository` and `pluginDownloadURL`, the Go module path, the Python project
 * URLs (through the schema), the plugin archives' names and the Go module's tag.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const repo = path.resolve(__dirname, "..");
/** The plugin's executable, and the prefix of its archives. */
export const PLUGIN = "pulumi-resource-gitlab-sources";

interface Manifest {
  name: string;
  version: string;
  repository?: string | { type?: string; url?: string };
}

function manifest(): Manifest {
  return JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as Manifest;
}

export function version(): string {
  return manifest().version;
}

/** The GitHub repository package.json's `repository` names: its owner and name. */
export function home(): { owner: string; name: string; url: string } {
  const { repository } = manifest();
  const raw = typeof repository === "string" ? repository : repository?.url ?? "";
  const match = /^(?:git\+)?https:\/\/github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(raw);
  if (!match) throw new Error(`package.json: repository must name a GitHub repository (git+https://github.com/<owner>/<name>.git), not ${JSON.stringify(raw)}`);
  const [, owner, name] = match;
  return { owner, name, url: `https://github.com/${owner}/${name}` };
}

/** Where the Pulumi CLI downloads the plugin: the GitHub releases of the public home. */
export function pluginDownloadUrl(): string {
  const { owner, name } = home();
  return `github://api.github.com/${owner}/${name}`;
}

/** The Go SDK's module path (sdk/go of the public home); its releases are tagged `sdk/go/v<version>`. */
export function goModule(): string {
  const { owner, name } = home();
  return `github.com/${owner}/${name}/sdk/go`;
}

export const PLATFORMS = [
  { os: "linux", arch: "amd64" },
  { os: "linux", arch: "arm64" },
  { os: "darwin", arch: "amd64" },
  { os: "darwin", arch: "arm64" },
  { os: "windows", arch: "amd64" },
  { os: "windows", arch: "arm64" },
] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The archive's name, as the CLI asks a release for it: `pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz`. */
export function archiveName(platform: Platform, v = version()): string {
  return `${PLUGIN}-v${v}-${platform.os}-${platform.arch}.tar.gz`;
}

/** The platform of this machine, as archive names spell it; undefined where no archive is made. */
export function hostPlatform(): Platform | undefined {
  const os = { linux: "linux", darwin: "darwin", win32: "windows" }[process.platform as string];
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch as string];
  return PLATFORMS.find((p) => p.os === os && p.arch === arch);
}
