/**
 * L2 at its edges: a value larger than the whole budget for a key L2 does not hold, eviction that
 * must skip the entry just written when it is alone in probation, version ordering on replace,
 * and the compressors' construction paths (default levels, invalid levels).
 */
import { describe, expect, it } from "vitest"
import { createPakoCompressor, createZlibCompressor, L2Store } from "../../../src/tiers/l2/index.js"
import { createPakoOneShotCompressor } from "../../../src/tiers/l2/compressors.js"
import { RawDeflater, RawInflater } from "../../../src/tiers/l2/pako-streams.js"
import type { Version } from "../../../src/types.js"
import { randomBytes } from "./random-bytes.js"


function storeWithLog(maxBytes: number) {
  const evicted: Array<{ key: string; bytes: Uint8Array; version: Version }> = []
  const store = new L2Store({ maxBytes, compressThreshold: Infinity, onEvict: (key, bytes, version) => evicted.push({ key, bytes, version }) })
  return { store, evicted }
}

describe("L2Store edges", () => {
  it("a new key larger than the whole budget is not stored, counted as an eviction and handed to onEvict", () => {
    const { store, evicted } = storeWithLog(100)
    store.set("small", randomBytes(40), 1)
    const big = randomBytes(101, 2)
    expect(store.set("big", big, 7)).toBe(false)
    expect(store.get("big")).toBeUndefined()
    expect(evicted).toEqual([{ key: "big", bytes: big, version: 7 }])
    expect(store.counters.evictions).toBe(1)
    expect([store.counters.entries, store.bytes]).toEqual([1, 40]) // the rest is untouched
    expect(store.get("small")?.version).toBe(1)
  })

  it("growing the only probationary entry evicts from protected, never the entry itself", () => {
    const { store, evicted } = storeWithLog(100)
    store.set("a", randomBytes(20, 1), 1)
    store.set("b", randomBytes(20, 2), 2)
    store.get("a") // a, b → protected
    store.get("b")
    store.set("c", randomBytes(10, 3), 3) // probation: [c]
    store.set("c", randomBytes(75, 4), 4) // 20 + 20 + 75 > 100: c is first in probation and must be skipped
    expect(evicted.map((e) => e.key)).toEqual(["a"])
    expect(store.get("c")).toEqual({ bytes: randomBytes(75, 4), version: 4 })
    expect(store.get("b")?.version).toBe(2)
    expect(store.bytes).toBe(95)
  })

  it("replacing with an equal version overwrites; an older version is refused and keeps the newer bytes", () => {
    const { store } = storeWithLog(1000)
    expect(store.set("k", randomBytes(10, 1), 5)).toBe(true)
    expect(store.set("k", randomBytes(10, 2), 5)).toBe(true)
    expect(store.get("k")?.bytes).toEqual(randomBytes(10, 2))
    expect(store.set("k", randomBytes(10, 3), 4)).toBe(false)
    expect(store.get("k")).toEqual({ bytes: randomBytes(10, 2), version: 5 })
  })
})

describe("compressors", () => {
  it("default to level 6 and name themselves after their level", () => {
    expect(createPakoOneShotCompressor().name).toBe("pako-oneshot-deflate-raw-6")
    expect(createPakoCompressor().name).toBe("pako-deflate-raw-6")
    expect(createZlibCompressor(1).name).toBe("zlib-deflate-raw-1")
  })

  it("the one-shot pako compressor is byte-compatible with the reusable-stream one", () => {
    const data = new TextEncoder().encode("the same words again and again ".repeat(50))
    const oneShot = createPakoOneShotCompressor()
    const streams = createPakoCompressor()
    const packed = oneShot.compress(data)
    expect(packed.byteLength).toBeLessThan(data.byteLength)
    expect(streams.compress(data)).toEqual(packed)
    expect(streams.decompress(packed)).toEqual(data)
    expect(oneShot.decompress(streams.compress(data))).toEqual(data)
  })

  it("an invalid deflate level fails at construction, naming the step", () => {
    expect(() => new RawDeflater(42)).toThrow(/^deflate init failed: stream error$/)
    expect(() => createPakoCompressor(42 as never)).toThrow(/deflate init failed/)
  })

  it("inflating bytes that are not a deflate stream fails with zlib's reason", () => {
    expect(() => new RawInflater().inflate(Uint8Array.of(0xff, 0xff, 0xff, 0xff))).toThrow(/^inflate failed: invalid block type$/)
    expect(() => new RawInflater().inflate(new Uint8Array(0))).toThrow(/^inflate failed: unexpected end of data$/)
  })
})
