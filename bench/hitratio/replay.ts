/**
 * Replays a key sequence through L1 alone with unit-size entries (bytes = 1, maxEntries = maxBytes
 * = capacity): a demand `get`, and on a miss the `set` a read-through cache would do.
 */
import { L1Cache, type L1PolicyOptions } from "../../src/tiers/l1/index.js"

export interface ReplayResult {
  readonly hits: number
  readonly requests: number
  /** Window share the climber ended with. */
  readonly finalWindow: number
}

export function replayL1(keys: readonly string[], capacity: number, policy?: L1PolicyOptions): ReplayResult {
  const cache = new L1Cache<number>({ maxBytes: capacity, maxEntries: capacity, policy })
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]
    if (cache.get(k) === undefined) cache.set(k, 1, 1, i)
  }
  return { hits: cache.counters.hits, requests: keys.length, finalWindow: cache.window }
}
