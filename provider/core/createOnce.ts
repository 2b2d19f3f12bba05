import { ProviderError } from "./errors";

export interface CreateOnce {
  /** "Torque repository provider gitlab-1", for messages. */
  what: string;
  /** How a name clash is told: "EnOS already has a data source named x" (the import hint follows). */
  clash: string;
  /** Sends the create; resolves to the new object's id. */
  post(): Promise<string>;
  /** Looks the object up by its unique name: its id and whether it is the one we sent. */
  find(): Promise<{ id: string; matches: boolean } | undefined>;
}

/**
 * A create is not idempotent: after an ambiguous failure (timeout, reset, 5xx, lost answer)
 * the object may exist. Look it up by name before trying again; adopt it when it is the one
 * we sent, fail clearly when it differs. Never two registrations. A name taken before we
 * came is not adopted silently: the error says how to import it.
 */
export async function createOnce(op: CreateOnce, attempts = 3): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op.post();
    } catch (err) {
      if (err instanceof ProviderError && err.clash) throw await clashError(op);
      if (!(err instanceof ProviderError && err.ambiguous)) throw err;
      const existing = await lookUp(op);
      if (existing?.matches) return existing.id;
      if (existing) {
        throw new ProviderError(
          `${op.what} exists (id ${existing.id}) but differs from what was sent after an interrupted create; adopt it with the resource option import: "${existing.id}" or delete it, then run pulumi up again.`,
        );
      }
      if (attempt >= attempts) throw err;
      await pause(attempt);
    }
  }
}

/** A name clash (HTTP 409 and the like) names the existing object and how to adopt it. */
async function clashError(op: CreateOnce): Promise<ProviderError> {
  const existing = await op.find().catch(() => undefined);
  const id = existing?.id ?? "<id>";
  return new ProviderError(`${op.clash}${existing ? ` (id ${existing.id})` : ""}; adopt it with the resource option import: "${id}", or choose another name.`);
}

/**
 * The lookup decides between adopting and creating again, so it is worth a few tries: if it
 * cannot be made, the object may exist and the next run would meet it as a name clash.
 */
async function lookUp(op: CreateOnce, attempts = 4): ReturnType<CreateOnce["find"]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op.find();
    } catch (err) {
      if (attempt >= attempts) {
        const message = err instanceof Error ? err.message : String(err);
        throw new ProviderError(`could not tell whether ${op.what} was created after an interrupted create (${message}); run pulumi up again, and if it reports that the name exists, import the object with the id it gives.`);
      }
      await pause(attempt);
    }
  }
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
}
