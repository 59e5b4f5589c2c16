/**
 * The WebAssembly LZ4 decoder's per-sequence fast path against the TypeScript reference decoder:
 * same bytes on valid blocks, same CorruptBlock on malformed ones. The blocks are built
 * to exercise the per-sequence fast path (sequences far from both ends, nibbles below 15) and its
 * edges: overlapping matches with offsets 1..16 and 17..24, matches that end exactly at the end
 * of the output, literal-only blocks, the last fast-path-sized sequences before the ends, and bad
 * offsets / lengths inside the fast zone.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { CorruptBlock } from "../../../src/tiers/l2/index.js"
import { decodeLz4Js } from "../../../src/tiers/l2/lz4-decode-js.js"
import { decodeLz4, lz4WasmAvailable, withDecodedLz4 } from "../../../src/tiers/l2/lz4-decode-wasm.js"
import { Lz4BlockEncoder } from "../../../src/tiers/l2/lz4-encode.js"
import { randomBytes } from "./random-bytes.js"

const encoder = new Lz4BlockEncoder()

/** One sequence of a hand-built block: literal bytes, then (unless last) a match. */
interface Sequence {
  readonly literals: readonly number[]
  readonly match?: { readonly offset: number; readonly length: number }
}

function lengthBytes(extra: number): number[] {
  const out: number[] = []
  for (; extra >= 255; extra -= 255) out.push(255)
  out.push(extra)
  return out
}

/** The block (varint header + LZ4 sequences) for `sequences`, declaring `declared` output bytes (default: what they produce). */
function buildBlock(sequences: readonly Sequence[], declared?: number): Uint8Array {
  const body: number[] = []
  let produced = 0
  for (const { literals, match } of sequences) {
    const lit = literals.length
    const ml = match === undefined ? 0 : match.length - 4
    body.push((Math.min(lit, 15) << 4) | Math.min(ml, 15))
    if (lit >= 15) body.push(...lengthBytes(lit - 15))
    body.push(...literals)
    produced += lit
    if (match !== undefined) {
      body.push(match.offset & 0xff, match.offset >>> 8)
      if (ml >= 15) body.push(...lengthBytes(ml - 15))
      produced += match.length
    }
  }
  const header: number[] = []
  for (let n = declared ?? produced; ; n = Math.floor(n / 128)) {
    if (n < 128) {
      header.push(n)
      break
    }
    header.push((n & 0x7f) | 0x80)
  }
  return Uint8Array.from([...header, ...body])
}

type Outcome = { ok: true; bytes: Uint8Array } | { ok: false; message: string }

function outcome(decode: () => Uint8Array): Outcome {
  try {
    return { ok: true, bytes: decode() }
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptBlock)
    return { ok: false, message: (error as CorruptBlock).message }
  }
}

/** The WebAssembly decoder (copying and lending) agrees with the TypeScript decoder on `block`; returns the reference outcome. */
function expectWasmAgrees(block: Uint8Array): Outcome {
  const reference = outcome(() => decodeLz4Js(block))
  for (const got of [outcome(() => decodeLz4(block)), outcome(() => withDecodedLz4(block, (view) => view.slice()))]) {
    expect(got.ok).toBe(reference.ok)
    if (got.ok && reference.ok) expect(Buffer.compare(got.bytes, reference.bytes)).toBe(0)
    if (!got.ok && !reference.ok) expect(got.message).toBe(reference.message)
  }
  return reference
}

const filler = (n: number, seed: number) => [...randomBytes(n, seed)]

