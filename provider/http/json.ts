import type { z } from "zod";
import { ProviderError } from "../core/errors";
import type { Request, Response } from "./client";

type Call = Pick<Request, "method" | "path">;

/**
 * The body of an answer, checked against the shape the API promises. Anything else (HTML
 * from a proxy, a truncated body, fields of the wrong type) is an error that names the call
 * and what was expected, never a crash further on.
 */
export function parseBody<T>(api: string, req: Call, res: Response, schema: z.ZodType<T>, expected: string): T {
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    throw malformed(api, req, res, describeText(res.body), expected);
  }
  return conform(api, req, res, json, schema, expected);
}

/** A value from the body of `res` (at `path` in it) checked against its shape, or the error that names the call. */
export function conform<T>(api: string, req: Call, res: Pick<Response, "status">, value: unknown, schema: z.ZodType<T>, expected: string, path: PropertyKey[] = []): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw malformed(api, req, res, `JSON of another shape (${firstIssue(parsed.error, path)})`, expected);
  return parsed.data;
}

/** What is wrong first, and where: "expected string, received number at 0.id". */
export function firstIssue(error: z.ZodError, path: PropertyKey[] = []): string {
  const issue = error.issues[0];
  const at = [...path, ...issue.path];
  return at.length > 0 ? `${issue.message} at ${at.map(String).join(".")}` : issue.message;
}

function describeText(body: string): string {
  const text = body.trimStart();
  if (text === "") return "an empty body";
  if (text.startsWith("<")) return "HTML";
  if (text.startsWith("{") || text.startsWith("[")) return "JSON that is cut short or invalid";
  return "text that is not JSON";
}

function malformed(api: string, req: Call, res: Pick<Response, "status">, got: string, expected: string): ProviderError {
  return new ProviderError(
    `${api}: ${req.method} ${req.path} answered ${res.status} with ${got} where ${expected} was expected; check that the configured URL points at ${api} and not at a proxy or login page.`,
  );
}
