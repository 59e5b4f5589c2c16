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
 * Resident keys count their hits in place. An owner of slot-indexed keys (L1) passes its per-slot
 * flag bytes and key hashes (`resident`); the top three bits of a slot's byte (`PENDING_BITS`) then
 * belong to the sketch. A hit on a resident key does not touch the counters: the owner adds one to
 * those bits (`PENDING_ONE`) and calls `reserve()`. Up to six hits wait there; the seventh counts all
 * seven at once (`countHits`), and a key found saturated by that count (its four counters all at 15,
 * so increments change nothing until the next aging) gets the value 7 (`SATURATED`), after which
 * its hits are skipped outright. Under skewed or steady popularity most hits are to saturated keys
 * (in bench/l1's uniform fixture, 94.9 % of 100 000 resident keys were marked after 40 hits each),
 * and while a key warms up its hits touch the counters once per seven (in one pass,
 * `addSaturating`) instead of every time.
 *
 * The pending hits change no decision: counter updates commute between two agings (each is a
 * saturating +1), so what matters is that every read sees them and that the agings come at the
 * same points. A resident key's own estimate is read through `residentFrequency(slot)`, which
 * counts its pending hits first; the owner counts them too before the slot is reused
 * (`countPending`). The aging clock is exact: every recorded access, buffered or pending, takes
 * one unit of `room` (sampleSize minus the increments counted since the last aging) when it is
 * recorded; an access that turns out to add nothing (saturated key, doorkeeper) gives it back
 * when counted. When `room` reaches 0 everything recorded is counted (`settle`), and if the
 * counted increments really reached sampleSize the counters age right then, at the access where
 * counting each one at once would have aged them. Aging clears every saturation mark. The one
 * difference from counting at once: a *non-resident* key whose counters are shared with a resident
 * key's (count-min collisions) does not see that key's pending hits until they are counted.
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

/** One pending hit in a resident slot's flag byte (the byte's top three bits; see the file header). */
export const PENDING_ONE = 32
/** A flag byte below this has room for one more pending hit (fewer than six wait, and no mark). */
export const PENDING_FULL = 6 * PENDING_ONE
/** A flag byte at or above this marks a saturated key: its hits are skipped until the next aging. */
export const SATURATED = 7 * PENDING_ONE
/** The sketch's bits of a flag byte: pending hits 0..6, or 7 = saturated. */
export const PENDING_BITS = 7 * PENDING_ONE
/** `count` results. */
const COUNT_SATURATED = 0
const COUNT_ADDED = 1
const COUNT_ABSORBED = 2

/** The owner's per-slot arrays through which resident keys record hits (see the file header). */
export interface ResidentSlots {
  /** One flag byte per slot (L1's queue bytes): the sketch owns `PENDING_BITS`, the owner the rest. */
  readonly flags: Uint8Array
  /** Each slot's key hash. */
  readonly hashes: Int32Array
}

export interface FrequencySketchOptions {
  /** Number of distinct keys the sketch should tell apart (the cache's entry capacity). */
  readonly capacity: number
  /** Increments between two agings (default 10 × capacity, as Caffeine). */
  readonly sampleSize?: number
  /** Put a Bloom-filter doorkeeper in front of the counters (default false). */
  readonly doorkeeper?: boolean
  /** Slots whose hits are recorded in place (see the file header); their pending bits are cleared by the constructor. */
  readonly resident?: ResidentSlots
}

export class FrequencySketch {
  private readonly table: Int32Array
  /** Hashes recorded but not yet counted: `buffer[0..pending)`, oldest first. */
  private readonly buffer = new Int32Array(BUFFER_SIZE)
  private pending = 0
  private readonly resident: ResidentSlots | undefined
  /**
   * `blocks / 2^32` (exact: a power-of-two scaling): a hash's block is `floor((hash >>> 0) × blockScale)`,
   * one multiply (see `blockOf`).
   */
  private readonly blockScale: number
  private readonly door: Uint32Array | undefined
  private readonly doorMask: number
  /** Increments between two agings. */
  readonly sampleSize: number
  /**
   * `sampleSize` minus the increments counted since the last aging (which decay with the counters,
   * as in Caffeine) minus the accesses recorded but not counted yet (buffered or pending). At 0,
   * `settle` counts everything and ages if the counted increments reached sampleSize.
   */
  private room: number
  private resetCount = 0

  constructor(options: FrequencySketchOptions) {
    const capacity = Math.max(1, Math.floor(options.capacity))
    // 16 counters per expected entry (2 words), in whole 4-word blocks: ceil(capacity / 2) blocks.
    const blocks = Math.ceil(capacity / 2)
    this.table = new Int32Array(blocks * 4)
    this.blockScale = blocks * TWO_TO_MINUS_32
    this.sampleSize = Math.max(16, Math.floor(options.sampleSize ?? 10 * capacity))
    this.room = this.sampleSize
    if (options.doorkeeper === true) {
      // ~8 bits per expected entry and two probes: about 5 % false positives at capacity.
      const bits = Math.max(32, nextPowerOfTwo(capacity * 8))
      this.door = new Uint32Array(bits >>> 5)
      this.doorMask = bits - 1
    } else {
      this.door = undefined
      this.doorMask = 0
    }
    this.resident = options.resident
    // Fresh counters: nothing pending, no key saturated, whatever an earlier sketch left.
    this.clearPendingBits()
  }

  /** How many times the counters were halved (for tests and telemetry). */
  get resets(): number {
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

  /** `frequency` of the key resident in `slot`, its pending hits included. */
  residentFrequency(slot: number): number {
    this.countPending(slot)
    return this.frequency(this.resident!.hashes[slot])
  }

  /**
   * Records one access (counted at the next drain, before any read can see the difference).
   * No allocation; small enough to inline into a cache's hit path.
   */
  increment(hash: number): void {
    const n = this.pending
    this.buffer[n] = hash
    this.pending = n + 1
    if (n === BUFFER_SIZE - 1) this.drain()
    this.reserve()
  }

  /**
   * Takes the aging room for one recorded access: one the buffer holds, or one hit the owner has
   * just added to a resident slot's pending bits (the flag byte was below `PENDING_FULL`). Small
   * enough to inline into a hit path.
   */
  reserve(): void {
    if (--this.room <= 0) this.settle()
  }

  /**
   * A hit on the resident key in `slot` that is counted now, with the slot's pending hits (six when
   * the byte is at `PENDING_FULL`; none for an owner that never leaves hits pending for this slot),
   * marking the key if it is saturated. Not for a slot already marked `SATURATED`.
   */
  countHits(slot: number): void {
    this.room--
    this.countSlot(slot, 1)
    if (this.room <= 0) this.settle()
  }

  /** Counts the pending hits of `slot` (before its key leaves, or when its estimate is read). */
  countPending(slot: number): void {
    if (hasPendingHits(this.resident!.flags[slot])) this.countSlot(slot, 0)
  }

  /**
   * Counts a slot's pending hits plus `extra` more (all already taken from `room`; each that adds
   * nothing gives its unit back). Ends with the bits cleared, or at `SATURATED` if the last count
   * found the key saturated.
   */
  private countSlot(slot: number, extra: number): void {
    const { flags, hashes } = this.resident!
    const f = flags[slot]
    const n = ((f & PENDING_BITS) >>> 5) + extra
    flags[slot] = f & ~PENDING_BITS
    const hash = hashes[slot]
    if (this.door !== undefined) {
      // The doorkeeper may absorb the first of them: count one at a time.
      let r = COUNT_ADDED
      for (let i = n; i > 0; i--) {
        r = this.count(hash)
        if (r !== COUNT_ADDED) this.room++
      }
      if (r === COUNT_SATURATED) flags[slot] |= SATURATED
      return
    }
    // n increments at once: the i-th adds while the key's smallest counter is below 15.
    const before = this.addSaturating(hash, n)
    const added = Math.min(n, 15 - before)
    this.room += n - added
    if (before + n >= 16) flags[slot] |= SATURATED
  }

  /**
   * Adds n to each of the key's four counters, each capped at 15 (n increments in one pass: what
   * `count` n times does without a doorkeeper). Returns the smallest counter before.
   */
  private addSaturating(hash: number, n: number): number {
    const t = this.table
    const block = this.blockOf(hash)
    const h = Math.imul(hash, COUNTER_SPREAD)
    let min = 15
    for (let row = 0; row < 4; row++) {
      const shift = (h >>> (18 + 3 * row)) & 28
      const w = t[block + row]
      const c = (w >>> shift) & 15
      if (c < min) min = c
      const grown = c + n < 15 ? c + n : 15
      t[block + row] = (w + ((grown - c) << shift)) | 0
    }
    return min
  }

  /**
   * Counts every recorded access, so `room` is exact, and ages the counters if the counted
   * increments reached sampleSize: called when `room` runs out, i.e. at the access where counting
   * each one at once would have aged them (or earlier, if some recorded accesses add nothing).
   */
  private settle(): void {
    if (this.pending !== 0) this.drain()
    this.countAllPending()
    if (this.room <= 0) this.age()
  }

  /** Counts every buffered access, oldest first. */
  private drain(): void {
    const n = this.pending
    this.pending = 0
    const buffer = this.buffer
    for (let i = 0; i < n; i++) if (this.count(buffer[i]) !== COUNT_ADDED) this.room++
  }

  /** Counts the pending hits of every resident slot. */
  private countAllPending(): void {
    const r = this.resident
    if (r === undefined) return
    const flags = r.flags
    for (let slot = 0; slot < flags.length; slot++) if (hasPendingHits(flags[slot])) this.countSlot(slot, 0)
  }

  /** Clears the sketch's bits of every flag byte (pending hits are dropped, marks cleared). */
  private clearPendingBits(): void {
    const r = this.resident
    if (r === undefined) return
    const flags = r.flags
    const keep = ~PENDING_BITS & 0xff
    for (let i = 0; i < flags.length; i++) flags[i] &= keep
  }

  /**
   * One access into the counters: +1 on each of the key's four counters that is below 15.
   * Returns COUNT_SATURATED when all four were already 15, COUNT_ABSORBED when the doorkeeper took
   * it (a first sighting), else COUNT_ADDED. Touches nothing else (callers keep `room`).
   */
  private count(hash: number): number {
    if (this.door !== undefined && !this.doorAdd(hash)) return COUNT_ABSORBED
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
    return added
  }

  /**
   * Word offset of the hash's block: multiply-shift range reduction onto `blocks` (see the file
   * header for why it stays in range). The result is below 2^31, so `| 0` truncates it exactly.
   */
  private blockOf(hash: number): number {
    return (((hash >>> 0) * this.blockScale) | 0) << 2
  }

  /** Ages the counters now (as when sampleSize increments are reached): see `age`. */
  reset(): void {
    if (this.pending !== 0) this.drain()
    this.countAllPending()
    this.age()
  }

  /**
   * Halves every counter and clears the doorkeeper and the saturation marks: the sketch's aging
   * step. Everything recorded must be counted already (`settle`, `reset`).
   */
  private age(): void {
    const t = this.table
    let odd = 0
    for (let i = 0; i < t.length; i++) {
      const w = t[i]
      odd += popcount(w & ONE_BITS)
      t[i] = (w >>> 1) & HALVE_MASK
    }
    // Each odd counter lost half an increment in the halving; account for it as Caffeine does.
    const additions = this.sampleSize - this.room
    this.room = this.sampleSize - Math.max(0, (additions - (odd >>> 2)) >>> 1)
    if (this.door !== undefined) this.door.fill(0)
    // Halved counters are below 15: no key is saturated any more.
    this.clearPendingBits()
    this.resetCount++
  }

  /** Forgets everything (pending hits included). */
  clear(): void {
    this.pending = 0
    this.clearPendingBits()
    this.table.fill(0)
    if (this.door !== undefined) this.door.fill(0)
    this.room = this.sampleSize
  }

  /** Bytes held by the counters, the increment buffer and the doorkeeper. */
  get byteLength(): number {
    return this.table.byteLength + this.buffer.byteLength + (this.door?.byteLength ?? 0)
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

/** A flag byte holds hits not counted yet (1..6; not 0, and not the saturation mark). */
function hasPendingHits(flag: number): boolean {
  const p = flag & PENDING_BITS
  return p !== 0 && p !== SATURATED
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