describe("LZ4 WebAssembly decoder fast path", () => {
  it("runs in WebAssembly here (so the fast path is what is tested)", () => {
    expect(lz4WasmAvailable()).toBe(true)
  })

  it("overlapping and near matches: every offset 1..24 with every length 4..19, early (fast path) and at the output's end", () => {
    for (let offset = 1; offset <= 24; offset++) {
      for (let length = 4; length <= 19; length++) {
        for (const literals of [0, 1, 3, 8, 14, 15]) {
          const head: Sequence = { literals: filler(24, offset * 100 + length), match: { offset: 1, length: 4 } }
          const seq: Sequence = { literals: filler(literals, length), match: { offset, length } }
          const tail = filler(80, 7)
          // Early: followed by a long literal run, so the sequence lies in the fast zone (when its nibbles are below 15).
          const early = expectWasmAgrees(buildBlock([head, seq, { literals: tail }]))
          expect(early.ok).toBe(true)
          // Late: the match ends exactly at the end of the output (then an empty last sequence).
          const late = expectWasmAgrees(buildBlock([{ literals: [...tail, ...head.literals], match: { offset: 1, length: 4 } }, seq, { literals: [] }]))
          expect(late.ok).toBe(true)
        }
      }
    }
  })

  it("a chain of short-offset matches in the fast zone, then matches within 40 output bytes of the end", () => {
    const seqs: Sequence[] = [{ literals: filler(16, 3), match: { offset: 1, length: 18 } }]
    for (let i = 0; i < 60; i++) seqs.push({ literals: filler(i % 15, i), match: { offset: 1 + (i % 24), length: 4 + (i % 15) } })
    seqs.push({ literals: [] })
    expect(expectWasmAgrees(buildBlock(seqs)).ok).toBe(true)
  })

  it("literal-only blocks of every length 0..100, and with a long match (length extension) in between", () => {
    for (let n = 0; n <= 100; n++) expect(expectWasmAgrees(buildBlock([{ literals: filler(n, n + 1) }])).ok).toBe(true)
    const block = buildBlock([{ literals: filler(40, 1), match: { offset: 7, length: 300 } }, { literals: filler(50, 2) }])
    expect(expectWasmAgrees(block).ok).toBe(true)
  })

  it("bad offsets and lengths inside the fast zone are rejected like the reference does", () => {
    const tail = filler(100, 9)
    const bad: Sequence[][] = [
      [{ literals: filler(10, 1), match: { offset: 0, length: 8 } }, { literals: tail }], // offset 0
      [{ literals: filler(10, 1), match: { offset: 11, length: 8 } }, { literals: tail }], // before the output's start
      [{ literals: filler(10, 1), match: { offset: 65535, length: 8 } }, { literals: tail }],
      [{ literals: filler(30, 1), match: { offset: 31, length: 18 } }, { literals: tail }]
    ]
    for (const seqs of bad) expect(expectWasmAgrees(buildBlock(seqs)).ok).toBe(false)
    // Declared length shorter / longer than the sequences produce.
    const good = [{ literals: filler(30, 1), match: { offset: 20, length: 18 } }, { literals: tail }]
    for (const declared of [0, 47, 147, 149, 1000]) expect(expectWasmAgrees(buildBlock(good, declared)).ok).toBe(declared === 148)
  })

  it("encoder output of periodic, repetitive and random data decodes the same in WebAssembly and TypeScript", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 0, max: 3000 }), fc.nat()).map(([period, n, seed]) => {
            const unit = randomBytes(period, seed + 1)
            return Uint8Array.from({ length: n }, (_, i) => unit[i % period])
          }),
          fc.array(fc.constantFrom("ab", "cde", "fghij", "\"k\":", "0123456789abcdef", "x"), { maxLength: 400 }).map((w) => new TextEncoder().encode(w.join(""))),
          fc.uint8Array({ maxLength: 600 })
        ),
        (input) => {
          const result = expectWasmAgrees(encoder.encode(input))
          expect(result.ok && Buffer.compare(result.bytes, input) === 0).toBe(true)
        }
      ),
      { numRuns: 800 }
    )
  })

  it("damaged long blocks (bytes overwritten in the fast zone, cut, extended) get the same outcome in WebAssembly and TypeScript", () => {
    const base = fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 200, max: 2000 }), fc.nat()).map(([period, n, seed]) => {
      const words = ["plan", "read", " ", "\"role\":", "tool", "x", "result"]
      let text = ""
      for (let i = 0; text.length < n; i++) text += words[(seed + i * period) % words.length] + (i % period === 0 ? String(seed + i) : "")
      return encoder.encode(new TextEncoder().encode(text))
    })
    const damaged = fc.oneof(
      fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 })).map(([block, edits]) => {
        const out = block.slice()
        for (const [at, value] of edits) out[at % out.length] = value
        return out
      }),
      fc.tuple(base, fc.nat()).map(([block, cut]) => block.subarray(0, cut % (block.length + 1))),
      fc.tuple(base, fc.uint8Array({ minLength: 1, maxLength: 40 })).map(([block, extra]) => Uint8Array.from([...block, ...extra]))
    )
    fc.assert(fc.property(damaged, (block) => void expectWasmAgrees(block)), { numRuns: 3000 })
  })
})
