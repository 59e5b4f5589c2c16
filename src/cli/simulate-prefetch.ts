/**
 * Wires the learned prefetcher (src/prefetch) into a TierCache for `simulate --prefetch on`:
 * the cache's access hook feeds the prefetcher, whose predictions load through
 * `cache.prefetch(key, agentId)` (the hierarchy's version-safe, single-flight prefetch path).
 */
import type { TierCacheClient } from "../service/index.js"
import { Prefetcher } from "../prefetch/index.js"
import type { ServedBy } from "../hierarchy/types.js"
import { sizeOfKey } from "../workload/index.js"

export interface SimulationPrefetch {
  registerAgent(agentId: string, kind: string): void
  /** Call from the cache's access hook. */
  onAccess(agentId: string | undefined, key: string, servedBy: ServedBy): void
  endAgent(agentId: string): void
  close(): void
  readonly prefetcher: Prefetcher
}

export function attachPrefetcher(cache: TierCacheClient): SimulationPrefetch {
  const prefetcher = new Prefetcher({
    prefetch: (key, agentId) => cache.prefetch(key, agentId),
    isResident: (key) => cache.hierarchy.l1.has(key),
  })
  cache.setPrefetchStatsSource(() => prefetcher.stats())
  return {
    prefetcher,
    registerAgent: (agentId, kind) => prefetcher.registerAgent(agentId, kind),
    onAccess(agentId, key, servedBy) {
      if (agentId !== undefined) prefetcher.onAccess(agentId, key, servedBy, sizeOfKey(key))
    },
    endAgent: (agentId) => prefetcher.endAgent(agentId),
    close: () => prefetcher.close(),
  }
}
