/**
 * The oracle: an obviously correct reference of tiercache's observable semantics, with no capacity
 * limits, no tiers and no concurrency. The real cache may forget (a miss), never lie: every value it
 * returns must equal what the oracle holds for that key at that moment.
 *
 * It also plays the loader's source of truth in the property tests: the test loader reads
 * `oracle.current(key)`, which models a user whose `put`s are saved to the source (see docs/api.md).
 */
import type { CacheValue } from "../src/types.js"

export class Oracle {
  /** Newest acknowledged value per key. */
  private readonly values = new Map<string, CacheValue>()
  /** Agents that have a live view; a key `<agent>:<rest>` is private to a registered agent. */
  private readonly agents = new Set<string>()

  /** An acknowledged put. */
  put(key: string, value: CacheValue): void {
    this.values.set(key, value)
  }

  /** An acknowledged invalidate. */
  invalidate(key: string): void {
    this.values.delete(key)
  }

  /** What a read must return (or a miss). */
  current(key: string): CacheValue | undefined {
    return this.values.get(key)
  }

  keys(): string[] {
    return [...this.values.keys()]
  }

  registerAgent(agentId: string): void {
    this.agents.add(agentId)
  }

  /** Ending an agent releases its private keys. */
  endAgent(agentId: string): void {
    for (const key of [...this.values.keys()]) if (this.ownerOf(key) === agentId) this.values.delete(key)
    this.agents.delete(agentId)
  }

  isAgent(agentId: string): boolean {
    return this.agents.has(agentId)
  }

  /** The registered agent a key is private to, if any. */
  ownerOf(key: string): string | undefined {
    const colon = key.indexOf(":")
    if (colon <= 0) return undefined
    const prefix = key.slice(0, colon)
    return this.agents.has(prefix) ? prefix : undefined
  }

  /** Whether `agentId` (undefined = the root cache) may access `key`. */
  mayAccess(agentId: string | undefined, key: string): boolean {
    if (agentId === undefined) return true
    const owner = this.ownerOf(key)
    return owner === undefined || owner === agentId
  }
}

/** Deep equality of cache values (JSON structures and byte arrays). */
export function sameValue(a: CacheValue | undefined, b: CacheValue | undefined): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b))
  }
  return sameJson(a, b)
}

/** Structural JSON equality; prototypes are ignored (a null-prototype object equals a plain one). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false
    if (!sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false
  }
  return true
}

/** A readable rendering for failure messages. */
export function show(v: CacheValue | undefined): string {
  if (v === undefined) return "<miss>"
  if (v instanceof Uint8Array) return `bytes[${v.length}]`
  const s = JSON.stringify(v)
  return s.length > 120 ? `${s.slice(0, 117)}...` : s
}
