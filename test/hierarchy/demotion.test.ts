import { describe, expect, it } from "vitest"
import { settle } from "./fakes/deferred.js"
import { openFake, sized } from "./helpers.js"

describe("demotion chain and invalidation", () => {
  it("L1 victims go to L2, L2 victims to L3, and every value stays readable", async () => {
    const { h, built, disk } = await openFake({ l1Entries: 2, l2Bytes: 300 }, async (key) => sized(100, Number(key.slice(1))))
    for (let i = 0; i < 10; i++) await h.read(`k${i}`) // loaded values: only the hierarchy puts them in L3
    await settle()
    expect(built.l1.size).toBe(2)
    expect(built.l2.bytes).toBeLessThanOrEqual(300)
    expect(built.l2.size).toBeGreaterThan(0)
    expect(disk.entries.size).toBe(10 - built.l1.size - built.l2.size)
    expect(h.counters.demotionsFromL1).toBe(8)
    expect(h.counters.demotionsFromL2).toBe(disk.entries.size)
    for (let i = 0; i < 10; i++) {
      const inL1 = built.l1.has(`k${i}`)
      const inL2 = built.l2.has(`k${i}`)
      const inL3 = disk.entries.has(`k${i}`)
      expect([inL1, inL2, inL3].filter(Boolean).length).toBe(1) // exclusive placement so far
    }
    const loadsBefore = h.counters.loads
    for (let i = 0; i < 10; i++) expect(await h.read(`k${i}`)).toEqual(sized(100, i))
    expect(h.counters.loads).toBe(loadsBefore) // nothing was forgotten
  })

  it("does not rewrite L2 victims that L3 already holds at that version (write-through puts)", async () => {
    const { h, built } = await openFake({ l1Entries: 1, l2Bytes: 100 })
    for (let i = 0; i < 6; i++) await h.put(`k${i}`, sized(60, i))
    await settle()
    expect(built.l3.calls.put).toBe(6) // the puts themselves, no demotion writes
    expect(h.counters.demotionsFromL2).toBe(0)
    expect(h.counters.evictedWithoutDemotion).toBeGreaterThan(0)
  })

  it("invalidate removes the key from L1, L2 and L3 (durable tombstone)", async () => {
    const { h, built, disk } = await openFake({ l1Entries: 1 })
    await h.put("a", 1)
    await h.put("b", 2) // a → L2 (queued, then written by the flush)
    h.flushToL2()
    expect(built.l2.has("a")).toBe(true)
    await h.invalidate("a")
    await h.invalidate("b")
    expect(built.l1.has("b") || built.l2.has("a") || built.l2.has("b")).toBe(false)
    expect(disk.entries.has("a") || disk.entries.has("b")).toBe(false)
    expect(disk.tombstones.has("a") && disk.tombstones.has("b")).toBe(true)
    h.crash()
    expect(await h.read("a")).toBeUndefined()
    expect(await h.read("b")).toBeUndefined()
    expect(h.counters.invalidations).toBe(2)
  })
})

describe("prefetch", () => {
  it("installs a loaded value into L1 as prefetched; the first demand read counts it used", async () => {
    let loads = 0
    const { h, built, accesses } = await openFake({}, async (k) => {
      loads++
      return { k }
    })
    expect(await h.prefetch("p", "a1")).toBe(true)
    expect(built.l1.wasPrefetched("p")).toBe(true)
    expect(accesses).toEqual([]) // a prefetch is not an access
    expect(await h.read("p", "a1")).toEqual({ k: "p" })
    expect(built.l1.wasPrefetched("p")).toBe(false)
    expect(h.counters).toMatchObject({ prefetchesStarted: 1, prefetchesInstalled: 1, prefetchesUsed: 1 })
    expect(loads).toBe(1)
    expect(await h.prefetch("p", "a1")).toBe(true) // already resident: no-op
    expect(h.counters.prefetchesStarted).toBe(1)
  })

  it("promotes an L2 entry as prefetched, and a demand read joining a prefetch fill makes it a demand fill", async () => {
    const { h, built } = await openFake({ l1Entries: 1 }, async (k) => ({ k }))
    await h.put("a", 1)
    await h.put("b", 2) // a → L2
    expect(await h.prefetch("a")).toBe(true)
    expect(built.l1.wasPrefetched("a")).toBe(true)
    const pre = h.prefetch("c")
    const demand = h.read("c")
    expect(await pre).toBe(true)
    expect(await demand).toEqual({ k: "c" })
    expect(built.l1.wasPrefetched("c")).toBe(false)
  })

  it("reports false when there is nothing to prefetch", async () => {
    const { h } = await openFake()
    expect(await h.prefetch("nothing")).toBe(false)
  })
})
