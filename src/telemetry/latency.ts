/**
 * An allocation-free latency histogram with log-linear buckets (the HDR-histogram layout, reduced):
 * values below 2^SUB_BITS nanoseconds get one bucket each; above, every power of two is split into
 * 2^SUB_BITS equal sub-buckets, so any recorded value is off by at most 1/2^SUB_BITS (6.25 %) of
 * itself. Counts live in one preallocated Uint32Array; `record` does integer math and one array
 * increment — no allocation, no branches that depend on history.
 *
 * The hierarchy records a SAMPLE of operations (see `SampledLatency`) so that timing costs almost
 * nothing on the hot path; percentiles of a uniform sample estimate the percentiles of all ops.
 */
import type { LatencySummary } from "../api.js"

const SUB_BITS = 4
const SUB = 1 << SUB_BITS
/** Highest power of two tracked (2^42 ns ≈ 73 min); larger values land in the last bucket. */
const MAX_EXP = 42
const BUCKETS = (MAX_EXP - SUB_BITS + 2) * SUB

/** Bucket index of a non-negative integer nanosecond value. */
function bucketOf(ns: number): number {
  if (ns < SUB) return ns
  // floor(log2(ns)): clz32 for 32-bit values (the common case: < 4.3 s), Math.log2 above.
  const exp = ns < 0x1_0000_0000 ? 31 - Math.clz32(ns) : Math.floor(Math.log2(ns))
  if (exp > MAX_EXP) return BUCKETS - 1
  const sub = Math.floor(ns / 2 ** (exp - SUB_BITS)) - SUB // 0 .. SUB-1
  return (exp - SUB_BITS + 1) * SUB + sub
}

/** The largest value that maps to bucket `i` (what percentiles report: a conservative upper bound). */
function upperBoundOf(i: number): number {
  if (i < SUB) return i
  const exp = Math.floor(i / SUB) - 1 + SUB_BITS
  const sub = i % SUB
  return (SUB + sub + 1) * 2 ** (exp - SUB_BITS) - 1
}

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS)
  private total = 0
  private max = 0

  /** Records one latency in nanoseconds (negative or NaN is recorded as 0). */
  record(ns: number): void {
    const v = ns > 0 ? Math.floor(ns) : 0
    this.counts[bucketOf(v)]++
    this.total++
    if (v > this.max) this.max = v
  }

  get count(): number {
    return this.total
  }

  /**
   * The value at percentile `p` (0..100): the upper bound of the bucket holding the p-th
   * recorded value, capped by the exact maximum. 0 when nothing was recorded.
   */
  percentile(p: number): number {
    if (this.total === 0) return 0
    const rank = Math.max(1, Math.ceil((p / 100) * this.total))
    let seen = 0
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]
      if (seen >= rank) return i === BUCKETS - 1 ? this.max : Math.min(upperBoundOf(i), this.max)
    }
    return this.max
  }

  summary(): LatencySummary {
    return { count: this.total, p50Ns: this.percentile(50), p95Ns: this.percentile(95), p99Ns: this.percentile(99), maxNs: this.max }
  }

  reset(): void {
    this.counts.fill(0)
    this.total = 0
    this.max = 0
  }
}

/** Nanoseconds from the monotonic clock as a double (performance.now allocates nothing, unlike hrtime.bigint). */
export function nowNs(): number {
  return performance.now() * 1e6
}

/**
 * A histogram fed with every `period`-th operation. `shouldSample()` is the only per-op cost when
 * not sampling (a counter decrement and a compare); callers time the op only when it says true:
 *
 *     const t0 = lat.shouldSample() ? nowNs() : -1
 *     ...op...
 *     if (t0 >= 0) lat.histogram.record(nowNs() - t0)
 *
 * `count` in the summary is the number of SAMPLES, not of operations.
 */
export class SampledLatency {
  readonly histogram = new LatencyHistogram()
  private countdown: number

  /** @param period sample one op in `period` (1 = every op). Must be ≥ 1. */
  constructor(private readonly period: number) {
    if (!(period >= 1)) throw new RangeError(`sampling period must be >= 1, got ${period}`)
    this.countdown = 1 // sample the first op, so short runs still report something
  }

  shouldSample(): boolean {
    if (--this.countdown > 0) return false
    this.countdown = this.period
    return true
  }
}

export const __test = { bucketOf, upperBoundOf, BUCKETS }
