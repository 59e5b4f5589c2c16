/**
 * L1, the hot tier: an in-process, count- and byte-bounded cache with an adaptive W-TinyLFU policy.
 *
 * Built the way lru-cache's `src/index.ts` is: every entry is a slot index into preallocated
 * typed arrays (links, sizes, versions, hashes) and two plain arrays (keys, values); one
 * `Map<string, number>` maps a key to its slot. There are no per-entry node objects, so a hit is a
 * Map lookup plus a few typed-array writes and allocates nothing.
 *
 * Policy (W-TinyLFU, Einziger et al., TOS 2017, with Caffeine's adaptive window):
 * - new entries enter a small LRU *window*;
 * - entries leaving the window are *candidates* for the main area, a segmented LRU of
 *   *probation* and *protected* (80 % of main); a probation hit promotes to protected;
 * - recency is kept by CLOCK (second chance): a hit sets a referenced bit in the entry's queue
 *   byte; the window drain, the protected demotion and victim selection move referenced entries to
 *   their queue's MRU end (clearing the bit) before taking the coldest, and a referenced probation
 *   entry is promoted when eviction reaches it (lazy promotion, as S3-FIFO). Option
 *   `recency: "lru"` keeps exact recency instead (a hit relinks to the MRU end; slower hits, see
 *   `L1PolicyOptions.recency`);
 * - when space is needed, the candidate duels the probation LRU *victim*: a count-min sketch
 *   (4-bit counters, aged by halving) estimates both keys' recent popularity and the less popular
 *   one leaves ("rejected" when it is the candidate);
 * - the window share adapts. Three key-less "shadow" W-TinyLFUs with window shares 100 % (= LRU),
 *   30 % and 1 % replay a hash sample of the requests (`shadow-cache.ts`, after Waldspurger et al.'s
 *   miniature simulations); when one clearly beats the real cache over a period (twice in a row,
 *   or once by a wide margin, then as soon as the margin is reached), the window jumps to its share. Between jumps, Caffeine's hill
 *   climber (`hill-climber.ts`) fine-tunes the share on the observed hit rate; in LRU mode it is
 *   frozen, because the shadows already say whether leaving LRU pays. Recency-driven workloads
 *   (agent sessions) thus run as LRU, loops and skewed popularity as frequency-biased W-TinyLFU,
 *   mixed ones in between (bench/results/hitratio.md).
 *
 * Costs: a hit is a Map lookup, one read of the slot's queue byte (queue id, the PREFETCHED,
 * REFERENCED and SAMPLED flags, and the sketch's pending-hit field), at most one write of it (the
 * referenced bit; in exact-LRU mode a relink instead, none if the entry is already its queue's MRU)
 * and a countdown (which also yields the hit count: `counters.hits` is derived, not incremented).
 * Unless the key is marked saturated (all 4 sketch counters at 15, so an increment would change
 * nothing) the hit is one more pending hit in that byte, the seventh counting all seven in the
 * sketch (frequency-sketch.ts, "resident keys"); if the key is in the shadow sample (every key below
 * 64 entries, 32-64 keys of the cache above) the hit is counted at once and the shadows replay it.
 * What each part costs, measured: docs/l1-policy.md.
 * The hot case is written out in `get` so the whole path fits V8's inlining budget.
 *
 * Optional features cost nothing unless configured: prefetched entries (`set(..., { prefetched })`)
 * and per-owner byte accounting with quotas (`owners`).
 */
import type { EvictionReason, L1EvictHandler, L1Tier, TierCounters } from "../contracts.js"
import type { Version } from "../../types.js"
import { FrequencySketch, PENDING_BITS, PENDING_FULL, PENDING_ONE, SATURATED } from "./frequency-sketch.js"
import { hashKey } from "./hash-key.js"
import { DEFAULT_CLIMBER, HillClimber, type HillClimberOptions } from "./hill-climber.js"
import { ShadowSet } from "./shadow-set.js"
import { linkSlotFirst, linkSlotLast, unlinkSlot } from "./slot-links.js"

/** Tuning of the admission policy. Defaults are the ones measured in bench/results/hitratio.md. */
export interface L1PolicyOptions {
  /** Adapt the window share (shadow duel + hill climbing; default true). When false it stays at `window`. */
  readonly adaptive?: boolean
  /** Window share of the cache at start, 0..1 (default 0.01). */
  readonly window?: number
  /** Protected share of the main area, 0..1 (default 0.8). */
  readonly protectedShare?: number
  /**
   * Sketch increments between two agings, as a multiple of the entry capacity (default 16; Caffeine
   * uses 10, but loops somewhat longer than the cache need the longer memory: LIRS traces in hitratio.md).
   */
  readonly sketchSampleFactor?: number
  /** Bloom-filter doorkeeper in front of the sketch (default false). */
  readonly doorkeeper?: boolean
  /**
   * Largest share of the entry capacity that unused prefetched entries may hold, 0..1 (default 0.1):
   * at the cap a new prefetch first displaces an older unused one, so prefetching can never flush
   * the demand-loaded working set.
   */
  readonly maxPrefetchedShare?: number
  /** Requests per climber sample (default 10 × allocated slots, at least 256). */
  readonly samplePeriod?: number
  /** Climber constants (default: Caffeine's). */
  readonly climber?: Partial<HillClimberOptions>
  /**
   * Simulate W-TinyLFUs with other window shares (`shadowWindows`) beside the real cache on a hash
   * sample of the keys and jump the window to whichever clearly wins (default true; needs
   * `adaptive`). They start at the first eviction, sized by the entry count at that moment. See shadow-cache.ts.
   */
  readonly shadows?: boolean
  /**
   * Smallest entries per shadow: keys are sampled at rate 1/R, R the largest power of two keeping
   * capacity / R ≥ shadowEntries (default 32). Smaller = cheaper hits, noisier duels.
   */
  readonly shadowEntries?: number
  /** A shadow must beat the real cache by this share of the sampled requests to win a duel (default 0.01). */
  readonly shadowMargin?: number
  /** Window shares the shadows simulate, largest first (default [1, 0.3, 0.01]: LRU, balanced, frequency). */
  readonly shadowWindows?: readonly number[]
  /** Duel period in sampled requests, as a multiple of the shadow capacity (default 4). */
  readonly shadowPeriod?: number
  /** Consecutive duel wins a shadow needs before the window jumps to its setting (default 2). */
  readonly shadowConfirm?: number
  /**
   * A lead of this share of a period's sampled requests triggers the jump at once, without waiting
   * for a second win or for the period to end (default 0.1).
   */
  readonly shadowDecisiveMargin?: number
  /** While the window is full (LRU mode) leave it only on the duel's word, not the climber's (default true). */
  readonly freezeAtLru?: boolean
  /** Seed of the admission jitter (deterministic replays in tests and benchmarks). */
  readonly seed?: number
  /**
   * How the queues keep recency (default "clock").
   * - "clock": second chance (CLOCK) with lazy promotion (as in S3-FIFO); a hit only sets the
   *   entry's referenced bit. The paths that take a queue's coldest entry (window drain, protected
   *   demotion, victims from those queues) first move referenced entries to the MRU end, clearing
   *   the bit; eviction promotes a referenced probation entry to protected instead of dueling it.
   *   The duel's shadows model CLOCK too.
   * - "lru": exact segmented LRU; a hit relinks the entry to its queue's MRU end, a probation hit
   *   promotes it to protected at once.
   * Measured (bench/l1, lru-cache's hit throughput = 1; docs/l1-policy.md): with the default
   * shadows, "clock" 0.98× at 1 000 entries and 0.72× at 100 000, "lru" 0.83× and 0.55× (the
   * relink's loads and stores; at 100 000 entries they miss the CPU cache). Hit-ratio table
   * (mean / max regret, worst vs LRU): "clock" 0.75 / 4.58 / −0.72, "lru" 0.78 / 4.62 / −0.83, both
   * within the targets. CLOCK was not the default before because with 128-entry shadows and
   * 2 × capacity duel periods it scored 0.82 / 5.36 (arc_p3 10 %, over the ≤ 5 target) / −0.66;
   * the 32-entry shadows with 4 × capacity periods (now the default for both) fixed that cell.
   * Caveat: the cells near the targets move by up to 2 points with small changes of the shadow
   * settings (docs/l1-policy.md lists the neighbours tried).
   */
  readonly recency?: "lru" | "clock"
}

