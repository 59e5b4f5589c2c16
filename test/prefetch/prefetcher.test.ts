import { describe, expect, it } from "vitest"
import { Prefetcher } from "../../src/prefetch/prefetcher.js"
import type { PrefetchTarget } from "../../src/prefetch/prefetch-target.js"

/** A cache stand-in: prefetch installs into a Set after a microtask. */
class SetTarget implements PrefetchTarget {
  readonly resident = new Set<string>()
  loads = 0
  async prefetch(key: string, _agentId: string, signal?: AbortSignal): Promise<boolean> {
    this.loads++
    await Promise.resolve()
    if (signal?.aborted) return false
    this.resident.add(key)
    return true
  }
  isResident(key: string): boolean {
    return this.resident.has(key)
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0))

describe("Prefetcher (engine + scheduler + target)", () => {
  it("prefetches a learnt cycle ahead of demand and reports used, timely prefetches", async () => {
    const target = new SetTarget()
    const p = new Prefetcher(target, { maxInFlight: 8 })
    p.registerAgent("a1", "coder")
    const keys = ["s:a", "s:b", "s:c", "s:d", "s:e", "s:f"]
    for (let round = 0; round < 40; round++) {
      for (const k of keys) {
        const servedBy = target.resident.has(k) ? "l1" : "miss"
        p.onAccess("a1", k, servedBy)
        // The demand read itself installs the key; then the next key gets evicted by "pressure":
        // a tiny cache that only keeps what was prefetched, so every hit below is prefetch's doing.
        target.resident.delete(k)
        await flush()
      }
    }
    const s = p.stats()
    expect(s.issued).toBeGreaterThan(100)
    expect(s.accuracy).toBeGreaterThan(0.9)
    expect(s.timeliness).toBeGreaterThan(0.9)
    expect(s.coverage).toBeGreaterThan(0.7)
    expect(p.agentStats("a1")!.issued).toBe(s.issued)
  })

  it("cancels in-flight prefetches when the agent ends", async () => {
    const target = new SetTarget()
    const p = new Prefetcher(target)
    for (let i = 0; i < 30; i++) for (const k of ["q:1", "q:2", "q:3"]) p.onAccess("a2", k, "miss")
    expect(p.inFlight).toBeGreaterThan(0)
    p.endAgent("a2")
    await flush()
    expect(p.inFlight).toBe(0)
    expect(p.agentStats("a2")).toBeUndefined()
    p.close()
  })
})
