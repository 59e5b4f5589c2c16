import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it, vi } from "vitest"
import { AccessDenied, CacheClosed, createTierCache, InvalidKey, InvalidOptions, type TierCacheClient } from "../../src/index.js"

const open: TierCacheClient[] = []
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function cache(options: Parameters<typeof createTierCache>[0] = {}) {
  const c = await createTierCache({ l3: { maxBytes: 1 << 22, fsync: false }, ...options })
  open.push(c)
  return c
}
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), "tc-facade-"))
  dirs.push(d)
  return d
}

describe("createTierCache (real tiers)", () => {
  it("round-trips JSON and bytes through every tier, and survives reopening the folder", async () => {
    const dir = freshDir()
    const c = await cache({ dir, l1: { maxBytes: 4096, maxEntries: 16 }, l2: { maxBytes: 8192 } })
    const want = new Map<string, unknown>()
    for (let i = 0; i < 60; i++) {
      const v = i % 4 === 0 ? new Uint8Array(50).fill(i) : { i, text: "y".repeat(100 + i) }
      await c.put(`k${i}`, v as never)
      want.set(`k${i}`, v)
    }
    const s = c.stats()
    expect(s.puts).toBe(60)
    expect(s.l1.entries).toBeLessThanOrEqual(16)
    expect(s.l1.demotions).toBeGreaterThan(0)
    expect(s.l2.bytes).toBeLessThanOrEqual(8192)
    expect(s.l3.entries).toBe(60)
    for (const [k, v] of want) expect(await c.get(k)).toEqual(v)
    await c.close()
    const again = await cache({ dir })
    for (const [k, v] of want) expect(await again.get(k)).toEqual(v)
    expect(again.stats().l3.hits).toBe(60)
  })

  it("uses a fresh temp folder by default and removes it on close; close twice is fine", async () => {
    const c = await createTierCache()
    expect(existsSync(c.dir)).toBe(true)
    await c.put("k", 1)
    await c.close()
    await c.close()
    expect(existsSync(c.dir)).toBe(false)
    await expect(c.get("k")).rejects.toBeInstanceOf(CacheClosed)
    expect(() => c.getIfPresent("k")).toThrow(CacheClosed)
    expect(() => c.agent("a1")).toThrow(CacheClosed)
  })

  it.each([
    [{ l1: { maxBytes: 0 } }, "l1.maxBytes"],
    [{ l2: { maxBytes: -1 } }, "l2.maxBytes"],
    [{ l3: { maxBytes: 1.5 } }, "l3.maxBytes"],
    [{ maxEntryBytes: Number.NaN }, "maxEntryBytes"],
    [{ maxKeyLength: 0 }, "maxKeyLength"],
    [{ dir: "" }, "dir"],
    [{ load: "nope" }, "load"],
    [{ l3: { maxBytes: 10, fsync: "yes" } }, "l3.fsync"],
    [{ l1: { maxBytes: 10, maxEntries: 0 } }, "l1.maxEntries"],
  ])("rejects %j with InvalidOptions naming %s", async (options, option) => {
    const err = await createTierCache(options as never).catch((e) => e)
    expect(err).toBeInstanceOf(InvalidOptions)
    expect(err.option).toBe(option)
  })

  it("getIfPresent copies bytes that reached L1 by a fill from L3 (not only by put)", async () => {
    const dir = freshDir()
    const first = await cache({ dir })
    await first.put("bin", new Uint8Array([1, 2, 3]))
    await first.close()
    const c = await cache({ dir })
    await c.put("json", { a: 1 })
    expect(c.getIfPresent("json")).toBe(c.getIfPresent("json")) // JSON: the live object
    expect([...((await c.get("bin")) as Uint8Array)]).toEqual([1, 2, 3]) // filled from L3 into L1
    const mine = c.getIfPresent("bin") as Uint8Array
    mine[0] = 99
    expect([...(c.getIfPresent("bin") as Uint8Array)]).toEqual([1, 2, 3])
  })

  it("getIfPresent reads L1 directly, through the copy rule once bytes were held; a direct miss still checks the key", async () => {
    const c = await cache()
    await c.put("a", { a: 1 })
    expect(c.hierarchy.directL1).toBe(c.hierarchy.l1)
    expect(c.hierarchy.copiesBytes).toBe(false)
    const viaHierarchy = vi.spyOn(c.hierarchy, "getIfPresent")
    expect(c.getIfPresent("a")).toBe(c.getIfPresent("a")) // the live object
    // A miss on the direct read still gets the key checks a hit skips.
    expect(() => c.getIfPresent("")).toThrow(InvalidKey)
    expect(() => c.getIfPresent(7 as never)).toThrow(InvalidKey)
    expect(c.getIfPresent("absent")).toBeUndefined()
    // A superposition (the fork stores its base as bytes) and a finished collapse leave reads direct.
    await c.fork("a", 2)
    expect(c.hierarchy.copiesBytes).toBe(true)
    await c.put("bin", new Uint8Array([1, 2, 3]))
    const mine = c.getIfPresent("bin") as Uint8Array
    mine[0] = 99
    expect([...(c.getIfPresent("bin") as Uint8Array)]).toEqual([1, 2, 3]) // a copy per read
    await c.collapse("a", "0")
    expect(c.getIfPresent("a")).toBe(c.getIfPresent("a")) // JSON: still the live object
    expect(viaHierarchy).not.toHaveBeenCalled()
  })

  it("getIfPresent has no direct L1 read when its calls are timed, nor after close", async () => {
    const timed = await cache({ latencySampleEvery: 4 })
    expect(timed.hierarchy.directL1).toBeUndefined()
    const c = await cache()
    expect(c.hierarchy.directL1).toBe(c.hierarchy.l1)
    await c.close()
    expect(c.hierarchy.directL1).toBeUndefined()
  })

  it("does not time getIfPresent by default, and times one in latencySampleEvery when that is given", async () => {
    const c = await cache()
    await c.put("a", { a: 1 })
    for (let i = 0; i < 2049; i++) expect(c.getIfPresent("a")).toEqual({ a: 1 })
    expect(c.stats().l1.hits).toBe(2049)
    expect(c.stats().l1.latency.count).toBe(0)
    // get() is timed as before (one read in 64, the first included).
    await c.get("a")
    expect(c.stats().l1.latency.count).toBe(1)
    const every = await cache({ latencySampleEvery: 1 })
    await every.put("a", 1)
    for (let i = 0; i < 10; i++) every.getIfPresent("a")
    expect(every.stats().l1.latency.count).toBe(10)
    const some = await cache({ latencySampleEvery: 4 })
    await some.put("a", 1)
    for (let i = 0; i < 10; i++) some.getIfPresent("a")
    // Calls 1, 5 and 9.
    expect(some.stats().l1.latency.count).toBe(3)
  })

  it("getIfPresent throws CacheClosed as soon as the engine's close starts, even for a key L1 still holds", async () => {
    const c = await cache()
    await c.put("a", { a: 1 })
    // Warm the fast path, which has no closed check of its own: close must turn it off.
    for (let i = 0; i < 100; i++) c.getIfPresent("a")
    // (The facade's close first waits for branch operations; the engine's starts at once.)
    const closing = c.hierarchy.close()
    expect(() => c.getIfPresent("a")).toThrow(CacheClosed)
    expect(() => c.getIfPresent("a")).toThrow(CacheClosed)
    await closing
    expect(() => c.getIfPresent("a")).toThrow(CacheClosed)
  })

  it("reports stats shaped like CacheStats with sampled latency", async () => {
    const c = await cache({ latencySampleEvery: 1, load: async (k) => (k === "miss" ? undefined : { k }) })
    await c.put("a", 1)
    c.getIfPresent("a")
    await c.get("a")
    await c.get("loaded")
    await c.get("miss")
    const s = c.stats()
    expect(s).toMatchObject({ gets: 3, puts: 1, loads: 2, misses: 1 })
    expect(s.l1.hits).toBe(2)
    expect(s.l1.latency.count).toBe(2)
    expect(s.l1.latency.p99Ns).toBeGreaterThan(0)
    expect(s.prefetch).toBeUndefined()
  })
})

