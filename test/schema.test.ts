import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { buildSchema, renderSchema, runtimeType, schemaPath, specs, schemaToken } from "../scripts/schema";

type Json = Record<string, any>;
const schema = buildSchema() as Json;
const resource = (token: string): Json => schema.resources[`gitlab-sources:${token}`];

describe("schema.json", () => {
  test("is generated from the zod specs: the committed file is not stale (run npm run schema)", () => {
    expect(fs.readFileSync(schemaPath, "utf8")).toBe(renderSchema());
  });

  test("validates against Pulumi's package metaschema (vendored copy, draft 2020-12)", () => {
    const meta = JSON.parse(fs.readFileSync(path.join(__dirname, "reference", "pulumi-package-metaschema.json"), "utf8"));
    const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(meta);
    expect(validate(schema) ? [] : validate.errors).toEqual([]);
  });

  test("has a resource per spec, with the real runtime type recorded as an alias", () => {
    expect(Object.keys(schema.resources).sort()).toEqual([
      "gitlab-sources:enos:GitLabDataSource",
      "gitlab-sources:torque:GitCredential",
      "gitlab-sources:torque:RepositoryProvider",
      "gitlab-sources:torque:SpaceRepository",
    ]);
    for (const spec of specs) expect(schema.resources[schemaToken(spec)].aliases).toEqual([{ type: runtimeType(spec) }]);
    expect(runtimeType({ token: "torque:RepositoryProvider" })).toBe("pulumi-nodejs:dynamic/torque:RepositoryProvider");
  });

  test("every input and output property has a description", () => {
    for (const [token, r] of Object.entries<Json>(schema.resources)) {
      for (const [name, p] of [...Object.entries<Json>(r.properties), ...Object.entries<Json>(r.inputProperties)]) {
        expect(`${token}.${name}: ${p.description ?? ""}`.length).toBeGreaterThan(`${token}.${name}: `.length + 10);
      }
    }
  });

  test("tokens are secret, as inputs and as outputs", () => {
    for (const token of ["enos:GitLabDataSource", "torque:GitCredential", "torque:RepositoryProvider", "torque:SpaceRepository"]) {
      expect(resource(token).inputProperties.token.secret).toBe(true);
      expect(resource(token).properties.token.secret).toBe(true);
    }
  });

  test("what references set is plumbing: not published as inputs or outputs", () => {
    const published = Object.keys(resource("torque:SpaceRepository").properties);
    const plumbing = published.filter((k) => k.startsWith("storedCredential") || k.startsWith("provider"));
    expect(plumbing).toEqual([]);
    expect(Object.keys(resource("torque:SpaceRepository").inputProperties)).toEqual(expect.arrayContaining(["credential", "repositoryProvider"]));
    expect(published).not.toContain("ownedCredential");
    expect(published).not.toContain("account");
  });

  test("replaceOnChanges marks exactly what the API cannot change in place", () => {
    const replacing = (token: string) => Object.entries<Json>(resource(token).inputProperties).filter(([, p]) => p.replaceOnChanges).map(([k]) => k).sort();
    expect(replacing("enos:GitLabDataSource")).toEqual(["name"]);
    expect(replacing("torque:RepositoryProvider")).toEqual([]);
    expect(replacing("torque:SpaceRepository")).toEqual(["branch", "eacAutoRegistration", "repositoryName", "repositoryUrl", "space"]);
    expect(replacing("torque:GitCredential")).toEqual(["name", "space"]);
  });

  test("required inputs and outputs are what users must give and can rely on", () => {
    expect(resource("enos:GitLabDataSource").requiredInputs).toEqual(["gitUrl", "name", "token"]);
    expect(resource("torque:RepositoryProvider").requiredInputs).toEqual(["baseUrl", "token"]);
    expect(resource("torque:SpaceRepository").requiredInputs).toEqual(["repositoryName", "repositoryUrl", "space"]);
    expect(resource("torque:RepositoryProvider").required).toEqual(expect.arrayContaining(["providerId", "name", "baseUrl", "repos", "type"]));
    expect(resource("torque:SpaceRepository").inputProperties.repositoryProvider).toMatchObject({ $ref: "#/resources/gitlab-sources:torque:RepositoryProvider" });
    expect(resource("torque:SpaceRepository").inputProperties.providerId).toBeUndefined();
    expect(resource("torque:GitCredential").requiredInputs).toEqual(["gitlabUrl", "space", "token"]);
    expect(resource("torque:SpaceRepository").inputProperties.credential).toMatchObject({ $ref: "#/resources/gitlab-sources:torque:GitCredential" });
    expect(resource("torque:SpaceRepository").inputProperties.storedCredentialName).toBeUndefined();
  });
});

describe("the provider's settings and the resources' names", () => {
  test("the provider and stack config take every setting, the credentials secret", () => {
    const names = ["torqueUrl", "torqueToken", "enosApiGateway", "enosOrgId", "enosAppKey", "enosAppSecret", "torqueCaBundle", "gitlabTimeoutSeconds"];
    for (const name of names) {
      expect(schema.provider.inputProperties[name]?.description).toEqual(expect.any(String));
      expect(schema.config.variables[name]?.description).toEqual(expect.any(String));
    }
    expect(Object.keys(schema.provider.inputProperties).sort()).toEqual(Object.keys(schema.config.variables).sort());
    const secrets = Object.entries<Json>(schema.provider.inputProperties).filter(([, p]) => p.secret).map(([k]) => k).sort();
    expect(secrets).toEqual(["enosAppSecret", "torqueToken"]);
  });

  test("no input or output uses a name the generated SDKs reserve for resource options or their own members", () => {
    // provider/providers/version/... are resource options in every language; id and urn are every resource's own;
    // resource_name and opts are the constructor's parameters in Python.
    const reserved = ["provider", "providers", "version", "pluginDownloadURL", "parent", "protect", "dependsOn", "id", "urn", "opts", "resourceName", "resource_name", "aliases", "import", "ignoreChanges"];
    for (const [token, r] of Object.entries<Json>(schema.resources)) {
      const names = [...Object.keys(r.inputProperties), ...Object.keys(r.properties)];
      expect(`${token}: ${names.filter((n) => reserved.includes(n)).join(", ")}`).toBe(`${token}: `);
    }
    expect(Object.keys(schema.provider.inputProperties).filter((n) => reserved.includes(n))).toEqual([]);
  });
});
