/**
 * The facade's lifecycle events: agent end and L1 eviction subscriptions (unit behaviour of the
 * hub, then the real cache reporting them).
 */
import { afterEach, describe, expect, it } from "vitest"
import { createTierCache, type TierCacheClient } from "../../src/index.js"
import { CacheEvents } from "../../src/service/cache-events.js"

describe("CacheEvents", () => {
  it("delivers to every subscriber until it unsubscribes; unsubscribing twice is harmless", () => {
    const ev = new CacheEvents()
    const got: string[] = []
    const u1 = ev.onAgentEnd((id) => got.push(`1:${id}`))
    ev.onAgentEnd((id) => got.push(`2:${id}`))
    ev.emitAgentEnd("a")
    u1()
    u1()
    ev.emitAgentEnd("b")
    expect(got).toEqual(["1:a", "2:a", "2:b"])
  })

  it("reports whether anyone listens to evictions (the zero-cost check)", () => {
    const ev = new CacheEvents()
    expect(ev.hasL1EvictListeners).toBe(false)
    const keys: string[] = []
    const u = ev.onL1Evict((k, reason) => keys.push(`${k}/${reason}`))
    expect(ev.hasL1EvictListeners).toBe(true)
    ev.emitL1Evict("k", "rejected")
    u()
    expect(ev.hasL1EvictListeners).toBe(false)
    ev.emitL1Evict("k2", "evicted")
    expect(keys).toEqual(["k/rejected"])
  })

  it("contains a throwing listener: the others still run and the error is counted", () => {
    const ev = new CacheEvents()
    const got: string[] = []
    ev.onL1Evict(() => {
      throw new Error("boom")
    })
    ev.onL1Evict((k) => got.push(k))
    expect(() => ev.emitL1Evict("x", "evicted")).not.toThrow()
    expect(got).toEqual(["x"])
    expect(ev.listenerErrors).toBe(1)
  })

  it("lets a listener unsubscribe another while an event is being delivered (the event still reaches the snapshot)", () => {
    const ev = new CacheEvents()
    const got: string[] = []
    let u2: () => void = () => {}
    ev.onAgentEnd(() => u2())
    u2 = ev.onAgentEnd((id) => got.push(id))
    ev.emitAgentEnd("a")
    ev.emitAgentEnd("b")
    expect(got).toEqual(["a"])
  })
})

describe("TierCacheClient lifecycle events (real tiers)", () => {
  let cache: TierCacheClient | undefined
  afterEach(async () => {
    await cache?.close()
    cache = undefined
  })

  it("reports view.end() synchronously and once, and endAgent(id) for an agent without a live view", async () => {
    cache = await createTierCache({ l3: { maxBytes: 1 << 22, fsync: false } })
    const ended: string[] = []
    cache.onAgentEnd((id) => ended.push(id))
    const a = cache.agent("a1")
    await a.put("a1:scratch", { x: 1 })
    const done = a.end()
    expect(ended).toEqual(["a1"]) // before the release (private keys) has finished
    await done
    await a.end()
    await cache.endAgent("a1") // the view is gone: reported again, as an end of an unknown agent
    expect(ended).toEqual(["a1", "a1"])
    cache.agent("b1")
    await cache.endAgent("b1") // through the cache, while the view is live: reported once
    expect(ended).toEqual(["a1", "a1", "b1"])
  })

  it("does not report agent views dropped by close", async () => {
    const c = await createTierCache({ l3: { maxBytes: 1 << 22, fsync: false } })
    const ended: string[] = []
    c.onAgentEnd((id) => ended.push(id))
    c.agent("a1")
    await c.close()
    expect(ended).toEqual([])
  })

  it("reports L1 capacity evictions (not invalidations) to subscribers, and stops after unsubscribe", async () => {
    cache = await createTierCache({ l1: { maxBytes: 1 << 20, maxEntries: 16 }, l3: { maxBytes: 1 << 22, fsync: false } })
    const evicted: string[] = []
    const unsubscribe = cache.onL1Evict((key, reason) => {
      if (reason === "evicted") evicted.push(key)
    })
    await cache.put("gone", 0)
    await cache.invalidate("gone")
    for (let i = 0; i < 64; i++) await cache.put(`k${i}`, i)
    expect(evicted.length).toBeGreaterThan(0)
    expect(evicted).not.toContain("gone")
    // Every reported key really left L1 (keys are never re-put here) and is still readable below it.
    for (const k of evicted) expect(cache.hierarchy.l1.has(k)).toBe(false)
    expect(await cache.get(evicted[0])).toBe(Number(evicted[0].slice(1)))
    expect(cache.stats().l1.evictions).toBeGreaterThanOrEqual(evicted.length)
    unsubscribe()
    const before = evicted.length
    for (let i = 64; i < 128; i++) await cache.put(`k${i}`, i)
    expect(evicted.length).toBe(before)
  })
})
