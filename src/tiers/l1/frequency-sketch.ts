/**
 * Count-min sketch of 4-bit counters: the "TinyLFU" popularity estimate behind L1's admission.
 *
 * Layout (after Caffeine's FrequencySketch): an Int32Array of words holding eight 4-bit counters
 * each. A key's four counters live in one aligned block of four consecutive words (one counter per
 * word, i.e. per "row"), so an update touches one 16-byte block — one cache line — instead of four
 * random ones. Counters saturate at 15: TinyLFU only needs to tell "popular" from "not", and 4 bits
 * keep the sketch at 8 bytes per cached entry.
 *
 * Sizing: two words (16 counters) per expected entry, exactly: the table is `ceil(capacity / 2)`
 * blocks, not rounded up to a power of two (which cost up to 2× — 10.5 B per entry at 100 000
 * entries instead of 8). A hash picks its block by multiply-shift range reduction (Lemire, "A fast
 * alternative to the modulo reduction", 2016): `floor(hash × blocks / 2^32)`, from the hash's high
 * bits, as one float64 multiply by `blocks / 2^32` that V8 keeps unboxed (no branch, no allocation,
 * no division). The exact product is at most `blocks − blocks / 2^32`; rounding moves it by at most
 * half an ulp (≈ blocks × 2^-53), so it never reaches `blocks`: the index stays in the table.
 *
 * Aging: after `sampleSize` increments every counter is halved ("reset"), so yesterday's hot keys
 * fade and the sketch follows shifts in popularity.
 *
 * Recording is buffered: `increment` only appends the hash to a 64-entry buffer, and the buffer is
 * drained into the counters when it fills or before anything reads them (`frequency`, `resets`,
 * `reset`). Every read therefore sees exactly the counters an unbuffered sketch would have (same
 * increments, same order, same aging points): the policy's decisions do not change, only when the
 * arithmetic runs. Why: the counting code is ~200 bytecodes, and inlined into L1's `get` it used
 * up V8's inlining budget, so the relinking after it became real calls; `increment` is now a few
 * bytecodes and the counting runs in one loop per 64 accesses (measured: the perf gate's L1/lru
 * time ratio 1.60 → 1.43 from this change alone). Caffeine buffers reads too (its read buffer),
 * but lossily; this buffer loses nothing. The Int32Array (not Uint32) keeps the arithmetic in
 * int32: a Uint32 word above 2^31 is a double to V8.
 *
 * Saturated keys are skipped (exactly): a key whose four counters are all at 15 gains nothing from
 * an increment until the next aging, and the aging clock (`additions`) does not count such no-op
 * increments either. An owner of slot-indexed keys (L1) can pass `marks` and record its hits with
 * `incrementResident(hash, slot)`: when the drain finds that access's key saturated, it sets a flag
 * bit on the slot, and the owner's hit path skips recording while the bit is set. Under skewed or
 * steady popularity most hits are to saturated keys (98.8 % of them in bench/l1's uniform
 * fixture at 1 000 and 100 000 entries), so the count work of most hits disappears. The skip
 * stays exact because a mark is only trusted while no aging can happen before the skipped access
 * would have been counted: marks are set only by a drain that cannot reach the aging point, and
 * all are cleared as soon as the next drain might reach it (and by every aging, `clear` and a new
 * sketch). Clearing a mark is always safe (it only costs a needless increment), so the owner may
 * clear it freely (L1 does whenever it rewrites a slot's queue byte).
 *
 * Optional doorkeeper (TinyLFU paper, §3.4.2): a Bloom filter that absorbs a key's first sighting,
 * so one-hit wonders never reach the counters. Off by default (it helps mostly on very large,
 * scan-heavy traces); when on, `frequency` adds 1 for a key the doorkeeper has seen.
 */
import { mix32 } from "./hash-key.js"

/** Low bit of each nibble: used to count odd counters, whose halving loses 1/2 each. */
const ONE_BITS = 0x11111111
/** Clears the bit shifted in from the next nibble when halving all eight counters at once. */
const HALVE_MASK = 0x77777777
/**
 * Odd multiplier (golden ratio): the high bits of hash × this pick each row's counter within its
 * word. One multiply instead of a full re-hash keeps the hit path short; the low bits of the hash
 * (already avalanched by hashKey) pick the block.
 */
const COUNTER_SPREAD = 0x9e3779b1 | 0
/** Pending increments held before a drain (256 bytes). */
const BUFFER_SIZE = 64
/** 2^-32 (exact in float64): scales `hash × blocks` down to a block index. */
const TWO_TO_MINUS_32 = 2 ** -32

/** Per-slot flags the sketch sets for saturated resident keys (see the file header). */
export interface SaturationMarks {
  /** One flag byte per slot (L1's queue bytes; only `bit` is ever changed). */
  readonly flags: Uint8Array
  /** The bit meaning "this slot's key has all four counters at 15 until the next aging". */
  readonly bit: number
  /** Each slot's key hash: a mark is set only if the slot still holds the key the access was for. */
  readonly hashes: Int32Array
}

