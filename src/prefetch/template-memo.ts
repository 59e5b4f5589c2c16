/**
 * A memo of (agent, raw key) → interned template id, for keys that embed the accessing agent's id.
 *
 * Generalising `agent-17:notes` to `{agent}:notes` builds a new string on every access, and
 * interning that string hashes it from scratch (a fresh string has no cached hash). The raw key
 * string the caller passes, by contrast, usually has its hash cached already (the cache looked it
 * up), so one Map lookup on it replaces the scan, the concatenation and the rehash.
 *
 * A templated result is valid only for the agent it was computed for (the same raw key read by
 * another agent generalises differently), so the entry remembers that agent. A shared key (its
 * generalisation is the key itself) is valid for every agent whose id does not occur in it, so one
 * lookup also replaces the interner's for shared keys. Bounded: at `capacity` entries the memo is
 * cleared and refills from the keys in use (amortised O(1); one slow access per `capacity` new keys).
 */
export class TemplateMemo {
  private readonly ids = new Map<string, number>()
  /** Owner agent of each templated entry ("" for a shared key), parallel to the entry's slot. */
  private owners: string[] = []
  private templateIds: number[] = []

  constructor(readonly capacity = 1 << 16) {}

  /** The memoised template id of `key` as accessed by `agentId`, or -1. */
  get(key: string, agentId: string): number {
    const slot = this.ids.get(key)
    if (slot === undefined) return -1
    const owner = this.owners[slot]
    if (owner === agentId || (owner === "" && key.indexOf(agentId) < 0)) return this.templateIds[slot]
    return -1
  }

  /** Remembers `key`'s template id: for `agentId` only (a templated key), or for any agent ("" — a shared key). */
  set(key: string, agentId: string, templateId: number): void {
    let slot = this.ids.get(key)
    if (slot === undefined) {
      if (this.owners.length >= this.capacity) this.clear()
      slot = this.owners.length
      this.ids.set(key, slot)
      this.owners.push(agentId)
      this.templateIds.push(templateId)
      return
    }
    this.owners[slot] = agentId
    this.templateIds[slot] = templateId
  }

  get size(): number {
    return this.owners.length
  }

  clear(): void {
    this.ids.clear()
    this.owners = []
    this.templateIds = []
  }
}
