/**
 * A small, fixed-size description of how an unlabelled agent behaves, built from its first
 * accesses: a hashed count vector ("feature hashing") of the coarse shapes of the keys it touches
 * (unigrams: *what* it reads and writes) and of consecutive shape pairs (bigrams: *in which order*).
 *
 * Shapes collapse digit runs and the agent's own id (`{agent}:scratch-#`, `repo:p#:file-#`), so two
 * coders working on different projects produce nearly the same vector while a coder and a
 * researcher share little more than `{agent}:conversation`. Similarity is the cosine of the
 * vectors; the vector is L2-normalised once, when the agent is clustered, and then dropped.
 */

import { BufferViews } from "./buffer-views.js"

/** Buckets of the hashed count vector. */
export const SIGNATURE_DIMS = 128

export class BehaviourSignature {
  private readonly counts: Uint16Array
  /** Index of the first count in `counts`. */
  private readonly base: number
  private previous = -1
  /** Accesses folded in so far. */
  observed = 0

  /** Bytes held (the count vector). */
  static readonly byteSize = SIGNATURE_DIMS * 2

  /** @param views where the counts live (default: own); `byteOffset` even, the region zeroed */
  constructor(views?: BufferViews, byteOffset = 0) {
    this.counts = (views ?? BufferViews.allocate(BehaviourSignature.byteSize)).u16
    this.base = byteOffset >> 1
  }

  /** Starts over (a recycled model's signature). */
  clear(): void {
    this.counts.fill(0, this.base, this.base + SIGNATURE_DIMS)
    this.previous = -1
    this.observed = 0
  }

  /** Folds in one access, given the coarse shape hash of its key. */
  add(shape: number): void {
    this.counts[this.base + bucketOf(shape)]++
    if (this.previous >= 0) this.counts[this.base + bucketOf(Math.imul(this.previous ^ 0x5bd1e995, 0x9e3779b1) ^ shape)]++
    this.previous = shape
    this.observed++
  }

  /** Writes the L2-normalised vector into `out` (length {@link SIGNATURE_DIMS}). */
  normaliseInto(out: Float64Array): void {
    let norm = 0
    const c = this.counts
    const b = this.base
    for (let i = 0; i < SIGNATURE_DIMS; i++) norm += c[b + i] * c[b + i]
    const scale = norm === 0 ? 0 : 1 / Math.sqrt(norm)
    for (let i = 0; i < SIGNATURE_DIMS; i++) out[i] = c[b + i] * scale
  }
}

function bucketOf(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h ^= h >>> 13
  return (h >>> 0) % SIGNATURE_DIMS
}