export interface FrequencySketchOptions {
  /** Number of distinct keys the sketch should tell apart (the cache's entry capacity). */
  readonly capacity: number
  /** Increments between two agings (default 10 × capacity, as Caffeine). */
  readonly sampleSize?: number
  /** Put a Bloom-filter doorkeeper in front of the counters (default false). */
  readonly doorkeeper?: boolean
  /** Flags to mark saturated resident keys in (`incrementResident`); cleared by the constructor. */
  readonly marks?: SaturationMarks
}

export class FrequencySketch {
  private readonly table: Int32Array
  /** Hashes recorded but not yet counted: `buffer[0..pending)`, oldest first. */
  private readonly buffer = new Int32Array(BUFFER_SIZE)
  /** The slot of each buffered access (`incrementResident`), or -1 (`increment`). */
  private readonly bufferSlots = new Int32Array(BUFFER_SIZE)
  private pending = 0
  private readonly marks: SaturationMarks | undefined
  /** Some mark may be set (so clearing them has work to do). */
  private marked = false
  /**
   * `blocks / 2^32` (exact: a power-of-two scaling): a hash's block is `floor((hash >>> 0) × blockScale)`,
   * one multiply (see `blockOf`).
   */
  private readonly blockScale: number
  private readonly door: Uint32Array | undefined
  private readonly doorMask: number
  /** Increments between two agings. */
  readonly sampleSize: number
  /** Increments since the last aging (decays with the counters, as in Caffeine). */
  private additions = 0
  private resetCount = 0

  constructor(options: FrequencySketchOptions) {
    const capacity = Math.max(1, Math.floor(options.capacity))
    // 16 counters per expected entry (2 words), in whole 4-word blocks: ceil(capacity / 2) blocks.
    const blocks = Math.ceil(capacity / 2)
    this.table = new Int32Array(blocks * 4)
    this.blockScale = blocks * TWO_TO_MINUS_32
    this.sampleSize = Math.max(16, Math.floor(options.sampleSize ?? 10 * capacity))
    if (options.doorkeeper === true) {
      // ~8 bits per expected entry and two probes: about 5 % false positives at capacity.
      const bits = Math.max(32, nextPowerOfTwo(capacity * 8))
      this.door = new Uint32Array(bits >>> 5)
      this.doorMask = bits - 1
    } else {
      this.door = undefined
      this.doorMask = 0
    }
    this.marks = options.marks
    // Fresh counters: no key is saturated, whatever an earlier sketch marked.
    this.marked = this.marks !== undefined
    this.clearMarks()
  }

  /** How many times the counters were halved (for tests and telemetry). */
  get resets(): number {
    if (this.pending !== 0) this.drain()
    return this.resetCount
  }

  /** Estimated accesses of the key with this hash since the counters last aged (0..15, +1 with doorkeeper). */
  frequency(hash: number): number {
    if (this.pending !== 0) this.drain()
    const block = this.blockOf(hash)
    const h = Math.imul(hash, COUNTER_SPREAD)
    const t = this.table
    let min = (t[block] >>> ((h >>> 18) & 28)) & 15
    let c = (t[block + 1] >>> ((h >>> 21) & 28)) & 15
    if (c < min) min = c
    c = (t[block + 2] >>> ((h >>> 24) & 28)) & 15
    if (c < min) min = c
    c = (t[block + 3] >>> ((h >>> 27) & 28)) & 15
    if (c < min) min = c
    if (this.door !== undefined && this.doorHas(hash)) min++
    return min
  }

  /**
   * Records one access (counted at the next drain, before any read can see the difference).
   * No allocation; small enough to inline into a cache's hit path.
   */
  increment(hash: number): void {
    const n = this.pending
    this.buffer[n] = hash
    this.bufferSlots[n] = -1
    this.pending = n + 1
    if (n === BUFFER_SIZE - 1) this.drain()
  }

  /**
   * `increment` for a key resident in `slot` of the `marks` owner: if the drain finds the key
   * saturated, it marks the slot, and the owner skips recording its accesses while the mark lasts.
   */
  incrementResident(hash: number, slot: number): void {
    const n = this.pending
    this.buffer[n] = hash
    this.bufferSlots[n] = slot
    this.pending = n + 1
    if (n === BUFFER_SIZE - 1) this.drain()
  }

