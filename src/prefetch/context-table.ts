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

/** Successors remembered per context. */
export const WAYS = 4
/** Total count per slot above which its counts are halved. */
const MAX_TOTAL = 32
/** Bytes per slot: tag (4) + WAYS successor ids (4 each) + WAYS counts (2 each). */
export const BYTES_PER_SLOT = 4 + WAYS * 4 + WAYS * 2

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

export class ContextTable {
  readonly slots: number
  private readonly mask: number
  /** Context hash per slot; 0 marks an empty slot (hashes are forced non-zero). */
  private readonly tags: Int32Array
  private readonly successors: Int32Array
  private readonly counts: Uint16Array

  constructor(requestedSlots: number) {
    this.slots = slotsFor(requestedSlots)
    this.mask = this.slots - 1
    this.tags = new Int32Array(this.slots)
    this.successors = new Int32Array(this.slots * WAYS).fill(-1)
    this.counts = new Uint16Array(this.slots * WAYS)
  }

  /** Exact bytes held by the table's arrays. */
  get byteSize(): number {
    return this.tags.byteLength + this.successors.byteLength + this.counts.byteLength
  }

  private slotOf(context: number): number {
    return (context ^ (context >>> 15)) & this.mask
  }

  /** Records that `next` followed `context`. */
  update(context: number, next: number): void {
    const slot = this.slotOf(context)
    const base = slot * WAYS
    if (this.tags[slot] !== context) {
      // Direct-mapped replacement: the newest context wins the slot.
      this.tags[slot] = context
      this.successors[base] = next
      this.counts[base] = 1
      for (let w = 1; w < WAYS; w++) {
        this.successors[base + w] = -1
        this.counts[base + w] = 0
      }
      return
    }
    let weakest = base
    let total = 1
    let found = -1
    for (let w = base; w < base + WAYS; w++) {
      total += this.counts[w]
      if (this.successors[w] === next) found = w
      if (this.counts[w] < this.counts[weakest]) weakest = w
    }
    if (found >= 0) {
      this.counts[found]++
    } else {
      // Replace the weakest successor; its count is forgotten.
      total -= this.counts[weakest]
      this.successors[weakest] = next
      this.counts[weakest] = 1
    }
    if (total > MAX_TOTAL) {
      for (let w = base; w < base + WAYS; w++) {
        this.counts[w] >>>= 1
        if (this.counts[w] === 0) this.successors[w] = -1
      }
    }
  }

  /**
   * Fills `out` with the most frequent successor of `context`; returns false when the context is
   * unknown (or its slot was taken by another context).
   */
  best(context: number, out: SuccessorGuess): boolean {
    const slot = this.slotOf(context)
    if (this.tags[slot] !== context) return false
    const base = slot * WAYS
    let bestWay = -1
    let total = 0
    for (let w = base; w < base + WAYS; w++) {
      const c = this.counts[w]
      total += c
      if (c > 0 && (bestWay < 0 || c > this.counts[bestWay])) bestWay = w
    }
    if (bestWay < 0) return false
    out.id = this.successors[bestWay]
    out.count = this.counts[bestWay]
    out.total = total
    return true
  }

  /**
   * The confidence of one particular successor: count / (total + 1), or -1 when the context is
   * unknown or has fewer than `minTotal` observations.
   */
  confidenceOf(context: number, id: number, minTotal: number): number {
    const slot = this.slotOf(context)
    if (this.tags[slot] !== context) return -1
    const base = slot * WAYS
    let total = 0
    let count = 0
    for (let w = base; w < base + WAYS; w++) {
      total += this.counts[w]
      if (this.successors[w] === id) count = this.counts[w]
    }
    return total < minTotal ? -1 : count / (total + 1)
  }

  /** Forgets everything (used when a model is released). */
  clear(): void {
    this.tags.fill(0)
    this.successors.fill(-1)
    this.counts.fill(0)
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
