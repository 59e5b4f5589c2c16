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

  it("forgets ended agents and stops reporting after detach", async () => {
    cache = await createTierCache({ l1: { maxBytes: 1 << 16 }, load: async (key) => key })
    attached = attachPrefetcher(cache)
    const a = cache.agent("temp-1")
    await a.get("x")
    expect(attached.prefetcher.engine.agentCount).toBe(1)
    await a.end()
    for (let i = 0; i < 4096; i++) await cache.get(`k${i % 7}`)
    expect(attached.prefetcher.engine.agentIds()).not.toContain("temp-1")
    attached.detach()
    expect(cache.stats().prefetch).toBeUndefined()
    attached = undefined
  })
})
