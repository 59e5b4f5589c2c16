/**
 * The cache model of the offline prefetch simulator: an exact LRU, bounded by entry count or by
 * bytes, with a bounded probation area for prefetched entries (pollution control).
 *
 * - Demand-fetched entries live in `main`, in LRU order.
 * - Prefetched entries enter `probation` (FIFO) and move to `main` on their first demand hit.
 *   Probation holds at most `probationFraction` of the capacity, so unused prefetches can never
 *   displace more than that share of the demand working set; when it is full the oldest unused
 *   prefetch goes first.
 * - When the cache is over capacity the victim is the older of main's LRU entry and probation's
 *   oldest (by last touch), so across both areas eviction is plain LRU order.
 *
 * With no prefetches this is exactly LRU (tested against lru-cache; in byte mode it reproduces
 * libCacheSim's LRU regression numbers), which is what makes "prefetch on vs off at equal size" a
 * fair comparison.
 */
export type EvictListener = (key: string, prefetchedUnused: boolean) => void

/** What the replay needs from a cache model (SimCache, or the real L1 through l1-model.ts). */
export interface CacheModel {
  has(key: string): boolean
  /** A demand access: true on a hit; a miss inserts the key. */
  access(key: string, now: number, bytes?: number): boolean
  /** Installs a completed prefetch; false when already resident or not admitted. */
  insertPrefetched(key: string, now: number, bytes?: number): boolean
  delete(key: string): boolean
}

export class SimCache implements CacheModel {
  /** key → last touch time; Map order is LRU → MRU. */
  private readonly main = new Map<string, number>()
  /** key → insert time; Map order is oldest → newest. */
  private readonly probation = new Map<string, number>()
  /** key → charged size (byte mode only). */
  private readonly sizes: Map<string, number> | undefined
  private used = 0
  private probationUsed = 0
  readonly probationCapacity: number

  /**
   * @param capacity entries, or bytes when `byteSized`
   * @param byteSized charge each entry its size in bytes instead of 1
   */
  constructor(
    readonly capacity: number,
    probationFraction: number,
    private readonly onEvict: EvictListener = () => {},
    byteSized = false,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be >= 1, got ${capacity}`)
    this.probationCapacity = Math.max(1, Math.floor(capacity * probationFraction))
    this.sizes = byteSized ? new Map() : undefined
  }

  /** Entries held. */
  get size(): number {
    return this.main.size + this.probation.size
  }

  /** Capacity units held (entries, or bytes in byte mode). */
  get usedCapacity(): number {
    return this.used
  }

  has(key: string): boolean {
    return this.main.has(key) || this.probation.has(key)
  }

  private charge(key: string, bytes: number): number {
    if (this.sizes === undefined) return 1
    this.sizes.set(key, bytes)
    return bytes
  }

  private chargeOf(key: string): number {
    return this.sizes === undefined ? 1 : this.sizes.get(key)!
  }

  /** A demand read (or write) at time `now`: true on a hit. A miss inserts the key. */
  access(key: string, now: number, bytes = 1): boolean {
    if (this.main.has(key)) {
      this.main.delete(key)
      this.main.set(key, now)
      this.resize(key, bytes)
      return true
    }
    if (this.probation.delete(key)) {
      this.probationUsed -= this.chargeOf(key)
      this.main.set(key, now)
      this.resize(key, bytes)
      return true
    }
    this.main.set(key, now)
    this.used += this.charge(key, bytes)
    this.evictOverflow()
    return false
  }

  /** Byte mode: a value rewritten with a new size is re-charged. */
  private resize(key: string, bytes: number): void {
    if (this.sizes === undefined) return
    const old = this.sizes.get(key)!
    if (old === bytes) return
    this.sizes.set(key, bytes)
    this.used += bytes - old
    this.evictOverflow()
  }

  /** Installs a completed prefetch; false when the key is already resident. */
  insertPrefetched(key: string, now: number, bytes = 1): boolean {
    if (this.has(key)) return false
    const charge = this.sizes === undefined ? 1 : bytes
    while (this.probation.size > 0 && this.probationUsed + charge > this.probationCapacity) this.evictProbationOldest()
    this.probation.set(key, now)
    this.charge(key, bytes)
    this.used += charge
    this.probationUsed += charge
    this.evictOverflow()
    return true
  }

  /** Removes a key (an agent's private key on agent end). */
  delete(key: string): boolean {
    if (this.main.delete(key)) {
      this.used -= this.chargeOf(key)
    } else if (this.probation.delete(key)) {
      const c = this.chargeOf(key)
      this.used -= c
      this.probationUsed -= c
    } else {
      return false
    }
    this.sizes?.delete(key)
    return true
  }

  private evictOverflow(): void {
    while (this.used > this.capacity && this.size > 0) {
      const p = this.probation.size > 0 ? this.probation.entries().next().value : undefined
      const m = this.main.size > 0 ? this.main.entries().next().value : undefined
      if (p !== undefined && (m === undefined || p[1] <= m[1])) {
        this.evictProbationOldest()
      } else {
        const key = m![0]
        this.main.delete(key)
        this.used -= this.chargeOf(key)
        this.sizes?.delete(key)
        this.onEvict(key, false)
      }
    }
  }

  private evictProbationOldest(): void {
    const key = this.probation.keys().next().value as string
    this.probation.delete(key)
    const c = this.chargeOf(key)
    this.used -= c
    this.probationUsed -= c
    this.sizes?.delete(key)
    this.onEvict(key, true)
  }
}
