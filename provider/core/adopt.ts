import { ProviderError } from "./errors";
import { quoted } from "./inputs";
import type { CheckFailure } from "./spec";
import { containsUnknown } from "./unknown";

/**
 * The input that carries the `import` resource option. The engine's import step calls Read
 * with the id alone, and a dynamic provider cannot run without the `__provider` of its
 * inputs, so the resource class moves the id here: the engine runs a Create step, and create
 * reads the object instead of registering it.
 */
export const IMPORT_ID = "importId";

type Props = Record<string, unknown>;

/**
 * Takes the import id out of the program's inputs. It only means something for a resource
 * not yet in state (as the engine ignores `import` for one it manages): a replacement must
 * register a new object, not adopt the old one again. The engine checks a replacement's
 * inputs again without its old ones, so `held` names the import ids of resources the stack
 * holds (checked with their old inputs earlier in this run).
 */
export function takeImportId(olds: Props | undefined, news: Props, held: ReadonlySet<string>): { news: Props; importId?: string; failure?: CheckFailure } {
  const { [IMPORT_ID]: importId, ...rest } = news;
  if (importId === undefined || (olds && Object.keys(olds).length > 0) || held.has(importId as string)) return { news: rest };
  if (containsUnknown(importId)) return { news: rest };
  if (typeof importId !== "string" || importId.trim() === "" || importId.length > 300) {
    return { news: rest, failure: { property: "import", reason: "the import option must be the id of an existing object (a non-empty string); see docs/guides/import.md for each resource's id." } };
  }
  return { news: rest, importId };
}

/**
 * What differs between the declared inputs and the object found under the import id, as the
 * engine's own import judges it: one entry per property, with both values unless secret.
 */
export function importMismatch(keys: string[], secrets: string[], declared: Props, found: Props, same: (key: string, a: unknown, b: unknown) => boolean): string[] {
  return keys
    .filter((k) => !same(k, declared[k], found[k]))
    .map((k) => (secrets.includes(k) ? k : `${k} (declared ${quoted(declared[k])}, found ${quoted(found[k])})`));
}

export function importFailure(what: string, id: string, differences: string[]): ProviderError {
  return new ProviderError(
    `cannot import ${what} ${id}: the declared inputs differ from what the server holds: ${differences.join("; ")}; make the program declare what is there (change it afterwards with pulumi up), or remove the import option.`,
  );
}
