/** What a Pulumi stack needs to run against the sandbox, in both forms a user can set it. */
import { SETTINGS, type SettingName } from "../../provider/core/context";
import type { DemoValues, Sandbox } from "./index";

export interface SandboxConfig {
  /** The provider's settings by name (`torqueUrl`), as `gitlab-sources:<name>` or an explicit provider's input take them. */
  provider: Partial<Record<SettingName, string>>;
  /** The examples' own config: the GitLab server, its token, the Torque space. */
  program: { gitlabUrl: string; gitlabToken: string; torqueSpace: string };
}

export function sandboxConfig({ gitlab, torque, enos }: Sandbox, demo: DemoValues): SandboxConfig {
  return {
    provider: {
      torqueUrl: torque.url,
      torqueToken: demo.torqueToken,
      enosApiGateway: enos.url,
      enosOrgId: demo.enosOrgId,
      enosAppKey: demo.enosAppKey,
      enosAppSecret: demo.enosAppSecret,
    },
    program: { gitlabUrl: `${gitlab.url}/`, gitlabToken: demo.gitlabToken, torqueSpace: demo.torqueSpace },
  };
}

/** Stack config keys and values, credentials apart (for `pulumi config set --secret`). */
export function stackConfig({ provider, program }: SandboxConfig): { plain: Record<string, string>; secret: Record<string, string> } {
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [name, value] of Object.entries(provider) as [SettingName, string][]) {
    (SETTINGS[name].secret ? secret : plain)[`gitlab-sources:${name}`] = value;
  }
  plain.gitlabUrl = program.gitlabUrl;
  secret.gitlabToken = program.gitlabToken;
  plain.torqueSpace = program.torqueSpace;
  return { plain, secret };
}

/** `pulumi config set` lines: the provider's `gitlab-sources:*` keys, then the program's. */
export function configCommands(config: SandboxConfig): string[] {
  const { plain, secret } = stackConfig(config);
  const line = (key: string) => (key in secret ? `pulumi config set --secret ${key} ${secret[key]}` : `pulumi config set ${key} ${plain[key]}`);
  const providerKeys = Object.keys(config.provider).map((name) => `gitlab-sources:${name}`);
  return [...providerKeys, "gitlabUrl", "gitlabToken", "torqueSpace"].map(line);
}

/** The provider's settings as the environment variables it reads when the config does not set them. */
export function environmentCommands({ provider }: SandboxConfig): string[] {
  return (Object.entries(provider) as [SettingName, string][]).map(([name, value]) => `export ${SETTINGS[name].env![0]}=${value}`);
}
