/**
 * Generates schema.json, the Pulumi Package Schema of this package, from the zod specs of
 * the resources (`npm run schema`). A test fails when the committed file is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { gitLabDataSourceSpec } from "../provider/enos/gitLabDataSource.schema";
import { SETTING_NAMES, SETTINGS } from "../provider/core/context";
import { PACKAGE, runtimeType, schemaToken, type ResourceSpec } from "../provider/core/spec";
import { goModule, home, pluginDownloadUrl, version } from "./project";

export { PACKAGE, runtimeType, schemaToken };
import { gitCredentialSpec } from "../provider/torque/gitCredential.schema";
import { repositoryProviderSpec } from "../provider/torque/repositoryProvider.schema";
import { spaceRepositorySpec } from "../provider/torque/spaceRepository.schema";

export const specs: ResourceSpec[] = [gitLabDataSourceSpec, gitCredentialSpec, repositoryProviderSpec, spaceRepositorySpec];
export const schemaPath = path.resolve(__dirname, "..", "schema.json");

type Json = Record<string, unknown>;
interface JsonSchema {
  type?: string;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}


export function buildSchema(): Json {
  /** Import path of the generated Go SDK; the codegen takes its folder as the module path. */
  const goImportBase = `${goModule()}/gitlabsources`;
  const types: Record<string, Json> = {};
  const resources = Object.fromEntries(specs.map((spec) => [schemaToken(spec), resourceSchema(spec, types)]));
  return {
    name: PACKAGE,
    displayName: "GitLab sources",
    version: version(),
    description:
      "Registers GitLab sources with the platforms that consume them: EnOS Data Source Registration and Torque space repositories, space credentials and repository providers. A provider plugin (pulumi-resource-gitlab-sources) for every Pulumi language, and dynamic resources for TypeScript, in the npm package pulumi-gitlab-sources.",
    keywords: ["pulumi", "gitlab", "enos", "torque", "category/infrastructure", "kind/native"],
    license: "Apache-2.0",
    homepage: home().url,
    repository: home().url,
    pluginDownloadURL: pluginDownloadUrl(),
    meta: { supportPack: true },
    language: {
      nodejs: { packageName: "pulumi-gitlab-sources" },
      python: { packageName: "pulumi_gitlab_sources", pyproject: { enabled: true } },
      go: {
        importBasePath: goImportBase,
        // codegen/go v3.274.1 writes the index module's enums as `gitlab-sources.PreflightMode`, which does not compile: alias it.
        packageImportAliases: { [`${goImportBase}/gitlab-sources`]: "gitlabsources" },
      },
    },
    config: { variables: settingProperties(false) },
    provider: {
      description:
        "The provider for one Torque account and one EnOS organization. Every setting also falls back to its environment variable; explicit providers let one stack use several accounts.",
      inputProperties: settingProperties(true),
    },
    types,
    resources,
  };
}

/** The provider's settings, as stack config `gitlab-sources:<name>` and as an explicit provider's inputs. */
function settingProperties(asInputs: boolean): Record<string, Json> {
  return Object.fromEntries(
    SETTING_NAMES.map((name) => {
      const setting = SETTINGS[name];
      const fallback = [setting.env?.length ? `Environment: ${setting.env.join(", ")}.` : "", setting.default !== undefined ? `Default: ${setting.default}.` : ""].filter(Boolean).join(" ");
      const legacy = asInputs ? "" : ` Dynamic mode also reads ${setting.legacy}.`;
      const property: Json = { type: setting.type, description: `${setting.description} ${fallback}${legacy}`.trim() };
      if (setting.secret) property.secret = true;
      return [name, property];
    }),
  );
}

function resourceSchema(spec: ResourceSpec, types: Record<string, Json>): Json {
  const inputs = z.toJSONSchema(spec.inputs, { io: "input" }) as JsonSchema;
  const computed = z.toJSONSchema(spec.computed, { io: "output" }) as JsonSchema;
  const referenced = new Set(Object.values(spec.references ?? {}).flatMap((r) => Object.keys(r.sets)));
  const property = (key: string, json: JsonSchema) => propertySpec(spec, key, json, types);

  const inputProperties: Record<string, Json> = {};
  for (const [key, json] of Object.entries(inputs.properties ?? {})) {
    if (!referenced.has(key)) inputProperties[key] = property(key, json);
  }
  for (const [key, reference] of Object.entries(spec.references ?? {})) {
    inputProperties[key] = { $ref: `#/resources/${schemaToken({ token: reference.resource })}`, description: reference.description };
  }
  // What references set is plumbing between resources: plugin users pass the resource, and never get these back.
  const properties = {
    ...Object.fromEntries(Object.entries(inputs.properties ?? {}).filter(([k]) => !referenced.has(k)).map(([k, json]) => [k, property(k, json)])),
    ...Object.fromEntries(Object.entries(computed.properties ?? {}).map(([k, json]) => [k, property(k, json)])),
  };
  // An input is always in state when it is required or has a default.
  const shape = spec.inputs.shape as Record<string, z.ZodType>;
  const alwaysSet = Object.keys(shape).filter((k) => {
    const absent = shape[k].safeParse(undefined);
    return !absent.success || absent.data !== undefined;
  });
  return {
    description: `${spec.description}\n\nAs a dynamic resource (the TypeScript classes of the npm package), its type in state and URNs is \`${runtimeType(spec)}\`: the alias lets such a stack move to the plugin without replacing anything.`,
    properties,
    required: [...alwaysSet.filter((k) => !referenced.has(k)), ...(computed.required ?? [])].sort(),
    inputProperties,
    requiredInputs: (inputs.required ?? []).filter((k) => k !== spec.autoName && !referenced.has(k)).sort(),
    aliases: [{ type: runtimeType(spec) }],
  };
}

function propertySpec(spec: ResourceSpec, key: string, json: JsonSchema, types: Record<string, Json>): Json {
  const out: Json = typeSpec(key, json, types);
  let description = json.description ?? "";
  if (key === spec.autoName) description += " Default: the resource name.";
  if (description) out.description = description.trim();
  // No `const`: Pulumi YAML sends a property's const value as an input, and these are outputs.
  if (json.default !== undefined && typeof json.default !== "object") out.default = json.default;
  if (spec.secrets.includes(key)) out.secret = true;
  if ((spec.replaceOnChanges as string[]).includes(key)) out.replaceOnChanges = true;
  return out;
}

function typeSpec(key: string, json: JsonSchema, types: Record<string, Json>): Json {
  if (json.enum) {
    const name = `${PACKAGE}:index:${key[0].toUpperCase()}${key.slice(1)}Mode`;
    types[name] = { type: "string", description: json.description, enum: json.enum.map((value) => ({ value })) };
    return { $ref: `#/types/${name}` };
  }
  if (json.type === "array") return { type: "array", items: typeSpec(key, json.items ?? {}, types) };
  if (json.type === "string" || json.type === "boolean" || json.type === "integer" || json.type === "number") return { type: json.type };
  throw new Error(`schema: property ${key} has a type this generator does not map (${JSON.stringify(json)})`);
}

export function renderSchema(): string {
  return `${JSON.stringify(buildSchema(), null, 2)}\n`;
}

if (require.main === module) {
  fs.writeFileSync(schemaPath, renderSchema());
  console.log(`wrote ${path.relative(process.cwd(), schemaPath)}`);
}
