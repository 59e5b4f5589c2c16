/**
 * End-to-end read latency by serving level, as an agent sees it (`await view.get(key)`), in
 * power-of-two nanosecond buckets: cheap to record (one Math.clz32), fine enough for a plot and
 * for percentiles within a factor of two. The cache's own per-tier timings (stats().l1.latency…)
 * measure inside the hierarchy; these include the promise round trip.
 */
import type { LatencyHistogram as ReportHistogram } from "../telemetry/report/report-data.js"

/** Bucket i holds latencies in (2^(i+7), 2^(i+8)] ns; bucket 0 everything ≤ 256 ns. */
const BUCKETS = 24
const FIRST_SHIFT = 8

export class LevelHistogram {
  readonly counts = new Float64Array(BUCKETS)
  total = 0

  record(ns: number): void {
    const v = Math.max(1, Math.ceil(ns))
    // Bucket = bit length of (v - 1) minus 8, clamped: 256 → 0, 257..512 → 1, …
    const bits = 32 - Math.clz32(Math.min(v - 1, 0x7fffffff))
    this.counts[Math.min(BUCKETS - 1, Math.max(0, bits - FIRST_SHIFT))]++
    this.total++
  }

  /** Upper bound (ns) of bucket i. */
  static upperNs(i: number): number {
    return 2 ** (i + FIRST_SHIFT)
  }

  /** The upper bound of the bucket holding the p-th percentile (0 when empty). */
  percentile(p: number): number {
    if (this.total === 0) return 0
    const rank = Math.ceil((p / 100) * this.total)
    let seen = 0
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]
      if (seen >= rank) return LevelHistogram.upperNs(i)
    }
    return LevelHistogram.upperNs(BUCKETS - 1)
  }

  /** The report's form: buckets trimmed to the populated range. */
  toReport(level: string): ReportHistogram {
    let lo = 0
    let hi = BUCKETS - 1
    while (lo < hi && this.counts[lo] === 0) lo++
    while (hi > lo && this.counts[hi] === 0) hi--
    const upperNs: number[] = []
    const counts: number[] = []
    for (let i = lo; i <= hi; i++) {
      upperNs.push(LevelHistogram.upperNs(i))
      counts.push(this.counts[i])
    }
    return { level, upperNs, counts, p50Ns: this.percentile(50), p99Ns: this.percentile(99) }
  }
}
