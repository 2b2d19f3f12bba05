/**
 * One list request serves every read of the same collection in a provider process (a
 * refresh reads hundreds of resources at once); a write through this process drops the
 * entry so that nothing reads its own writes stale.
 */
export class ListCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(private readonly ttlMs = 30_000) {}

  /** `since`: only a request started at or after this time will do (pollers share such requests). */
  get(key: string, load: () => Promise<T>, since = 0): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && entry.at >= since && Date.now() - entry.at < this.ttlMs) return entry.value;
    const value = load();
    this.entries.set(key, { at: Date.now(), value });
    value.catch(() => this.entries.get(key)?.value === value && this.entries.delete(key));
    return value;
  }

  invalidate(key: string): void {
    this.entries.delete(key);
  }
}
