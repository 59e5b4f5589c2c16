/**
 * The prefetch budget, synchronous and clock-injected so the live scheduler and the offline
 * simulator share one implementation: at most `maxInFlight` prefetches at once, at most
 * `bytesPerSecond` (token bucket, burst = one second's worth), and one prefetch per key at a time.
 *
 * Over budget, a prediction is dropped, not queued: a queued prediction ages while it waits and
 * the agent has moved on by the time it would run; the next access makes a fresher one.
 */
export interface PrefetchBudgetOptions {
  /** Concurrent prefetches. Default 32. */
  readonly maxInFlight?: number
  /** Sustained prefetch bytes per second; Infinity = unlimited. Default Infinity. */
  readonly bytesPerSecond?: number
  /** Milliseconds clock (default `performance.now`). The simulator passes its own. */
  readonly now?: () => number
}

export type BudgetDecision = "ok" | "duplicate" | "in-flight-limit" | "byte-limit"

export class PrefetchBudget {
  readonly maxInFlight: number
  readonly bytesPerSecond: number
  private readonly now: () => number
  private readonly active = new Set<string>()
  private tokens: number
  private refilledAt: number
  /** Drops by reason (for reports). */
  readonly dropped = { duplicate: 0, inFlightLimit: 0, byteLimit: 0 }

  constructor(options: PrefetchBudgetOptions = {}) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 32)
    this.bytesPerSecond = options.bytesPerSecond ?? Number.POSITIVE_INFINITY
    if (!(this.bytesPerSecond > 0)) throw new RangeError(`bytesPerSecond must be > 0, got ${this.bytesPerSecond}`)
    this.now = options.now ?? (() => performance.now())
    this.tokens = this.bytesPerSecond
    this.refilledAt = this.now()
  }

  /** Claims budget for a prefetch of `key` of about `bytes` bytes; on "ok" the caller must `release` it. */
  tryAcquire(key: string, bytes: number): BudgetDecision {
    if (this.active.has(key)) {
      this.dropped.duplicate++
      return "duplicate"
    }
    if (this.active.size >= this.maxInFlight) {
      this.dropped.inFlightLimit++
      return "in-flight-limit"
    }
    if (this.bytesPerSecond !== Number.POSITIVE_INFINITY) {
      this.refill()
      // A value larger than the whole burst may still go when the bucket is full (else it never could).
      if (bytes > this.tokens && this.tokens < this.bytesPerSecond) {
        this.dropped.byteLimit++
        return "byte-limit"
      }
      this.tokens -= bytes
    }
    this.active.add(key)
    return "ok"
  }

  /** Returns the in-flight slot of `key` (idempotent). */
  release(key: string): void {
    this.active.delete(key)
  }

  isInFlight(key: string): boolean {
    return this.active.has(key)
  }

  get inFlight(): number {
    return this.active.size
  }

  private refill(): void {
    const t = this.now()
    const elapsed = t - this.refilledAt
    if (elapsed > 0) {
      this.tokens = Math.min(this.bytesPerSecond, this.tokens + (elapsed / 1000) * this.bytesPerSecond)
      this.refilledAt = t
    }
  }
}
