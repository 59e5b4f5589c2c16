/**
 * The shadow cache as it was before the shadows shared one table (`ShadowSet`): commit 6178875's
 * src/tiers/l1/shadow-cache.ts, unchanged but for its name, its import paths and this comment —
 * one open-addressing table per shadow, its own slot ids, the referenced mark in its queue byte.
 * Kept only as the reference the shared implementation must replay identically (shadow-set.test.ts).
 */
import type { FrequencySketch } from "../../../src/tiers/l1/frequency-sketch.js"
import { linkSlotLast, unlinkSlot } from "../../../src/tiers/l1/slot-links.js"

const WINDOW = 0
const PROBATION = 1
const PROTECTED = 2
const FIRST = 3
const EMPTY = 0
/** Queue-id bits of `queue[slot]`; the bit above is CLOCK's referenced mark (cleared by linkLast). */
const QUEUE_ID = 3
const REFERENCED = 4

export class ReferenceShadowCache {
  /** Hits since the last `takeHits`. */
  hits = 0
  private readonly capacity: number
  private readonly windowMax: number
  private readonly protectedMax: number
  private windowCount = 0
  private protectedCount = 0
  private count = 0
  private readonly next: Int32Array
  private readonly prev: Int32Array
  private readonly queue: Uint8Array
  private readonly slotHash: Int32Array
  /** Open addressing: `tableKey` holds hash | 1 (0 = empty), `tableSlot` the slot. */
  private readonly tableKey: Int32Array
  private readonly tableSlot: Int32Array
  private readonly tableMask: number
  private freeTop = 0
  private readonly freeSlots: Int32Array

  constructor(
    capacity: number,
    windowShare: number,
    /** The real cache's sketch (replaced when the real cache grows and rebuilds it). */
    public sketch: FrequencySketch,
    /** Model CLOCK recency (referenced bit, second chance, lazy promotion) instead of exact LRU. */
    private readonly clock = false,
  ) {
    this.capacity = Math.max(1, Math.round(capacity))
    this.windowMax = Math.max(1, Math.round(windowShare * this.capacity))
    this.protectedMax = Math.floor(0.8 * (this.capacity - this.windowMax))
    const n = this.capacity + 1 + FIRST
    this.next = new Int32Array(n)
    this.prev = new Int32Array(n)
    this.queue = new Uint8Array(n)
    this.slotHash = new Int32Array(n)
    this.freeSlots = new Int32Array(n)
    for (let s = n - 1; s >= FIRST; s--) this.freeSlots[this.freeTop++] = s
    for (let q = WINDOW; q <= PROTECTED; q++) {
      this.next[q] = q
      this.prev[q] = q
    }
    let size = 4
    while (size < n * 2) size *= 2
    this.tableKey = new Int32Array(size)
    this.tableSlot = new Int32Array(size)
    this.tableMask = size - 1
  }

  /** Simulates one request for the key with this hash (already recorded in the shared sketch). */
  access(hash: number): void {
    const slot = this.lookup(hash)
    if (slot !== -1) {
      this.hits++
      if (this.clock) {
        this.queue[slot] |= REFERENCED
        return
      }
      const q = this.queue[slot]
      this.unlink(slot)
      if (q === PROBATION) this.promote(slot)
      else this.linkLast(q, slot)
      return
    }
    const fresh = this.freeSlots[--this.freeTop]
    this.slotHash[fresh] = hash
    this.insertKey(hash, fresh)
    this.linkLast(WINDOW, fresh)
    this.count++
    if (++this.windowCount > this.windowMax) {
      const candidate = this.coldest(WINDOW)
      this.unlink(candidate)
      this.windowCount--
      this.linkLast(PROBATION, candidate)
      if (this.count > this.capacity) {
        let victim = this.next[PROBATION]
        // CLOCK's lazy promotion: a probation entry hit since it got there moves up instead of dueling.
        while (victim !== candidate && (this.queue[victim] & REFERENCED) !== 0) {
          this.unlink(victim)
          this.promote(victim)
          victim = this.next[PROBATION]
        }
        if (victim === candidate) {
          // Probation held only the candidate: the victim comes from protected when there is one.
          const coldProtected = this.coldest(PROTECTED)
          victim = coldProtected === PROTECTED ? candidate : coldProtected
        }
        const loser =
          victim === candidate || this.sketch.frequency(this.slotHash[candidate]) > this.sketch.frequency(this.slotHash[victim])
            ? victim
            : candidate
        this.drop(loser)
      }
    }
  }