/** Per-owner (agent) byte accounting. Owner ids are small integers `0 ≤ owner < maxOwners`. */
export interface L1OwnerOptions {
  /** Owner ids must be below this (sizes the per-owner tables). */
  readonly maxOwners: number
  /**
   * Fair share in bytes. When L1 needs a victim and some owner holds more than this, that owner's
   * least recently used entries are evicted first. Omit to account without enforcing.
   */
  readonly quotaBytes?: number
}

export interface L1CacheOptions<V> {
  /** Budget in (serialized) bytes of the values held. */
  readonly maxBytes: number
  /** Entry-count bound (default max(16, floor(maxBytes / 64))). Slot arrays grow toward it on demand. */
  readonly maxEntries?: number
  /** Told synchronously about every entry dropped for capacity; must not call back into this cache. */
  readonly onEvict?: L1EvictHandler<V>
  readonly policy?: L1PolicyOptions
  readonly owners?: L1OwnerOptions
  /** Told (synchronously) on the first real `get` of an entry that was inserted as prefetched. */
  readonly onPrefetchUsed?: (key: string) => void
}

/** Extra, optional facts about one `set`. Reuse one object per call site: `set` does not keep it. */
export interface L1SetOptions {
  /**
   * Inserted by a prefetcher, not by demand: the entry goes to the cold end of probation, is the
   * first to be evicted while unused, and cannot reach the protected segment before its first `get`.
   */
  readonly prefetched?: boolean
  /** Owner id for per-owner accounting (requires the `owners` option). */
  readonly owner?: number
}

// Queue ids double as the sentinel slots of their circular doubly linked lists: slot 0 is the
// window's sentinel, 1 probation's, 2 protected's; entries use slots 3 and up.
const WINDOW = 0
const PROBATION = 1
const PROTECTED = 2
const FIRST_SLOT = 3
const NONE = -1
/** `sampleMatch` while the shadows are off: no masked hash equals it. */
const NO_SAMPLE = -1
/** Countdown start without a climber: large, but a small integer for V8 (never climbs). */
const NO_CLIMBER_PERIOD = 1 << 30

/**
 * `queue` holds a slot's queue id in its low 2 bits and this flag above them: one byte (one cache
 * line touched) tells a hit both where the entry is and whether it was prefetched.
 */
const PREFETCHED = 4
/** Low bits of `queue`: the queue id alone. */
const QUEUE_ID = 3
/**
 * CLOCK mode: set in `queue` by a hit on a window or protected entry ("referenced since the hand
 * last passed"). Relinking (`linkLast`/`linkFirst`) rewrites the byte, which clears it (all but SAMPLED).
 */
const REFERENCED = 8
/**
 * Set in `queue` for as long as the slot holds a key of the shadow sample (from the shadows' start,
 * by `startShadows` and `insert`; relinking keeps it): the hit path tells whether to run the
 * shadows from the byte it reads anyway, without loading the key's hash. A sampled key's hits go
 * straight to the sketch (never pending), so the shadows, which read the sketch for sampled keys
 * only, see every one of them.
 */
const SAMPLED = 16
/**
 * The top three bits of `queue` (`PENDING_BITS`) belong to the sketch: hits of the slot's key not
 * counted yet (0..6), or 7 = `SATURATED` (all four counters at 15 until the next aging: its hits
 * are skipped). See frequency-sketch.ts. Relinking keeps them, with SAMPLED.
 */
const KEPT_ON_RELINK = SAMPLED | PENDING_BITS
/** Queue id and PREFETCHED: what a hit in exact-LRU mode branches on. */
const PLACE = QUEUE_ID | PREFETCHED

/** A `sizes` entry equal to this means "see `bigSizes`": the size is ≥ 65 535 or not an integer. */
const SIZE_ESCAPE = 0xffff

/** Slot arrays start at this many entries (or maxEntries if smaller) and double on demand. */
const INITIAL_SLOTS = 1024
/** A candidate this popular may still be admitted at random (1/128): defeats hash-flooding (Caffeine). */
const ADMIT_JITTER_THRESHOLD = 6

/** Picks the shadow sample from bits that neither the sketch's block index nor its counters use alone. */
const SAMPLE_SPREAD = 0x85ebca6b | 0
/** Sampling 1 key in 2^16 at most (the sample test uses 16 bits). */
const MAX_SAMPLE_RATE = 1 << 16
/**
 * 32-64 entries per shadow (1 key in 16 sampled at 1 000 entries, where 128 sampled 1 in 4): with
 * duel periods of 4 × that (`DEFAULT_SHADOW_PERIOD`) the hit-ratio table met its targets with
 * CLOCK recency, which 128 entries × 2 did not (docs/l1-policy.md), at a quarter of the shadow
 * replays (bench/l1, 1 000 entries: the shadows' share of a hit ~23 → ~7.5 ns).
 */
const DEFAULT_SHADOW_ENTRIES = 32
/** Duel period, in multiples of the shadow capacity (see DEFAULT_SHADOW_ENTRIES). */
const DEFAULT_SHADOW_PERIOD = 4
/** CLOCK recency: a hit sets a bit instead of relinking (see `L1PolicyOptions.recency`). */
const DEFAULT_RECENCY = "clock"
/** Shadow window shares: LRU, a balanced W-TinyLFU, and Caffeine's frequency-biased 1 % window. */
const DEFAULT_SHADOW_WINDOWS: readonly number[] = [1, 0.3, 0.01]
/** Sketch agings happen every 16 × capacity increments (chosen with bench/hitratio/tune.ts). */
const DEFAULT_SKETCH_SAMPLE_FACTOR = 16
/**
 * A shadow leading the real cache by this share of a duel period's sampled requests wins at once,
 * even mid-period (bench/hitratio/tune.ts). Higher margins (0.15-0.2) lower arc_p3's regret further
 * but delay the agent trace's move to LRU mode: at 1 500 entries it loses 2-3 points.
 */
const DEFAULT_DECISIVE_MARGIN = 0.1
/** Climber samples last 10 × capacity requests (Caffeine) but no fewer than this. */
const MIN_SAMPLE_PERIOD = 256

