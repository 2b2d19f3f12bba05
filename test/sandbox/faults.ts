export type StatusFault = { kind: "status"; status: number };
export type RateLimitFault = { kind: "rateLimit"; retryAfter: number };

export type Fault =
  | StatusFault
  | RateLimitFault
  | { kind: "reset" }
  | { kind: "lostResponse" }
  | { kind: "delay"; ms: number }
  | { kind: "body"; status: number; body: string; contentType?: string }
  | { kind: "truncated" };

export type FaultKind = Fault["kind"];

/** A rule fires on matching requests; `path` matches the pathname (a string as a substring). */
export type FaultRule = Fault & { method?: string; path?: string | RegExp; times?: number };

/** "body" needs a caller-chosen answer, so random mode cannot pick it. */
export type RandomFaultKind = Exclude<FaultKind, "body">;

export interface RandomFaultOptions {
  seed: number;
  /** Fraction (0..1) of eligible requests that get a fault. */
  rate: number;
  kinds: RandomFaultKind[];
  methods?: string[];
  /** Delay of a random "delay" fault; default 1500. */
  delayMs?: number;
}

const RANDOM_STATUSES = [500, 502, 503];

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  /** Each rule with the number of times it may still fire. */
  private readonly rules = new Map<FaultRule, number>();
  private randomMode?: { options: RandomFaultOptions; next: () => number };

  add<R extends FaultRule>(rule: R): R {
    this.rules.set(rule, rule.times ?? Infinity);
    return rule;
  }

  remove(rule: FaultRule): void {
    this.rules.delete(rule);
  }

  clear(): void {
    this.rules.clear();
  }

  random(options: RandomFaultOptions): void {
    this.randomMode = { options, next: mulberry32(options.seed) };
  }

  off(): void {
    this.randomMode = undefined;
  }

  /** The fault for this request, if any: explicit rules first, then random mode. */
  pick(method: string, path: string): Fault | undefined {
    for (const [rule, remaining] of this.rules) {
      if (!matches(rule, method, path)) continue;
      if (remaining <= 1) this.rules.delete(rule);
      else this.rules.set(rule, remaining - 1);
      return rule;
    }
    return this.pickRandom(method);
  }

  private pickRandom(method: string): Fault | undefined {
    if (!this.randomMode) return undefined;
    const { options, next } = this.randomMode;
    if (options.methods && !options.methods.includes(method)) return undefined;
    if (options.kinds.length === 0 || next() >= options.rate) return undefined;
    const choose = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
    const kind = choose(options.kinds);
    switch (kind) {
      case "status":
        return { kind, status: choose(RANDOM_STATUSES) };
      case "rateLimit":
        return { kind, retryAfter: 1 };
      case "delay":
        return { kind, ms: options.delayMs ?? 1500 };
      default:
        return { kind };
    }
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  return rule.path === undefined || pathMatches(rule.path, path);
}

/** A string pattern matches as a substring. */
export function pathMatches(pattern: string | RegExp, path: string): boolean {
  // search() ignores lastIndex, so a /g pattern matches the same way every time.
  return typeof pattern === "string" ? path.includes(pattern) : path.search(pattern) >= 0;
}
