import { safeText } from "./secrets";

/**
 * An error meant for the user: one sentence naming the property or endpoint, what is wrong
 * and how to fix it. The provider host prints thrown errors as `${e}: ${e.stack}`; these
 * print as `pulumi-gitlab-sources: <message>`, never a stack trace.
 */
export class ProviderError extends Error {
  /** The server may have applied the request although it failed (timeout, reset, 5xx on a POST). */
  readonly ambiguous: boolean;
  /** The server refused a create or rename because the name is taken. */
  readonly clash: boolean;

  constructor(message: string, options: { ambiguous?: boolean; clash?: boolean } = {}) {
    super(safeText(message));
    this.ambiguous = options.ambiguous ?? false;
    this.clash = options.clash ?? false;
    Object.defineProperty(this, "stack", { value: this.message, enumerable: false });
  }

  toString(): string {
    return "pulumi-gitlab-sources";
  }
}

/**
 * The object exists but is not ready (for example a repository whose sync ended in Error),
 * after a create or an update. The host turns `id`, `properties` and `reasons` into the
 * engine's ErrorResourceInitFailed: the engine keeps the resource in state with
 * initialization errors (nothing is orphaned) and sends it an Update on the next `pulumi up`.
 */
export class InitError extends ProviderError {
  constructor(message: string, readonly id: string, readonly properties: Record<string, unknown>, readonly reasons: string[] = [message]) {
    super(message);
  }
}

/** Turns anything thrown into a ProviderError whose message carries no secret and no stack. */
export function asProviderError(err: unknown, context: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(`${context}: ${message}`);
}
