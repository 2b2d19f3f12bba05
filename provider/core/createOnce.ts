import { pause, Stopped } from "./call";
import { ProviderError } from "./errors";

export interface Found {
  id: string;
  /** It holds what this create sends. */
  matches: boolean;
  /**
   * Where the server records who made an object and when (EnOS): whether this very call made
   * it, given when the call was sent (this machine's clock). Undefined: the server cannot tell.
   */
  madeSince?: (sentAt: number) => boolean;
}

export interface CreateOnce {
  /** "Torque repository provider gitlab-1", for messages. */
  what: string;
  /** How a name clash is told: "EnOS already has a data source named x" (the advice follows). */
  clash: string;
  /** Sends the create; resolves to the new object's id. */
  post(): Promise<string>;
  /** Looks the object up by its unique name, asking the server afresh. */
  find(): Promise<Found | undefined>;
  /** The server records who made an object and when (`Found.madeSince`): nothing to look up before the first attempt. */
  recordsMaker?: boolean;
}

/**
 * A create is not idempotent: after an ambiguous failure (timeout, reset, 5xx, lost answer)
 * the object may exist. Look it up by name before trying again, and take it as this call's
 * only when the server shows this call made it: it says so itself (EnOS: by this application,
 * after the request was sent), or, where it cannot (Torque), a lookup before the first attempt
 * found the name free. Never two registrations, and never an object someone else holds.
 *
 * A name taken before this call is always refused, whoever took it: the provider cannot tell a
 * killed run's orphan from an object another resource of the stack holds (the old object of a
 * `pulumi up --replace`, a renamed resource, the same name declared twice, another stack),
 * and adopting it would let that other resource's delete remove it.
 */
export async function createOnce(op: CreateOnce, attempts = 3): Promise<string> {
  const provedBefore = await absentBefore(op);
  let sentAt: number | undefined; // of the first attempt that may have been applied
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    try {
      return await op.post();
    } catch (err) {
      if (err instanceof ProviderError && err.clash) {
        // A clash after our own ambiguous attempt is that attempt's object, once a lagging list shows it.
        const existing = sentAt === undefined ? await op.find().catch(() => undefined) : await lookUp(op, (found) => found !== undefined);
        if (existing && sentAt !== undefined && madeByThisCall(existing, provedBefore, sentAt)) return existing.id;
        throw clashError(op, existing);
      }
      if (!(err instanceof ProviderError && err.ambiguous)) throw err;
      sentAt ??= started;
      const existing = await lookUp(op);
      if (existing && madeByThisCall(existing, provedBefore, sentAt)) return existing.id;
      if (existing?.matches) throw clashError(op, existing, " (a create of this run failed without an answer, and the server cannot show that it made this one)");
      if (existing) {
        throw new ProviderError(
          `${op.what} exists (id ${existing.id}) but differs from what was sent after an interrupted create; adopt it with the resource option import: "${existing.id}" or delete it, then run pulumi up again.`,
        );
      }
      if (attempt >= attempts) throw err;
      await pause(backoff(attempt), `creating ${op.what} again`);
    }
  }
}

function madeByThisCall(found: Found, provedBefore: boolean, sentAt: number): boolean {
  if (!found.matches) return false;
  return found.madeSince?.(sentAt) ?? provedBefore;
}

/**
 * Where the server records no maker (Torque), the one proof that an object found after an
 * ambiguous create is this call's: the name was free just before. A name already taken is a
 * clash at once, before anything is sent. A lookup that cannot be made (a server without the
 * designed list route) proves nothing: the create goes on, and an ambiguous one is not adopted.
 */
async function absentBefore(op: CreateOnce): Promise<boolean> {
  if (op.recordsMaker) return false;
  let probe: Found | undefined;
  try {
    probe = await op.find();
  } catch (err) {
    if (err instanceof Stopped) throw err; // cancelled, or past the operation's timeout: nothing is sent
    return false;
  }
  if (probe === undefined) return true;
  throw clashError(op, probe);
}

/** A name taken: which object, and what to do whether this stack holds it or not. */
function clashError(op: CreateOnce, existing: Found | undefined, why = ""): ProviderError {
  if (!existing) {
    return new ProviderError(`${op.clash}${why}, but it could not be found to give its id; choose another name, or find its id in the console and add the resource option import: "<id>".`);
  }
  const id = existing.id;
  return new ProviderError(
    `${op.clash} (id ${id})${why}, and this provider never takes over an object it did not just create: if this stack holds it (pulumi up --replace, a renamed resource, the same name declared twice), set the resource option deleteBeforeReplace: true, or give the renamed resource an alias to its old name; if it was made outside Pulumi or by a pulumi up that was killed, adopt it with the resource option import: "${id}" (it is compared with the program, nothing is registered); otherwise choose another name.`,
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
    await pause(backoff(attempt), `looking up ${op.what} after an interrupted create`);
  }
}

function backoff(attempt: number): number {
  return 250 * 2 ** attempt;
}
