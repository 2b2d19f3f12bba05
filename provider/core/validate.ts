import type { z } from "zod";
import type { CheckFailure, ResourceSpec } from "./spec";
import { containsUnknown } from "./unknown";

const PROVIDER_KEY = "__provider";

/**
 * Validates and normalises each input on its own, so that unknown values at preview (which
 * may stand for anything) skip only their own rules. One failure per bad property.
 */
export function parseInputs(spec: ResourceSpec, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const inputs: Record<string, unknown> = {};
  const failures: CheckFailure[] = [];
  const shape = spec.inputs.shape as Record<string, z.ZodType>;
  for (const [key, schema] of Object.entries(shape)) {
    const raw = news[key];
    if (containsUnknown(raw)) {
      inputs[key] = raw;
      continue;
    }
    // reportInput: an issue carries the value it is about, which tells a wrong type from a missing value.
    const parsed = schema.safeParse(raw === null ? undefined : raw, { reportInput: true });
    if (parsed.success) {
      if (parsed.data !== undefined) inputs[key] = parsed.data;
    } else {
      inputs[key] = raw;
      failures.push(failureFor(key, parsed.error.issues[0]));
    }
  }
  for (const key of Object.keys(news)) {
    if (key !== PROVIDER_KEY && !(key in shape)) {
      failures.push({ property: key, reason: `${key} is not a property of ${spec.token}; remove it (properties: ${Object.keys(shape).join(", ")}).` });
    }
  }
  return { inputs, failures };
}

function failureFor(key: string, issue: z.core.$ZodIssue): CheckFailure {
  const property = key + issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  const detail = issue.code === "invalid_type" ? describeType(issue) : issue.message;
  return { property, reason: `${property} ${detail}` };
}

function describeType(issue: z.core.$ZodIssueInvalidType): string {
  if (issue.input === undefined) return "is required; set it.";
  const got = Array.isArray(issue.input) ? "a list" : typeof issue.input;
  return `must be ${issue.expected === "array" ? "a list" : `a ${issue.expected}`}, not ${got}.`;
}
