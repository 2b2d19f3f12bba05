import { ProviderError } from "./errors";
import { infoOnce } from "./log";

export interface Found {
  id: string;
  /** It holds what this create sends. */
  matches: boolean;
  /** The server records that this provider's own credentials made it (never a person). */
  ours?: boolean;
}

export interface CreateOnce {
  /** "Torque repository provider gitlab-1", for messages. */
  what: string;
  /** How a name clash is told: "EnOS already has a data source named x" (the import hint follows). */
  clash: string;
  /** Sends the create; resolves to the new object's id. */
  post(): Promise<string>;
  /** Looks the object up by its unique name, asking the server afresh. */
  find(): Promise<Found | undefined>;
}

/**
 * A create is not idempotent: after an ambiguous failure (timeout, reset, 5xx, lost answer)
 * the object may exist. Look it up by name before trying again; adopt it when it is the one
 * we sent, fail clearly when it differs. Never two registrations.
 *
 * A name clash (409) after our own ambiguous attempt is that attempt's object, which a list
 * lagging behind the write did not show yet: look again until it shows. A clash on a first
 * attempt is adopted only when the server proves it is ours and it holds what we send (the
 * create of a run that was killed); otherwise the error says how to import it.
 */
export async function createOnce(op: CreateOnce, attempts = 3): Promise<string> {
  let interrupted = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op.post();
    } catch (err) {
      if (err instanceof ProviderError && err.clash) {
        const existing = interrupted ? await lookUp(op, (found) => found !== undefined) : await op.find().catch(() => undefined);
        if (existing?.matches && (interrupted || existing.ours)) {
          if (!interrupted) infoOnce(`adopted:${existing.id}`, `${op.what} existed already (id ${existing.id}), made by this provider's credentials with exactly these settings, as by an interrupted pulumi up: adopted, not registered again.`);
          return existing.id;
        }
        throw clashError(op, existing);
      }
      if (!(err instanceof ProviderError && err.ambiguous)) throw err;
      interrupted = true;
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

/** A name clash names the existing object and how to adopt it. */
function clashError(op: CreateOnce, existing: Found | undefined): ProviderError {
  if (!existing) return new ProviderError(`${op.clash}, but it could not be found to give its id; choose another name, or find its id in the console and add the resource option import: "<id>".`);
  return new ProviderError(
    `${op.clash} (id ${existing.id}); if an interrupted pulumi up made it, adopt it: add the resource option import: "${existing.id}" and run pulumi up again (it is compared with the program, nothing is registered); otherwise choose another name.`,
  );
}

/**
 * The lookup decides between adopting and creating again, so it is worth a few tries (also
 * while `enough` is not met: a list may lag behind a write). If it cannot be made, the
 * object may exist and the next run would meet it as a name clash.
 */
async function lookUp(op: CreateOnce, enough: (found: Found | undefined) => boolean = () => true, attempts = 4): Promise<Found | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const found = await op.find();
      if (enough(found) || attempt >= attempts) return found;
    } catch (err) {
      if (attempt >= attempts) {
        const message = err instanceof Error ? err.message : String(err);
        throw new ProviderError(`could not tell whether ${op.what} was created after an interrupted create (${message}); run pulumi up again, and if it reports that the name exists, import the object with the id it gives.`);
      }
    }
    await pause(attempt);
  }
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
}