export class L1Cache<V> implements L1Tier<V> {
  readonly maxBytes: number
  readonly maxEntries: number
  /**
   * `hits` is derived, not counted: a hit already decrements the climber's countdown, so hits =
   * requests - misses with requests = `requestsBefore` + the current sample's length. One write
   * fewer per hit; nothing writes `hits` (it has no setter).
   */
  readonly counters: TierCounters

  private readonly index = new Map<string, number>()
  private readonly keyList: (string | undefined)[] = []
  private readonly valueList: (V | undefined)[] = []
  /** Allocated slots (entries capacity of the typed arrays, sentinels excluded). */
  private capacity: number
  private next: Int32Array
  private prev: Int32Array
  private queue: Uint8Array
  private hashes: Int32Array
  /**
   * Entry sizes in bytes, 2 bytes per slot: a size that is an integer below 65 535 is stored here;
   * any other (65 535 and up, or not an integer) is stored as SIZE_ESCAPE with the exact value in
   * `bigSizes`. Agent-state values are mostly small, so the side Map stays small; read through
   * `sizeOf`, write through `storeSize`. Saves 2 bytes per entry over a Uint32Array, and budget
   * accounting stays exact (a Uint32Array also truncated fractional sizes).
   */
  private sizes: Uint16Array
  /** Exact sizes of the slots whose `sizes` entry is SIZE_ESCAPE. */
  private readonly bigSizes = new Map<number, number>()
  /**
   * Versions are counters (the hierarchy's `nextVersion++`), so they start as 4-byte Uint32; the
   * first version that is not an integer in 0..2^32-1 widens the array to Float64 for good
   * (`storeVersion`). Saves 4 bytes per entry for the first four billion versions.
   */
  private versions: Uint32Array | Float64Array
  /** Slots never used yet start here; freed slots are threaded through `next` from `freeHead`. */
  private fresh = FIRST_SLOT
  private freeHead = NONE

  private sketch: FrequencySketch
  private readonly policy: L1PolicyOptions
  private readonly climber: HillClimber | undefined
  private samplePeriod: number
  /**
   * Requests left until the climber's next sample (a countdown: one decrement per request on the
   * hit path instead of a hit counter and a sum). The sample's length so far is
   * `samplePeriod - sampleLeft`, its hits that minus `sampleMisses`. Without a climber it only
   * wraps around.
   */
  private sampleLeft = 0
  /** Requests of the climber samples before the current one (for the derived hit count). */
  private requestsBefore = 0
  private sampleMisses = 0
  private windowShare: number
  private readonly protectedShare: number
  /** Second-chance recency with lazy promotion (`recency: "clock"`) instead of exact LRU relinking. */
  private readonly clock: boolean
  /** Queue limits, derived from the shares; kept in both units because either bound may bind. */
  private windowMaxEntries = 0
  private windowMaxBytes = 0
  private protectedMaxEntries = 0
  private protectedMaxBytes = 0
  private windowEntries = 0
  private windowBytes = 0
  private protectedEntries = 0
  private protectedBytes = 0
  private totalBytes = 0
  private rng: number
  // Shadow duel (allocated only when adaptive and shadows are on).
  private shadows: ShadowSet | undefined
  private shadowWindows: number[] = []
  private shadowsOn = false
  /**
   * A key is in the shadow sample when hash × SAMPLE_SPREAD, under this mask (sampling bits 16 and
   * up: (rate - 1) << 16, rate 1/rate), equals `sampleMatch`.
   */
  private sampleMask = 0
  /** 0 once the shadows run; -1 (matches no masked value) before, so `inSample` is one comparison, not two. */
  private sampleMatch = NO_SAMPLE
  private sampledHits = 0
  private sampledRequests = 0
  private duelPeriod = 0
  /** Hits by which a shadow must lead the real cache to win on one period's evidence (shadowDecisiveMargin × period). */
  private decisiveLead = 0
  /** Which shadow won the last duel (-1 none) and how many in a row. */
  private lastWinner = -1
  private winStreak = 0
  /** The last missed key and its hash: the `set` that usually follows a miss need not hash again. */
  private lastMissKey: string | undefined = undefined
  private lastMissHash = 0

  private readonly onEvict: L1EvictHandler<V> | undefined
  private readonly onPrefetchUsed: ((key: string) => void) | undefined
  private prefetchedResident = 0
  /** Room held back while a prefetched newcomer is placed (see `set`): it must not be its own victim. */
  private reservedEntries = 0
  private reservedBytes = 0
  /** Prefetched entries evicted before any `get` (wasted prefetches). */
  prefetchedEvictedUnused = 0

  // Owner accounting (allocated only with the `owners` option).
  private readonly ownerQuota: number
  private ownerOf: Uint16Array | undefined
  private ownerNext: Int32Array | undefined
  private ownerPrev: Int32Array | undefined
  private readonly ownerHead: Int32Array | undefined
  private readonly ownerTail: Int32Array | undefined
  private readonly ownerBytesTable: Float64Array | undefined
  /** Owners currently above quota, as an unordered set: `overList[0..overCount)`, `overPos[o]` = index + 1. */
  private readonly overList: Int32Array | undefined
  private readonly overPos: Int32Array | undefined
  private overCount = 0

  constructor(options: L1CacheOptions<V>) {
    const { maxBytes } = options
    if (!(Number.isFinite(maxBytes) && maxBytes > 0)) throw new RangeError(`L1 maxBytes must be a positive number, got ${maxBytes}`)
    const maxEntries = options.maxEntries ?? Math.max(16, Math.floor(maxBytes / 64))
    if (!(Number.isInteger(maxEntries) && maxEntries > 0 && maxEntries < 2 ** 31 - FIRST_SLOT)) {
      throw new RangeError(`L1 maxEntries must be a positive integer below 2^31, got ${maxEntries}`)
    }
    this.maxBytes = maxBytes
    this.maxEntries = maxEntries
    this.onEvict = options.onEvict
    this.onPrefetchUsed = options.onPrefetchUsed
    this.policy = options.policy ?? {}
    this.rng = (this.policy.seed ?? 0x2545f491) | 1

    // One slot beyond maxEntries: an insert lands before the eviction that makes room for it.
    this.capacity = Math.min(maxEntries + 1, INITIAL_SLOTS)
    const n = this.capacity + FIRST_SLOT
    this.next = new Int32Array(n)
    this.prev = new Int32Array(n)
    this.queue = new Uint8Array(n)
    this.hashes = new Int32Array(n)
    this.sizes = new Uint16Array(n)
    this.versions = new Uint32Array(n)
    for (let q = WINDOW; q <= PROTECTED; q++) {
      this.next[q] = q
      this.prev[q] = q
    }
    this.sketch = this.newSketch()

    const adaptive = this.policy.adaptive ?? true
    const climberOptions: HillClimberOptions = {
      ...DEFAULT_CLIMBER,
      initial: this.policy.window ?? DEFAULT_CLIMBER.initial,
      ...this.policy.climber,
    }
    this.climber = adaptive ? new HillClimber(climberOptions) : undefined
    this.samplePeriod = this.samplePeriodFor(this.capacity)
    this.sampleLeft = this.samplePeriod
    const cache = this
    this.counters = {
      get hits(): number {
        return cache.requestsBefore + cache.samplePeriod - cache.sampleLeft - cache.counters.misses
      },
      misses: 0,
      evictions: 0,
      entries: 0,
      bytes: 0,
    }
    this.windowShare = climberOptions.initial
    this.protectedShare = this.policy.protectedShare ?? 0.8
    this.clock = (this.policy.recency ?? DEFAULT_RECENCY) === "clock"
    this.updateLimits()

    const owners = options.owners
    if (owners !== undefined) {
      if (!(Number.isInteger(owners.maxOwners) && owners.maxOwners > 0 && owners.maxOwners <= 65536)) {
        throw new RangeError(`L1 owners.maxOwners must be an integer in 1..65536, got ${owners.maxOwners}`)
      }
      this.ownerQuota = owners.quotaBytes ?? Number.POSITIVE_INFINITY
      this.ownerOf = new Uint16Array(n)
      this.ownerNext = new Int32Array(n)
      this.ownerPrev = new Int32Array(n)
      this.ownerHead = new Int32Array(owners.maxOwners).fill(NONE)
      this.ownerTail = new Int32Array(owners.maxOwners).fill(NONE)
      this.ownerBytesTable = new Float64Array(owners.maxOwners)
      this.overList = new Int32Array(owners.maxOwners)
      this.overPos = new Int32Array(owners.maxOwners)
    } else {
      this.ownerQuota = Number.POSITIVE_INFINITY
    }
  }

