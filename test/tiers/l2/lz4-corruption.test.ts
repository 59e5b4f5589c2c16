/**
 * Malformed LZ4 blocks: each decoder either returns exactly the declared number of bytes or
 * throws `CorruptBlock` — never another error, never an out-of-bounds read or write (the
 * WebAssembly decoder would trap, the TypeScript one would produce `undefined` bytes), never a
 * hang (the properties finish) — and the two decoders agree on every block.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { CorruptBlock } from "../../../src/tiers/l2/index.js"
import { decodeLz4Js } from "../../../src/tiers/l2/lz4-decode-js.js"
import { decodeLz4 } from "../../../src/tiers/l2/lz4-decode-wasm.js"
import { Lz4BlockEncoder } from "../../../src/tiers/l2/lz4-encode.js"

const encoder = new Lz4BlockEncoder()
const utf8 = new TextEncoder()

type Outcome = { ok: true; bytes: Uint8Array } | { ok: false; error: unknown }

function attempt(decode: (b: Uint8Array) => Uint8Array, block: Uint8Array): Outcome {
  try {
    return { ok: true, bytes: decode(block) }
  } catch (error) {
    return { ok: false, error }
  }
}

/** The property every block must satisfy, valid or not. */
function expectDecodesOrThrowsCorruptBlock(block: Uint8Array): void {
  const viaWasm = attempt(decodeLz4, block)
  const viaJs = attempt(decodeLz4Js, block)
  for (const outcome of [viaWasm, viaJs]) {
    if (!outcome.ok) expect(outcome.error).toBeInstanceOf(CorruptBlock)
  }
  expect(viaWasm.ok).toBe(viaJs.ok)
  if (viaWasm.ok && viaJs.ok) {
    expect(Buffer.compare(viaWasm.bytes, viaJs.bytes)).toBe(0)
    expect(viaJs.bytes.every((b) => b !== undefined)).toBe(true)
  }
  if (!viaWasm.ok && !viaJs.ok) expect((viaWasm.error as CorruptBlock).message).toBe((viaJs.error as CorruptBlock).message)
}

function expectCorrupt(block: Uint8Array, reason: RegExp): void {
  for (const decode of [decodeLz4, decodeLz4Js]) {
    let thrown: unknown
    try {
      decode(block)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(CorruptBlock)
    expect((thrown as CorruptBlock)._tag).toBe("CorruptBlock")
    expect((thrown as CorruptBlock).message).toMatch(reason)
  }
}

const validBlock = fc
  .oneof(
    fc.jsonValue({ maxDepth: 3 }).map((v) => utf8.encode(JSON.stringify(v).repeat(3))),
    fc.uint8Array({ maxLength: 300 }),
    fc.array(fc.constantFrom("ab", "cde", "fghij", "\"k\":"), { maxLength: 200 }).map((w) => utf8.encode(w.join("")))
  )
  .map((input) => encoder.encode(input))

/** A valid block with a few bytes overwritten, a cut, or extra bytes. */
const damagedBlock = fc.oneof(
  fc.tuple(validBlock, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 })).map(([block, edits]) => {
    const out = block.slice()
    for (const [at, value] of edits) if (out.length > 0) out[at % out.length] = value
    return out
  }),
  fc.tuple(validBlock, fc.nat()).map(([block, cut]) => block.subarray(0, cut % (block.length + 1))),
  fc.tuple(validBlock, fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([block, extra]) => Uint8Array.from([...block, ...extra]))
)

describe("LZ4 corrupt blocks", () => {
  it("damaged blocks (bytes overwritten, truncated, extended) decode to the declared length or throw CorruptBlock, the same in both decoders", () => {
    fc.assert(fc.property(damagedBlock, expectDecodesOrThrowsCorruptBlock), { numRuns: 3000 })
  })

  it("arbitrary bytes: the same", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), expectDecodesOrThrowsCorruptBlock), { numRuns: 3000 })
  })

  it("an empty block, a truncated or over-long header", () => {
    expectCorrupt(new Uint8Array(0), /truncated length header/)
    expectCorrupt(Uint8Array.of(0x80), /truncated length header/)
    expectCorrupt(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), /longer than 5 bytes/)
    expectCorrupt(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f), /exceeds/)
  })

  it("a header declaring far more than the block can encode is rejected before allocating", () => {
    // 1 GiB declared, 3 block bytes: rejected by the expansion bound, not by running out of memory.
    expectCorrupt(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x04, 0xf0, 0xff, 0xff), /more than 3 block bytes can encode/)
  })

  it("a block that ends before its last sequence, or mid-length", () => {
    expectCorrupt(Uint8Array.of(3), /ends before its last sequence/)
    expectCorrupt(Uint8Array.of(20, 0xf0, 255, 255), /truncated literal length/)
    expectCorrupt(Uint8Array.of(8, 0x1f, 65, 1, 0), /truncated match length/)
    expectCorrupt(Uint8Array.of(8, 0x10, 65, 1), /truncated match offset/)
  })

  it("literals past the block or past the declared length", () => {
    expectCorrupt(Uint8Array.of(5, 0x50, 1, 2, 3), /past the end of the block/)
    expectCorrupt(Uint8Array.of(2, 0x30, 1, 2, 3), /past the declared length/)
  })

  it("a match offset of 0 or reaching before the output start, a match past the declared length", () => {
    expectCorrupt(Uint8Array.of(8, 0x10, 65, 0, 0, 0x00), /match offset 0/)
    expectCorrupt(Uint8Array.of(8, 0x10, 65, 2, 0, 0x00), /match offset 2 at output byte 1/)
    expectCorrupt(Uint8Array.of(4, 0x10, 65, 1, 0, 0x00), /match of 4 bytes past the declared length/)
  })

  it("sequences that stop short of the declared length", () => {
    expectCorrupt(Uint8Array.of(9, 0x10, 65, 1, 0, 0x00), /decoded 5 bytes, the header declares 9/)
    // The smallest valid block for comparison: 1 literal, a 4-byte overlapping match, no final literals.
    expect(Array.from(decodeLz4(Uint8Array.of(5, 0x10, 65, 1, 0, 0x00)))).toEqual([65, 65, 65, 65, 65])
  })

  it("a block far larger than any encoding of its declared length (2 MiB of trailing zeros)", () => {
    const block = new Uint8Array(2 << 20)
    block.set([5, 0x50, 1, 2, 3, 4, 5])
    expectCorrupt(block, /match offset 0 at output byte 5/)
  })

  it("many length extension bytes of 255 end in linear time with CorruptBlock", () => {
    const block = new Uint8Array(200_000).fill(255)
    block[0] = 0x7f // declared length 127
    block[1] = 0xf0
    const started = Date.now()
    expectCorrupt(block, /truncated literal length/)
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})
