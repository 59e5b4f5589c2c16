/**
 * Prefetch accounting, per agent and global, and its conversion to the public `PrefetchStats`.
 *
 * Definitions (docs/prefetch.md has the long form):
 * - issued: prefetches handed to the target (after dedupe and budget).
 * - used: issued prefetches whose key was demanded (by any agent) while the prefetch was in flight
 *   or its copy still resident: before it was evicted, overwritten or failed. A copy still unread
 *   when its useful window (`usefulWindow` accesses of its agent) passes keeps waiting, and counts
 *   as used if a later demand hits it (`usedAfterWindow`): that demand would have missed without
 *   the prefetch, since a prefetch is only issued for a key that is not resident.
 * - timely: used prefetches that were complete (resident) when the demand arrived; a demand that
 *   finds the prefetch still in flight joins it (a "late" prefetch: used, not timely).
 * - unused: issued prefetches resolved without a demand — evicted, overwritten, not loaded (absent,
 *   failed, cancelled), or dropped unresolved (still in flight past its window, private key of an
 *   ended agent, or beyond the bound on waiting copies); `unusedEvicted` and `unusedOverwritten`
 *   break it down.
 * - windowMisses: issued prefetches not demanded within their useful window — what the accuracy
 *   throttle counts as failures (it needs prompt feedback); some of them are used later.
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
  /** Used, by a demand that came after the prefetch's useful window (a resident copy hit late). */
  usedAfterWindow = 0
  /** Unused because the copy was evicted before any demand. */
  unusedEvicted = 0
  /** Unused because the key was written before any demand read it. */
  unusedOverwritten = 0
  /** Not demanded within the useful window (the throttle's failures; some become used later). */
  windowMisses = 0
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
    this.usedAfterWindow += other.usedAfterWindow
    this.unusedEvicted += other.unusedEvicted
    this.unusedOverwritten += other.unusedOverwritten
    this.windowMisses += other.windowMisses
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