  get size(): number {
    return this.index.size
  }

  get bytes(): number {
    return this.totalBytes
  }

  /** The window's current share of the cache (0..1), as tuned by the climber. */
  get window(): number {
    return this.windowShare
  }

  /** How many times the frequency sketch has aged (halved its counters). */
  get sketchResets(): number {
    return this.sketch.resets
  }

  /**
   * The value on a hit, recording the access for the policy; `undefined` on a miss (also recorded:
   * the sketch counts demand for keys that are not resident).
   *
   * Returns the stored object itself, not a copy: L1 holds whatever the hierarchy gave it, and the
   * hierarchy stores deep-frozen values, so sharing is safe and a hit costs no copy. A hit
   * allocates nothing.
   */
  get(key: string): V | undefined {
    const slot = this.index.get(key)
    if (slot === undefined) return this.recordMiss(key)
    const q = this.queue[slot]
    // Record the hit for the sketch: as one more pending hit in the byte (no hash load, no counter
    // touched), or, with six already waiting, count all seven. A sampled key's hits are counted at
    // once (never pending: the shadows read its estimate). A saturated key's counters cannot grow
    // until the next aging: nothing to record.
    if (q < PENDING_FULL && (q & SAMPLED) === 0) {
      this.queue[slot] = q + PENDING_ONE
      this.sketch.reserve()
    } else if (q < SATURATED) this.sketch.countHits(slot)
    const place = q & PLACE
    if (this.clock) {
      // Mark it: the hand gives it a second chance (or its promotion) when it gets there. No
      // store when the mark is there already (a hot key): an unchanged line stays clean, which
      // measured ~6 % faster at 100 000 entries. Only an unused prefetched entry needs work now:
      // its first use.
      if ((q & (PREFETCHED | REFERENCED)) === 0) this.queue[slot] |= REFERENCED
      else if ((q & PREFETCHED) !== 0) this.firstUse(slot)
    } else if (place === PROTECTED || place === WINDOW) {
      // The common hit: move to the MRU end of its own queue (nothing to do if it is there already,
      // as a hot key read repeatedly is). Written out here rather than via unlink/linkLast so
      // the whole hit path stays within V8's inlining budget.
      const prev = this.prev
      const tail = prev[place]
      if (tail !== slot) {
        const next = this.next
        const p = prev[slot]
        const n = next[slot]
        next[p] = n
        prev[n] = p
        next[tail] = slot
        prev[slot] = tail
        next[slot] = place
        prev[place] = slot
      }
    } else this.promote(slot, place)
    if (this.ownerNext !== undefined) this.ownerTouch(slot)
    this.sampleLeft--
    if ((q & SAMPLED) !== 0) this.shadowAccess(this.hashes[slot], 1)
    if (this.sampleLeft <= 0) this.climb()
    return this.valueList[slot]
  }

  /** The value without touching policy state or counters. Same sharing rule as `get`. */
  peek(key: string): V | undefined {
    const slot = this.index.get(key)
    return slot === undefined ? undefined : this.valueList[slot]
  }

  versionOf(key: string): Version {
    const slot = this.index.get(key)
    return slot === undefined ? -1 : this.versions[slot]
  }

  has(key: string): boolean {
    return this.index.has(key)
  }

  /** True while `key` is resident, was inserted as prefetched, and has not been read by `get` yet. */
  wasPrefetched(key: string): boolean {
    const slot = this.index.get(key)
    return slot !== undefined && (this.queue[slot] & PREFETCHED) !== 0
  }

  /**
   * Memory held outside the key/value objects: the typed arrays of `slots` allocated slots (they
   * grow by doubling toward maxEntries), the frequency sketch and the shadow simulations. The
   * Map and the key/value arrays are JS heap objects and are measured by bench/l1/run.ts.
   */
  footprint(): { slots: number; slotArrayBytes: number; sketchBytes: number; shadowBytes: number; ownerBytes: number } {
    const slotArrayBytes =
      this.next.byteLength + this.prev.byteLength + this.queue.byteLength +
      this.hashes.byteLength + this.sizes.byteLength + this.versions.byteLength
    const ownerBytes =
      (this.ownerOf?.byteLength ?? 0) + (this.ownerNext?.byteLength ?? 0) + (this.ownerPrev?.byteLength ?? 0) +
      (this.ownerHead?.byteLength ?? 0) * 4 + (this.ownerBytesTable?.byteLength ?? 0)
    return {
      slots: this.capacity,
      slotArrayBytes,
      sketchBytes: this.sketch.byteLength,
      shadowBytes: this.shadows?.byteLength ?? 0,
      ownerBytes,
    }
  }

  /** The slot index holding `key`, or -1 (diagnostics and tests: a replacement keeps its slot). */
  slotOf(key: string): number {
    return this.index.get(key) ?? NONE
  }

  /** Bytes currently held by entries of `owner` (0 without the `owners` option). */
  ownerBytes(owner: number): number {
    return this.ownerBytesTable?.[owner] ?? 0
  }

  /**
   * Insert or replace. A replacement keeps its slot (and its place in the policy: it counts as an
   * access). A new entry may displace others, or be refused by admission; every displaced entry is
   * reported to `onEvict` before `set` returns, the refused one with reason "rejected". A value
   * larger than the whole byte budget is never admitted (reported as "rejected"; a previous value
   * of the key is dropped without report, since it is outdated). Returns true when `key` is
   * resident afterwards.
   */
  set(key: string, value: V, bytes: number, version: Version, options?: L1SetOptions): boolean {
    if (!(bytes >= 0 && bytes <= 0xffffffff)) throw new RangeError(`L1 entry bytes must be in 0..2^32-1, got ${bytes}`)
    const prefetched = options?.prefetched === true
    const owner = options?.owner ?? 0
    if (this.ownerOf !== undefined && !(Number.isInteger(owner) && owner >= 0 && owner < this.ownerHead!.length)) {
      throw new RangeError(`L1 owner must be an integer in 0..${this.ownerHead!.length - 1}, got ${owner}`)
    }
    let slot = this.index.get(key)
    if (bytes > this.maxBytes) {
      if (slot !== undefined) this.remove(slot)
      this.counters.evictions++
      this.onEvict?.(key, value, bytes, version, "rejected")
      return false
    }
    if (slot !== undefined) {
      this.replace(slot, value, bytes, version, prefetched, owner)
    } else {
      const hash = key === this.lastMissKey ? this.lastMissHash : hashKey(key)
      // A demand write is an access the sketch has not seen yet (a get-miss already counted itself).
      if (!prefetched && key !== this.lastMissKey) this.sketch.increment(hash)
      this.lastMissKey = undefined
      // A prefetched newcomer goes to probation's cold end, where eviction looks first: make its room
      // *before* placing it (older unused prefetches go first, else the policy's normal victims), or
      // it would be the victim of its own insertion.
      if (prefetched) this.makeRoomForPrefetch(bytes)
      slot = this.insert(key, value, bytes, version, hash, prefetched, owner)
    }
    this.evictIfNeeded()
    return this.index.has(key)
  }

