/** Small checks for request bodies, shared by the Torque and EnOS emulators. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function unknownKeys(value: JsonObject, allowed: readonly string[]): string[] {
  return Object.keys(value).filter((key) => !allowed.includes(key));
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** The parsed URL when the text is an absolute http(s) URL without user info; otherwise undefined. */
export function parseHttpUrl(text: unknown): URL | undefined {
  if (typeof text !== "string") return undefined;
  try {
    const url = new URL(text);
    const httpScheme = url.protocol === "http:" || url.protocol === "https:";
    return httpScheme && !url.username && !url.password ? url : undefined;
  } catch {
    return undefined;
  }
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

export function isBoolean(value: unknown): value is boolean {
  return typeof value === "boolean";
}

export function nullOr(check: (value: unknown) => boolean): (value: unknown) => boolean {
  return (value) => value === null || check(value);
}

export interface FieldRule {
  check: (value: unknown) => boolean;
  /** Completes "<field> must be ...". */
  expected: string;
  optional?: boolean;
  /** Rules for the fields of an object value, checked once the value passes `check`. */
  fields?: Record<string, FieldRule>;
}

export function objectRule(fields: Record<string, FieldRule>, optional = false): FieldRule {
  return { check: isObject, expected: `an object with ${Object.keys(fields).join(", ")}`, optional, fields };
}

/** A problem with one field; `name` is the field's dotted path. */
export interface FieldProblem {
  name: string;
  message: string;
}

/** Unknown, missing and mistyped fields, nested objects included; `prefix` is the dotted path to `value`. */
export function checkFields(value: JsonObject, rules: Record<string, FieldRule>, prefix = ""): FieldProblem[] {
  const problems = unknownKeys(value, Object.keys(rules)).map((key) => ({
    name: prefix + key,
    message: `Unknown field '${prefix + key}'`,
  }));
  for (const [key, rule] of Object.entries(rules)) {
    const name = prefix + key;
    if (!(key in value)) {
      if (!rule.optional) problems.push({ name, message: `${name} is required` });
    } else if (!rule.check(value[key])) {
      problems.push({ name, message: `${name} must be ${rule.expected}` });
    } else if (rule.fields) {
      problems.push(...checkFields(value[key] as JsonObject, rule.fields, `${name}.`));
    }
  }
  return problems;
}
