/**
 * Which resources of the stack hold each object, as far as this provider process has seen in
 * this run. The engine never tells a provider that another resource holds the object it asks
 * to delete, yet it can: an import option left in the program gives a renamed resource (or a
 * `pulumi up --replace`) the very object the old one holds, and the engine then deletes the
 * old one. A holder is the resource's URN where the engine sends it (the plugin); dynamic
 * mode has none, so an adoption there is a holder of its own, distinct from every delete.
 */
export class Holders {
  private readonly byId = new Map<string, Set<string>>();
  private adoptions = 0;

  hold(id: string, holder: string | undefined): void {
    const key = holder ?? `adoption ${++this.adoptions}`;
    const held = this.byId.get(id) ?? new Set<string>();
    held.add(key);
    this.byId.set(id, held);
  }

  /** Another resource than `holder` (or, unnamed, any resource) holds the object in this run. */
  heldByAnother(id: string, holder: string | undefined): boolean {
    return [...(this.byId.get(id) ?? [])].some((h) => h !== holder);
  }
}
