/**
 * The branch API through the real cache (createTierCache: real L1/L2/L3 in a temp folder), the
 * agent views and the Effect service.
 */
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { BRANCH_BLOB_AGENT } from "../../src/branches/cache-branches.js"
import { AccessDenied, BranchError } from "../../src/errors.js"
import { createTierCache, TierCache, type TierCacheClient } from "../../src/service/index.js"

let cache: TierCacheClient | undefined
afterEach(async () => {
  await cache?.close()
  cache = undefined
})

const doc = (tag: string) => ({ tag, log: Array.from({ length: 200 }, (_, i) => `entry ${i}`) })

/** Which of `keys` any tier still holds. */
function heldAnywhere(c: TierCacheClient, keys: readonly string[]): string[] {
  const h = c.hierarchy
  return keys.filter((k) => h.l1.has(k) || h.l2.has(k) || h.l3.has(k))
}

describe("branches through the real cache", () => {
  it("fork → putBranch → collapse: get sees the base, then the winner; every branch blob is released", async () => {
    cache = await createTierCache({ l1: { maxBytes: 1 << 20 }, l2: { maxBytes: 1 << 20 }, l3: { maxBytes: 1 << 24, fsync: false } })
    await cache.put("plan", doc("root"))
    expect(await cache.fork("plan", ["fast", "safe"])).toEqual(["fast", "safe"])
    await cache.putBranch("plan", "fast", doc("fast"))
    await cache.putBranch("plan", "safe", doc("safe"))
    expect(await cache.branches("plan")).toEqual(["fast", "safe"])
    expect(await cache.getBranch("plan", "safe")).toEqual(doc("safe"))
    expect(await cache.get("plan")).toEqual(doc("root"))
    const blobKeys = cache.branchLayer.manager.store.keys()
    expect(blobKeys).toHaveLength(3) // fork base + two deltas
    expect(blobKeys.every((k) => k.startsWith(`${BRANCH_BLOB_AGENT}:`))).toBe(true)
    expect(blobKeys.filter((k) => cache!.hierarchy.l3.has(k))).toHaveLength(3) // durable in L3
    await cache.collapse("plan", "safe")
    expect(await cache.get("plan")).toEqual(doc("safe"))
    expect(cache.getIfPresent("plan")).toEqual(doc("safe"))
    expect(await cache.branches("plan")).toEqual([])
    await expect(cache.getBranch("plan", "fast")).rejects.toBeInstanceOf(BranchError)
    await cache.branchLayer.idle()
    expect(cache.branchLayer.manager.stats()).toMatchObject({ blobs: 0, references: 0 })
    expect(heldAnywhere(cache, blobKeys)).toEqual([])
  })

  it("getIfPresent never shows a collapse's winner before the collapse resolves, though L1 holds it first", async () => {
    cache = await createTierCache({ l1: { maxBytes: 1 << 20 }, l2: { maxBytes: 1 << 20 }, l3: { maxBytes: 1 << 24, fsync: false } })
    const c = cache
    await c.put("plan", doc("root"))
    for (let i = 0; i < 100; i++) c.getIfPresent("plan") // the direct L1 read, warmed up
    await c.fork("plan", ["a", "b"])
    await c.putBranch("plan", "a", doc("A"))
    // Hold the collapse just after its base write: the window in which L1 holds the winner but
    // the collapse has not resolved.
    let openWindow!: () => void
    const inWindow = new Promise<void>((r) => (openWindow = r))
    let closeWindow!: () => void
    const held = new Promise<void>((r) => (closeWindow = r))
    const put = c.hierarchy.put.bind(c.hierarchy)
    c.hierarchy.put = async (...args: Parameters<typeof put>) => {
      await put(...args)
      openWindow()
      await held
    }
    const collapsing = c.collapse("plan", "a")
    await inWindow
    expect((c.hierarchy.l1.peek("plan") as { tag?: string } | undefined)?.tag).toBe("A")
    expect(c.getIfPresent("plan")).toEqual(doc("root"))
    expect(c.agent("a1").getIfPresent("plan")).toEqual(doc("root"))
    closeWindow()
    await collapsing
    expect(c.getIfPresent("plan")).toEqual(doc("A"))
  })

  it("rejects misuse with BranchError and changes nothing", async () => {
    cache = await createTierCache({ branches: { maxBranches: 2 } })
    await cache.put("k", { a: 1 })
    await expect(cache.fork("missing", 2)).rejects.toBeInstanceOf(BranchError)
    await expect(cache.fork("k", 3)).rejects.toThrow(/exceeds maxBranches 2/)
    await expect(cache.collapse("k", "0")).rejects.toThrow(/not superposed/)
    expect(await cache.get("k")).toEqual({ a: 1 })
    expect(cache.branchLayer.manager.stats().blobs).toBe(0)
  })

  it("agent views: an agent forks its private key; others are denied its branches and every blob key", async () => {
    cache = await createTierCache()
    const a = cache.agent("a1")
    const b = cache.agent("b1")
    await a.put("a1:state", doc("root"))
    await a.fork("a1:state", 2)
    await a.putBranch("a1:state", "1", doc("try"))
    expect(await a.getBranch("a1:state", "1")).toEqual(doc("try"))
    await expect(b.getBranch("a1:state", "1")).rejects.toBeInstanceOf(AccessDenied)
    await expect(b.fork("a1:state", 2)).rejects.toBeInstanceOf(AccessDenied)
    const blobKey = cache.branchLayer.manager.store.keys()[0]
    await expect(b.get(blobKey)).rejects.toBeInstanceOf(AccessDenied)
    await expect(a.get(blobKey)).rejects.toBeInstanceOf(AccessDenied)
    await a.end() // ends the superposition with the agent's keys
    await cache.branchLayer.idle()
    expect(cache.branchLayer.manager.stats().blobs).toBe(0)
  })

  it("the Effect service has the same operations", async () => {
    const program = Effect.gen(function* () {
      const tc = yield* TierCache
      yield* tc.put("k", doc("root"))
      yield* tc.fork("k", ["x", "y"])
      yield* tc.putBranch("k", "y", doc("y"))
      const before = yield* tc.get("k")
      yield* tc.collapse("k", "y")
      const after = yield* tc.get("k")
      const error = yield* Effect.flip(tc.getBranch("k", "x"))
      return { before, after, error: error._tag }
    })
    const result = await Effect.runPromise(Effect.scoped(Effect.provide(program, TierCache.layer())))
    expect(result).toEqual({ before: doc("root"), after: doc("y"), error: "BranchError" })
  })
})
