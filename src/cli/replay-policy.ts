/**
 * The caches `tiercache replay` can drive, behind one tiny interface so the replay loop is the same
 * for every policy (and so the perf gate can wrap a policy to inject a fault).
 */
import { LRUCache } from "lru-cache"

/** A cache as the replay loop sees it: look a key up (recording the access), admit it on a miss. */
export interface ReplayPolicy {
  readonly name: string
  /** True on a hit. Records the access for the policy. */
  lookup(key: string): boolean
  /** Called after a miss: offer the key (with its size in capacity units) to the cache. */
  admit(key: string, size: number): void
  /** Insert a predicted key (policies with a probationary place for prefetches use it). */
  prefetch(key: string, size: number): void
  /** Whether the key is resident, without touching policy state (used by prefetch). */
  has(key: string): boolean
  /** Entries currently held. */
  readonly entries: number
}

/** Told when an entry leaves the cache for capacity. */
export type EvictListener = (key: string) => void

/**
 * Exact LRU (lru-cache): `capacity` entries, or `capacity` bytes when `byteSized` (objects larger
 * than the whole cache are not admitted, as in libCacheSim).
 */
export function lruPolicy(capacity: number, byteSized: boolean, onEvict?: EvictListener): ReplayPolicy {
  const dispose = onEvict === undefined ? undefined : (_v: true, key: string, reason: string) => {
    if (reason === "evict") onEvict(key)
  }
  const cache = byteSized
    ? new LRUCache<string, true>({ maxSize: capacity, dispose })
    : new LRUCache<string, true>({ max: capacity, dispose })
  const admit = (key: string, size: number): void => {
    if (byteSized) {
      // lru-cache refuses size 0; a zero-byte object still occupies an entry, count it as 1 byte.
      const bytes = Math.max(1, size)
      if (bytes <= capacity) cache.set(key, true, { size: bytes })
    } else {
      cache.set(key, true)
    }
  }
  return {
    name: "lru",
    lookup: (key) => cache.get(key) !== undefined,
    // Plain LRU has no probationary place: a prefetched key enters at the MRU end like any other.
    prefetch: admit,
    admit(key, size) {
      if (byteSized) {
        // lru-cache refuses size 0; a zero-byte object still occupies an entry, count it as 1 byte.
        const bytes = Math.max(1, size)
        if (bytes <= capacity) cache.set(key, true, { size: bytes })
      } else {
        cache.set(key, true)
      }
    },
    has: (key) => cache.has(key),
    get entries() {
      return cache.size
    },
  }
}