describe("agent views", () => {
  it("records the agent on every access (loader and observer get its id)", async () => {
    const seen: unknown[] = []
    const c = await cache({ load: async (key, agentId) => ({ key, agentId: agentId ?? null }) })
    c.onAccess = (agent, key, by) => seen.push([agent, key, by])
    const a1 = c.agent("a1", { kind: "coder" })
    expect(await a1.get("shared")).toEqual({ key: "shared", agentId: "a1" })
    expect(await a1.get("shared")).toEqual({ key: "shared", agentId: "a1" })
    await c.get("shared")
    expect(seen).toEqual([
      ["a1", "shared", "load"],
      ["a1", "shared", "l1"],
      [undefined, "shared", "l1"],
    ])
    expect(c.agent("a1")).toBe(a1) // same live view
    expect(a1.kind).toBe("coder")
  })

  it("keeps <agent>:… keys private to a registered agent; the root cache reads everything", async () => {
    const c = await cache()
    const a1 = c.agent("a1")
    const a2 = c.agent("a2")
    await a1.put("a1:scratch", { mine: true })
    await a1.put("shared", 1)
    for (const op of [() => a2.get("a1:scratch"), () => a2.put("a1:scratch", 1), () => a2.invalidate("a1:scratch")]) {
      const err = await op().catch((e) => e)
      expect(err).toBeInstanceOf(AccessDenied)
      expect(err).toMatchObject({ _tag: "AccessDenied", key: "a1:scratch", agentId: "a2", owner: "a1" })
    }
    expect(() => a2.getIfPresent("a1:scratch")).toThrow(AccessDenied)
    expect(await a2.get("shared")).toBe(1)
    expect(await c.get("a1:scratch")).toEqual({ mine: true })
    // a prefix that is not a registered agent is an ordinary shared key
    await a2.put("nobody:x", 2)
    expect(await a1.get("nobody:x")).toBe(2)
  })

  it("end() releases the agent's private keys durably and closes the view; a new view starts clean", async () => {
    const dir = freshDir()
    const c = await cache({ dir })
    const a1 = c.agent("a1")
    await a1.put("a1:one", 1)
    await c.put("a1:two", 2) // written by root, still a1's private key
    await a1.put("shared", 3)
    await a1.end()
    await a1.end() // idempotent
    await expect(a1.get("shared")).rejects.toMatchObject({ _tag: "CacheClosed" })
    expect(() => a1.getIfPresent("shared")).toThrow(CacheClosed)
    expect(await c.get("a1:one")).toBeUndefined()
    expect(await c.get("a1:two")).toBeUndefined()
    expect(await c.get("shared")).toBe(3)
    const again = c.agent("a1")
    expect(again).not.toBe(a1)
    expect(await again.get("a1:one")).toBeUndefined()
    await c.close()
    const reopened = await cache({ dir })
    expect(await reopened.get("a1:one")).toBeUndefined()
    expect(await reopened.get("shared")).toBe(3)
  })

  it("cache.endAgent(id) is the same as view.end()", async () => {
    const c = await cache()
    const a1 = c.agent("a1")
    await a1.put("a1:x", 1)
    await c.endAgent("a1")
    await expect(a1.put("a1:x", 2)).rejects.toBeInstanceOf(CacheClosed)
    expect(await c.get("a1:x")).toBeUndefined()
  })

  it("rejects agent ids that cannot be a key prefix", async () => {
    const c = await cache()
    expect(() => c.agent("")).toThrow(InvalidOptions)
    expect(() => c.agent("a:b")).toThrow(InvalidOptions)
  })
})