  /** Counts every buffered access, oldest first, exactly as unbuffered increments would have. */
  private drain(): void {
    const n = this.pending
    // Zeroed before the loop: an aging step inside it calls reset(), which must find nothing pending.
    this.pending = 0
    const buffer = this.buffer
    const marks = this.marks
    // Each count adds at most 1 to `additions`: below this bound no aging can happen in this drain.
    if (marks === undefined || this.additions + BUFFER_SIZE >= this.sampleSize) {
      for (let i = 0; i < n; i++) this.count(buffer[i])
    } else {
      const slots = this.bufferSlots
      for (let i = 0; i < n; i++) {
        const hash = buffer[i]
        if (this.count(hash) !== 0) continue
        const slot = slots[i]
        if (slot >= 0 && marks.hashes[slot] === hash) {
          marks.flags[slot] |= marks.bit
          this.marked = true
        }
      }
    }
    // The next drain may reach the aging point: accesses skipped from now on might have counted
    // after it, so no mark may stand until the aging is past (drains stop marking meanwhile).
    if (this.marked && this.additions + BUFFER_SIZE >= this.sampleSize) this.clearMarks()
  }

  /** Clears every saturation mark (only the mark bit). */
  private clearMarks(): void {
    if (!this.marked) return
    this.marked = false
    const { flags, bit } = this.marks!
    const keep = ~bit & 0xff
    for (let i = 0; i < flags.length; i++) flags[i] &= keep
  }

  /**
   * One access into the counters: +1 on each of the key's four counters that is below 15.
   * Returns 0 when all four were already 15 (the key is saturated), else 1.
   */
  private count(hash: number): number {
    if (this.door !== undefined && !this.doorAdd(hash)) return 1
    const t = this.table
    const block = this.blockOf(hash)
    const h = Math.imul(hash, COUNTER_SPREAD)
    // Branch-free saturating add: `inc` is 1 unless the counter is already 15.
    let shift = (h >>> 18) & 28
    let w = t[block]
    let inc = ((((w >>> shift) & 15) + 1) >>> 4) ^ 1
    t[block] = (w + (inc << shift)) | 0
    let added = inc
    shift = (h >>> 21) & 28
    w = t[block + 1]
    inc = ((((w >>> shift) & 15) + 1) >>> 4) ^ 1
    t[block + 1] = (w + (inc << shift)) | 0
    added |= inc
    shift = (h >>> 24) & 28
    w = t[block + 2]
    inc = ((((w >>> shift) & 15) + 1) >>> 4) ^ 1
    t[block + 2] = (w + (inc << shift)) | 0
    added |= inc
    shift = (h >>> 27) & 28
    w = t[block + 3]
    inc = ((((w >>> shift) & 15) + 1) >>> 4) ^ 1
    t[block + 3] = (w + (inc << shift)) | 0
    added |= inc
    if (added !== 0 && ++this.additions >= this.sampleSize) this.reset()
    return added
  }

  /**
   * Word offset of the hash's block: multiply-shift range reduction onto `blocks` (see the file
   * header for why it stays in range). The result is below 2^31, so `| 0` truncates it exactly.
   */
  private blockOf(hash: number): number {
    return (((hash >>> 0) * this.blockScale) | 0) << 2
  }

  /** Halves every counter (and clears the doorkeeper): the sketch's aging step. */
  reset(): void {
    if (this.pending !== 0) this.drain()
    const t = this.table
    let odd = 0
    for (let i = 0; i < t.length; i++) {
      const w = t[i]
      odd += popcount(w & ONE_BITS)
      t[i] = (w >>> 1) & HALVE_MASK
    }
    // Each odd counter lost half an increment in the halving; account for it as Caffeine does.
    this.additions = Math.max(0, (this.additions - (odd >>> 2)) >>> 1)
    if (this.door !== undefined) this.door.fill(0)
    this.clearMarks()
    this.resetCount++
  }

  /** Forgets everything. */
  clear(): void {
    this.pending = 0
    this.clearMarks()
    this.table.fill(0)
    if (this.door !== undefined) this.door.fill(0)
    this.additions = 0
  }

  /** Bytes held by the counters, the increment buffer (hashes and slots) and the doorkeeper. */
  get byteLength(): number {
    return this.table.byteLength + this.buffer.byteLength + this.bufferSlots.byteLength + (this.door?.byteLength ?? 0)
  }

  /** Two probes into the doorkeeper bitset. */
  private doorHas(hash: number): boolean {
    const d = this.door!
    const a = hash & this.doorMask
    const b = mix32(hash ^ 0x85ebca6b) & this.doorMask
    return (d[a >>> 5] & (1 << (a & 31))) !== 0 && (d[b >>> 5] & (1 << (b & 31))) !== 0
  }

  /** Adds the key; returns true if it was (probably) already present. */
  private doorAdd(hash: number): boolean {
    if (this.doorHas(hash)) return true
    const d = this.door!
    const a = hash & this.doorMask
    const b = mix32(hash ^ 0x85ebca6b) & this.doorMask
    d[a >>> 5] |= 1 << (a & 31)
    d[b >>> 5] |= 1 << (b & 31)
    return false
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 1
  while (p < n) p *= 2
  return p
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  x = (x + (x >>> 4)) & 0x0f0f0f0f
  return Math.imul(x, 0x01010101) >>> 24
}
