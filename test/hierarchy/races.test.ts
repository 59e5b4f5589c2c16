/**
 * The "stale set" races, forced into exact orderings with held L3 operations and deferred loaders:
 * a fill (load or L3 read), promotion or prefetch that began before an invalidate or a newer put
 * never installs or returns the older value; concurrent misses share one fill.
 */
import { describe, expect, it } from "vitest"
import { deferred, settle } from "./fakes/deferred.js"
import { openFake } from "./helpers.js"

describe("single-flight", () => {
  it("concurrent misses on one key share one L3 read and one loader call", async () => {
    const gate = deferred<{ v: number }>()
    let loads = 0
    const { h, built } = await openFake({}, async () => {
      loads++
      return gate.promise
    })
    const readers = Array.from({ length: 10 }, (_, i) => h.read("k", `agent${i % 3}`))
    await settle()
    expect(loads).toBe(1)
    expect(built.l3.calls.get).toBe(1)
    gate.resolve({ v: 7 })
    const got = await Promise.all(readers)
    expect(got).toEqual(Array(10).fill({ v: 7 }))
    expect(new Set(got).size).toBe(1) // one frozen object shared by all readers
    expect(h.inFlightKeys).toBe(0)
  })

  it("a loader failure reaches every joined reader, and the next read retries", async () => {
    let calls = 0
    const gate = deferred<never>()
    const { h } = await openFake({}, async () => {
      calls++
      if (calls === 1) return gate.promise
      return "ok"
    })
    const a = h.read("k").catch((e) => e._tag)
    const b = h.read("k").catch((e) => e._tag)
    await settle()
    gate.reject(new Error("boom"))
    expect(await Promise.all([a, b])).toEqual(["LoaderError", "LoaderError"])
    expect(await h.read("k")).toBe("ok")
    expect(calls).toBe(2)
  })
})

