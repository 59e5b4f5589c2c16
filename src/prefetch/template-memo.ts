/**
 * A memo of raw key → interned template id, bounded.
 *
 * Generalising `agent-17:notes` to `{agent}:notes` builds a new string on every access, and
 * interning that string hashes it from scratch (a fresh string has no cached hash). The raw key
 * string the caller passes, by contrast, usually has its hash cached already (the cache looked it
 * up), so one Map lookup on it replaces the scan, the concatenation and the rehash.
 *
 * An entry is only a candidate: the same raw key generalises differently for different agents
 * (`agent-17:notes` is `{agent}:notes` for agent-17 and a plain shared key for anyone else), so the
 * engine validates it — a shared id is valid for an agent whose id the key does not contain, a
 * templated id only for an agent that has itself spelt that template this way (AgentKeys) — and
 * falls back to generalising when it is not. Bounded: at `capacity` entries the memo is cleared and
 * refills from the keys in use (amortised O(1); one slow access per `capacity` new keys).
 */
export class TemplateMemo {
  private readonly ids = new Map<string, number>()

  constructor(readonly capacity = 1 << 16) {}

  /** The template id last memoised for `key`, or -1. */
  get(key: string): number {
    return this.ids.get(key) ?? -1
  }

  set(key: string, templateId: number): void {
    if (this.ids.size >= this.capacity && !this.ids.has(key)) this.ids.clear()
    this.ids.set(key, templateId)
  }

  /** Forgets every entry (the interner's handles were voided). */
  clear(): void {
    this.ids.clear()
  }

  get size(): number {
    return this.ids.size
  }
}
