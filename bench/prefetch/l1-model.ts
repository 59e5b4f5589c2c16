/**
 * The real hot tier (src/tiers/l1 `L1Cache`, adaptive W-TinyLFU) as a simulator cache model, so
 * prefetch on/off can also be compared on the policy tiercache actually runs. Prefetched entries
 * are inserted with L1's `prefetched` flag: they sit at probation's cold end, are evicted first
 * while unused and cannot reach the protected segment before their first demand `get`.
 */
import { L1Cache } from "../../src/tiers/l1/index.js"
import type { CacheModel } from "./sim-cache.js"

export class L1Model implements CacheModel {
  private readonly l1: L1Cache<true>
  private version = 1
  private static readonly PREFETCHED = { prefetched: true } as const

  /** @param capacity entries (unit size), or bytes when `byteSized` */
  constructor(capacity: number, onEvict: (key: string) => void, byteSized = false) {
    this.l1 = new L1Cache<true>({
      maxBytes: capacity,
      maxEntries: byteSized ? Math.max(16, Math.ceil(capacity / 512)) : capacity,
      onEvict: (key) => onEvict(key),
      policy: { seed: 1 },
    })
  }

  has(key: string): boolean {
    return this.l1.has(key)
  }

  access(key: string, _now: number, bytes = 1): boolean {
    if (this.l1.get(key) !== undefined) return true
    this.l1.set(key, true, bytes, this.version++)
    return false
  }

  insertPrefetched(key: string, _now: number, bytes = 1): boolean {
    if (this.l1.has(key)) return false
    return this.l1.set(key, true, bytes, this.version++, L1Model.PREFETCHED)
  }

  delete(key: string): boolean {
    return this.l1.delete(key)
  }
}
