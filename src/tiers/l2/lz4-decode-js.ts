/**
 * LZ4 block decoder in plain TypeScript for the layout of lz4-format.ts: one exact-size allocation
 * (from the length header), then a copy loop over the sequences. It is the reference decoder: the
 * WebAssembly one (lz4-decode-wasm.ts) is faster and falls back to this one for large outputs and
 * to report where a corrupt block went wrong.
 *
 * Defensive by construction: every literal run, offset and match length is checked against the
 * input and output bounds before it is copied, the header is checked against the most a block of
 * that size can expand to before anything is allocated, and each loop turn consumes at least one
 * input byte, so any byte string either decodes or throws `CorruptBlock` in O(input + output).
 */
import { CorruptBlock } from "./corrupt-block.js"
import { MAX_BLOCK_BYTES, MAX_HEADER_BYTES, MIN_MATCH, maxDecodedBytes } from "./lz4-format.js"

const CODEC = "lz4"

/** Runs at least this long are copied with set / copyWithin (memcpy); shorter ones byte by byte. */
const BULK_COPY_MIN = 32

function corrupt(offset: number, reason: string): never {
  throw new CorruptBlock({ codec: CODEC, offset, reason })
}

/** The uncompressed length a block declares and where its sequences start; throws `CorruptBlock` on a malformed header. */
export function readLz4Header(block: Uint8Array): { length: number; next: number } {
  let length = 0
  let scale = 1
  for (let i = 0; i < MAX_HEADER_BYTES; i++) {
    if (i >= block.length) corrupt(i, "truncated length header")
    const b = block[i]
    length += (b & 0x7f) * scale
    if (b < 0x80) {
      if (length > MAX_BLOCK_BYTES) corrupt(0, `declared length ${length} exceeds ${MAX_BLOCK_BYTES}`)
      return { length, next: i + 1 }
    }
    scale *= 128
  }
  return corrupt(0, "length header longer than 5 bytes")
}

/** Decodes a block written by `Lz4BlockEncoder`; throws `CorruptBlock` on anything else. */
export function decodeLz4Js(block: Uint8Array): Uint8Array {
  const { length: outLength, next } = readLz4Header(block)
  const end = block.length
  if (outLength > maxDecodedBytes(end - next)) corrupt(0, `declared length ${outLength} is more than ${end - next} block bytes can encode`)
  const out = new Uint8Array(outLength)
  const view = new DataView(out.buffer)
  let s = next
  let d = 0
  for (;;) {
    if (s >= end) corrupt(s, "block ends before its last sequence")
    const token = block[s++]

    let literals = token >>> 4
    if (literals === 15) {
      let b: number
      do {
        if (s >= end) corrupt(s, "truncated literal length")
        b = block[s++]
        literals += b
      } while (b === 255)
    }
    if (literals > end - s) corrupt(s, `literal run of ${literals} bytes past the end of the block`)
    if (literals > outLength - d) corrupt(s, `literal run of ${literals} bytes past the declared length`)
    if (literals >= BULK_COPY_MIN) {
      out.set(block.subarray(s, s + literals), d)
      s += literals
      d += literals
    } else {
      for (const stop = s + literals; s < stop; ) out[d++] = block[s++]
    }

    if (s === end) break // the last sequence has literals only

    if (end - s < 2) corrupt(s, "truncated match offset")
    const offset = block[s] | (block[s + 1] << 8)
    if (offset === 0 || offset > d) corrupt(s, `match offset ${offset} at output byte ${d}`)
    s += 2
    let matchLength = token & 15
    if (matchLength === 15) {
      let b: number
      do {
        if (s >= end) corrupt(s, "truncated match length")
        b = block[s++]
        matchLength += b
      } while (b === 255)
    }
    matchLength += MIN_MATCH
    if (matchLength > outLength - d) corrupt(s, `match of ${matchLength} bytes past the declared length`)
    let from = d - offset
    const stop = d + matchLength
    if (offset >= 8 && stop + 8 <= outLength) {
      // Wild copy, 8 bytes a turn through 32-bit DataView accesses (unaligned loads/stores once
      // optimized): it may write up to 7 bytes past the match, which the next sequences
      // overwrite, hence the `stop + 8 <= outLength` guard. offset >= 8 means every byte read
      // was written before the turn that reads it.
      while (d < stop) {
        view.setUint32(d, view.getUint32(from, true), true)
        view.setUint32(d + 4, view.getUint32(from + 4, true), true)
        d += 8
        from += 8
      }
      d = stop
    } else {
      // Short offsets (offset < length) repeat the last `offset` bytes: a forward byte copy does
      // exactly that.
      while (d < stop) out[d++] = out[from++]
    }
  }
  if (d !== outLength) corrupt(s, `decoded ${d} bytes, the header declares ${outLength}`)
  return out
}
