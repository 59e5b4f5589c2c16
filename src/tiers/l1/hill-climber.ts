/**
 * Sizes W-TinyLFU's admission window by hill climbing on the observed hit rate
 * (Einziger, Eytan, Friedman, Manes: "Adaptive Software Cache Management", Middleware 2018;
 * Caffeine's `BoundedLocalCache.climb`).
 *
 * Every sample period the climber compares the sample's hit rate with the previous one: if it
 * improved it keeps moving the window in the same direction, otherwise it reverses. Steps decay
 * geometrically so the window settles, and a large swing in hit rate (a workload change) restarts
 * with a full step. A large window makes L1 behave like LRU (recency wins: agent sessions, pure
 * recency traces); a small one makes it frequency-biased (loops, scans, skewed popularity).
 */
export interface HillClimberOptions {
  /** Window share of the cache at start (0..1). */
  readonly initial: number
  /** Smallest and largest window share the climber may choose. */
  readonly min: number
  readonly max: number
  /** First step, as a share of the cache (Caffeine: 0.0625). */
  readonly step: number
  /** Factor applied to the step after each sample without a restart (Caffeine: 0.98). */
  readonly decay: number
  /** Hit-rate change (absolute, 0..1) that counts as a workload change and restarts the step (Caffeine: 0.05). */
  readonly restartThreshold: number
}

export const DEFAULT_CLIMBER: HillClimberOptions = {
  initial: 0.01,
  min: 0,
  max: 1,
  step: 0.0625,
  decay: 0.98,
  restartThreshold: 0.05,
}

export class HillClimber {
  /** Current window share of the cache. */
  window: number
  private step: number
  private previousHitRate = Number.NaN
  /** Samples taken so far (for tests and telemetry). */
  samples = 0

  constructor(private readonly options: HillClimberOptions) {
    this.window = options.initial
    this.step = options.step
  }

  /** Feeds one sample; returns the new window share. */
  sample(hits: number, misses: number): number {
    const total = hits + misses
    if (total === 0) return this.window
    const hitRate = hits / total
    this.samples++
    if (Number.isNaN(this.previousHitRate)) {
      // First sample: nothing to compare with; just take a step upward to have a direction.
      this.previousHitRate = hitRate
      return this.move(this.step)
    }
    const change = hitRate - this.previousHitRate
    this.previousHitRate = hitRate
    // Improvement (or no change): keep going the same way; worse: turn around.
    const amount = change >= 0 ? this.step : -this.step
    this.step =
      Math.abs(change) >= this.options.restartThreshold
        ? this.options.step * Math.sign(amount)
        : this.options.decay * amount
    return this.move(amount)
  }

  /**
   * Jumps to `share` (e.g. the setting a shadow simulation showed to be better) and restarts the
   * search from there with a full step in the same direction as the jump.
   */
  jumpTo(share: number): void {
    const direction = share >= this.window ? 1 : -1
    this.window = Math.min(this.options.max, Math.max(this.options.min, share))
    this.step = this.options.step * direction
    this.previousHitRate = Number.NaN
  }

  private move(amount: number): number {
    const next = Math.min(this.options.max, Math.max(this.options.min, this.window + amount))
    // At a bound, keep pushing toward it only if it helps: flip the step so the next sample probes inward.
    if (next === this.window && amount !== 0) this.step = -this.step
    this.window = next
    return next
  }
}