  /** Removes `key` without calling onEvict. Returns true if it was present. */
  delete(key: string): boolean {
    const slot = this.index.get(key)
    if (slot === undefined) return false
    this.remove(slot)
    return true
  }

  /** Removes every entry without calling onEvict. Policy history (sketch, window share) is kept. */
  clear(): void {
    for (const slot of this.index.values()) this.remove(slot)
  }

  // ---- hit path -------------------------------------------------------------------------------

  /** Reorders a slot (in queue q, not prefetched) after an access: window/protected move to MRU, probation promotes. */
  private touch(slot: number, q: number): void {
    if (this.clock) {
      this.queue[slot] |= REFERENCED
    } else if (q === PROBATION) {
      this.promoteToProtected(slot)
    } else if (this.prev[q] !== slot) {
      // (Already the MRU entry — common for a hot key read repeatedly — needs no relinking.)
      this.unlink(slot)
      this.linkLast(q, slot)
    }
  }

  /** Moves a probation entry to protected's MRU end (demoting protected's coldest if it overflows). */
  private promoteToProtected(slot: number): void {
    this.unlink(slot)
    this.linkLast(PROTECTED, slot)
    this.protectedEntries++
    this.protectedBytes += this.sizeOf(slot)
    if (this.protectedEntries > this.protectedMaxEntries || this.protectedBytes > this.protectedMaxBytes) this.demoteProtected()
  }

  /** A hit on a probation entry (promotes it) or on an unused prefetched one (its first use). */
  private promote(slot: number, q: number): void {
    if (q > PROTECTED) this.firstUse(slot)
    else this.touch(slot, q)
  }

  /** First real read of a prefetched entry: it now counts as a demand-loaded entry (window MRU). */
  private firstUse(slot: number): void {
    this.prefetchedResident--
    this.unlink(slot)
    this.linkLast(WINDOW, slot)
    this.windowEntries++
    this.windowBytes += this.sizeOf(slot)
    this.onPrefetchUsed?.(this.keyList[slot]!)
    // The window may now be over its share; settle it (may evict).
    this.evictIfNeeded()
  }

  /** A `get` miss: counted for the sketch (demand for a non-resident key), the climber and the shadows. */
  private recordMiss(key: string): undefined {
    // A caller may pass an unvalidated key (the hierarchy's getIfPresent checks keys only on a
    // miss): anything but a string is not a key, and must leave no trace in the policy.
    if (typeof key !== "string") return undefined
    this.counters.misses++
    const hash = key === this.lastMissKey ? this.lastMissHash : hashKey(key)
    this.lastMissKey = key
    this.lastMissHash = hash
    this.sketch.increment(hash)
    this.sampleMisses++
    this.sampleLeft--
    if (this.inSample(hash)) this.shadowAccess(hash, 0)
    if (this.sampleLeft <= 0) this.climb()
    return undefined
  }

  // ---- insertion and replacement ----------------------------------------------------------------

  private insert(key: string, value: V, bytes: number, version: Version, hash: number, prefetched: boolean, owner: number): number {
    const slot = this.allocate()
    this.index.set(key, slot)
    this.keyList[slot] = key
    this.valueList[slot] = value
    this.storeSize(slot, bytes)
    this.storeVersion(slot, version)
    this.hashes[slot] = hash
    this.totalBytes += bytes
    // A fresh byte (the slot may be reused): linking keeps only SAMPLED from it.
    this.queue[slot] = this.inSample(hash) ? SAMPLED : 0
    if (prefetched) {
      // Cold end of probation: the first victim while unused.
      this.linkFirst(PROBATION, slot)
      this.queue[slot] |= PREFETCHED
      this.prefetchedResident++
    } else {
      this.linkLast(WINDOW, slot)
      this.windowEntries++
      this.windowBytes += bytes
    }
    if (this.ownerOf !== undefined) this.ownerAdd(slot, owner, bytes)
    this.counters.entries = this.index.size
    this.counters.bytes = this.totalBytes
    return slot
  }

  private replace(slot: number, value: V, bytes: number, version: Version, prefetched: boolean, owner: number): void {
    const old = this.sizeOf(slot)
    // Owner bytes come off at the old size, before `sizes` changes.
    if (this.ownerOf !== undefined) this.ownerRemove(slot)
    this.valueList[slot] = value
    this.storeVersion(slot, version)
    this.storeSize(slot, bytes)
    this.totalBytes += bytes - old
    const q = this.queue[slot] & QUEUE_ID
    if (q === WINDOW) this.windowBytes += bytes - old
    else if (q === PROTECTED) this.protectedBytes += bytes - old
    if (this.ownerOf !== undefined) this.ownerAdd(slot, owner, bytes)
    if (!prefetched) {
      // A demand write: an access for the policy; it also ends the entry's "prefetched" status.
      this.sketch.increment(this.hashes[slot])
      if ((this.queue[slot] & PREFETCHED) !== 0) {
        this.prefetchedResident--
        this.unlink(slot)
        this.linkLast(WINDOW, slot)
        this.windowEntries++
        this.windowBytes += bytes
      } else {
        this.touch(slot, this.queue[slot] & QUEUE_ID)
      }
    }
    this.counters.bytes = this.totalBytes
  }

  // ---- eviction ---------------------------------------------------------------------------------

  private overBudget(): boolean {
    return this.index.size + this.reservedEntries > this.maxEntries || this.totalBytes + this.reservedBytes > this.maxBytes
  }

  private evictIfNeeded(): void {
    this.drainWindow()
    if (!this.overBudget()) return
    if (!this.shadowsOn && this.climber !== undefined && (this.policy.shadows ?? true)) this.startShadows()
    if (this.overCount > 0) this.evictOverQuotaOwners()
    if (this.prefetchedResident > 0) this.evictUnusedPrefetched()
    if (this.overBudget()) this.evictFromMain()
  }

  /** Moves the window's LRU entries to probation's MRU end while the window exceeds its share. */
  private drainWindow(): void {
    while (this.windowEntries > this.windowMaxEntries || this.windowBytes > this.windowMaxBytes) {
      const slot = this.coldest(WINDOW)
      if (slot === NONE) break
      this.unlink(slot)
      this.windowEntries--
      this.windowBytes -= this.sizeOf(slot)
      this.linkLast(PROBATION, slot)
    }
  }

