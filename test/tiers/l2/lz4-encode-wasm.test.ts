/**
 * The WebAssembly LZ4 encoder: for every search depth, lazy or greedy, it writes exactly the bytes
 * of the TypeScript encoder (`Lz4BlockEncoder`), its blocks round-trip through both decoders, it is
 * deterministic across calls and instances, and inputs above WASM_MAX_INPUT and searches deeper
 * than WASM_MAX_ATTEMPTS go to the TypeScript encoder with the same result.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decodeLz4Js } from "../../../src/tiers/l2/lz4-decode-js.js"
import { decodeLz4 } from "../../../src/tiers/l2/lz4-decode-wasm.js"
import { DEFAULT_LAZY, DEFAULT_MAX_ATTEMPTS, Lz4BlockEncoder } from "../../../src/tiers/l2/lz4-encode.js"
import { lz4EncodeWasmAvailable, Lz4WasmEncoder, WASM_MAX_ATTEMPTS, WASM_MAX_INPUT } from "../../../src/tiers/l2/lz4-encode-wasm.js"
import { randomBytes } from "./random-bytes.js"

const utf8 = new TextEncoder()
/** Search settings compared: [maxAttempts, lazy] (the default is among them). */
const settings: [number, boolean][] = [[1, false], [1, true], [2, true], [8, false], [DEFAULT_MAX_ATTEMPTS, DEFAULT_LAZY], [16, true]]
const key = (attempts: number, lazy: boolean) => `${attempts} ${lazy ? "lazy" : "greedy"}`
const ts = new Map(settings.map(([a, l]) => [key(a, l), new Lz4BlockEncoder(a, l)]))
const wasm = new Map(settings.map(([a, l]) => [key(a, l), new Lz4WasmEncoder(a, l)]))

function expectSame(input: Uint8Array, setting: string): void {
  const block = wasm.get(setting)!.encode(input)
  expect(Buffer.compare(block, ts.get(setting)!.encode(input))).toBe(0)
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

  it.each([...wasm.keys()])("writes the TypeScript encoder's bytes, %s (all lengths 0..80, random and constant)", (setting) => {
    for (let n = 0; n <= 80; n++) {
      expectSame(randomBytes(n, n + 7), setting)
      expectSame(new Uint8Array(n).fill(3), setting)
    }
  })

  it.each([...wasm.keys()])("writes the TypeScript encoder's bytes, %s (random, repetitive, periodic, JSON)", (setting) => {
    fc.assert(fc.property(inputs, (bytes) => expectSame(bytes, setting)), { numRuns: 120 })
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
    for (const n of [WASM_MAX_INPUT, WASM_MAX_INPUT + 1]) expectSame(utf8.encode(text.slice(0, n)), key(DEFAULT_MAX_ATTEMPTS, DEFAULT_LAZY))
  })

  it("matches across the 64 KiB window and long runs (length extension bytes)", () => {
    const input = new Uint8Array(200_000)
    for (let i = 0; i < input.length; i++) input[i] = i % 70_001 < 600 ? (i * 7) & 0xff : 42
    expectSame(input, key(8, false))
    expectSame(input, key(16, true))
    expectSame(randomBytes(100_000, 5), key(2, true))
  })

  it("uses a match exactly 65535 bytes back, never one 65536 back (the window's edge)", () => {
    for (const distance of [65_535, 65_536]) {
      const input = randomBytes(distance + 200, distance)
      input.set(input.subarray(0, 100), distance) // the only repeat in random bytes
      for (const setting of wasm.keys()) expectSame(input, setting)
      const block = new Lz4WasmEncoder().encode(input)
      // 100 repeated bytes in a match save ~95 bytes over all-literal output; none when out of reach.
      const allLiterals = input.length + Math.ceil(input.length / 255) + 4
      if (distance === 65_535) expect(block.length).toBeLessThan(allLiterals - 80)
      else expect(block.length).toBeGreaterThan(allLiterals - 10)
    }
  })

  it("a search deeper than a row (16 attempts) goes to the TypeScript encoder, with its bytes", () => {
    expect(WASM_MAX_ATTEMPTS).toBe(16)
    const input = utf8.encode(JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ id: i, tag: `t${i % 40}`, note: "read file then call tool" }))))
    expect(Buffer.compare(new Lz4WasmEncoder(32, true).encode(input), new Lz4BlockEncoder(32, true).encode(input))).toBe(0)
  })

  it("full rows (more than 16 earlier positions per hash) still pick the TypeScript encoder's candidates", () => {
    const input = utf8.encode("ab".repeat(40) + "abcde".repeat(300) + "abcdX".repeat(50) + "abcde".repeat(5))
    for (const setting of wasm.keys()) expectSame(input, setting)
  })

  it("rejects a search depth that is not a positive integer", () => {
    expect(() => new Lz4WasmEncoder(0)).toThrow(RangeError)
    expect(() => new Lz4WasmEncoder(2.5)).toThrow(RangeError)
  })
})