describe("stale fills never win", () => {
  it("a slow load overtaken by invalidate is dropped; the reader re-reads the source", async () => {
    let source: unknown = { v: "old" }
    const gates = [deferred()]
    let calls = 0
    const { h, built } = await openFake({}, async () => {
      const g = gates[calls++]
      const seen = source // the loader reads the source now, returns later
      if (g !== undefined) await g.promise
      return seen as never
    })
    const reading = h.read("k")
    await settle()
    expect(calls).toBe(1)
    source = { v: "new" }
    await h.invalidate("k")
    gates[0].resolve()
    expect(await reading).toEqual({ v: "new" })
    expect(calls).toBe(2)
    expect(built.l1.peek("k")).toEqual({ v: "new" })
    expect(h.counters.staleFillsDropped).toBe(1)
  })

  it("a slow load overtaken by a put never installs or returns the older value", async () => {
    const gate = deferred()
    const { h, built } = await openFake({}, async () => {
      await gate.promise
      return { v: "loaded-before-put" }
    })
    const reading = h.read("k")
    await settle()
    await h.put("k", { v: "put" })
    gate.resolve()
    expect(await reading).toEqual({ v: "put" })
    expect(built.l1.peek("k")).toEqual({ v: "put" })
    expect(h.getIfPresent("k")).toEqual({ v: "put" })
    expect(h.counters.staleFillsDropped).toBe(1)
  })

  it("a slow L3 read that fetched the old bytes, overtaken by a put, returns the put's value", async () => {
    const { h, built, disk } = await openFake()
    await h.put("k", { v: 1 })
    h.crash() // only L3 holds k now
    const held = built.l3.hold("get") // the read snapshots the disk at call time: v1
    const reading = h.read("k")
    await settle()
    await h.put("k", { v: 2 })
    held.resolve()
    expect(await reading).toEqual({ v: 2 })
    expect(built.l1.peek("k")).toEqual({ v: 2 })
    expect(built.l1.versionOf("k")).toBe(disk.entries.get("k")!.version)
  })

  it("a slow L3 read overtaken by invalidate returns a miss and installs nothing", async () => {
    const { h, built } = await openFake()
    await h.put("k", { v: 1 })
    h.crash()
    const held = built.l3.hold("get")
    const reading = h.read("k")
    await settle()
    await h.invalidate("k")
    held.resolve()
    expect(await reading).toBeUndefined()
    expect(built.l1.has("k")).toBe(false)
    expect(built.l2.has("k")).toBe(false)
  })

  it("a read that completes after a put was acknowledged never returns the older value, even when the put was in flight when the read started", async () => {
    const { h, built } = await openFake()
    await h.put("k", { v: 1 })
    h.crash()
    const putGate = built.l3.hold("put")
    const putting = h.put("k", { v: 2 }) // epoch bumped, not yet durable
    await settle()
    const readGate = built.l3.hold("get")
    const reading = h.read("k") // starts after the put started: reads v1 from disk
    await settle()
    putGate.resolve()
    await putting // acknowledged
    readGate.resolve()
    expect(await reading).toEqual({ v: 2 })
  })

  it("a load that starts and completes while a put is in flight is returned but never installed over the put", async () => {
    let source = "old" // the user saves the put to the source only after the cache acknowledges it
    const { h, built } = await openFake({}, async () => ({ v: source }))
    const putGate = built.l3.hold("put")
    const putting = h.put("k", { v: "new" })
    await settle()
    expect(await h.read("k")).toEqual({ v: "old" }) // concurrent with the put: either answer is linearizable
    expect(built.l1.has("k")).toBe(false) // ...but the loaded value must not outrank the put
    putGate.resolve()
    await putting
    source = "new"
    expect(h.getIfPresent("k")).toEqual({ v: "new" })
    expect(await h.read("k")).toEqual({ v: "new" })
  })

  it("a prefetch overtaken by a put does not install the older value", async () => {
    const gate = deferred()
    const { h, built } = await openFake({}, async () => {
      await gate.promise
      return { v: "stale" }
    })
    const prefetching = h.prefetch("k", "a1")
    await settle()
    await h.put("k", { v: "fresh" })
    gate.resolve()
    expect(await prefetching).toBe(false)
    expect(built.l1.peek("k")).toEqual({ v: "fresh" })
    expect(built.l1.wasPrefetched("k")).toBe(false)
  })

  it("of two overlapping puts the later one wins, whatever order L3 acknowledges them in", async () => {
    const { h, built } = await openFake()
    const first = built.l3.hold("put")
    const p1 = h.put("k", { v: 1 })
    const p2 = h.put("k", { v: 2 }) // not held: durable first
    await p2
    expect(h.getIfPresent("k")).toEqual({ v: 2 })
    first.resolve()
    await p1 // L3 ignores the older version; L1 must not take it either
    expect(h.getIfPresent("k")).toEqual({ v: 2 })
    expect(await h.read("k")).toEqual({ v: 2 })
    h.crash()
    expect(await h.read("k")).toEqual({ v: 2 })
  })

  it("an older put acknowledged while a newer one is in flight hides every value before it", async () => {
    const { h, built } = await openFake()
    await h.put("k", { v: 0 })
    const p1 = h.put("k", { v: 1 }) // its L3 write is issued now, not held
    const gate2 = built.l3.hold("put")
    const p2 = h.put("k", { v: 2 }) // newer, held
    await p1
    expect(await h.read("k")).toEqual({ v: 1 })
    gate2.resolve()
    await p2
    expect(await h.read("k")).toEqual({ v: 2 })
    h.crash()
    expect(await h.read("k")).toEqual({ v: 2 })
  })

  it("a demotion to L3 still in flight when the key is invalidated never resurrects it", async () => {
    const loaded = new Map<string, number>()
    const { h, built, disk } = await openFake({ l1Entries: 1, l2Bytes: 20 }, async (key) => {
      loaded.set(key, (loaded.get(key) ?? 0) + 1)
      return { key } // 12 bytes serialized: L2 holds one
    })
    await h.read("a") // loaded: in L1 only, not in L3
    await h.read("b") // a → L2
    h.flushToL2()
    const demotion = built.l3.hold("put")
    await h.read("c") // b → L2, a → L3: the demotion write is held
    h.flushToL2()
    expect(h.counters.demotionsFromL2).toBe(1)
    expect(await h.read("a")).toEqual({ key: "a" }) // served from the pending demotion, not reloaded
    expect(loaded.get("a")).toBe(1)
    await h.invalidate("a")
    demotion.resolve()
    await settle()
    expect(built.l1.has("a") || built.l2.has("a")).toBe(false)
    expect(disk.entries.has("a")).toBe(false)
    expect(disk.tombstones.has("a")).toBe(true)
    expect(await h.read("a")).toEqual({ key: "a" })
    expect(loaded.get("a")).toBe(2) // the invalidated copy was not served
  })

  it("a promotion from L2 never resurrects an invalidated key", async () => {
    const { h, built } = await openFake({ l1Entries: 1 })
    await h.put("a", 1)
    await h.put("b", 2) // a → L2
    h.flushToL2()
    expect(built.l2.has("a")).toBe(true)
    await h.invalidate("a")
    expect(built.l2.has("a")).toBe(false)
    expect(await h.read("a")).toBeUndefined()
    expect(h.getIfPresent("a")).toBeUndefined()
  })

  it("keeps in-flight records only while async work is pending", async () => {
    const { h } = await openFake({}, async (k) => k)
    await Promise.all(Array.from({ length: 200 }, (_, i) => h.read(`k${i}`)))
    await Promise.all(Array.from({ length: 200 }, (_, i) => h.put(`p${i}`, i)))
    await Promise.all(Array.from({ length: 50 }, (_, i) => h.invalidate(`p${i}`)))
    expect(h.inFlightKeys).toBe(0)
  })
})
