import * as pulumi from "@pulumi/pulumi";
import { enos, plugin, torque } from "pulumi-gitlab-sources";

// Resources declared by config, so that one project walks the engine's paths by changing its
// config between commands (engine-paths.e2e.ts): `mode` (dynamic or plugin), `resources` (a JSON
// list of declarations) and `providers` (explicit plugin providers by name). In arguments,
// "$token" is the GitLab token, "$gitlab/<path>" a URL on the GitLab server, "$secret:<v>" a
// secret, "$space" the Torque space and "$ref:<name>" another declared resource.
interface Declaration {
  kind: "enos:GitLabDataSource" | "torque:GitCredential" | "torque:RepositoryProvider" | "torque:SpaceRepository";
  name: string;
  args: Record<string, unknown>;
  opts?: { deleteBeforeReplace?: boolean; import?: string; aliases?: string[]; provider?: string; customTimeouts?: { create?: string; update?: string } };
}

const config = new pulumi.Config();
const gitlabUrl = config.require("gitlabUrl").replace(/\/*$/, "/");
const token = config.requireSecret("gitlabToken");
const space = config.require("torqueSpace");
const kinds = (config.require("mode") === "plugin" ? plugin : { enos, torque }) as unknown as Record<string, Record<string, new (name: string, args: unknown, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource>>;
const made: Record<string, pulumi.CustomResource> = {};

function value(given: unknown): unknown {
  if (Array.isArray(given)) return given.map(value);
  if (given !== null && typeof given === "object") return Object.fromEntries(Object.entries(given).map(([k, v]) => [k, value(v)]));
  if (typeof given !== "string") return given;
  if (given === "$token") return token;
  if (given === "$space") return space;
  if (given.startsWith("$gitlab/")) return `${gitlabUrl}${given.slice("$gitlab/".length)}`;
  if (given.startsWith("$secret:")) return pulumi.secret(value(given.slice("$secret:".length)));
  if (given.startsWith("$ref:")) return made[given.slice("$ref:".length)];
  return given;
}

const providers = Object.fromEntries(
  Object.entries(config.getObject<Record<string, Record<string, unknown>>>("providers") ?? {}).map(([name, settings]) => [name, new plugin.Provider(name, value(settings) as plugin.ProviderArgs)]),
);

for (const { kind, name, args, opts = {} } of config.requireObject<Declaration[]>("resources")) {
  const [module, type] = kind.split(":");
  made[name] = new kinds[module][type](name, value(args), {
    deleteBeforeReplace: opts.deleteBeforeReplace,
    import: opts.import,
    aliases: opts.aliases?.map((alias) => ({ name: alias })),
    provider: opts.provider ? providers[opts.provider] : undefined,
    customTimeouts: opts.customTimeouts,
  });
}
