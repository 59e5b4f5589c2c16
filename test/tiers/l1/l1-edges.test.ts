/**
 * L1 at its edges: option validation, slot arrays growing past their initial size (with and
 * without per-owner tables), owner quotas after growth, the footprint report, sampled shadows on
 * a large cache, and eviction when probation and the window are empty (victims from protected).
 */
import { describe, expect, it } from "vitest"
import { L1Cache } from "../../../src/tiers/l1/index.js"

describe("L1Cache option validation", () => {
  it.each([
    [{ maxBytes: Number.NaN }, "L1 maxBytes must be a positive number, got NaN"],
    [{ maxBytes: Number.POSITIVE_INFINITY }, "L1 maxBytes must be a positive number, got Infinity"],
    [{ maxBytes: 100, maxEntries: 1.5 }, "L1 maxEntries must be a positive integer below 2^31, got 1.5"],
    [{ maxBytes: 100, maxEntries: 2 ** 31 }, "L1 maxEntries must be a positive integer below 2^31, got 2147483648"],
    [{ maxBytes: 100, owners: { maxOwners: 0 } }, "L1 owners.maxOwners must be an integer in 1..65536, got 0"],
    [{ maxBytes: 100, owners: { maxOwners: 2.5 } }, "L1 owners.maxOwners must be an integer in 1..65536, got 2.5"],
    [{ maxBytes: 100, owners: { maxOwners: 65537 } }, "L1 owners.maxOwners must be an integer in 1..65536, got 65537"],
  ])("%j is refused", (options, message) => {
    expect(() => new L1Cache<number>(options)).toThrow(new RangeError(message))
  })

  it("accepts the owner-count bounds 1 and 65536", () => {
    expect(new L1Cache<number>({ maxBytes: 100, owners: { maxOwners: 1 } }).ownerBytes(0)).toBe(0)
    expect(new L1Cache<number>({ maxBytes: 100, owners: { maxOwners: 65536 } }).ownerBytes(65535)).toBe(0)
  })
})

describe("L1Cache slot growth", () => {
  it("grows its slot arrays past the initial 1024 toward maxEntries, keeping every entry and owner", () => {
    const cache = new L1Cache<number>({ maxBytes: 1e9, maxEntries: 5000, owners: { maxOwners: 4, quotaBytes: 1e6 } })
    expect(cache.footprint().slots).toBe(1024)
    for (let i = 0; i < 3000; i++) cache.set(`k${i}`, i, 10, i, { owner: i % 4 })
    const f = cache.footprint()
    expect(f.slots).toBe(4096) // 1024 → 2048 → 4096
    expect(cache.size).toBe(3000)
    for (let o = 0; o < 4; o++) expect(cache.ownerBytes(o)).toBe(7500)
    // Owner tables: ownerOf (2 B) + next/prev (4 B each) per slot, head/tail/bytes per owner.
    expect(f.ownerBytes).toBe((4096 + 3) * 10 + 4 * 4 * 4 + 4 * 8)
    for (let i = 0; i < 3000; i += 997) expect(cache.get(`k${i}`)).toBe(i)
    for (let i = 0; i < 3000; i += 4) cache.delete(`k${i}`)
    expect(cache.ownerBytes(0)).toBe(0)
    expect(cache.ownerBytes(1)).toBe(7500)
  })

  it("stops growing at maxEntries + 1 slots and then evicts", () => {
    const evicted: string[] = []
    const cache = new L1Cache<number>({ maxBytes: 1e9, maxEntries: 1500, onEvict: (k) => void evicted.push(k) })
    for (let i = 0; i < 2000; i++) cache.set(`k${i}`, i, 1, i)
    expect(cache.footprint().slots).toBe(1501)
    expect(cache.size).toBe(1500)
    expect(evicted).toHaveLength(500)
    expect(cache.footprint().ownerBytes).toBe(0) // no owner tables without the option
  })

  it("slotOf reports -1 for a key it does not hold, a stable slot otherwise", () => {
    const cache = new L1Cache<number>({ maxBytes: 100 })
    expect(cache.slotOf("nope")).toBe(-1)
    cache.set("a", 1, 1, 1)
    const slot = cache.slotOf("a")
    cache.set("a", 2, 2, 2)
    expect(cache.slotOf("a")).toBe(slot)
  })
})

describe("L1Cache shadows on a large cache", () => {
  it("sample keys (rate > 1) once the cache holds many more entries than a shadow", () => {
    const cache = new L1Cache<number>({ maxBytes: 1e9, maxEntries: 1024, policy: { shadowEntries: 64 } })
    expect(cache.footprint().shadowBytes).toBe(0) // shadows start at the first eviction
    for (let i = 0; i < 1100; i++) cache.set(`k${i}`, i, 1, i)
    const sampled = cache.footprint().shadowBytes
    expect(sampled).toBeGreaterThan(0)
    // The same cache sampling every key (shadowEntries ≥ capacity) keeps larger shadows.
    const full = new L1Cache<number>({ maxBytes: 1e9, maxEntries: 1024, policy: { shadowEntries: 4096 } })
    for (let i = 0; i < 1100; i++) full.set(`k${i}`, i, 1, i)
    expect(full.footprint().shadowBytes).toBeGreaterThan(sampled)
  })
})

describe("L1Cache eviction from protected", () => {
  it("a protected entry that grows evicts protected LRU entries, never itself", () => {
    const evicted: string[] = []
    const cache = new L1Cache<number>({ maxBytes: 100, maxEntries: 100, onEvict: (k) => void evicted.push(k), policy: { adaptive: false, window: 0.01 } })
    for (const k of ["a", "b", "c"]) cache.set(k, 0, 20, 1)
    for (const k of ["a", "b", "c"]) cache.get(k) // all promoted to protected
    cache.set("c", 1, 75, 2)
    expect(cache.has("c")).toBe(true)
    expect(cache.get("c")).toBe(1)
    expect(cache.bytes).toBeLessThanOrEqual(100)
    expect(evicted.length).toBeGreaterThan(0)
    expect(evicted).not.toContain("c")
    expect(evicted[0]).toBe("a") // the least recently used
  })
})
