import { describe, expect, it } from "vitest"
import { L2Store, pakoCompressor, zlibCompressor, createPakoCompressor } from "../../../src/tiers/l2/index.js"
import type { Version } from "../../../src/types.js"
import { randomBytes } from "./random-bytes.js"

const enc = new TextEncoder()

/** Highly compressible bytes of the given length (repeated JSON-ish text). */
function compressible(length: number, seed = 0): Uint8Array {
  const unit = enc.encode(`{"agent":"a${seed}","step":${seed},"note":"the same words again and again"},`)
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = unit[i % unit.length]
  return out
}


type Evicted = { key: string; bytes: Uint8Array; version: Version }

function storeWithLog(maxBytes: number, extra: Partial<ConstructorParameters<typeof L2Store>[0]> = {}) {
  const evicted: Evicted[] = []
  const store = new L2Store({ maxBytes, onEvict: (key, bytes, version) => evicted.push({ key, bytes, version }), ...extra })
  return { store, evicted }
}

describe("L2Store basics", () => {
  it("round-trips bytes and versions, reports misses", () => {
    const { store } = storeWithLog(10_000)
    const value = randomBytes(100)
    expect(store.set("a", value, 3)).toBe(true)
    expect(store.get("a")).toEqual({ bytes: value, version: 3 })
    expect(store.get("b")).toBeUndefined()
    expect(store.versionOf("a")).toBe(3)
    expect(store.versionOf("b")).toBe(-1)
    expect(store.has("a")).toBe(true)
    expect(store.counters).toMatchObject({ hits: 1, misses: 1, entries: 1, bytes: 100, rawBytes: 100 })
  })

  it("copies on set so the caller may reuse its buffer", () => {
    const { store } = storeWithLog(10_000)
    const value = randomBytes(50)
    const copy = value.slice()
    store.set("a", value, 1)
    value.fill(0)
    expect(store.get("a")!.bytes).toEqual(copy)
  })

  it("delete and clear remove without calling onEvict and fix the accounting", () => {
    const { store, evicted } = storeWithLog(10_000)
    store.set("a", compressible(2000), 1)
    store.set("b", randomBytes(10), 2)
    expect(store.delete("a")).toBe(true)
    expect(store.delete("a")).toBe(false)
    expect(store.counters).toMatchObject({ entries: 1, bytes: 10, rawBytes: 10, compressedEntries: 0 })
    store.clear()
    expect(store.size).toBe(0)
    expect(store.bytes).toBe(0)
    expect(store.counters.rawBytes).toBe(0)
    expect(evicted).toEqual([])
  })

  it("rejects invalid options", () => {
    expect(() => new L2Store({ maxBytes: 0 })).toThrow(RangeError)
    expect(() => new L2Store({ maxBytes: 100, protectedRatio: 1 })).toThrow(RangeError)
    expect(() => new L2Store({ maxBytes: 100, compressThreshold: -1 })).toThrow(RangeError)
  })
})

describe("L2Store version ordering", () => {
  it("ignores an older version and accepts the same or a newer one", () => {
    const { store } = storeWithLog(10_000)
    store.set("k", randomBytes(10, 1), 5)
    expect(store.set("k", randomBytes(10, 2), 4)).toBe(false)
    expect(store.get("k")).toEqual({ bytes: randomBytes(10, 1), version: 5 })
    expect(store.set("k", randomBytes(10, 3), 5)).toBe(true)
    expect(store.set("k", randomBytes(20, 4), 9)).toBe(true)
    expect(store.get("k")).toEqual({ bytes: randomBytes(20, 4), version: 9 })
    expect(store.counters).toMatchObject({ entries: 1, bytes: 20 })
  })

  it("drops the stale older version when a newer one is too large to hold", () => {
    const { store, evicted } = storeWithLog(100)
    store.set("k", randomBytes(50), 1)
    expect(store.set("k", randomBytes(500), 2)).toBe(false)
    expect(store.has("k")).toBe(false)
    expect(store.bytes).toBe(0)
    expect(evicted.map((e) => [e.key, e.version, e.bytes.length])).toEqual([["k", 2, 500]])
  })
})

describe("L2Store compression", () => {
  it("compresses at or above the threshold only, and only when it saves space", () => {
    const { store } = storeWithLog(1 << 20, { compressThreshold: 1024 })
    store.set("below", compressible(1023), 1)
    expect(store.counters.compressedEntries).toBe(0)
    expect(store.bytes).toBe(1023)
    store.set("at", compressible(1024), 2)
    expect(store.counters.compressedEntries).toBe(1)
    expect(store.bytes).toBeLessThan(1023 + 1024)
    store.set("random", randomBytes(4096), 3)
    // Deflate cannot shrink random bytes: kept raw.
    expect(store.counters.compressedEntries).toBe(1)
    expect(store.counters.rawBytes).toBe(1023 + 1024 + 4096)
    for (const [key, bytes] of [["below", compressible(1023)], ["at", compressible(1024)], ["random", randomBytes(4096)]] as const) {
      expect(store.get(key)!.bytes).toEqual(bytes)
    }
  })

  it("the byte budget counts stored (compressed) bytes", () => {
    const { store, evicted } = storeWithLog(4096, { compressThreshold: 0 })
    for (let i = 0; i < 20; i++) store.set(`k${i}`, compressible(8192, i), i)
    // 20 × 8 KiB raw fits a 4 KiB budget only because each entry compresses well.
    expect(evicted).toEqual([])
    expect(store.counters.rawBytes).toBe(20 * 8192)
    expect(store.bytes).toBeLessThanOrEqual(4096)
  })

  for (const compressor of [pakoCompressor, zlibCompressor]) {
    it(`${compressor.name} round-trips empty, small, compressible and random data`, () => {
      for (const bytes of [new Uint8Array(0), randomBytes(1), compressible(5000), randomBytes(70_000, 7)]) {
        expect(compressor.decompress(compressor.compress(bytes))).toEqual(bytes)
      }
    })
  }

  it("pako and zlib produce the same format (each decompresses the other)", () => {
    const bytes = compressible(10_000, 3)
    expect(zlibCompressor.decompress(pakoCompressor.compress(bytes))).toEqual(bytes)
    expect(pakoCompressor.decompress(zlibCompressor.compress(bytes))).toEqual(bytes)
  })

  it("zlib output is stored in an exact-size buffer (no pinned chunk)", () => {
    const out = zlibCompressor.compress(compressible(4096))
    expect(out.buffer.byteLength).toBe(out.byteLength)
  })

  it("works end to end with either compressor", () => {
    for (const compressor of [zlibCompressor, createPakoCompressor(1)]) {
      const { store } = storeWithLog(1 << 20, { compressor })
      store.set("a", compressible(3000), 1)
      expect(store.counters.compressedEntries).toBe(1)
      expect(store.get("a")!.bytes).toEqual(compressible(3000))
    }
  })
})

