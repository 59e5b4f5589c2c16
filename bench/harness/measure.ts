/**
 * Timing helpers: per-operation latency percentiles from many batched samples (hdr-histogram-js),
 * and interleaved A/B comparison so two candidates see the same machine noise.
 *
 * Why batches: one `get` takes tens of nanoseconds, below the resolution and overhead of
 * `process.hrtime.bigint()` (~50–100 ns on this VM). Timing `batch` operations and dividing gives
 * the mean per operation inside the sample; percentiles are over samples. So "p99" here is the
 * 99th percentile of 1000-operation means — it shows GC pauses and noisy neighbours, not the tail
 * of a single operation; the docs say so wherever these numbers are quoted.
 */
import * as hdr from "hdr-histogram-js"

export interface LatencyStats {
  readonly samples: number
  readonly batch: number
  readonly p50Ns: number
  readonly p90Ns: number
  readonly p99Ns: number
  readonly maxNs: number
  readonly meanNs: number
  /** Operations per second at the mean. */
  readonly opsPerSec: number
}

export interface BatchOptions {
  /** Operations per timed sample (default 1000). */
  readonly batch?: number
  /** Timed samples (default 2000). */
  readonly samples?: number
  /** Untimed samples first, for the JIT (default samples / 10). */
  readonly warmup?: number
}

/** A histogram of nanoseconds with 0.1 % precision (values are ns × 1000 to keep fractions). */
function newHistogram(): hdr.Histogram {
  return hdr.build({ bitBucketSize: 64, numberOfSignificantValueDigits: 3, useWebAssembly: false })
}

/** Summarises per-operation times (ns) recorded × 1000 in `h`. */
function summarise(h: hdr.Histogram, batch: number): LatencyStats {
  const ns = (v: number): number => v / 1000
  return {
    samples: h.totalCount,
    batch,
    p50Ns: ns(h.getValueAtPercentile(50)),
    p90Ns: ns(h.getValueAtPercentile(90)),
    p99Ns: ns(h.getValueAtPercentile(99)),
    maxNs: ns(h.maxValue),
    meanNs: ns(h.mean),
    opsPerSec: h.mean > 0 ? 1e12 / h.mean : 0,
  }
}

/**
 * Times `op(i)` for i in 0..batch-1, `samples` times. `op` should return something derived from
 * its work (the sum is kept in a sink) so the JIT cannot drop it.
 */
export function measureBatched(op: (i: number) => unknown, options: BatchOptions = {}): LatencyStats {
  const batch = options.batch ?? 1000
  const samples = options.samples ?? 2000
  const warmup = options.warmup ?? Math.ceil(samples / 10)
  const h = newHistogram()
  for (let s = 0; s < warmup + samples; s++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < batch; i++) sink(op(i))
    const dt = Number(process.hrtime.bigint() - t0)
    if (s >= warmup) h.recordValue(Math.round((dt * 1000) / batch))
  }
  return summarise(h, batch)
}

export interface AbComparison {
  readonly a: LatencyStats
  readonly b: LatencyStats
  /** a.p50 / b.p50: below 1 means A is faster. */
  readonly medianRatio: number
  /** Median over samples of the per-pair ratio a/b (each pair timed back to back). */
  readonly pairedRatio: number
  /**
   * a.p10 / b.p10: the ratio of each side's fast samples — the ones no neighbour or GC interrupted.
   * On a heavily shared machine this is the steadiest of the three (bench/gate/README.md).
   */
  readonly lowRatio: number
}

/**
 * Times A and B alternately, batch for batch (order flipped every sample), so drifts in CPU
 * frequency or neighbour load hit both equally. `slowA` (0 = off) stretches each A sample by that
 * fraction of its own duration by spinning inside the timed window: a genuine, known slowdown
 * used to show that a gate catches it.
 */
export function compareInterleaved(
  a: (i: number) => unknown,
  b: (i: number) => unknown,
  options: BatchOptions & { readonly slowA?: number } = {},
): AbComparison {
  const batch = options.batch ?? 1000
  const samples = options.samples ?? 2000
  const warmup = options.warmup ?? Math.ceil(samples / 10)
  const slowA = options.slowA ?? 0
  const ha = newHistogram()
  const hb = newHistogram()
  const ratios = new Float64Array(samples)
  const timeA = (): number => {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < batch; i++) sink(a(i))
    let t1 = process.hrtime.bigint()
    if (slowA > 0) {
      const until = t1 + BigInt(Math.round(Number(t1 - t0) * slowA))
      while ((t1 = process.hrtime.bigint()) < until) {
        // spin: the injected slowdown
      }
    }
    return Number(t1 - t0)
  }
  const timeB = (): number => {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < batch; i++) sink(b(i))
    return Number(process.hrtime.bigint() - t0)
  }
  for (let s = 0; s < warmup + samples; s++) {
    let da: number
    let db: number
    if (s & 1) {
      db = timeB()
      da = timeA()
    } else {
      da = timeA()
      db = timeB()
    }
    if (s < warmup) continue
    ha.recordValue(Math.round((da * 1000) / batch))
    hb.recordValue(Math.round((db * 1000) / batch))
    ratios[s - warmup] = da / Math.max(1, db)
  }
  const sa = summarise(ha, batch)
  const sb = summarise(hb, batch)
  ratios.sort()
  const lowRatio = ha.getValueAtPercentile(10) / hb.getValueAtPercentile(10)
  return { a: sa, b: sb, medianRatio: sa.p50Ns / sb.p50Ns, pairedRatio: ratios[Math.floor(samples / 2)], lowRatio }
}

let sinkValue = 0
/** Keeps results observable so the JIT cannot eliminate the measured work. */
function sink(v: unknown): void {
  if (v === sinkValue) sinkValue = (sinkValue + 1) | 0
}

/** Percentile summary of a list of plain numbers (for repeated-run spreads). */
export function spread(values: readonly number[]): { n: number; min: number; median: number; max: number; mean: number; stdev: number } {
  const v = [...values].sort((x, y) => x - y)
  const n = v.length
  const mean = v.reduce((s, x) => s + x, 0) / n
  const stdev = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, n - 1))
  return { n, min: v[0], median: n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, max: v[n - 1], mean, stdev }
}
