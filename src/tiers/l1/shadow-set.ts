/**
 * The shadow caches an L1 duels against (`shadow-cache.ts`), replayed together: all of them see
 * exactly the same sampled requests, so they share one key → entry table (`ShadowIndex`) and one
 * 32-bit mark word per entry (which shadows hold it, and where CLOCK has marked it referenced).
 *
 * Why shared: a sampled L1 hit is replayed in every shadow. Separately that was three table
 * lookups and three calls, each setting one referenced bit, then a loop over the shadows for the
 * lead (bench/l1's 1 000-entry fixture: ~38 ns per replay when all three hit). Shared, the common
 * case — every shadow holds the key, CLOCK recency — is one lookup, one load and one store of the
 * mark word, and one counter: a shadow's hits are the requests minus its misses, so only misses
 * are counted per shadow, and the lead (most hits of any shadow) is requests − fewest misses,
 * with the fewest kept up to date on misses (~12 ns; docs/l1-policy.md, "Shadow replay").
 * Otherwise (a miss in some shadow, or exact-LRU recency) the holding shadows count their hit and
 * the others take the key in, in shadow order, exactly as separate shadows did: the simulation is
 * unchanged (same hits, same sketch reads in the same order; shadow-set.test.ts replays the old
 * implementation beside this one).
 */
import type { FrequencySketch } from "./frequency-sketch.js"
import { FIRST_ENTRY, holderBit, MAX_SHADOWS, referencedBit, ShadowCache } from "./shadow-cache.js"
import { ShadowIndex } from "./shadow-index.js"

export class ShadowSet {
  /** Number of shadows. */
  readonly count: number
  private readonly shadows: ShadowCache[]
  private readonly index: ShadowIndex
  /** Per entry: bit i = shadow i holds it; bit i + 16 = its referenced mark in shadow i. */
  private readonly marks: Int32Array
  /** Every shadow's holder bit. */
  private readonly allHolders: number
  /** Every shadow's referenced bit (set together by a CLOCK hit in all shadows). */
  private readonly allReferenced: number
  /** Requests since the last `resetHits`. */
  private requests = 0
  /** Each shadow's misses since then: its hits are requests − misses[i]. */
  private readonly misses: Int32Array
  /** The smallest of misses (the lead is requests − minMisses), kept so a hit needs no loop. */
  private minMisses = 0

  constructor(
    capacity: number,
    windowShares: readonly number[],
    /** The real cache's sketch (replaced when the real cache grows and rebuilds it). */
    public sketch: FrequencySketch,
    /** Model CLOCK recency in every shadow (see ShadowCache). */
    private readonly clock = false,
  ) {
    const n = windowShares.length
    if (n < 1 || n > MAX_SHADOWS) throw new RangeError(`ShadowSet: 1 to ${MAX_SHADOWS} shadows, not ${n}`)
    this.count = n
    // Each shadow holds at most its capacity between requests; during one request the requested
    // key is one more entry (it may be in no shadow yet).
    const entries = n * ShadowCache.entriesFor(capacity) + 1
    this.index = new ShadowIndex(entries, FIRST_ENTRY)
    this.marks = new Int32Array(FIRST_ENTRY + entries)
    this.shadows = windowShares.map((w, i) => new ShadowCache(capacity, w, i, entries, this.marks, clock))
    let holders = 0
    let referenced = 0
    for (let i = 0; i < n; i++) {
      holders |= holderBit(i)
      referenced |= referencedBit(i)
    }
    this.allHolders = holders
    this.allReferenced = referenced
    this.misses = new Int32Array(n)
  }

  /**
   * Replays one request for the key with this hash (already recorded in the shared sketch) in every
   * shadow. Returns the lead: the most hits any one shadow has counted since `resetHits`.
   */
  access(hash: number): number {
    const entry = this.index.find(hash)
    if (entry !== -1 && this.clock) {
      const m = this.marks[entry]
      if ((m & this.allHolders) === this.allHolders) {
        // A hit in every shadow: mark it in all of them. Always a store: skipping it when the
        // marks are there already was a branch the sweeps made unpredictable (bench/l1's fixture
        // with its ~3 % shadow misses, paired: 38 → 32 ns per sampled request).
        this.marks[entry] = m | this.allReferenced
        return ++this.requests - this.minMisses
      }
    }
    return this.replay(hash, entry)
  }

  /** Hits shadow i has counted since `resetHits`. */
  hits(i: number): number {
    return this.requests - this.misses[i]
  }

  /** Restarts every shadow's hit count. */
  resetHits(): void {
    this.requests = 0
    this.misses.fill(0)
    this.minMisses = 0
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    let n = this.index.byteLength + this.marks.byteLength + this.misses.byteLength
    for (const s of this.shadows) n += s.byteLength
    return n
  }

  /** Whether shadow i holds the key with this hash (for tests and diagnostics). */
  holds(i: number, hash: number): boolean {
    const entry = this.index.find(hash)
    return entry !== -1 && (this.marks[entry] & holderBit(i)) !== 0
  }

  /** Keys held by at least one shadow. */
  get size(): number {
    return this.index.size
  }

  /**
   * The general case: `found` is the key's entry or -1. The shadows holding the key count a hit
   * (under CLOCK all their marks are set with one store), then the others take the key in, in
   * shadow order (their admission duels read the sketch, and a read may drain it). A shadow's
   * hit touches only its own state, so doing the hits first changes nothing; iterating over the
   * set bits of "missing" instead of testing each shadow keeps the branches few.
   */
  private replay(hash: number, found: number): number {
    const entry = found !== -1 ? found : this.index.add(hash)
    const marks = this.marks
    const held = marks[entry] & this.allHolders
    this.requests++
    if (held !== 0) {
      // referencedBit(i) is holderBit(i) << MAX_SHADOWS: the holders' marks in one store.
      if (this.clock) marks[entry] |= held << MAX_SHADOWS
      else for (let rest = held; rest !== 0; rest &= rest - 1) this.shadows[lowestBit(rest)].hit(entry)
    }
    const misses = this.misses
    for (let missing = ~held & this.allHolders; missing !== 0; missing &= missing - 1) {
      const i = lowestBit(missing)
      misses[i]++
      const dropped = this.shadows[i].insert(entry, hash, this.sketch)
      // The requested entry stays live until every shadow has seen the request.
      if (dropped !== -1 && dropped !== entry && marks[dropped] === 0) this.index.remove(dropped)
    }
    if (marks[entry] === 0) this.index.remove(entry)
    let min = misses[0]
    for (let i = 1; i < misses.length; i++) min = Math.min(min, misses[i])
    this.minMisses = min
    return this.requests - min
  }
}

/** The index of the lowest set bit of a non-zero int32. */
function lowestBit(bits: number): number {
  return 31 - Math.clz32(bits & -bits)
}
