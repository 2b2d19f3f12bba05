import type { z } from "zod";
import { ProviderError } from "../core/errors";
import type { Request, Response } from "./client";

/**
 * The body of an answer, checked against the shape the API promises. Anything else (HTML
 * from a proxy, a truncated body, fields of the wrong type) is an error that names the call
 * and what was expected, never a crash further on.
 */
export function parseBody<T>(api: string, req: Pick<Request, "method" | "path">, res: Response, schema: z.ZodType<T>, expected: string): T {
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    throw malformed(api, req, res, describeText(res.body), expected);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw malformed(api, req, res, `JSON of another shape (${issue.message}${where})`, expected);
  }
  return parsed.data;
}

function describeText(body: string): string {
  const text = body.trimStart();
  if (text === "") return "an empty body";
  if (text.startsWith("<")) return "HTML";
  if (text.startsWith("{") || text.startsWith("[")) return "JSON that is cut short or invalid";
  return "text that is not JSON";
}

function malformed(api: string, req: Pick<Request, "method" | "path">, res: Response, got: string, expected: string): ProviderError {
  return new ProviderError(
    `${api}: ${req.method} ${req.path} answered ${res.status} with ${got} where ${expected} was expected; check that the configured URL points at ${api} and not at a proxy or login page.`,
  );
}
