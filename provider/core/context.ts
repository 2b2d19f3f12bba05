import type { CheckFailure } from "./spec";

/**
 * One provider configuration: the Torque account, EnOS organization and HTTP settings that
 * every call of one provider uses, with the clients built from them. Dynamic mode builds one
 * from stack config when the host configures the provider; the plugin builds one per
 * provider instance in Configure (the default provider from stack config, an explicit one
 * from its inputs). Nothing else decides which account a call goes to.
 */
export class Context {
  private readonly built = new Map<string, unknown>();

  /**
   * `lookup`: a setting by its name (`torqueToken`), as this configuration has it.
   * `keyOf`: where the user sets it, for messages: a stack config key, or an explicit provider's input.
   */
  constructor(
    private readonly lookup: (name: SettingName) => string | undefined,
    private readonly keyOf: (name: SettingName) => { key: string; input: boolean },
    /** Some settings are not known yet (at preview, from outputs of resources still to be created): what needs them waits for up. */
    readonly partial = false,
  ) {}

  /** The key that sets a setting here (`torque:token`, `gitlab-sources:torqueToken`, `torqueToken`). */
  key(name: SettingName): string {
    return this.keyOf(name).key;
  }

  /**
   * A setting as a message names it, the way the provider in use takes it: the stack config
   * key, the explicit provider's input, or the environment variable its value came from.
   */
  name(name: SettingName): string {
    const variable = this.fromEnvironment(name);
    if (variable) return variable;
    const { key, input } = this.keyOf(name);
    return input ? `the provider's ${key} input` : key;
  }

  /** How to set it, for a message: the command, the provider input, or the environment variable its value comes from. */
  howToSet(name: SettingName, example: string): string {
    const variable = this.fromEnvironment(name);
    if (variable) return `the environment variable ${variable}`;
    const { key, input } = this.keyOf(name);
    if (input) return `the provider's \`${key}\` input`;
    return `\`pulumi config set ${SETTINGS[name].secret ? "--secret " : ""}${key} ${example}\``;
  }

  /** The setting as configured, else from the first of its environment variables that is set. */
  setting(name: SettingName): string | undefined {
    const configured = this.lookup(name);
    if (configured !== undefined && configured !== "") return configured;
    const variable = this.fromEnvironment(name);
    return variable && process.env[variable];
  }

  /** The environment variable the setting's value comes from, when the configuration does not set it. */
  private fromEnvironment(name: SettingName): string | undefined {
    const configured = this.lookup(name);
    if (configured !== undefined && configured !== "") return undefined;
    return SETTINGS[name].env?.find((variable) => process.env[variable]);
  }

  /** What this configuration builds once and shares (a client, with its caches and tokens). */
  once<T>(key: string, build: () => T): T {
    if (!this.built.has(key)) this.built.set(key, build());
    return this.built.get(key) as T;
  }
}

export interface SettingSpec {
  description: string;
  /** Environment variables read when the configuration does not set it, first set wins. */
  env?: string[];
  default?: string | number;
  secret?: boolean;
  type: "string" | "number";
  /** The stack config key of dynamic mode before the package's own names, still read there. */
  legacy: string;
}

type Api = "torque" | "enos" | "gitlab";
type TransportSettingName<A extends Api> = `${A}${"CaBundle" | "TimeoutSeconds" | "MaxConcurrency" | "MaxResponseMegabytes"}`;

function transport<A extends Api>(api: A, label: string, defaults: { timeout: number }): Record<TransportSettingName<A>, SettingSpec> {
  return {
    [`${api}CaBundle`]: {
      type: "string",
      env: [`${api.toUpperCase()}_CA_BUNDLE`],
      legacy: `${api}:caBundle`,
      description: `PEM certificates to trust for ${label} with a private CA${api === "gitlab" ? " (a resource's gitlabCaBundle overrides it)" : ""}.`,
    },
    [`${api}TimeoutSeconds`]: {
      type: "number",
      default: defaults.timeout,
      legacy: `${api}:timeoutSeconds`,
      description:
        api === "gitlab"
          ? "Time the connectivity test's GitLab requests may take, retries included."
          : `Time a request to ${label} may take before it fails (idempotent ones are retried).`,
    },
    [`${api}MaxConcurrency`]: {
      type: "number",
      default: 16,
      legacy: `${api}:maxConcurrency`,
      description: `Requests in flight to ${label} at once (the engine's own --parallel is unbounded by default, so this paces a large stack).`,
    },
    [`${api}MaxResponseMegabytes`]: {
      type: "number",
      default: 10,
      legacy: `${api}:maxResponseMegabytes`,
      description: `Largest answer read from ${label}, after decompression; a larger one is an error naming the call.`,
    },
  } as Record<TransportSettingName<A>, SettingSpec>;
}