  /** Demotes protected LRU entries to probation's MRU end while protected exceeds its share. */
  private demoteProtected(): void {
    while (this.protectedEntries > this.protectedMaxEntries || this.protectedBytes > this.protectedMaxBytes) {
      const slot = this.coldest(PROTECTED)
      if (slot === NONE) break
      this.unlink(slot)
      this.protectedEntries--
      this.protectedBytes -= this.sizeOf(slot)
      this.linkLast(PROBATION, slot)
    }
  }

  /**
   * The W-TinyLFU duel, as in Caffeine's `evictFromMain`: candidates are taken from probation's MRU
   * end (the entries just moved out of the window) walking toward LRU, victims from its LRU end
   * walking toward MRU; each pair compares sketch frequencies and the loser leaves. When probation
   * runs out, victims come from protected, then from the window.
   */
  private evictFromMain(): void {
    let victimQueue = PROBATION
    let candidateQueue = PROBATION
    let victim = this.first(PROBATION)
    let candidate = this.last(PROBATION)
    const queue = this.queue
    while (this.overBudget()) {
      if (this.clock) {
        // Lazy promotion: a probation entry hit since it got there is promoted now, in place of
        // the promotion exact SLRU does on the hit; it neither duels nor leaves.
        // The victim is always probation's first entry, so the next one is read from the head
        // again: the promotion may have demoted protected entries into an emptied probation.
        if (victimQueue === PROBATION && victim !== NONE && (queue[victim] & REFERENCED) !== 0) {
          if (candidate === victim) candidate = NONE
          this.promoteToProtected(victim)
          victim = this.first(PROBATION)
          continue
        }
        if (candidateQueue === PROBATION && candidate !== NONE && (queue[candidate] & REFERENCED) !== 0) {
          const promoted = candidate
          candidate = this.before(promoted)
          this.promoteToProtected(promoted)
          continue
        }
      }
      if (candidate === NONE && candidateQueue === PROBATION) {
        candidate = this.coldest(WINDOW)
        candidateQueue = WINDOW
      }
      if (candidate === NONE && victim === NONE) {
        if (victimQueue === PROBATION) {
          victimQueue = PROTECTED
          victim = this.coldest(PROTECTED)
          continue
        } else if (victimQueue === PROTECTED) {
          victimQueue = WINDOW
          victim = this.coldest(WINDOW)
          continue
        }
        break
      }
      if (victim === NONE) {
        const evict = candidate
        candidate = this.before(candidate)
        this.evict(evict, "rejected")
        continue
      }
      if (candidate === NONE) {
        victim = this.evictVictim(victim, victimQueue)
        continue
      }
      if (candidate === victim) {
        victim = this.evictVictim(victim, victimQueue)
        candidate = NONE
        continue
      }
      if (this.admit(candidate, victim)) {
        victim = this.evictVictim(victim, victimQueue)
        candidate = this.before(candidate)
      } else {
        const evict = candidate
        candidate = this.before(candidate)
        this.evict(evict, "rejected")
      }
    }
  }

  /** TinyLFU admission (both are resident slots): the candidate must be strictly more popular than the victim. */
  private admit(candidate: number, victim: number): boolean {
    const victimFreq = this.sketch.residentFrequency(victim)
    const candidateFreq = this.sketch.residentFrequency(candidate)
    if (candidateFreq > victimFreq) return true
    if (candidateFreq >= ADMIT_JITTER_THRESHOLD) {
      // An attacker who floods the sketch to make one victim look hot cannot pin it forever:
      // popular candidates still get in now and then (Caffeine).
      let x = this.rng
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      this.rng = x
      return (x & 127) === 0
    }
    return false
  }

  /** Unused prefetched entries sit at probation's LRU end; they go before any demand-loaded entry. */
  private evictUnusedPrefetched(): void {
    while (this.prefetchedResident > 0 && this.overBudget()) {
      // Usually the very first probation entries; scan forward past demand entries that were demoted behind them.
      let slot = this.first(PROBATION)
      while (slot !== NONE && (this.queue[slot] & PREFETCHED) === 0) slot = this.after(slot)
      if (slot === NONE) return
      this.evict(slot, "evicted")
    }
  }

  /**
   * Before a prefetched insert: keep unused prefetches under their share (default 10 % of the entry
   * capacity) and evict until one more entry of `bytes` fits, as if it were already resident.
   */
  private makeRoomForPrefetch(bytes: number): void {
    const cap = Math.max(1, Math.floor(this.maxEntries * (this.policy.maxPrefetchedShare ?? 0.1)))
    // At the cap, unused prefetches (probation's cold end) make way for the newcomer.
    while (this.prefetchedResident >= cap) {
      let slot = this.first(PROBATION)
      while (slot !== NONE && (this.queue[slot] & PREFETCHED) === 0) slot = this.after(slot)
      if (slot === NONE) break
      this.evict(slot, "evicted")
    }
    // Evict as if the newcomer were already resident.
    this.reservedEntries = 1
    this.reservedBytes = bytes
    try {
      this.evictIfNeeded()
    } finally {
      this.reservedEntries = 0
      this.reservedBytes = 0
    }
  }

  /** While over budget and some owner is above quota, evict that owner's least recently used entry. */
  private evictOverQuotaOwners(): void {
    while (this.overCount > 0 && this.overBudget()) {
      const owner = this.overList![0]
      const slot = this.ownerHead![owner]
      if (slot === NONE) return
      this.evict(slot, "evicted")
    }
  }

  private evict(slot: number, reason: EvictionReason): void {
    const key = this.keyList[slot]!
    const value = this.valueList[slot] as V
    const bytes = this.sizeOf(slot)
    const version = this.versions[slot]
    if ((this.queue[slot] & PREFETCHED) !== 0) this.prefetchedEvictedUnused++
    this.remove(slot)
    this.counters.evictions++
    this.onEvict?.(key, value, bytes, version, reason)
  }

  /** Unlinks a slot from every structure and frees it. */
  private remove(slot: number): void {
    // Its pending hits count before the slot is reused: the key's history stays in the sketch.
    this.sketch.countPending(slot)
    const q = this.queue[slot] & QUEUE_ID
    const bytes = this.sizeOf(slot)
    if (q === WINDOW) {
      this.windowEntries--
      this.windowBytes -= bytes
    } else if (q === PROTECTED) {
      this.protectedEntries--
      this.protectedBytes -= bytes
    }
    if ((this.queue[slot] & PREFETCHED) !== 0) this.prefetchedResident--
    if (this.ownerOf !== undefined) this.ownerRemove(slot)
    this.unlink(slot)
    this.index.delete(this.keyList[slot]!)
    this.keyList[slot] = undefined
    this.valueList[slot] = undefined
    this.totalBytes -= bytes
    // Last, once nothing reads the size any more (ownerRemove above does).
    if (this.sizes[slot] === SIZE_ESCAPE) this.forgetBigSize(slot)
    this.next[slot] = this.freeHead
    this.freeHead = slot
    this.counters.entries = this.index.size
    this.counters.bytes = this.totalBytes
  }

  // ---- adaptation -------------------------------------------------------------------------------

  /** One hill-climbing step on the hit rate since the previous step. */
  private climb(): void {
    const misses = this.sampleMisses
    const hits = this.samplePeriod - this.sampleLeft - misses
    this.requestsBefore += this.samplePeriod - this.sampleLeft
    this.sampleLeft = this.samplePeriod
    this.sampleMisses = 0
    if (this.climber === undefined) return
    // In LRU mode (full window) the real cache *is* the LRU shadow, and the small-window shadow
    // already tells, paired and low-noise, whether leaving helps: climbing would only wander.
    if (this.shadowsOn && this.windowShare === 1 && (this.policy.freezeAtLru ?? true)) return
    this.resizeWindow(this.climber!.sample(hits, misses))
  }

