/**
 * Prefetch accounting, per agent and global, and its conversion to the public `PrefetchStats`.
 *
 * Definitions (docs/prefetch.md has the long form):
 * - issued: prefetches handed to the target (after dedupe and budget).
 * - used: issued prefetches whose key was demanded (by any agent) before the prefetched copy was
 *   evicted, failed, or outlived its useful window.
 * - timely: used prefetches that were complete (resident) when the demand arrived; a demand that
 *   finds the prefetch still in flight joins it (a "late" prefetch: used, not timely).
 * - unused: issued prefetches resolved without a demand (evicted, expired, failed, agent ended).
 * - coverage: timely / (timely + demand misses) — the share of would-be misses that prefetch
 *   turned into hits. It is shadow accounting: it assumes the demand would have missed, which
 *   holds because a prefetch is only issued for a key that is not resident.
 */
import type { PrefetchStats } from "../api.js"

export class PrefetchCounters {
  issued = 0
  used = 0
  timely = 0
  unused = 0
  wastedBytes = 0
  /** Demand accesses seen. */
  accesses = 0
  /** Demand accesses not served by a hit tier. */
  misses = 0
  /** Predictions that passed the threshold (before gating, dedupe and budget). */
  predictions = 0
  /** Predictions withheld because the agent's (or kind's) recent precision is too low. */
  throttled = 0

  add(other: PrefetchCounters): void {
    this.issued += other.issued
    this.used += other.used
    this.timely += other.timely
    this.unused += other.unused
    this.wastedBytes += other.wastedBytes
    this.accesses += other.accesses
    this.misses += other.misses
    this.predictions += other.predictions
    this.throttled += other.throttled
  }
}

/** Converts counters to the public shape (ratios are 0 when their denominator is 0). */
export function toPrefetchStats(c: PrefetchCounters): PrefetchStats {
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b)
  return {
    issued: c.issued,
    used: c.used,
    accuracy: ratio(c.used, c.issued),
    coverage: ratio(c.timely, c.timely + c.misses),
    timeliness: ratio(c.timely, c.used),
    falsePositiveRate: ratio(c.unused, c.issued),
    wastedBytes: c.wastedBytes,
  }
}
