import * as crypto from "node:crypto";

/**
 * Answers of the preview checks, shared per provider process under a key of everything that
 * changes them (a server, a token, a CA bundle, a path): the calls asking at the same time,
 * concurrent steps included, share one request, and later calls take its answer. Transient
 * answers (network failures, 429, 5xx) are shared only by the calls that were waiting for them.
 */
export class Answers<T> {
  private readonly cache = new Map<string, Promise<T>>();

  constructor(private readonly transient: (answer: T) => boolean) {}

  get(parts: (string | undefined)[], compute: () => Promise<T>): Promise<T> {
    const key = crypto.createHash("sha256").update(JSON.stringify(parts)).digest("hex");
    let entry = this.cache.get(key);
    if (!entry) {
      const answer = compute();
      entry = answer;
      this.cache.set(key, answer);
      const forget = () => this.cache.get(key) === answer && this.cache.delete(key);
      void answer.then((settled) => this.transient(settled) && forget(), forget);
    }
    return entry;
  }
}
