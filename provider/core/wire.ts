/**
 * Values as the provider host can carry them: it rejects `undefined` anywhere ("Unexpected
 * struct type") and turns a Date into `{}`. Undefined keys are dropped, dates become ISO text.
 */
export function toWire<T>(value: T): T {
  if (value instanceof Date) return value.toISOString() as T;
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(toWire) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toWire(v)]),
    ) as T;
  }
  return value;
}

/** The same value whatever the order of object keys, for comparisons. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** The same value whatever the order of the list's items. */
export function canonicalSet(items: unknown[]): string {
  return JSON.stringify(items.map(canonical).sort());
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, sortKeys(obj[k])]));
  }
  return value;
}
