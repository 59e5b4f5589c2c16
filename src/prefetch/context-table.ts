/**
 * A fixed-size successor table: context hash → up to {@link WAYS} successor key ids with counts.
 *
 * This is the storage behind both the per-agent order-k Markov model and the per-kind workflow
 * n-gram model. It is direct-mapped (like a hardware branch predictor): a context hashes to one
 * slot, and a different context landing on an occupied slot replaces it. That keeps memory fixed
 * (`byteSize` is known at construction), every update O(WAYS), and the hot path allocation-free.
 *
 * Counts age: once a slot's total passes {@link MAX_TOTAL} all its counts are halved, so the table
 * follows phase changes instead of being dominated by old history.
 */

import { BufferViews } from "./buffer-views.js"

/** Successors remembered per context. */
export const WAYS = 4
/** Total count per slot above which its counts are halved (so a count never exceeds 33: one byte). */
const MAX_TOTAL = 32
/** Int32 words per slot: tag, WAYS successor ids, and one word holding the WAYS one-byte counts. */
const WORDS_PER_SLOT = 2 + WAYS
/** Bytes per slot: tag (4) + WAYS successor ids (4 each) + WAYS counts (1 each). */
export const BYTES_PER_SLOT = WORDS_PER_SLOT * 4
/** Byte offset of the counts inside a slot record. */
const COUNT_OFFSET = (1 + WAYS) * 4

/** The best successor of a context, written into a caller-owned object (no allocation). */
export interface SuccessorGuess {
  id: number
  count: number
  total: number
}

/** Rounds up to a power of two (at least 16). */
function slotsFor(requested: number): number {
  let n = 16
  while (n < requested) n <<= 1
  return n
}

/**
 * Layout: one 24-byte record per slot — `[tag, s0, s1, s2, s3, c0 c1 c2 c3]` — read through an
 * Int32Array (tag, successors) and a Uint8Array (counts) over the same bytes. A
 * lookup touches one record instead of three separate arrays: with 850 agents' tables live, the
 * tables do not fit in cache, and one cache line per lookup instead of three is most of the
 * multi-agent update cost.
 */
export class ContextTable {
  readonly slots: number
  private readonly mask: number
  /**
   * Tag (context hash; 0 = empty slot, hashes are forced non-zero) and successor ids stored plus
   * one (0 = none): all-zero memory is an empty table, so a fresh buffer needs no initialisation.
   */
  private readonly words: Int32Array
  /** Counts: byte `(record word index) * 4 + COUNT_OFFSET + way` of the same buffer. */
  private readonly bytes: Uint8Array
  /** Word index of the table's first record inside the views. */
  private readonly base: number

  /**
   * @param requestedSlots contexts kept (rounded up to a power of two, at least 16)
   * @param views where to live (an agent's model shares its batch's buffer views); default: own
   * @param byteOffset start inside the views' buffer (a multiple of 4); the region must be zeroed
   */
  constructor(requestedSlots: number, views?: BufferViews, byteOffset = 0) {
    this.slots = slotsFor(requestedSlots)
    this.mask = this.slots - 1
    const v = views ?? BufferViews.allocate(this.slots * BYTES_PER_SLOT)
    this.words = v.i32
    this.bytes = v.u8
    this.base = byteOffset >> 2
  }

  /** Bytes a table of `requestedSlots` needs. */
  static bytesFor(requestedSlots: number): number {
    return slotsFor(requestedSlots) * BYTES_PER_SLOT
  }

  /** Exact bytes held by the table. */
  get byteSize(): number {
    return this.slots * BYTES_PER_SLOT
  }

  private slotOf(context: number): number {
    return (context ^ (context >>> 15)) & this.mask
  }

  /** Records that `next` followed `context`. */
  update(context: number, next: number): void {
    const slot = this.slotOf(context)
    const words = this.words
    const counts = this.bytes
    const t = this.base + slot * WORDS_PER_SLOT
    const s = t + 1
    const c = t * 4 + COUNT_OFFSET
    const stored = next + 1
    if (words[t] !== context) {
      // Direct-mapped replacement: the newest context wins the slot.
      words[t] = context
      words[s] = stored
      counts[c] = 1
      for (let w = 1; w < WAYS; w++) {
        words[s + w] = 0
        counts[c + w] = 0
      }
      return
    }
    let weakest = 0
    let total = 1
    let found = -1
    for (let w = 0; w < WAYS; w++) {
      total += counts[c + w]
      if (words[s + w] === stored) found = w
      if (counts[c + w] < counts[c + weakest]) weakest = w
    }
    if (found >= 0) {
      counts[c + found]++
    } else {
      // Replace the weakest successor; its count is forgotten.
      total -= counts[c + weakest]
      words[s + weakest] = stored
      counts[c + weakest] = 1
    }
    if (total > MAX_TOTAL) {
      for (let w = 0; w < WAYS; w++) {
        counts[c + w] >>>= 1
        if (counts[c + w] === 0) words[s + w] = 0
      }
    }
  }

  /**
   * Fills `out` with the most frequent successor of `context`; returns false when the context is
   * unknown (or its slot was taken by another context).
   */
  best(context: number, out: SuccessorGuess): boolean {
    const t = this.base + this.slotOf(context) * WORDS_PER_SLOT
    if (this.words[t] !== context) return false
    const counts = this.bytes
    const c = t * 4 + COUNT_OFFSET
    let bestWay = -1
    let bestCount = 0
    let total = 0
    for (let w = 0; w < WAYS; w++) {
      const n = counts[c + w]
      total += n
      if (n > bestCount) {
        bestCount = n
        bestWay = w
      }
    }
    if (bestWay < 0) return false
    out.id = this.words[t + 1 + bestWay] - 1
    out.count = bestCount
    out.total = total
    return true
  }

  /**
   * The confidence of one particular successor: count / (total + 1), or -1 when the context is
   * unknown or has fewer than `minTotal` observations.
   */
  confidenceOf(context: number, id: number, minTotal: number): number {
    const t = this.base + this.slotOf(context) * WORDS_PER_SLOT
    if (this.words[t] !== context) return -1
    const counts = this.bytes
    const c = t * 4 + COUNT_OFFSET
    let total = 0
    let count = 0
    for (let w = 0; w < WAYS; w++) {
      total += counts[c + w]
      if (this.words[t + 1 + w] === id + 1) count = counts[c + w]
    }
    return total < minTotal ? -1 : count / (total + 1)
  }

  /** Forgets everything (used when a model is released or recycled). */
  clear(): void {
    this.words.fill(0, this.base, this.base + this.slots * WORDS_PER_SLOT)
  }
}

/**
 * The hash of an order-k context (k = 1..3) over the last k key ids (h0 = most recent). The order
 * is mixed in so that the order-1 context "A" and the order-2 context "A, A" never collide by
 * construction. Never returns 0 (0 marks an empty slot).
 */
export function contextHash(order: number, h0: number, h1: number, h2: number): number {
  let h = Math.imul(order + 0x27d4eb2f, 0x9e3779b1)
  h = Math.imul(h ^ h0, 0x85ebca6b)
  h ^= h >>> 13
  if (order >= 2) {
    h = Math.imul(h ^ h1, 0xc2b2ae35)
    h ^= h >>> 16
  }
  if (order >= 3) {
    h = Math.imul(h ^ h2, 0x27d4eb2f)
    h ^= h >>> 15
  }
  return h === 0 ? 1 : h
}
