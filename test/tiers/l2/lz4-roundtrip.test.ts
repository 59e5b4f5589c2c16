/**
 * LZ4 block codec round trips: every input the encoder is given comes back byte for byte, through
 * the WebAssembly decoder (L2's) and the TypeScript reference decoder, for random, repetitive,
 * JSON-like, empty, 1-byte and 1 MiB inputs, from the TypeScript and WebAssembly encoders with
 * the default search, a single probe and a deeper lazy search.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createLz4Compressor, L2Store, lz4Compressor } from "../../../src/tiers/l2/index.js"
import { decodeLz4Js, readLz4Header } from "../../../src/tiers/l2/lz4-decode-js.js"
import { decodeLz4, WASM_MAX_OUTPUT } from "../../../src/tiers/l2/lz4-decode-wasm.js"
import { Lz4BlockEncoder } from "../../../src/tiers/l2/lz4-encode.js"
import { Lz4WasmEncoder } from "../../../src/tiers/l2/lz4-encode-wasm.js"
import { randomBytes } from "./random-bytes.js"

interface Encoder {
  encode(src: Uint8Array): Uint8Array
}
const encoders: Record<string, Encoder> = {
  "TypeScript, hash chains (default)": new Lz4BlockEncoder(),
  "TypeScript, single probe": new Lz4BlockEncoder(1),
  "TypeScript, lazy, 32 attempts": new Lz4BlockEncoder(32, true),
  "WebAssembly (L2's default)": new Lz4WasmEncoder(),
  "WebAssembly, lazy, 32 attempts": new Lz4WasmEncoder(32, true)
}
const utf8 = new TextEncoder()

/** Byte equality by memcmp (vitest's deep equality walks a 1 MiB array element by element, for seconds). */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length)
  const firstDifference = actual.findIndex((b, i) => b !== expected[i])
  expect(Buffer.compare(actual, expected) === 0 ? -1 : firstDifference).toBe(-1)
}

function expectRoundTrip(encoder: Encoder, input: Uint8Array): Uint8Array {
  const block = encoder.encode(input)
  expect(readLz4Header(block).length).toBe(input.length)
  expectSameBytes(decodeLz4(block), input)
  expectSameBytes(decodeLz4Js(block), input)
  return block
}

/** A string of `count` picks from a few words: long repeats, the shape of JSON field names and agent text. */
const repetitive = fc
  .array(fc.constantFrom("plan", "tool", "result", '","text":"', "\u00e9t\u00e9", " ", "aaaaaaaa"), { maxLength: 600 })
  .map((words) => utf8.encode(words.join("")))

/** Byte runs with short periods: matches that overlap their own output (offset < length). */
const periodic = fc
  .tuple(fc.uint8Array({ minLength: 1, maxLength: 9 }), fc.integer({ min: 0, max: 3000 }))
  .map(([unit, length]) => Uint8Array.from({ length }, (_, i) => unit[i % unit.length]))

const jsonLike = fc.jsonValue({ maxDepth: 4 }).map((v) => utf8.encode(JSON.stringify(v)))

describe.each(Object.entries(encoders))("LZ4 round trip, %s", (_, encoder) => {
  it("empty and 1-byte inputs", () => {
    expectRoundTrip(encoder, new Uint8Array(0))
    for (const b of [0, 1, 127, 128, 255]) expectRoundTrip(encoder, Uint8Array.of(b))
  })

  it("every length around the end-of-block limits (0..80 bytes, random and constant)", () => {
    for (let n = 0; n <= 80; n++) {
      expectRoundTrip(encoder, randomBytes(n, n + 1))
      expectRoundTrip(encoder, new Uint8Array(n).fill(7))
    }
  })

  it("random bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => void expectRoundTrip(encoder, bytes)), { numRuns: 200 })
  })

  it("repetitive text", () => {
    fc.assert(fc.property(repetitive, (bytes) => void expectRoundTrip(encoder, bytes)), { numRuns: 200 })
  })

  it("periodic runs (self-overlapping matches)", () => {
    fc.assert(fc.property(periodic, (bytes) => void expectRoundTrip(encoder, bytes)), { numRuns: 200 })
  })

  it("JSON-like values", () => {
    fc.assert(fc.property(jsonLike, (bytes) => void expectRoundTrip(encoder, bytes)), { numRuns: 200 })
  })
})

describe("LZ4 large inputs", () => {
  const json = (bytes: number) => {
    let text = ""
    for (let i = 0; text.length < bytes; i++) text += JSON.stringify({ role: i % 3 ? "user" : "assistant", step: i, text: `read file ${i % 17} then call tool ${i % 5}` })
    return utf8.encode(text.slice(0, bytes))
  }

  it("1 MiB of JSON (decoded in WebAssembly) and 1 MiB + 1 (decoded in TypeScript) round-trip and shrink", () => {
    for (const n of [WASM_MAX_OUTPUT, WASM_MAX_OUTPUT + 1]) {
      const input = json(n)
      const block = expectRoundTrip(encoders["WebAssembly (L2's default)"], input)
      expect(block.length).toBeLessThan(n / 3)
    }
  })

  it("1 MiB of random bytes grows by at most the format's bound", () => {
    const input = randomBytes(1 << 20, 3)
    const block = expectRoundTrip(encoders["WebAssembly (L2's default)"], input)
    expect(block.length).toBeLessThanOrEqual(input.length + Math.ceil(input.length / 255) + 16)
  })

  it("long runs use length extension bytes (a 100 KiB run of one byte is a few hundred bytes)", () => {
    const input = new Uint8Array(100_000).fill(42)
    expect(expectRoundTrip(encoders["WebAssembly (L2's default)"], input).length).toBeLessThan(500)
  })
})

describe("LZ4 compressor in L2", () => {
  it("is L2's default, and L2 reads back what it stored (compressed above the threshold)", () => {
    const store = new L2Store({ maxBytes: 1 << 20 })
    expect(store.compressor).toBe(lz4Compressor)
    const value = utf8.encode(JSON.stringify({ messages: Array.from({ length: 40 }, (_, i) => ({ role: "user", text: `step ${i} read file`, tokens: i })) }))
    store.set("k", value, 1)
    expect(store.counters.compressedEntries).toBe(1)
    expect(store.bytes).toBeLessThan(value.length / 2)
    expect(store.get("k")?.bytes).toEqual(value)
  })

  it("compressors are independent: interleaved use of two instances gives the same bytes", () => {
    const a = createLz4Compressor()
    const b = createLz4Compressor()
    const x = utf8.encode("abcabcabcabc".repeat(50))
    const y = randomBytes(700, 9)
    const ax = a.compress(x)
    expect(b.compress(y)).toEqual(a.compress(y))
    expect(a.compress(x)).toEqual(ax)
    expect(a.decompress(ax)).toEqual(x)
  })

  it("an encoder rejects a search depth that is not a positive integer", () => {
    expect(() => new Lz4BlockEncoder(0)).toThrow(RangeError)
    expect(() => new Lz4BlockEncoder(1.5)).toThrow(RangeError)
  })
})
