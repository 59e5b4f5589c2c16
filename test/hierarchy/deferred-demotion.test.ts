/**
 * Demote L1 → L2 is deferred (Hierarchy.toL2): the victim is queued and L2's copy (serialize +
 * compress) is made in a later macrotask, so the read whose promotion evicted it does not wait for
 * that work. Abstractly the victim is in L2 from the start: a read finds it (served as "l2",
 * without the loader), and invalidate, a newer acknowledged put and crash drop it as they drop L2.
 */
import { describe, expect, it } from "vitest"
import { openFake } from "./helpers.js"

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve))

describe("deferred demotion L1 → L2", () => {
  it("a read promoting from L2 returns before its L1 victim is serialized into L2", async () => {
    const { h, built, lastServed } = await openFake({ l1Entries: 1 })
    await h.put("a", { v: 1 })
    await h.put("b", { v: 2 }) // a is L1's victim
    await nextMacrotask()
    expect(built.l2.has("a")).toBe(true)
    let l2Sets = 0
    const set = built.l2.set.bind(built.l2)
    built.l2.set = (key, bytes, version) => {
      l2Sets++
      return set(key, bytes, version)
    }
    expect(await h.read("a")).toEqual({ v: 1 }) // promotes a; b becomes the victim
    expect(lastServed()).toBe("l2")
    expect(l2Sets).toBe(0) // b's copy is not made on the read's path
    expect(built.l2.has("b")).toBe(false)
    await nextMacrotask()
    expect(l2Sets).toBe(1)
    expect(built.l2.has("b")).toBe(true)
    expect(h.counters.demotionsFromL1).toBe(2)
  })

  it("a queued victim is readable (as an L2 hit, no load) and goes back to L1", async () => {
    let loads = 0
    const { h, built, lastServed } = await openFake({ l1Entries: 1 }, async () => {
      loads++
      return { loaded: true }
    })
    await h.put("a", { v: 1 })
    await h.put("b", { v: 2 }) // a queued for L2
    expect(built.l1.has("a")).toBe(false)
    expect(await h.read("a")).toEqual({ v: 1 })
    expect(lastServed()).toBe("l2")
    expect(loads).toBe(0)
    expect(built.l1.has("a")).toBe(true)
    expect(h.counters.promotionsFromL2).toBe(1)
    await nextMacrotask()
    expect(built.l2.has("a")).toBe(false) // it left the queue when it was promoted
    expect(built.l2.has("b")).toBe(true)
  })

  it("invalidate, a newer acknowledged put and crash drop a queued victim", async () => {
    const { h, built } = await openFake({ l1Entries: 1 })
    await h.put("a", { v: 1 })
    await h.put("b", { v: 2 }) // a queued
    await h.invalidate("a")
    expect(await h.read("a")).toBeUndefined() // not served from the queue
    await nextMacrotask()
    expect(built.l2.has("a")).toBe(false)

    await h.put("c", { v: 3 }) // b queued
    await h.put("b", { v: 4 }) // newer b acknowledged while the old one is queued; c queued
    await nextMacrotask()
    expect(await h.read("b")).toEqual({ v: 4 })
    expect(built.l2.versionOf("b")).toBe(-1)

    await h.put("d", { v: 5 }) // b queued again (the newer one)
    h.crash()
    await nextMacrotask()
    expect(built.l2.has("b")).toBe(false)
    expect(await h.read("b")).toEqual({ v: 4 }) // from L3: nothing acknowledged is lost
  })

  it("close waits for the queue and drops it", async () => {
    const { h, built } = await openFake({ l1Entries: 1 })
    await h.put("a", { v: 1 })
    await h.put("b", { v: 2 })
    await h.close()
    expect(built.l2.size).toBe(0)
  })
})
