/**
 * Exact LRU with a fixed entry count, as the traces README computes its LRU column. Uses lru-cache
 * (a dev dependency, the reference implementation the L1 benchmarks compare against). A Map with
 * delete + re-set is exact too, but evicting its first key via `keys().next()` slows to a crawl
 * once millions of deleted entries pile up at the front of V8's hash table (arc_p3).
 */
import { LRUCache } from "lru-cache"

export function lruHits(keys: readonly string[], capacity: number): number {
  const lru = new LRUCache<string, true>({ max: capacity })
  let hits = 0
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]
    if (lru.get(k) === undefined) lru.set(k, true)
    else hits++
  }
  return hits
}