  /** Returns the hits counted since the previous call and restarts the count. */
  takeHits(): number {
    const h = this.hits
    this.hits = 0
    return h
  }

  /** Bytes held by the shadow's typed arrays. */
  get byteLength(): number {
    return (
      this.next.byteLength + this.prev.byteLength + this.queue.byteLength + this.slotHash.byteLength +
      this.freeSlots.byteLength + this.tableKey.byteLength + this.tableSlot.byteLength
    )
  }

  /** Links an (unlinked) probation entry at protected's MRU end, demoting protected's coldest on overflow. */
  private promote(slot: number): void {
    this.linkLast(PROTECTED, slot)
    if (++this.protectedCount > this.protectedMax) {
      const demoted = this.coldest(PROTECTED)
      this.unlink(demoted)
      this.protectedCount--
      this.linkLast(PROBATION, demoted)
    }
  }

  /**
   * Queue q's coldest entry (q itself when empty). Under CLOCK, referenced entries met on the way
   * get their second chance first: moved to the MRU end with the mark cleared.
   */
  private coldest(q: number): number {
    let slot = this.next[q]
    if (!this.clock) return slot
    while (slot !== q && (this.queue[slot] & REFERENCED) !== 0) {
      this.unlink(slot)
      this.linkLast(q, slot)
      slot = this.next[q]
    }
    return slot
  }

  private drop(slot: number): void {
    const q = this.queue[slot] & QUEUE_ID
    if (q === PROTECTED) this.protectedCount--
    else if (q === WINDOW) this.windowCount--
    this.unlink(slot)
    this.deleteKey(this.slotHash[slot])
    this.freeSlots[this.freeTop++] = slot
    this.count--
  }

  private lookup(hash: number): number {
    const k = hash | 1
    let i = hash & this.tableMask
    for (;;) {
      const t = this.tableKey[i]
      if (t === EMPTY) return -1
      if (t === k) return this.tableSlot[i]
      i = (i + 1) & this.tableMask
    }
  }

  private insertKey(hash: number, slot: number): void {
    const k = hash | 1
    let i = hash & this.tableMask
    while (this.tableKey[i] !== EMPTY) i = (i + 1) & this.tableMask
    this.tableKey[i] = k
    this.tableSlot[i] = slot
  }

  /** Linear-probing delete with backward shift, so lookups never need tombstones. */
  private deleteKey(hash: number): void {
    const k = hash | 1
    const mask = this.tableMask
    let i = hash & mask
    while (this.tableKey[i] !== k) {
      if (this.tableKey[i] === EMPTY) return
      i = (i + 1) & mask
    }
    let j = i
    for (;;) {
      j = (j + 1) & mask
      const t = this.tableKey[j]
      if (t === EMPTY) break
      const home = this.slotHash[this.tableSlot[j]] & mask
      // Move j back into the hole at i unless its home lies cyclically in (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        this.tableKey[i] = t
        this.tableSlot[i] = this.tableSlot[j]
        i = j
      }
    }
    this.tableKey[i] = EMPTY
  }

  private unlink(slot: number): void {
    unlinkSlot(this.next, this.prev, slot)
  }

  private linkLast(q: number, slot: number): void {
    linkSlotLast(this.next, this.prev, q, slot)
    this.queue[slot] = q
  }
}
