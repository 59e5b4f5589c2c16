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

export class StrideDetector {
  private readonly stems = new Int32Array(STREAMS).fill(-1)
  private readonly last = new Float64Array(STREAMS)
  private readonly delta = new Float64Array(STREAMS)
  private readonly confirmations = new Uint8Array(STREAMS)
  private readonly lastUse = new Uint32Array(STREAMS)
  private readonly contexts = new Int32Array(STREAMS)
  private clock = 0

  /** Exact bytes held by the detector's arrays. */
  static readonly byteSize = STREAMS * (4 + 8 + 8 + 1 + 4 + 4)

  /**
   * Feeds one access (stem id, number) with an opaque caller `context` to remember for the stream.
   * When the stem already had a stream, `out` receives its state (`out.delta` = the step just taken,
   * `out.prevContext` = the context given at the stream's previous access, so the caller can credit
   * the step to the situation in which it was predictable); returns true when the stream has a
   * confirmed stride (so `out.last + out.delta` is the predicted next number).
   */
  observe(stem: number, value: number, out: StrideGuess, context = 0): boolean {
    this.clock = (this.clock + 1) >>> 0
    let s = -1
    let oldest = 0
    for (let i = 0; i < STREAMS; i++) {
      if (this.stems[i] === stem) {
        s = i
        break
      }
      if (this.lastUse[i] < this.lastUse[oldest]) oldest = i
    }
    if (s < 0) {
      s = oldest
      this.stems[s] = stem
      this.last[s] = value
      this.delta[s] = 0
      this.confirmations[s] = 0
      this.lastUse[s] = this.clock
      this.contexts[s] = context
      return false
    }
    this.lastUse[s] = this.clock
    const d = value - this.last[s]
    out.stem = stem
    out.last = value
    out.delta = d
    out.confirmations = this.confirmations[s]
    out.prevContext = this.contexts[s]
    this.contexts[s] = context
    if (d === 0) return false // a re-access is not a step
    if (d === this.delta[s] && Math.abs(d) <= MAX_STRIDE) {
      if (this.confirmations[s] < MAX_CONFIRMATIONS) this.confirmations[s]++
    } else {
      this.delta[s] = d
      this.confirmations[s] = 0
    }
    this.last[s] = value
    out.delta = this.delta[s]
    out.confirmations = this.confirmations[s]
    return this.confirmations[s] > 0
  }

  clear(): void {
    this.stems.fill(-1)
    this.confirmations.fill(0)
    this.lastUse.fill(0)
    this.contexts.fill(0)
    this.clock = 0
  }
}
