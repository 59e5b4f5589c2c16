/**
 * Stride / sequence detection over numbered keys (block numbers, `file-12` → `file-13`).
 *
 * Each agent tracks a few interleaved streams, one per key stem (`file-#.py`, `chunk-#`, or the
 * empty stem of plain integers). A stream remembers its last number and last delta; each access
 * that repeats the delta is a confirmation. Confidence after c confirmations is c / (c + 1), the same
 * scale as the Markov models, so one threshold governs every predictor.
 *
 * Memory is fixed: {@link STREAMS} streams in typed arrays, replaced least-recently-used.
 */

/** Streams tracked per agent. */
export const STREAMS = 4
/** Largest |delta| treated as a stride: a jump further than this is a new position, not a pattern. */
const MAX_STRIDE = 64
/** Confirmations saturate here (confidence 8/9), so a long run does not make a stream unforgettable. */
const MAX_CONFIRMATIONS = 8

export interface StrideGuess {
  /** Stem id of the stream. */
  stem: number
  /** The number most recently seen on the stream. */
  last: number
  /** The caller's context recorded at the stream's previous access (0 = none). */
  prevContext: number
  delta: number
  confirmations: number
}

/** Layout of the detector's two arrays: doubles [last × STREAMS, delta × STREAMS, lastUse × STREAMS], ints [stem, confirmations, context] × STREAMS. */
const LAST = 0
const DELTA = STREAMS
const LAST_USE = 2 * STREAMS
const STEM = 0
const CONFIRMATIONS = STREAMS
const CONTEXT = 2 * STREAMS

export class StrideDetector {
  private readonly f: Float64Array
  private readonly i: Int32Array
  private clock = 0

  /** Exact bytes held by the detector's arrays. */
  static readonly byteSize = STREAMS * 3 * 8 + STREAMS * 3 * 4

  /** @param buffer where to live (default: own); `byteOffset` a multiple of 8 */
  constructor(buffer?: ArrayBuffer, byteOffset = 0) {
    const b = buffer ?? new ArrayBuffer(StrideDetector.byteSize)
    this.f = new Float64Array(b, byteOffset, STREAMS * 3)
    this.i = new Int32Array(b, byteOffset + STREAMS * 3 * 8, STREAMS * 3)
    this.clear()
  }

  /**
   * Feeds one access (stem id, number) with an opaque caller `context` to remember for the stream.
   * When the stem already had a stream, `out` receives its state (`out.delta` = the step just taken,
   * `out.prevContext` = the context given at the stream's previous access, so the caller can credit
   * the step to the situation in which it was predictable); returns true when the stream has a
   * confirmed stride (so `out.last + out.delta` is the predicted next number).
   */
  observe(stem: number, value: number, out: StrideGuess, context = 0): boolean {
    const f = this.f
    const n = this.i
    this.clock = (this.clock + 1) >>> 0
    let s = -1
    let oldest = 0
    for (let i = 0; i < STREAMS; i++) {
      if (n[STEM + i] === stem) {
        s = i
        break
      }
      if (f[LAST_USE + i] < f[LAST_USE + oldest]) oldest = i
    }
    if (s < 0) {
      s = oldest
      n[STEM + s] = stem
      f[LAST + s] = value
      f[DELTA + s] = 0
      n[CONFIRMATIONS + s] = 0
      f[LAST_USE + s] = this.clock
      n[CONTEXT + s] = context
      return false
    }
    f[LAST_USE + s] = this.clock
    const d = value - f[LAST + s]
    out.stem = stem
    out.last = value
    out.delta = d
    out.confirmations = n[CONFIRMATIONS + s]
    out.prevContext = n[CONTEXT + s]
    n[CONTEXT + s] = context
    if (d === 0) return false // a re-access is not a step
    if (d === f[DELTA + s] && Math.abs(d) <= MAX_STRIDE) {
      if (n[CONFIRMATIONS + s] < MAX_CONFIRMATIONS) n[CONFIRMATIONS + s]++
    } else {
      f[DELTA + s] = d
      n[CONFIRMATIONS + s] = 0
    }
    f[LAST + s] = value
    out.delta = f[DELTA + s]
    out.confirmations = n[CONFIRMATIONS + s]
    return n[CONFIRMATIONS + s] > 0
  }

  clear(): void {
    this.f.fill(0)
    this.i.fill(0)
    this.i.fill(-1, STEM, STEM + STREAMS)
    this.clock = 0
  }
}
