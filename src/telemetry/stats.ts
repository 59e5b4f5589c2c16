/**
 * Assembles the public `CacheStats` (src/api.ts) from the tiers' own counters and the
 * hierarchy's. Cheap (reads plain numbers and three small histograms); call it as often as needed.
 *
 * Promotions and demotions are counted at the tier they LEAVE: `l2.promotions` = L2 entries
 * promoted to L1, `l3.promotions` = L3 reads (and pending L2 → L3 demotions) promoted to L1,
 * `l1.demotions` = L1 victims moved to L2, `l2.demotions` = L2 victims written to L3. So
 * `l1.promotions` and `l3.demotions` are always 0. Latency is sampled (one read in
 * `latencySampleEvery`, default 64): `latency.count` counts samples, not reads.
 */
import type { CacheStats, PrefetchStats } from "../api.js"
import type { Hierarchy } from "../hierarchy/hierarchy.js"

export function assembleStats(h: Hierarchy, prefetch?: PrefetchStats): CacheStats {
  const c = h.counters
  const l1 = h.l1.counters
  const l2 = h.l2.counters
  const l3 = h.l3.counters
  return {
    l1: {
      hits: l1.hits,
      misses: l1.misses,
      evictions: l1.evictions,
      promotions: 0,
      demotions: c.demotionsFromL1,
      entries: h.l1.size,
      bytes: h.l1.bytes,
      latency: h.latency.l1.summary(),
    },
    l2: {
      hits: l2.hits,
      misses: l2.misses,
      evictions: l2.evictions,
      promotions: c.promotionsFromL2,
      demotions: c.demotionsFromL2,
      entries: h.l2.size,
      bytes: h.l2.bytes,
      latency: h.latency.l2.summary(),
      compressedEntries: l2.compressedEntries,
      rawBytes: l2.rawBytes,
    },
    l3: {
      hits: l3.hits,
      misses: l3.misses,
      evictions: l3.evictions,
      promotions: c.promotionsFromL3,
      demotions: 0,
      entries: h.l3.size,
      bytes: h.l3.bytes,
      latency: h.latency.l3.summary(),
      quarantined: l3.quarantined,
    },
    loads: c.loads,
    loadErrors: c.loadErrors,
    staleFillsDropped: c.staleFillsDropped,
    misses: c.misses,
    gets: c.gets,
    puts: c.puts,
    invalidations: c.invalidations,
    ...(prefetch === undefined ? {} : { prefetch }),
  }
}
