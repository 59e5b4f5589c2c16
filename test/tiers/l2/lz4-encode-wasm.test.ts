/**
 * The WebAssembly LZ4 encoder: for every search depth it writes exactly the bytes of the
 * TypeScript encoder (`Lz4BlockEncoder`), its blocks round-trip through both decoders, it is
 * deterministic across calls and instances, and inputs above WASM_MAX_INPUT go to the TypeScript
 * encoder with the same result.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decodeLz4Js } from "../../../src/tiers/l2/lz4-decode-js.js"
import { decodeLz4 } from "../../../src/tiers/l2/lz4-decode-wasm.js"
import { Lz4BlockEncoder } from "../../../src/tiers/l2/lz4-encode.js"
import { lz4EncodeWasmAvailable, Lz4WasmEncoder, WASM_MAX_INPUT } from "../../../src/tiers/l2/lz4-encode-wasm.js"
import { randomBytes } from "./random-bytes.js"

const utf8 = new TextEncoder()
const depths = [1, 2, 8, 32]
const ts = Object.fromEntries(depths.map((d) => [d, new Lz4BlockEncoder(d)]))
const wasm = Object.fromEntries(depths.map((d) => [d, new Lz4WasmEncoder(d)]))

function expectSame(input: Uint8Array, depth: number): void {
  const block = wasm[depth].encode(input)
  expect(Buffer.compare(block, ts[depth].encode(input))).toBe(0)
  expect(Buffer.compare(decodeLz4(block), input)).toBe(0)
  expect(Buffer.compare(decodeLz4Js(block), input)).toBe(0)
}

const inputs = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.array(fc.constantFrom("plan", "tool", '","text":"', "\u00e9t\u00e9", " ", "aaaaaaaa", "0123"), { maxLength: 600 }).map((w) => utf8.encode(w.join(""))),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 9 }), fc.integer({ min: 0, max: 3000 })).map(([unit, n]) => Uint8Array.from({ length: n }, (_, i) => unit[i % unit.length])),
  fc.jsonValue({ maxDepth: 4 }).map((v) => utf8.encode(JSON.stringify(v)))
)

describe("LZ4 WebAssembly encoder", () => {
  it("runs in WebAssembly here", () => {
    expect(lz4EncodeWasmAvailable()).toBe(true)
  })

  it.each(depths)("writes the TypeScript encoder's bytes at depth %i (all lengths 0..80, random and constant)", (depth) => {
    for (let n = 0; n <= 80; n++) {
      expectSame(randomBytes(n, n + 7), depth)
      expectSame(new Uint8Array(n).fill(3), depth)
    }
  })

  it.each(depths)("writes the TypeScript encoder's bytes at depth %i (random, repetitive, periodic, JSON)", (depth) => {
    fc.assert(fc.property(inputs, (bytes) => expectSame(bytes, depth)), { numRuns: 150 })
  })

  it("is deterministic across calls and instances, interleaved with other inputs", () => {
    const a = new Lz4WasmEncoder()
    const x = utf8.encode(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ step: i, text: `call tool ${i % 7}` }))))
    const first = a.encode(x)
    a.encode(randomBytes(5000, 1))
    a.encode(new Uint8Array(70_000).fill(1)) // a larger table, then a smaller input again
    expect(Buffer.compare(a.encode(x), first)).toBe(0)
    expect(Buffer.compare(new Lz4WasmEncoder().encode(x), first)).toBe(0)
  })

  it("encodes WASM_MAX_INPUT bytes in WebAssembly and one more in TypeScript, both matching TypeScript and round-tripping", () => {
    let text = ""
    for (let i = 0; text.length <= WASM_MAX_INPUT; i++) text += JSON.stringify({ role: i % 3 ? "user" : "assistant", step: i, text: `read file ${i % 17}` })
    for (const n of [WASM_MAX_INPUT, WASM_MAX_INPUT + 1]) expectSame(utf8.encode(text.slice(0, n)), 32)
  })

  it("matches across the 64 KiB window and long runs (length extension bytes)", () => {
    const input = new Uint8Array(200_000)
    for (let i = 0; i < input.length; i++) input[i] = i % 70_001 < 600 ? (i * 7) & 0xff : 42
    expectSame(input, 8)
    expectSame(randomBytes(100_000, 5), 2)
  })

  it("rejects a search depth that is not a positive integer", () => {
    expect(() => new Lz4WasmEncoder(0)).toThrow(RangeError)
    expect(() => new Lz4WasmEncoder(2.5)).toThrow(RangeError)
  })
})
