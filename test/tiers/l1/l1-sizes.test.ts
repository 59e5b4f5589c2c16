/**
 * L1 keeps entry sizes in a Uint16Array with an escape value (65 535) for sizes that do not fit,
 * whose exact value lives in a side Map. These tests drive sizes around that boundary (and
 * fractional ones, which also escape) through inserts, replacements crossing the boundary both
 * ways, evictions, deletes and owner accounting, and check the byte budget against a model.
 */
import { describe, expect, it } from "vitest"
import { L1Cache } from "../../../src/tiers/l1/index.js"

/** Sizes at and around the 16-bit escape, plus fractional (dyadic, so float sums stay exact) ones. */
const SIZES = [0, 1, 1000, 65533, 65534, 65535, 65536, 65537, 131071, 1_000_000, 1.5, 70000.25]

function bigSideTable(cache: L1Cache<number>): Map<number, number> {
  return (cache as unknown as { bigSizes: Map<number, number> }).bigSizes
}

describe("L1 entry sizes around the 16-bit escape", () => {
  it("reports each size exactly to onEvict and in bytes, on both sides of 65 535", () => {
    const evicted: [string, number][] = []
    const cache = new L1Cache<number>({ maxBytes: 1e9, maxEntries: 100, onEvict: (k, _v, bytes) => evicted.push([k, bytes]) })
    SIZES.forEach((bytes, i) => cache.set(`k${i}`, i, bytes, i))
    expect(cache.bytes).toBe(SIZES.reduce((a, b) => a + b, 0))
    // Exactly the escaped ones are in the side table.
    expect(bigSideTable(cache).size).toBe(SIZES.filter((b) => b >= 65535 || !Number.isInteger(b)).length)
    SIZES.forEach((_, i) => cache.delete(`k${i}`))
    expect(cache.bytes).toBe(0)
    expect(bigSideTable(cache).size).toBe(0)
    // Over the byte budget: one of a/b leaves with its exact size; a value above maxBytes is refused with its exact size.
    evicted.length = 0
    const small = new L1Cache<number>({ maxBytes: 100_000, maxEntries: 10, onEvict: (k, _v, bytes) => evicted.push([k, bytes]) })
    small.set("a", 1, 65535, 1)
    small.set("b", 2, 65536, 2)
    expect(evicted).toHaveLength(1)
    expect(small.bytes + evicted[0][1]).toBe(65535 + 65536)
    small.set("c", 3, 100_000.5, 3)
    expect(evicted[1]).toEqual(["c", 100_000.5])
  })

  it("keeps the budget exact under a random mix of inserts, boundary-crossing replacements, evictions and deletes", () => {
    let seed = 12345
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return (seed >>> 8) % n
    }
    const model = new Map<string, number>()
    const ownerOf = new Map<string, number>()
    let badEviction = ""
    const cache = new L1Cache<number>({
      maxBytes: 3_000_000,
      maxEntries: 40,
      owners: { maxOwners: 3 },
      onEvict: (key, _value, bytes) => {
        if (bytes !== model.get(key) && badEviction === "") badEviction = `${key}: evicted ${bytes}, set ${model.get(key)}`
        model.delete(key)
      },
    })
    for (let step = 0; step < 20_000; step++) {
      const key = `k${rand(80)}`
      const op = rand(10)
      if (op < 7) {
        const bytes = SIZES[rand(SIZES.length)]
        const owner = rand(3)
        // A replacement's old value is dropped silently when the new one is refused for size.
        if (bytes > cache.maxBytes) model.delete(key)
        model.set(key, bytes)
        ownerOf.set(key, owner)
        if (!cache.set(key, step, bytes, step, { owner })) model.delete(key)
      } else if (op < 9) {
        cache.get(key)
      } else {
        cache.delete(key)
        model.delete(key)
      }
      if (step % 97 === 0) {
        expect(badEviction).toBe("")
        expect(cache.size).toBe(model.size)
        expect(cache.bytes).toBe([...model.values()].reduce((a, b) => a + b, 0))
        for (let o = 0; o < 3; o++) {
          const ownerBytes = [...model].filter(([k]) => ownerOf.get(k) === o).reduce((a, [, b]) => a + b, 0)
          expect(cache.ownerBytes(o)).toBe(ownerBytes)
        }
        const escaped = [...model.values()].filter((b) => b >= 65535 || !Number.isInteger(b)).length
        expect(bigSideTable(cache).size).toBe(escaped)
      }
    }
    expect(badEviction).toBe("")
    cache.clear()
    expect(cache.bytes).toBe(0)
    expect(bigSideTable(cache).size).toBe(0)
  })
})