  /**
   * Starts the shadow duel once the cache is full (its entry count is now the capacity the shadows
   * model). From then on a clearly better shadow can move the window at the end of a duel period.
   */
  private startShadows(): void {
    const capacity = this.index.size
    const target = this.policy.shadowEntries ?? DEFAULT_SHADOW_ENTRIES
    let rate = 1
    while (capacity / (rate * 2) >= target && rate < MAX_SAMPLE_RATE) rate *= 2
    const sampled = capacity / rate
    const windows = this.policy.shadowWindows ?? DEFAULT_SHADOW_WINDOWS
    const shadows = new ShadowSet(sampled, windows, this.sketch, this.clock)
    this.shadows = shadows
    this.shadowWindows = windows.slice()
    this.sampleMask = (rate - 1) << 16
    this.sampleMatch = 0
    this.shadowsOn = true
    // Warm the shadows with what the real cache holds (coldest first), so the first duel compares
    // warm caches; cold shadows would lose it by default and delay a needed jump by a period.
    for (const q of [PROBATION, PROTECTED, WINDOW]) {
      for (let slot = this.first(q); slot !== NONE; slot = this.after(slot)) {
        const hash = this.hashes[slot]
        if (!this.inSample(hash)) continue
        // From now on its hits are counted at once (see SAMPLED): count the pending ones, drop a mark.
        this.sketch.countPending(slot)
        this.queue[slot] = (this.queue[slot] & ~PENDING_BITS) | SAMPLED
        shadows.access(hash)
      }
    }
    shadows.resetHits()
    this.duelPeriod = Math.max(64, Math.round((this.policy.shadowPeriod ?? DEFAULT_SHADOW_PERIOD) * sampled))
    this.decisiveLead = (this.policy.shadowDecisiveMargin ?? DEFAULT_DECISIVE_MARGIN) * this.duelPeriod
  }

  /** Whether the key with this hash is in the shadow sample (never before the shadows start). */
  private inSample(hash: number): boolean {
    return (Math.imul(hash, SAMPLE_SPREAD) & this.sampleMask) === this.sampleMatch
  }

  /** A sampled request: replay it in every shadow; at the end of a period, hold the duel. */
  private shadowAccess(hash: number, hit: number): void {
    this.sampledHits += hit
    const lead = this.shadows!.access(hash)
    // A decisive lead ends the period early: waiting for its end only prolongs a bad setting.
    if (++this.sampledRequests >= this.duelPeriod || lead - this.sampledHits > this.decisiveLead) this.duel()
  }

  /**
   * Jump to the best shadow's window share when it clearly beat the real cache over the period
   * (paired comparison on the same sampled requests). Fine-tuning between jumps is the climber's job.
   */
  private duel(): void {
    const real = this.sampledHits
    const requests = this.sampledRequests
    this.sampledHits = 0
    this.sampledRequests = 0
    let best = -1
    let bestHits = real + (this.policy.shadowMargin ?? 0.01) * requests
    const shadows = this.shadows!
    for (let i = 0; i < shadows.count; i++) {
      const hits = shadows.hits(i)
      // Ties go to the larger window (listed first): recency is the safer default.
      if (hits > bestHits) {
        best = i
        bestHits = hits
      }
    }
    shadows.resetHits()
    // One period can be luck; act only when the same shadow wins periods in a row ...
    const streak = best !== -1 && best === this.lastWinner ? this.winStreak + 1 : 1
    this.lastWinner = best
    this.winStreak = streak
    if (best === -1) return
    const target = this.shadowWindows[best]
    // ... unless the win is decisive: then one period is evidence enough.
    const decisive = bestHits - real > this.decisiveLead
    if ((decisive || streak >= (this.policy.shadowConfirm ?? 2)) && target !== this.windowShare) {
      this.climber!.jumpTo(target)
      this.requestsBefore += this.samplePeriod - this.sampleLeft
      this.sampleLeft = this.samplePeriod
      this.sampleMisses = 0
      this.resizeWindow(this.climber!.window)
    }
  }

  /** Applies a new window share: a larger window takes main's coldest entries, a smaller one drains. */
  private resizeWindow(share: number): void {
    if (share === this.windowShare) return
    const grew = share > this.windowShare
    this.windowShare = share
    this.updateLimits()
    if (grew) {
      // Caffeine's increaseWindow: the main area's coldest entries move into the window right away,
      // so the window is full at its new size and they get a second chance to prove themselves.
      this.demoteProtected()
      while (this.windowEntries < this.windowMaxEntries && this.windowBytes < this.windowMaxBytes) {
        let slot = this.first(PROBATION)
        if (slot === NONE) slot = this.first(PROTECTED)
        if (slot === NONE) break
        // Unused prefetched entries stay at probation's cold end: they have not earned a window place.
        if (this.windowBytes + this.sizeOf(slot) > this.windowMaxBytes || (this.queue[slot] & PREFETCHED) !== 0) break
        if ((this.queue[slot] & QUEUE_ID) === PROTECTED) {
          this.protectedEntries--
          this.protectedBytes -= this.sizeOf(slot)
        }
        this.unlink(slot)
        this.linkLast(WINDOW, slot)
        this.windowEntries++
        this.windowBytes += this.sizeOf(slot)
      }
    } else {
      this.drainWindow()
      this.demoteProtected()
    }
  }

  /** Derives the queue limits (entries and bytes) from the window and protected shares. */
  private updateLimits(): void {
    const w = this.windowShare
    this.windowMaxEntries = Math.max(1, Math.round(w * this.maxEntries))
    this.windowMaxBytes = Math.max(1, w * this.maxBytes)
    const main = 1 - w
    this.protectedMaxEntries = Math.floor(this.protectedShare * main * this.maxEntries)
    this.protectedMaxBytes = this.protectedShare * main * this.maxBytes
  }

  private samplePeriodFor(capacity: number): number {
    if (this.climber === undefined) return NO_CLIMBER_PERIOD
    return this.policy.samplePeriod ?? Math.max(MIN_SAMPLE_PERIOD, 10 * capacity)
  }

  private newSketch(): FrequencySketch {
    return new FrequencySketch({
      capacity: this.capacity,
      sampleSize: (this.policy.sketchSampleFactor ?? DEFAULT_SKETCH_SAMPLE_FACTOR) * this.capacity,
      doorkeeper: this.policy.doorkeeper ?? false,
      resident: { flags: this.queue, hashes: this.hashes },
    })
  }

  // ---- slots ------------------------------------------------------------------------------------

  private allocate(): number {
    if (this.freeHead !== NONE) {
      const slot = this.freeHead
      this.freeHead = this.next[slot]
      return slot
    }
    if (this.fresh === this.capacity + FIRST_SLOT) this.grow()
    return this.fresh++
  }

