/**
 * `--policy tiercache` for replay: L1 alone (`L1Cache`, adaptive W-TinyLFU) as a read-through cache.
 * Unit mode uses bytes = 1 and maxEntries = maxBytes = capacity (the hit-ratio bench's convention,
 * comparable with ANCHORS.md); byte mode uses each request's size against a byte budget.
 */
import { L1Cache } from "../tiers/l1/index.js"
import type { EvictListener, ReplayPolicy } from "./replay-policy.js"

const PREFETCHED = { prefetched: true } as const

/** A replay policy backed by one `L1Cache`; `prefetch` inserts keys as prefetched (probationary). */
export function tiercachePolicy(
  capacity: number,
  byteSized: boolean,
  uniqueKeys: number,
  onEvict?: EvictListener,
): ReplayPolicy & { readonly cache: L1Cache<number> } {
  const cache = new L1Cache<number>({
    maxBytes: capacity,
    onEvict: onEvict === undefined ? undefined : (key) => onEvict(key),
    // Byte mode: the byte budget binds; the entry bound only needs to cover every key the trace has.
    maxEntries: byteSized ? Math.max(16, uniqueKeys) : capacity,
  })
  let version = 0
  return {
    name: "tiercache",
    cache,
    lookup: (key) => cache.get(key) !== undefined,
    admit(key, size) {
      cache.set(key, 1, byteSized ? size : 1, ++version)
    },
    prefetch(key, size) {
      cache.set(key, 1, byteSized ? size : 1, ++version, PREFETCHED)
    },
    has: (key) => cache.has(key),
    get entries() {
      return cache.size
    },
  }
}
