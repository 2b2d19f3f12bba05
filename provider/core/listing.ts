/**
 * A list answer indexed by each entry's key. The rest of an entry is checked when it is
 * looked up: a sync poll that waits for a few repositories neither validates nor copies a
 * whole space, and an entry that no resource reads cannot fail the run. An entry without a
 * string key is checked at once (its check names the call and the field): skipping it could
 * make a resource look deleted.
 */
export class Listing<T> {
  private readonly index = new Map<string, number>();

  constructor(
    private readonly entries: unknown[],
    key: string,
    /** Returns the entry as T or throws an error naming the call and `at`. */
    private readonly check: (entry: unknown, at: number) => T,
  ) {
    entries.forEach((entry, at) => {
      const value = (entry as Record<string, unknown> | null)?.[key];
      if (typeof value === "string") this.index.set(value, at);
      else check(entry, at);
    });
  }

  get(key: string): T | undefined {
    const at = this.index.get(key);
    return at === undefined ? undefined : this.check(this.entries[at], at);
  }

  /** Checks entries in order until one matches: for the rare lookup by another field. */
  find(match: (entry: T) => boolean): T | undefined {
    for (let at = 0; at < this.entries.length; at++) {
      const entry = this.check(this.entries[at], at);
      if (match(entry)) return entry;
    }
    return undefined;
  }
}
