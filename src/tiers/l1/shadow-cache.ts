/**
 * A key-less "shadow" W-TinyLFU with a fixed window share, simulated beside the real L1 on a
 * spatial sample of the keys, to tell the real cache which way to move its window.
 *
 * Why: hill climbing alone must wait for whole sample periods and compare *different* stretches of
 * the request stream, so it is slow and noisy on short or phase-changing workloads (the agent
 * trace needs a ~100 % window, LIRS loop traces a ~1 % one). Shadows with the extreme settings see
 * the *same* requests as the real cache, so "LRU would have hit more here" is a paired, low-noise
 * signal. This is the miniature-simulation idea of Waldspurger et al., "Cache Modeling and
 * Optimization using Miniature Simulations" (USENIX ATC 2017): simulate alternatives on a hash-
 * sampled subset of keys (rate 1/R) with capacity scaled by 1/R, and adopt the winner's setting.
 *
 * Entries are identified by their 32-bit key hash only (collisions merely blur a simulation). A
 * shadow is one member of a `ShadowSet`, which owns the key → entry table and the per-entry mark
 * word all its shadows share (bit `id`: this shadow holds the entry; bit `id + 16`: CLOCK's
 * referenced mark here); the shadow keeps its queues as links over those entry ids in typed
 * arrays, so a shadow access never allocates. The frequency sketch is the real cache's: it depends
 * only on the request stream.
 *
 * A shadow keeps the same recency discipline as the real cache (`clock`): with exact LRU a hit
 * relinks; with CLOCK it sets the referenced mark, the coldest-entry paths give referenced entries
 * a second chance, and eviction promotes a referenced probation entry lazily. Otherwise the duel
 * compares a CLOCK cache against LRU simulations and reads the discipline's own gap as a signal
 * to move the window.
 */
import type { FrequencySketch } from "./frequency-sketch.js"
import { linkSlotFirst, linkSlotLast, unlinkSlot } from "./slot-links.js"

const WINDOW = 0
const PROBATION = 1
const PROTECTED = 2
/** The first entry id: ids below are the queue sentinels. */
export const FIRST_ENTRY = 3
/** Shadows per set: one holder bit and one referenced bit each in a 32-bit mark word. */
export const MAX_SHADOWS = 16

/** Mark-word bit telling that shadow `id` holds the entry. */
export function holderBit(id: number): number {
  return 1 << id
}

/** Mark-word bit for CLOCK's referenced mark of the entry in shadow `id`. */
export function referencedBit(id: number): number {
  return 1 << (id + MAX_SHADOWS)
}

export class ShadowCache {
  private readonly capacity: number
  private readonly windowMax: number
  private readonly protectedMax: number
  private windowCount = 0
  private protectedCount = 0
  private count = 0
  private readonly next: Int32Array
  private readonly prev: Int32Array
  /** Queue id of each entry this shadow holds. */
  private readonly queue: Uint8Array
  /** The hash the entry was inserted here with: what the admission duel asks the sketch about. */
  private readonly slotHash: Int32Array
  private readonly holder: number
  private readonly referenced: number

  constructor(
    capacity: number,
    windowShare: number,
    /** This shadow's number in its set (0 ≤ id < MAX_SHADOWS): which mark bits are its own. */
    id: number,
    /** Entry ids run below FIRST_ENTRY + entries. */
    entries: number,
    /** The set's mark words, by entry id (shared by all its shadows). */
    private readonly marks: Int32Array,
    /** Model CLOCK recency (referenced mark, second chance, lazy promotion) instead of exact LRU. */
    private readonly clock = false,
  ) {
    this.capacity = ShadowCache.entriesFor(capacity)
    this.windowMax = Math.max(1, Math.round(windowShare * this.capacity))
    this.protectedMax = Math.floor(0.8 * (this.capacity - this.windowMax))
    this.holder = holderBit(id)
    this.referenced = referencedBit(id)
    const n = FIRST_ENTRY + entries
    this.next = new Int32Array(n)
    this.prev = new Int32Array(n)
    this.queue = new Uint8Array(n)
    this.slotHash = new Int32Array(n)
    for (let q = WINDOW; q <= PROTECTED; q++) {
      this.next[q] = q
      this.prev[q] = q
    }
  }

  /** The entry count a shadow of this (fractional) capacity holds. */
  static entriesFor(capacity: number): number {
    return Math.max(1, Math.round(capacity))
  }

