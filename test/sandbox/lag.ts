/**
 * Eventual consistency of list reads, as real APIs have it: with `reads` > 0 a list answers
 * what it held that many list reads of the same collection ago, so a write shows up late.
 * Direct lookups by id are not affected (they are strongly consistent).
 */
export class ListLag {
  /** How many list reads behind the writes a list answers; 0: at once. */
  reads = 0;
  private readonly seen = new Map<string, unknown[]>();

  /** The answer to a list read of `collection` whose current content is `current` (copied). */
  answer<T>(collection: string, current: T[]): T[] {
    const history = (this.seen.get(collection) ?? []) as T[][];
    history.push(structuredClone(current));
    while (history.length > this.reads + 1) history.shift();
    this.seen.set(collection, history);
    return history[0];
  }
}
