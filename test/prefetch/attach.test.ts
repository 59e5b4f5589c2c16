import { afterEach, describe, expect, it } from "vitest"
import { attachPrefetcher, type AttachedPrefetcher } from "../../src/prefetch/attach.js"
import { createTierCache, type TierCacheClient } from "../../src/service/index.js"

describe("attachPrefetcher (real TierCache)", () => {
  let cache: TierCacheClient | undefined
  let attached: AttachedPrefetcher | undefined
  afterEach(async () => {
    attached?.detach()
    await cache?.close()
  })

  it("learns an agent's sequential reads through the access hook and loads the next keys into L1 ahead of them", async () => {
    const loaded: string[] = []
    cache = await createTierCache({
      l1: { maxBytes: 1 << 20 },
      load: async (key) => {
        loaded.push(key)
        return { key }
      },
    })
    attached = attachPrefetcher(cache, { maxInFlight: 4 })
    const agent = cache.agent("reader-1", { kind: "reader" })
    const n = 300
    for (let i = 0; i < n; i++) {
      expect(await agent.get(`doc:chunk-${i}`)).toEqual({ key: `doc:chunk-${i}` })
      await new Promise((r) => setTimeout(r, 0)) // lets an issued prefetch land before the next read
    }
    const s = cache.stats().prefetch!
    expect(s.issued).toBeGreaterThan(n / 2)
    expect(s.accuracy).toBeGreaterThan(0.9)
    expect(s.timeliness).toBeGreaterThan(0.9)
    // Every key is loaded once (by the prefetch or the read, never both) and most reads hit L1.
    expect(new Set(loaded).size).toBe(loaded.length)
    expect(cache.stats().l1.hits).toBeGreaterThan(n / 2)
    expect(attached.prefetcher.agentStats("reader-1")!.issued).toBe(s.issued)
  })

  it("releases an ended agent at once (no sweep) and stops reporting after detach", async () => {
    cache = await createTierCache({ l1: { maxBytes: 1 << 16 }, load: async (key) => key })
    attached = attachPrefetcher(cache)
    const a = cache.agent("temp-1")
    await a.get("x")
    expect(attached.prefetcher.engine.agentIds()).toEqual(["temp-1"])
    const ending = a.end()
    expect(attached.prefetcher.engine.agentIds()).toEqual([])
    await ending
    const b = cache.agent("temp-2")
    await b.get("y")
    await cache.endAgent("temp-2")
    expect(attached.prefetcher.engine.agentCount).toBe(0)
    attached.detach()
    expect(cache.stats().prefetch).toBeUndefined()
    // Detached: ends are no longer delivered to the prefetcher.
    const c = cache.agent("temp-3")
    await c.get("z")
    await c.end()
    expect(attached.prefetcher.engine.agentCount).toBe(0)
    attached = undefined
  })

  it("counts a prefetched entry evicted from L1 before any read as wasted when it is evicted", async () => {
    cache = await createTierCache({ l1: { maxBytes: 1 << 20, maxEntries: 64 }, load: async (key) => ({ key }) })
    attached = attachPrefetcher(cache, { maxInFlight: 4 })
    const agent = cache.agent("reader-1", { kind: "reader" })
    for (let i = 0; i < 40; i++) {
      await agent.get(`doc:chunk-${i}`)
      await new Promise((r) => setTimeout(r, 0))
    }
    await new Promise((r) => setTimeout(r, 10))
    const before = cache.stats().prefetch!
    expect(before.issued).toBeGreaterThan(20)
    const open = before.issued - before.used - Math.round(before.falsePositiveRate * before.issued)
    expect(open).toBeGreaterThan(0) // the chunks predicted past the last read are resident, unread
    // Other (root) reads flush L1. The reader makes no access, so its useful window cannot expire:
    // only the eviction hook can settle its open prefetches.
    // (Digit-free, unordered names: nothing for the shared pseudo-agent to predict.)
    const letters = (n: number): string => (n < 26 ? "" : letters(Math.floor(n / 26))) + String.fromCharCode(97 + (n % 26))
    for (let i = 0; i < 400; i++) await cache.get(`other-${letters((i * 7919) % 4001)}`)
    const after = cache.stats().prefetch!
    expect(after.issued - before.issued).toBe(0)
    const unusedAfter = Math.round(after.falsePositiveRate * after.issued)
    const unusedBefore = Math.round(before.falsePositiveRate * before.issued)
    expect(unusedAfter - unusedBefore).toBe(open)
    expect(after.wastedBytes).toBeGreaterThan(before.wastedBytes)
  })
})
