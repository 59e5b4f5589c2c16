/**
 * L2Store.read, the hit path that lends the decompressed bytes to a callback instead of returning
 * a copy: same bytes and counters as `get`, a miss does not call back, and a decode started inside
 * the callback (which must not overwrite the lent LZ4 memory) still returns the right bytes while
 * the lent view stays intact.
 */
import { describe, expect, it } from "vitest"
import { createPakoCompressor, L2Store, lz4Compressor } from "../../../src/tiers/l2/index.js"
import { decodeLz4, withDecodedLz4 } from "../../../src/tiers/l2/lz4-decode-wasm.js"
import { Lz4BlockEncoder } from "../../../src/tiers/l2/lz4-encode.js"

const text = (s: string) => new TextEncoder().encode(s)
const compressible = (seed: string) => text(`${seed} `.repeat(400))

describe("L2Store.read", () => {
  it.each([
    ["lz4 (lent view)", lz4Compressor],
    ["pako (no withDecompressed: decompress then call back)", createPakoCompressor(6)],
  ])("hands the same bytes and version as get, and counts hits and misses alike (%s)", (_name, compressor) => {
    const store = new L2Store({ maxBytes: 1 << 20, compressThreshold: 64, compressor })
    store.set("big", compressible("alpha"), 7)
    store.set("small", text("tiny"), 3)
    expect(store.counters.compressedEntries).toBe(1)
    for (const key of ["big", "small"]) {
      const viaGet = store.get(key)!
      const viaRead = store.read(key, (bytes, version) => ({ bytes: bytes.slice(), version }))!
      expect(viaRead.version).toBe(viaGet.version)
      expect([...viaRead.bytes]).toEqual([...viaGet.bytes])
    }
    let called = false
    expect(
      store.read("absent", () => {
        called = true
      }),
    ).toBeUndefined()
    expect(called).toBe(false)
    expect(store.counters.hits).toBe(4)
    expect(store.counters.misses).toBe(1)
  })

  it("promotes a probation entry on read exactly as get does", () => {
    const viaGet = new L2Store({ maxBytes: 3000, compressThreshold: Infinity })
    const viaRead = new L2Store({ maxBytes: 3000, compressThreshold: Infinity })
    for (const s of [viaGet, viaRead]) for (const k of ["a", "b", "c"]) s.set(k, new Uint8Array(900), 1)
    viaGet.get("a")
    viaRead.read("a", () => 0)
    for (const s of [viaGet, viaRead]) s.set("d", new Uint8Array(900), 1) // evicts probation's LRU
    expect(["a", "b", "c", "d"].map((k) => viaRead.has(k))).toEqual(["a", "b", "c", "d"].map((k) => viaGet.has(k)))
    expect(viaRead.has("a")).toBe(true)
  })
})

describe("withDecodedLz4 (the lent LZ4 view)", () => {
  const encoder = new Lz4BlockEncoder()

  it("keeps the lent view intact while a decode runs inside the callback", () => {
    const first = compressible("first value")
    const second = compressible("a different, longer second value")
    const [a, b] = [encoder.encode(first), encoder.encode(second)]
    const seen = withDecodedLz4(a, (lent) => {
      const before = lent.slice()
      const inner = decodeLz4(b) // must not reuse the lent memory
      const nested = withDecodedLz4(b, (v) => v.slice())
      return { before, after: lent.slice(), inner, nested }
    })
    expect(seen.after).toEqual(seen.before)
    expect(seen.before).toEqual(first)
    expect(seen.inner).toEqual(second)
    expect(seen.nested).toEqual(second)
  })

  it("lends the memory again after a callback throws", () => {
    const block = encoder.encode(compressible("x"))
    expect(() =>
      withDecodedLz4(block, () => {
        throw new Error("boom")
      }),
    ).toThrow("boom")
    // a decode after the throw still works, and a second lend still sees its own bytes
    expect(decodeLz4(block)).toEqual(compressible("x"))
    expect(withDecodedLz4(block, (v) => v.slice())).toEqual(compressible("x"))
  })
})