  /**
   * Doubles the slot arrays (up to maxEntries + the one extra slot an insert needs before it evicts).
   * The sketch is rebuilt for the larger population: its counters were sized for fewer keys.
   */
  private grow(): void {
    const capacity = Math.min(this.maxEntries + 1, this.capacity * 2)
    const n = capacity + FIRST_SLOT
    this.next = growInt32(this.next, n)
    this.prev = growInt32(this.prev, n)
    this.queue = growUint8(this.queue, n)
    this.hashes = growInt32(this.hashes, n)
    this.sizes = growUint16(this.sizes, n)
    const versions = this.versions instanceof Float64Array ? new Float64Array(n) : new Uint32Array(n)
    versions.set(this.versions)
    this.versions = versions
    if (this.ownerOf !== undefined) {
      const owners = new Uint16Array(n)
      owners.set(this.ownerOf)
      this.ownerOf = owners
      this.ownerNext = growInt32(this.ownerNext!, n)
      this.ownerPrev = growInt32(this.ownerPrev!, n)
    }
    this.capacity = capacity
    // Start a sketch sized for the new population, each resident key counted once. Measured against
    // carrying the old counts over and against a sketch sized for maxEntries from the start (both
    // keep warm-up frequencies): mean regret 0.72 → 0.80 / 0.81 on the shared traces,
    // libcachesim_cloudphysicsio 10 % −4.9 points, agent trace at 3 000 entries 81.80 → 79.31
    // (docs/l1-policy.md). Forgetting at each doubling is, in effect, an extra aging step in warm-up.
    const sketch = this.newSketch()
    for (let slot = FIRST_SLOT; slot < this.fresh; slot++) if (this.keyList[slot] !== undefined) sketch.increment(this.hashes[slot])
    this.sketch = sketch
    if (this.shadows !== undefined) this.shadows.sketch = sketch
    // The sample in progress keeps its length so far and runs to the new period.
    const period = this.samplePeriodFor(capacity)
    this.sampleLeft += period - this.samplePeriod
    this.samplePeriod = period
  }

  /** The entry's size in bytes (exact). */
  private sizeOf(slot: number): number {
    const size = this.sizes[slot]
    return size !== SIZE_ESCAPE ? size : this.bigSizes.get(slot)!
  }

  private storeSize(slot: number, bytes: number): void {
    if (this.sizes[slot] === SIZE_ESCAPE) this.bigSizes.delete(slot)
    if (bytes < SIZE_ESCAPE && (bytes | 0) === bytes) {
      this.sizes[slot] = bytes
    } else {
      this.sizes[slot] = SIZE_ESCAPE
      this.bigSizes.set(slot, bytes)
    }
  }

  /** Drops a freed slot's side-table size (and the escape, so a reuse starts clean). */
  private forgetBigSize(slot: number): void {
    this.bigSizes.delete(slot)
    this.sizes[slot] = 0
  }

  private storeVersion(slot: number, version: Version): void {
    if (version >>> 0 !== version && !(this.versions instanceof Float64Array)) this.versions = Float64Array.from(this.versions)
    this.versions[slot] = version
  }

  /**
   * Evicts `victim` (of queue `q`) and returns the next one: in probation the walk goes on toward
   * MRU from where it was; window and protected victims come from the cold end, past the hand.
   */
  private evictVictim(victim: number, q: number): number {
    if (q === PROBATION) {
      const next = this.after(victim)
      this.evict(victim, "evicted")
      return next
    }
    this.evict(victim, "evicted")
    return this.coldest(q)
  }

  /**
   * The coldest entry of window or protected, or NONE if the queue is empty. In CLOCK mode the hand
   * first passes referenced entries: each moves to the MRU end with its bit cleared (its second
   * chance), so the loop ends within one lap. In LRU mode it is simply the LRU entry.
   */
  private coldest(q: number): number {
    const next = this.next
    const queue = this.queue
    let slot = next[q]
    while (slot !== q && (queue[slot] & REFERENCED) !== 0) {
      this.unlink(slot)
      this.linkLast(q, slot)
      slot = next[q]
    }
    return slot === q ? NONE : slot
  }

  private first(q: number): number {
    const s = this.next[q]
    return s === q ? NONE : s
  }

  private last(q: number): number {
    const s = this.prev[q]
    return s === q ? NONE : s
  }

  /** The next slot toward MRU in the same queue, or NONE at the end. */
  private after(slot: number): number {
    const s = this.next[slot]
    return s < FIRST_SLOT ? NONE : s
  }

  /** The next slot toward LRU in the same queue, or NONE at the start. */
  private before(slot: number): number {
    const s = this.prev[slot]
    return s < FIRST_SLOT ? NONE : s
  }

  private unlink(slot: number): void {
    unlinkSlot(this.next, this.prev, slot)
  }

  /** Appends at the MRU end of queue q. */
  private linkLast(q: number, slot: number): void {
    linkSlotLast(this.next, this.prev, q, slot)
    // A new queue byte: the old one's flags go, except SAMPLED (a property of the key) and the sketch's bits.
    this.queue[slot] = q | (this.queue[slot] & KEPT_ON_RELINK)
  }

  /** Prepends at the LRU end of queue q. */
  private linkFirst(q: number, slot: number): void {
    linkSlotFirst(this.next, this.prev, q, slot)
    this.queue[slot] = q | (this.queue[slot] & KEPT_ON_RELINK)
  }

  // ---- owners -----------------------------------------------------------------------------------

  private ownerAdd(slot: number, owner: number, bytes: number): void {
    this.ownerOf![slot] = owner
    const tail = this.ownerTail![owner]
    this.ownerPrev![slot] = tail
    this.ownerNext![slot] = NONE
    if (tail === NONE) this.ownerHead![owner] = slot
    else this.ownerNext![tail] = slot
    this.ownerTail![owner] = slot
    this.setOwnerBytes(owner, this.ownerBytesTable![owner] + bytes)
  }

  private ownerRemove(slot: number): void {
    const owner = this.ownerOf![slot]
    const p = this.ownerPrev![slot]
    const n = this.ownerNext![slot]
    if (p === NONE) this.ownerHead![owner] = n
    else this.ownerNext![p] = n
    if (n === NONE) this.ownerTail![owner] = p
    else this.ownerPrev![n] = p
    this.setOwnerBytes(owner, this.ownerBytesTable![owner] - this.sizeOf(slot))
  }

  /** Keeps the owner's entries in access order, so quota eviction takes its least recently used. */
  private ownerTouch(slot: number): void {
    const owner = this.ownerOf![slot]
    if (this.ownerTail![owner] === slot) return
    const bytes = this.sizeOf(slot)
    this.ownerRemove(slot)
    this.ownerAdd(slot, owner, bytes)
  }

  private setOwnerBytes(owner: number, bytes: number): void {
    this.ownerBytesTable![owner] = bytes
    const over = bytes > this.ownerQuota
    const pos = this.overPos![owner]
    if (over && pos === 0) {
      this.overList![this.overCount] = owner
      this.overPos![owner] = ++this.overCount
    } else if (!over && pos !== 0) {
      const last = this.overList![--this.overCount]
      this.overList![pos - 1] = last
      this.overPos![last] = pos
      this.overPos![owner] = 0
    }
  }
}

function growInt32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n)
  b.set(a)
  return b
}

function growUint16(a: Uint16Array, n: number): Uint16Array {
  const b = new Uint16Array(n)
  b.set(a)
  return b
}

function growUint8(a: Uint8Array, n: number): Uint8Array {
  const b = new Uint8Array(n)
  b.set(a)
  return b
}