/** Every setting of a provider: stack config `gitlab-sources:<name>`, or an explicit provider's input `<name>`. */
const settings = {
  torqueUrl: {
    type: "string",
    env: ["TORQUE_URL", "TORQUE_HOST", "TORQUE_HOSTNAME"],
    default: "https://portal.qtorque.io",
    legacy: "torque:url",
    description: "Torque account URL (https://<account>.qtorque.io for single-tenant accounts); a bare host name, as Torque's CLI takes TORQUE_HOSTNAME, means https.",
  },
  torqueToken: {
    type: "string",
    env: ["TORQUE_TOKEN"],
    secret: true,
    legacy: "torque:token",
    description: "Torque API token (Settings > Integrations); repository providers need a Torque Admin.",
  },
  torqueOnboardingTimeoutSeconds: {
    type: "number",
    default: 120,
    legacy: "torque:onboardingTimeoutSeconds",
    description:
      "Time the call that connects a repository to a space may take (Torque answers it slowly; its official client gives it 120 s). When it times out, the repository is looked for in the space and, once listed, waited for.",
  },
  ...transport("torque", "Torque", { timeout: 30 }),
  enosApiGateway: { type: "string", env: ["ENOS_API_GATEWAY"], legacy: "enos:apiGateway", description: "EnOS API gateway, https://apigw-address." },
  enosOrgId: { type: "string", env: ["ENOS_ORG_ID"], legacy: "enos:orgId", description: "EnOS organization id (IAM > Organization Profile)." },
  enosAppKey: { type: "string", env: ["ENOS_APP_KEY"], legacy: "enos:appKey", description: "EnOS application access key (Developer Console > Application Registration)." },
  enosAppSecret: { type: "string", env: ["ENOS_APP_SECRET"], secret: true, legacy: "enos:appSecret", description: "EnOS application secret key." },
  enosServicePath: {
    type: "string",
    env: ["ENOS_SERVICE_PATH"],
    default: "/data-source-registration/v2.0",
    legacy: "enos:servicePath",
    description: "Prefix of the Data Source Registration service behind the gateway.",
  },
  ...transport("enos", "the EnOS gateway", { timeout: 30 }),
  ...transport("gitlab", "GitLab servers", { timeout: 10 }),
} satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof settings;
export const SETTINGS: Record<SettingName, SettingSpec> = settings;
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** How a client's messages name the settings: as the provider in use takes them. */
export type SettingNames = Pick<Context, "name" | "howToSet">;

/** Timeout, concurrency cap, answer size cap and trusted CA of one API's client. */
export interface TransportSettings {
  timeoutMs?: number;
  maxConcurrent?: number;
  maxResponseBytes?: number;
  caBundle?: string;
  /** The CA setting as messages name it (TLS failures). */
  caSetting?: string;
}

/** A positive number setting, or the failure that names it. */
export function positiveSetting(ctx: Context, name: SettingName): number | undefined | CheckFailure {
  const raw = ctx.setting(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (Number.isFinite(value) && value > 0) return value;
  return { property: ctx.key(name), reason: `${ctx.name(name)} must be a positive number, not "${raw}"; fix it with ${ctx.howToSet(name, "<number>")}.` };
}

/** The transport settings of one API (`torque`, `enos`, `gitlab`); a bad number is a failure. */
export function transportSettings(ctx: Context, api: Api): TransportSettings | CheckFailure {
  const timeout = positiveSetting(ctx, `${api}TimeoutSeconds`);
  const concurrency = positiveSetting(ctx, `${api}MaxConcurrency`);
  const megabytes = positiveSetting(ctx, `${api}MaxResponseMegabytes`);
  for (const value of [timeout, concurrency, megabytes]) if (typeof value === "object") return value;
  return {
    timeoutMs: typeof timeout === "number" ? timeout * 1000 : undefined,
    maxConcurrent: typeof concurrency === "number" ? Math.floor(concurrency) : undefined,
    maxResponseBytes: typeof megabytes === "number" ? Math.floor(megabytes * 2 ** 20) : undefined,
    caBundle: ctx.setting(`${api}CaBundle`),
    caSetting: ctx.name(`${api}CaBundle`),
  };
}

/** Dynamic mode: stack config `gitlab-sources:<name>`, else the key dynamic mode has always read (`torque:token`). */
export function stackConfigContext(config: { get(key: string): string | undefined }): Context {
  const own = (name: SettingName) => `gitlab-sources:${name}`;
  const given = (key: string) => {
    const value = config.get(key);
    return value === undefined || value === "" ? undefined : value;
  };
  return new Context(
    (name) => given(own(name)) ?? given(SETTINGS[name].legacy),
    (name) => ({ key: given(own(name)) !== undefined ? own(name) : SETTINGS[name].legacy, input: false }),
  );
}
