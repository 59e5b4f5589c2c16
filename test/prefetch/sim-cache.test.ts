import fc from "fast-check"
import { LRUCache } from "lru-cache"
import { describe, expect, it } from "vitest"
import { SimCache } from "../../bench/prefetch/sim-cache.js"

describe("SimCache (the prefetch simulator's cache model)", () => {
  it("is exactly LRU when nothing is prefetched (same hits as lru-cache)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 400 }), (capacity, keys) => {
        const sim = new SimCache(capacity, 0.1)
        const ref = new LRUCache<string, true>({ max: capacity })
        keys.forEach((k, i) => {
          const key = String(k)
          const refHit = ref.get(key) !== undefined
          if (!refHit) ref.set(key, true)
          expect(sim.access(key, i)).toBe(refHit)
        })
        expect(sim.size).toBe(ref.size)
      }),
    )
  })

  it("bounds prefetched-unused entries to the probation share and evicts them oldest first", () => {
    const evicted: [string, boolean][] = []
    const sim = new SimCache(10, 0.2, (k, unused) => evicted.push([k, unused]))
    for (let i = 0; i < 8; i++) sim.access(`d${i}`, i)
    for (let i = 0; i < 5; i++) sim.insertPrefetched(`p${i}`, 10 + i)
    // Probation holds 2: p0..p2 were pushed out by newer prefetches, not the demand entries.
    expect(evicted.filter(([, u]) => u).map(([k]) => k)).toEqual(["p0", "p1", "p2"])
    expect(sim.size).toBe(10)
    expect([...Array(8).keys()].every((i) => sim.has(`d${i}`))).toBe(true)
  })

  it("promotes a prefetched entry to the main area on its first demand hit", () => {
    const sim = new SimCache(4, 0.25)
    sim.insertPrefetched("p", 0)
    expect(sim.access("p", 1)).toBe(true)
    // p is now a main entry; another prefetch no longer competes with it in probation.
    sim.insertPrefetched("q", 2)
    expect(sim.has("p") && sim.has("q")).toBe(true)
  })
})
