/**
 * The cache model of the offline prefetch simulator: an exact, entry-counted LRU with a bounded
 * probation area for prefetched entries (pollution control).
 *
 * - Demand-fetched entries live in `main`, in LRU order.
 * - Prefetched entries enter `probation` (FIFO) and move to `main` on their first demand hit.
 *   Probation holds at most `probationFraction` × capacity entries, so unused prefetches can never
 *   displace more than that share of the demand working set; when it is full the oldest unused
 *   prefetch goes first.
 * - When the cache is over capacity the victim is the older of main's LRU entry and probation's
 *   oldest (by last touch), so across both areas eviction is plain LRU order.
 *
 * With no prefetches this is exactly LRU (tested against lru-cache), which is what makes
 * "prefetch on vs off at equal size" a fair comparison.
 */
export type EvictListener = (key: string, prefetchedUnused: boolean) => void

export class SimCache {
  /** key → last touch time; Map order is LRU → MRU. */
  private readonly main = new Map<string, number>()
  /** key → insert time; Map order is oldest → newest. */
  private readonly probation = new Map<string, number>()
  readonly probationCapacity: number

  constructor(
    readonly capacity: number,
    probationFraction: number,
    private readonly onEvict: EvictListener = () => {},
  ) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be >= 1, got ${capacity}`)
    this.probationCapacity = Math.max(1, Math.floor(capacity * probationFraction))
  }

  get size(): number {
    return this.main.size + this.probation.size
  }

  has(key: string): boolean {
    return this.main.has(key) || this.probation.has(key)
  }

  /** A demand read (or write) at time `now`: true on a hit. A miss inserts the key. */
  access(key: string, now: number): boolean {
    if (this.main.has(key)) {
      this.main.delete(key)
      this.main.set(key, now)
      return true
    }
    if (this.probation.delete(key)) {
      this.main.set(key, now)
      return true
    }
    this.main.set(key, now)
    this.evictOverflow()
    return false
  }

  /** Installs a completed prefetch; false when the key is already resident. */
  insertPrefetched(key: string, now: number): boolean {
    if (this.has(key)) return false
    if (this.probation.size >= this.probationCapacity) this.evictProbationOldest()
    this.probation.set(key, now)
    this.evictOverflow()
    return true
  }

  /** Removes a key (an agent's private key on agent end). */
  delete(key: string): boolean {
    return this.main.delete(key) || this.probation.delete(key)
  }

  private evictOverflow(): void {
    while (this.main.size + this.probation.size > this.capacity) {
      const p = this.probation.size > 0 ? this.probation.entries().next().value : undefined
      const m = this.main.size > 0 ? this.main.entries().next().value : undefined
      if (p !== undefined && (m === undefined || p[1] <= m[1])) this.evictProbationOldest()
      else {
        this.main.delete(m![0])
        this.onEvict(m![0], false)
      }
    }
  }

  private evictProbationOldest(): void {
    const key = this.probation.keys().next().value as string
    this.probation.delete(key)
    this.onEvict(key, true)
  }
}
