/**
 * Prefetched copies still resident and unread after their useful window.
 *
 * The throttle must hear about a prediction that was not used soon (it counts a window miss), but
 * the copy itself stays in the cache and a later demand that hits it is a miss avoided: at large
 * cache sizes most late reads are of exactly such copies. So an expired, completed prefetch is
 * moved here, detached from its agent (whose model may be released meanwhile), and resolved by
 * whatever happens to the key next: a demand hit (used), an eviction, overwrite or a demand miss
 * (unused), or being pushed out of this bounded FIFO (unused).
 *
 * Memory: at most `limit` entries. When the cache reports evictions (the L1 hook), entries leave
 * as their copies do, so in practice the cache's own cap on unused prefetched entries bounds it.
 */
import type { PredictionSource } from "./engine-options.js"
import type { KindState } from "./engine-state.js"
import type { PrefetchCounters } from "./prefetch-metrics.js"

export interface WaitingPrefetch {
  readonly key: string
  /** The agent that issued it (possibly ended since). */
  readonly agentId: string
  readonly source: PredictionSource
  /** Its agent's kind (shared and long-lived): the per-model throttle learns the outcome. */
  readonly kind: KindState
  readonly bytes: number
  /** Counters to credit: the agent's, its kind's and the global ones (plain numbers; no model is kept alive). */
  readonly counters: readonly PrefetchCounters[]
}

export class WaitingPrefetches {
  /** Insertion-ordered: the first entry is the oldest. */
  private readonly byKey = new Map<string, WaitingPrefetch>()

  constructor(readonly limit: number) {}

  /** Adds an entry; returns the oldest one pushed out to make room, if any. */
  add(w: WaitingPrefetch): WaitingPrefetch | undefined {
    this.byKey.delete(w.key)
    this.byKey.set(w.key, w)
    if (this.byKey.size <= this.limit) return undefined
    const oldest = this.byKey.values().next().value!
    this.byKey.delete(oldest.key)
    return oldest
  }

  /** Removes and returns the entry of `key`, if waiting. */
  take(key: string): WaitingPrefetch | undefined {
    const w = this.byKey.get(key)
    if (w !== undefined) this.byKey.delete(key)
    return w
  }

  has(key: string): boolean {
    return this.byKey.has(key)
  }

  get size(): number {
    return this.byKey.size
  }
}