describe("L2Store budget and eviction order (SLRU by bytes)", () => {
  it("evicts least recently inserted probationary entries first and reports them decompressed", () => {
    const { store, evicted } = storeWithLog(300, { compressThreshold: Infinity })
    store.set("a", randomBytes(100, 1), 1)
    store.set("b", randomBytes(100, 2), 2)
    store.set("c", randomBytes(100, 3), 3)
    expect(evicted).toEqual([])
    store.set("d", randomBytes(100, 4), 4)
    expect(evicted).toEqual([{ key: "a", bytes: randomBytes(100, 1), version: 1 }])
    expect(store.bytes).toBe(300)
    expect(store.counters.evictions).toBe(1)
  })

  it("a hit protects an entry from a scan of new entries", () => {
    const { store, evicted } = storeWithLog(400, { compressThreshold: Infinity })
    store.set("hot", randomBytes(100, 1), 1)
    store.set("x", randomBytes(100, 2), 2)
    store.get("hot") // promoted to protected
    for (let i = 0; i < 10; i++) store.set(`scan${i}`, randomBytes(100, 10 + i), 10 + i)
    expect(store.has("hot")).toBe(true)
    expect(evicted.map((e) => e.key)).toEqual(["x", ...Array.from({ length: 7 }, (_, i) => `scan${i}`)])
    expect(store.bytes).toBeLessThanOrEqual(400)
  })

  it("protected overflow is demoted to probation, then evicted in LRU order", () => {
    // protected share = 80 % of 500 = 400 bytes = 4 entries of 100.
    const { store, evicted } = storeWithLog(500, { compressThreshold: Infinity })
    for (const k of ["a", "b", "c", "d", "e"]) store.set(k, randomBytes(100, k.charCodeAt(0)), 1)
    for (const k of ["a", "b", "c", "d", "e"]) store.get(k) // a..e promoted; a demoted (protected holds 4)
    store.set("f", randomBytes(100), 2)
    // probation: [a (demoted), f]; a is the LRU victim.
    expect(evicted.map((e) => e.key)).toEqual(["a"])
    store.set("g", randomBytes(100), 3)
    expect(evicted.map((e) => e.key)).toEqual(["a", "f"])
  })

  it("replacing an entry with a larger value evicts others but never the entry itself", () => {
    const { store, evicted } = storeWithLog(300, { compressThreshold: Infinity })
    store.set("a", randomBytes(100, 1), 1)
    store.set("b", randomBytes(100, 2), 2)
    store.set("a", randomBytes(250, 3), 3)
    expect(evicted.map((e) => e.key)).toEqual(["b"])
    expect(store.get("a")).toEqual({ bytes: randomBytes(250, 3), version: 3 })
    expect(store.bytes).toBe(250)
  })

  it("an onEvict handler may call back into the store", () => {
    const store: L2Store = new L2Store({
      maxBytes: 200,
      compressThreshold: Infinity,
      onEvict: (key) => {
        expect(store.has(key)).toBe(false)
        store.delete("c")
      }
    })
    store.set("a", randomBytes(100, 1), 1)
    store.set("b", randomBytes(100, 2), 2)
    store.set("c", randomBytes(100, 3), 3)
    expect(store.has("a")).toBe(false)
    expect(store.has("c")).toBe(false)
    expect(store.bytes).toBe(100)
  })

  it("holds the budget under a random workload and keeps accounting exact", () => {
    const { store } = storeWithLog(20_000, { compressThreshold: 512 })
    const model = new Map<string, { bytes: Uint8Array; version: number }>()
    let seed = 12345
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / (1 << 24)
    for (let i = 0; i < 3000; i++) {
      const key = `k${Math.floor(next() * 200)}`
      const r = next()
      if (r < 0.5) {
        const bytes = next() < 0.5 ? compressible(Math.floor(next() * 3000), i) : randomBytes(Math.floor(next() * 1500) + 1, i)
        if (store.set(key, bytes, i)) model.set(key, { bytes, version: i })
      } else if (r < 0.9) {
        const got = store.get(key)
        if (got !== undefined) expect(got).toEqual(model.get(key))
      } else {
        store.delete(key)
      }
      expect(store.bytes).toBeLessThanOrEqual(20_000)
    }
  })
})