  /** A hit on an entry this shadow holds: mark it (CLOCK) or move it up (exact LRU). */
  hit(entry: number): void {
    if (this.clock) {
      this.marks[entry] |= this.referenced
      return
    }
    const q = this.queue[entry]
    unlinkSlot(this.next, this.prev, entry)
    if (q === PROBATION) this.promote(entry)
    else this.linkLast(q, entry)
  }

  /**
   * A miss: takes in `entry` (not held here), requested with `hash`, and evicts if the shadow is
   * over capacity. Returns the entry dropped (possibly `entry` itself, refused admission), or -1.
   */
  insert(entry: number, hash: number, sketch: FrequencySketch): number {
    this.slotHash[entry] = hash
    // Held here from now on, and not referenced (as linkLast would clear it): one store.
    this.marks[entry] = (this.marks[entry] | this.holder) & ~this.referenced
    linkSlotLast(this.next, this.prev, WINDOW, entry)
    this.queue[entry] = WINDOW
    this.count++
    if (++this.windowCount <= this.windowMax) return -1
    const candidate = this.coldest(WINDOW)
    unlinkSlot(this.next, this.prev, candidate)
    this.windowCount--
    this.linkLast(PROBATION, candidate)
    if (this.count <= this.capacity) return -1
    let victim = this.next[PROBATION]
    // CLOCK's lazy promotion: a probation entry hit since it got there moves up instead of dueling.
    while (victim !== candidate && (this.marks[victim] & this.referenced) !== 0) {
      unlinkSlot(this.next, this.prev, victim)
      this.promote(victim)
      victim = this.next[PROBATION]
    }
    if (victim === candidate) {
      // Probation held only the candidate: the victim comes from protected when there is one.
      const coldProtected = this.coldest(PROTECTED)
      victim = coldProtected === PROTECTED ? candidate : coldProtected
    }
    const loser =
      victim === candidate || sketch.frequency(this.slotHash[candidate]) > sketch.frequency(this.slotHash[victim])
        ? victim
        : candidate
    this.drop(loser)
    return loser
  }

  /** Links an (unlinked) probation entry at protected's MRU end, demoting protected's coldest on overflow. */
  private promote(entry: number): void {
    this.linkLast(PROTECTED, entry)
    if (++this.protectedCount > this.protectedMax) {
      const demoted = this.coldest(PROTECTED)
      unlinkSlot(this.next, this.prev, demoted)
      this.protectedCount--
      this.linkLast(PROBATION, demoted)
    }
  }

  /**
   * Queue q's coldest entry (q itself when empty). Under CLOCK, referenced entries met on the way
   * get their second chance first: moved to the MRU end with the mark cleared.
   *
   * The queue is a ring through its sentinel q, so moving the run of referenced entries at its
   * head, in order, to its tail is the same as moving the sentinel past them: one unlink and one
   * link instead of one of each per entry (a sweep met ~20 marked entries per shadow miss in
   * bench/l1's fixture). When every entry is marked, the sweep clears them all and the order
   * stays as it was: the old head is the coldest.
   */
  private coldest(q: number): number {
    const next = this.next
    const first = next[q]
    if (!this.clock) return first
    const marks = this.marks
    const referenced = this.referenced
    if (first === q || (marks[first] & referenced) === 0) return first
    let entry = first
    do {
      marks[entry] &= ~referenced
      entry = next[entry]
      if (entry === q) entry = next[q]
    } while ((marks[entry] & referenced) !== 0)
    if (entry !== first) {
      unlinkSlot(next, this.prev, q)
      linkSlotFirst(next, this.prev, this.prev[entry], q)
    }
    return entry
  }

  /** Takes the entry out of this shadow (the set frees its id once no shadow holds it). */
  private drop(entry: number): void {
    const q = this.queue[entry]
    if (q === PROTECTED) this.protectedCount--
    else if (q === WINDOW) this.windowCount--
    unlinkSlot(this.next, this.prev, entry)
    this.marks[entry] &= ~(this.holder | this.referenced)
    this.count--
  }

  /** Links an unlinked entry at queue q's MRU end; clears its referenced mark, as a relink does. */
  private linkLast(q: number, entry: number): void {
    linkSlotLast(this.next, this.prev, q, entry)
    this.queue[entry] = q
    if (this.clock) this.marks[entry] &= ~this.referenced
  }

  /** Bytes held by the shadow's own typed arrays. */
  get byteLength(): number {
    return this.next.byteLength + this.prev.byteLength + this.queue.byteLength + this.slotHash.byteLength
  }
}
