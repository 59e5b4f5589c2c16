import { describe, expect, it } from "vitest"
import { L1Cache, type L1PolicyOptions } from "../../../src/tiers/l1/index.js"

/**
 * The shadow duel's timing. Capacity 100 with unit sizes: every key is in the shadow sample
 * (rate 1), the shadows start at the first eviction sized by the 101 entries resident at that
 * moment, so a duel period is 2 × 101 = 202 requests, and the climber's first sample (10 × 101
 * slots) comes long after the requests replayed here.
 */
const CAPACITY = 100
const DUEL_PERIOD = 202
/**
 * Shadow sizing of these timings, pinned (not the defaults): 128 entries per shadow keep every key
 * of a 101-entry cache sampled, and periods of 2 × the shadow capacity make the 202 above.
 */
const DUEL_SHADOWS: L1PolicyOptions = { shadowEntries: 128, shadowPeriod: 2 }

/**
 * Fills the cache (the 101st insert starts the shadows), then makes every resident key hot for
 * exactly two duel periods (all hits, so no shadow leads), then starts a recency phase on 40 new
 * keys cycled: LRU hits from the second pass, the 1 % window rejects the newcomers (their counts
 * are below the hot residents'). Returns how many recency-phase requests passed before the window
 * left its 1 % start, or -1 if it never did within `limit` requests.
 */
function requestsUntilWindowMoves(policy: L1PolicyOptions, limit: number): number {
  const cache = new L1Cache<number>({ maxBytes: CAPACITY, maxEntries: CAPACITY, policy: { ...DUEL_SHADOWS, ...policy } })
  const read = (key: string, i: number): void => {
    if (cache.get(key) === undefined) cache.set(key, 1, 1, i)
  }
  for (let i = 0; i <= CAPACITY; i++) read(`hot${i}`, i)
  // One of the 101 keys lost its admission duel (equal counts): cycle over the 100 resident ones.
  const resident: string[] = []
  for (let i = 0; i <= CAPACITY; i++) if (cache.has(`hot${i}`)) resident.push(`hot${i}`)
  expect(resident).toHaveLength(CAPACITY)
  for (let i = 0; i < 2 * DUEL_PERIOD; i++) read(resident[i % CAPACITY], i)
  expect(cache.counters.hits).toBe(2 * DUEL_PERIOD)
  const start = cache.window
  for (let i = 0; i < limit; i++) {
    read(`new${i % 40}`, i)
    if (cache.window !== start) return i + 1
  }
  return -1
}

describe("L1 shadow duel", () => {
  it("jumps to LRU mid-period once the LRU shadow's lead is decisive", () => {
    // LRU leads by one hit per request from the 41st on; a lead above 10 % of 202 = 20.2 hits
    // comes at request 61, well before the period ends at request 202.
    const moved = requestsUntilWindowMoves({}, DUEL_PERIOD)
    expect(moved).toBeGreaterThan(40)
    expect(moved).toBeLessThan(DUEL_PERIOD / 2)
  })

  it("waits for the period's end and a second win when no lead can be decisive", () => {
    // A margin of 1 (a lead of 202 hits in 202 requests) cannot be reached: only the two-win
    // streak moves the window, at the end of the second recency period.
    const moved = requestsUntilWindowMoves({ shadowDecisiveMargin: 1 }, 3 * DUEL_PERIOD)
    expect(moved).toBe(2 * DUEL_PERIOD)
  })

  it("ends in LRU mode on the recency phase either way", () => {
    const cache = new L1Cache<number>({ maxBytes: CAPACITY, maxEntries: CAPACITY })
    for (let i = 0; i < 2000; i++) {
      const key = i < 500 ? `hot${i % CAPACITY}` : `new${i % 40}`
      if (cache.get(key) === undefined) cache.set(key, 1, 1, i)
    }
    expect(cache.window).toBe(1)
  })
})
