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

import { BufferViews } from "./buffer-views.js"

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

/**
 * Layout of the detector's two arrays: doubles [last × STREAMS, delta × STREAMS, lastUse × STREAMS],
 * ints [stem + 1 (0 = no stream), confirmations, context] × STREAMS. All-zero memory is "no streams".
 */
const LAST = 0
const DELTA = STREAMS
const LAST_USE = 2 * STREAMS
const STEM = 0
const CONFIRMATIONS = STREAMS
const CONTEXT = 2 * STREAMS

export class StrideDetector {
  private readonly f: Float64Array
  private readonly i: Int32Array
  /** Index of the detector's first double in `f` and first int in `i`. */
  private readonly fb: number
  private readonly ib: number
  private clock = 0

  /** Exact bytes held by the detector's arrays. */
  static readonly byteSize = STREAMS * 3 * 8 + STREAMS * 3 * 4

  /** @param views where to live (default: own); `byteOffset` a multiple of 8, the region zeroed */
  constructor(views?: BufferViews, byteOffset = 0) {
    const v = views ?? BufferViews.allocate(StrideDetector.byteSize)
    this.f = v.f64
    this.i = v.i32
    this.fb = byteOffset >> 3
    this.ib = (byteOffset + STREAMS * 3 * 8) >> 2
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
    const fb = this.fb
    const ib = this.ib
    this.clock = (this.clock + 1) >>> 0
    let s = -1
    let oldest = 0
    for (let i = 0; i < STREAMS; i++) {
      if (n[ib + STEM + i] === stem + 1) {
        s = i
        break
      }
      if (f[fb + LAST_USE + i] < f[fb + LAST_USE + oldest]) oldest = i
    }
    if (s < 0) {
      s = oldest
      n[ib + STEM + s] = stem + 1
      f[fb + LAST + s] = value
      f[fb + DELTA + s] = 0
      n[ib + CONFIRMATIONS + s] = 0
      f[fb + LAST_USE + s] = this.clock
      n[ib + CONTEXT + s] = context
      return false
    }
    f[fb + LAST_USE + s] = this.clock
    const d = value - f[fb + LAST + s]
    out.stem = stem
    out.last = value
    out.delta = d
    out.confirmations = n[ib + CONFIRMATIONS + s]
    out.prevContext = n[ib + CONTEXT + s]
    n[ib + CONTEXT + s] = context
    if (d === 0) return false // a re-access is not a step
    if (d === f[fb + DELTA + s] && Math.abs(d) <= MAX_STRIDE) {
      if (n[ib + CONFIRMATIONS + s] < MAX_CONFIRMATIONS) n[ib + CONFIRMATIONS + s]++
    } else {
      f[fb + DELTA + s] = d
      n[ib + CONFIRMATIONS + s] = 0
    }
    f[fb + LAST + s] = value
    out.delta = f[fb + DELTA + s]
    out.confirmations = n[ib + CONFIRMATIONS + s]
    return n[ib + CONFIRMATIONS + s] > 0
  }

  clear(): void {
    this.f.fill(0, this.fb, this.fb + STREAMS * 3)
    this.i.fill(0, this.ib, this.ib + STREAMS * 3)
    this.clock = 0
  }
}
