/**
 * One list request serves every read of the same collection in a provider process (a
 * refresh reads hundreds of resources at once); a write through this process drops the
 * entry so that nothing reads its own writes stale.
 */
export class ListCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly queued = new Map<string, Promise<T>>();

  constructor(private readonly ttlMs = 30_000) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.at < this.ttlMs) return entry.value;
    return this.start(key, load);
  }

  /**
   * A list whose request starts after this call (pollers, lookups after a failed write).
   * While one is in flight the next starts when it ends, shared by all who asked meanwhile:
   * a hundred repositories waiting for their sync in one space cost one list at a time.
   */
  fresh(key: string, load: () => Promise<T>): Promise<T> {
    const queued = this.queued.get(key);
    if (queued) return queued;
    const previous = this.inFlight.get(key)?.catch(() => undefined) ?? Promise.resolve();
    const next = previous.then(() => {
      this.queued.delete(key);
      return this.start(key, load);
    });
    this.queued.set(key, next);
    return next;
  }

  invalidate(key: string): void {
    this.entries.delete(key);
  }

  private start(key: string, load: () => Promise<T>): Promise<T> {
    const value = load();
    this.entries.set(key, { at: Date.now(), value });
    this.inFlight.set(key, value);
    const settle = () => {
      if (this.inFlight.get(key) === value) this.inFlight.delete(key);
    };
    value.then(settle, () => {
      settle();
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
