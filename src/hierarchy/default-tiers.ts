/**
 * The production wiring: L1Cache, L2Store and the L3 folder store, each built with the
 * hierarchy's eviction handlers so every displaced entry is demoted.
 */
import { L1Cache } from "../tiers/l1/index.js"
import { L2Store } from "../tiers/l2/index.js"
import { openL3 } from "../tiers/l3/index.js"
import type { CacheValue } from "../types.js"
import type { ResolvedOptions } from "./options.js"
import type { TierFactory } from "./types.js"

/** A TierFactory opening the real tiers, with L3 in `dir`. */
export function defaultTierFactory(options: ResolvedOptions, dir: string): TierFactory {
  return async (sinks) => {
    const l1 = new L1Cache<CacheValue>({
      maxBytes: options.l1.maxBytes,
      ...(options.l1.maxEntries === undefined ? {} : { maxEntries: options.l1.maxEntries }),
      onEvict: sinks.onL1Evict,
      onPrefetchUsed: sinks.onPrefetchUsed,
    })
    const l2 = new L2Store({ ...options.l2, onEvict: sinks.onL2Evict })
    const l3 = await openL3({ dir, maxBytes: options.l3.maxBytes, fsync: options.l3.fsync })
    return { l1, l2, l3 }
  }
}
