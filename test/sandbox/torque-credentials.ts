import { checkFields, isNonEmptyString, isObject, objectRule, type FieldRule, type JsonObject } from "./fields";
import { jsonResponse, parseJson, type SandboxResponse } from "./handler-kit";
import { torqueError, torqueErrors } from "./torque-errors";

/** A credential in a space's credential store; the token is stored, never returned. */
export interface CredentialRecord {
  name: string;
  description: string;
  cloudType: string;
  cloudIdentifier: string;
  token: string;
}

/** Git credential types the official client offers; cloud_identifier and credential_data.type both name it. */
const GIT_TYPES = ["github", "bitbucket", "azureDevops", "gitlabEnterprise"];

const isString = (value: unknown): boolean => typeof value === "string";

/** The body the official client sends to create or update a space credential, nothing more. */
const CREDENTIAL_RULES: Record<string, FieldRule> = {
  space_name: { check: isNonEmptyString, expected: "a non-empty string" },
  name: { check: isNonEmptyString, expected: "a non-empty string" },
  description: { check: isString, expected: "a string" },
  cloud_type: { check: (value) => value === "sourceControl", expected: "'sourceControl'" },
  cloud_identifier: { check: (value) => GIT_TYPES.includes(value as string), expected: `one of ${GIT_TYPES.join(", ")}` },
  credential_data: objectRule({
    token: { check: isNonEmptyString, expected: "a non-empty string" },
    type: { check: (value) => GIT_TYPES.includes(value as string), expected: `one of ${GIT_TYPES.join(", ")}` },
  }),
};

const DELETE_RULES: Record<string, FieldRule> = {
  space_name: { check: isNonEmptyString, expected: "a non-empty string" },
  credential_name: { check: isNonEmptyString, expected: "a non-empty string" },
};

type CredentialBody = {
  space_name: string;
  name: string;
  description: string;
  cloud_type: string;
  cloud_identifier: string;
  credential_data: { token: string; type: string };
};

/**
 * One space's credential store, at `/api/spaces/{space}/settings/credentialstore[/{name}]`, as
 * Torque's official client uses it. `usedBy` names a repository of the space that uses a
 * credential: such a credential cannot be deleted.
 */
export class CredentialStore {
  readonly records = new Map<string, CredentialRecord>();

  constructor(
    readonly space: string,
    private readonly usedBy: (credential: string) => string | undefined,
  ) {}

  create(body: string): SandboxResponse {
    const input = this.read(body);
    if ("status" in input) return input;
    if (this.records.has(input.name)) return nameTaken(this.space, input.name, "name");
    this.records.set(input.name, input);
    return { status: 200 };
  }

  get(name: string): SandboxResponse {
    const record = this.records.get(name);
    return record ? jsonResponse(200, view(this.space, record)) : this.notFound(name);
  }

  update(name: string, body: string): SandboxResponse {
    if (!this.records.has(name)) return this.notFound(name);
    const input = this.read(body);
    if ("status" in input) return input;
    if (input.name !== name) return torqueError(400, "name", `name must be the credential's name in the path ('${name}'); a credential cannot be renamed`);
    this.records.set(name, input);
    return { status: 200 };
  }

  /** The body `{space_name, credential_name}` is required, as the official client sends it. */
  delete(name: string, body: string): SandboxResponse {
    const value = parseJson(body);
    if (!isObject(value)) return invalidBody();
    const problems = checkFields(value, DELETE_RULES);
    if (problems.length > 0) return torqueErrors(400, problems);
    if (value.space_name !== this.space || value.credential_name !== name) {
      return torqueError(400, "credential_name", "space_name and credential_name must name the space and the credential of the path");
    }
    if (!this.records.has(name)) return this.notFound(name);
    const user = this.usedBy(name);
    if (user !== undefined) return torqueError(409, "credential_name", `Credential '${name}' is used by repository '${user}' in space '${this.space}'`);
    this.records.delete(name);
    return { status: 200 };
  }

  /** The credential a repository onboarded with a token gets: named by its credential_name. */
  add(name: string, token: string): void {
    this.records.set(name, { name, description: "", cloudType: "sourceControl", cloudIdentifier: "gitlabEnterprise", token });
  }

  private read(body: string): CredentialRecord | SandboxResponse {
    const value = parseJson(body);
    if (!isObject(value)) return invalidBody();
    const problems = checkFields(value, CREDENTIAL_RULES);
    if (problems.length > 0) return torqueErrors(400, problems);
    const input = value as CredentialBody;
    if (input.space_name !== this.space) return torqueError(400, "space_name", `space_name must be the space of the path ('${this.space}')`);
    if (input.credential_data.type !== input.cloud_identifier) {
      return torqueError(400, "credential_data.type", "credential_data.type must equal cloud_identifier");
    }
    const { name, description, cloud_type: cloudType, cloud_identifier: cloudIdentifier } = input;
    return { name, description, cloudType, cloudIdentifier, token: input.credential_data.token };
  }

  private notFound(name: string): SandboxResponse {
    return torqueError(404, "NotFound", `Credential '${name}' was not found in space '${this.space}'`);
  }
}

/** 409 for a credential name taken in the space; `field` names the field of the request that carried it. */
export function nameTaken(space: string, name: string, field: string): SandboxResponse {
  return torqueError(409, field, `Credential '${name}' already exists in space '${space}'`);
}

function view(space: string, record: CredentialRecord): JsonObject {
  return {
    space_name: space,
    name: record.name,
    description: record.description,
    cloud_type: record.cloudType,
    cloud_identifier: record.cloudIdentifier,
    credential_data: { type: record.cloudIdentifier },
  };
}

function invalidBody(): SandboxResponse {
  return torqueError(400, "body", "The request body must be a JSON object");
}
