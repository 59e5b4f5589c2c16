/**
 * What the prefetcher needs from a cache: a way to load/promote a key and a residency check.
 * TierCache implements it with a thin adapter over the hierarchy's `prefetch(key, agentId)`, which
 * goes through the normal version + single-flight machinery, so a prefetch can never install stale
 * data; the offline simulator implements it over its cache model.
 */
export interface PrefetchTarget {
  /**
   * Loads (or promotes) `key` into the hot tier for `agentId`. Resolves true when a value was
   * installed, false when there was nothing to install (no such key, a newer write won, cancelled).
   * Should stop early when `signal` aborts.
   */
  prefetch(key: string, agentId: string, signal?: AbortSignal): Promise<boolean>
  /** True when `key` is already in the hot tier (then prefetching it is pointless). */
  isResident(key: string): boolean
}
