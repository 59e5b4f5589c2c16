/**
 * The throttle's promise, end to end through the offline replay: where nothing is predictable,
 * prefetch-on stays within 0.5 points of prefetch-off; where something is, it gains.
 */
import { describe, expect, it } from "vitest"
import { replay, type ReplayStream } from "../../bench/prefetch/replay.js"
import { Prng } from "../../src/workload/prng.js"

/** Keys from a skewed random draw (re-touches, but no order to learn). */
function randomStream(n: number, universe: number, seed: number): ReplayStream {
  const rng = new Prng(seed)
  const keys: string[] = []
  for (let i = 0; i < n; i++) {
    const r = rng.next()
    keys.push(`obj:${Math.floor(universe * r * r)}`)
  }
  return { name: "random", keys, agents: "trace" }
}

describe("throttled prefetching in the replay", () => {
  it("stays within 0.5 points of prefetch-off on unpredictable keys, at 1 / 5 / 10 % of the universe", () => {
    const s = randomStream(60_000, 5_000, 11)
    for (const capacity of [50, 250, 500]) {
      const off = replay(s, { capacity, prefetch: false })
      const on = replay(s, { capacity, prefetch: true, latency: 1, engine: { agentContexts: 1 << 12 } })
      expect(on.hitRatio, `capacity ${capacity}`).toBeGreaterThan(off.hitRatio - 0.005)
      // The throttle, not only the probation cap, is what keeps it there: unthrottled (gate and
      // accuracy targets 0, threshold 0.2) issues a prefetch on most requests of this stream.
      expect(on.prefetch!.counters.issued, `capacity ${capacity}`).toBeLessThan(s.keys.length / 100)
    }
  })

  it("gains on a stream that is half sequential runs, half noise", () => {
    const rng = new Prng(5)
    const keys: string[] = []
    let next = 0
    while (keys.length < 30_000) {
      if (rng.next() < 0.5) for (let i = 0; i < 8; i++) keys.push(`blk:${next++}`)
      else keys.push(`noise:${Math.floor(rng.next() * 100_000)}`)
    }
    const s: ReplayStream = { name: "runs", keys, agents: "trace" }
    const off = replay(s, { capacity: 500, prefetch: false })
    const on = replay(s, { capacity: 500, prefetch: true, latency: 1, engine: { agentContexts: 1 << 12 } })
    expect(on.hitRatio - off.hitRatio).toBeGreaterThan(0.2)
    expect(on.prefetch!.counters.used / on.prefetch!.counters.issued).toBeGreaterThan(0.8)
  })
})
