import { deflateRaw, inflateRaw } from "pako"
import { describe, expect, it } from "vitest"
import { RawDeflater, RawInflater } from "../../../src/tiers/l2/pako-streams.js"
import { randomBytes } from "./random-bytes.js"


/** Byte equality without vitest's element-wise diff machinery (slow on megabyte arrays). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
}

const text = (length: number) => new TextEncoder().encode("abc ".repeat(Math.ceil(length / 4))).subarray(0, length)

describe("reusable pako streams", () => {
  const inputs = [new Uint8Array(0), randomBytes(1, 1), text(100), randomBytes(5000, 2), text(4096), text(1 << 20), randomBytes(200_000, 3)]

  it("produce exactly pako's one-shot output and round-trip, call after call", () => {
    const deflater = new RawDeflater(6)
    const inflater = new RawInflater()
    for (let round = 0; round < 3; round++) {
      for (const input of inputs) {
        const compressed = deflater.deflate(input)
        expect(same(compressed, deflateRaw(input, { level: 6 })), `deflate ${input.length}`).toBe(true)
        expect(same(inflater.inflate(compressed), input), `inflate ${input.length}`).toBe(true)
        expect(same(inflateRaw(compressed), input)).toBe(true)
      }
    }
  })

  it("grow the output buffer when the data expands far beyond the last ratio", () => {
    const inflater = new RawInflater()
    inflater.inflate(deflateRaw(randomBytes(1000, 4))) // ratio ~1
    const huge = text(4 << 20) // ratio ~1000
    expect(same(inflater.inflate(deflateRaw(huge)), huge)).toBe(true)
  })

  it("return exact-size buffers (no hidden slack pinned by stored entries)", () => {
    const out = new RawDeflater(6).deflate(text(10_000))
    expect(out.buffer.byteLength).toBe(out.byteLength)
    const back = new RawInflater().inflate(out)
    expect(back.buffer.byteLength).toBe(back.byteLength)
  })

  it("throw on corrupt or truncated input and stay usable afterwards", () => {
    const inflater = new RawInflater()
    const good = deflateRaw(text(5000))
    expect(() => inflater.inflate(good.subarray(0, good.length - 20))).toThrow(/inflate failed/)
    const bad = good.slice()
    bad[0] ^= 0xff
    bad[1] ^= 0xff
    expect(() => inflater.inflate(bad)).toThrow(/inflate failed/)
    expect(() => inflater.inflate(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/inflate failed/)
    expect(inflater.inflate(good)).toEqual(text(5000))
  })
})
