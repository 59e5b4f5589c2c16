/**
 * What the HTML report is drawn from. `simulate` fills it while it runs (one sample every N
 * operations); tests can build it synthetically. Plain JSON-able data, no behaviour.
 */

/** One periodic sample of a running simulation. */
export interface ReportSample {
  /** Operations completed when the sample was taken. */
  readonly ops: number
  readonly elapsedMs: number
  /**
   * Share of the reads in this interval answered by each level (so l1 + l2 + l3 = overall hit
   * ratio of the interval; the rest went to the loader or missed).
   */
  readonly hitRatio: { readonly overall: number; readonly l1: number; readonly l2: number; readonly l3: number }
  /** Cumulative prefetch accuracy (used / issued) so far; undefined when prefetch is off. */
  readonly prefetchAccuracy?: number
  /** Cumulative prefetch coverage so far, when known. */
  readonly prefetchCoverage?: number
  readonly heapUsedBytes: number
  readonly rssBytes: number
}

/** A latency histogram: counts per bucket, bucket i covering (upperNs[i-1], upperNs[i]]. */
export interface LatencyHistogram {
  /** "l1", "l2", "l3", "load", ... */
  readonly level: string
  readonly upperNs: readonly number[]
  readonly counts: readonly number[]
  readonly p50Ns: number
  readonly p99Ns: number
}

export interface ReportData {
  readonly title: string
  /** ISO timestamp. */
  readonly generatedAt: string
  /** The command line that produced the data, shown verbatim. */
  readonly command: string
  /** Summary rows (label, value) shown as a table above the plots. */
  readonly summary: ReadonlyArray<readonly [string, string]>
  readonly samples: readonly ReportSample[]
  readonly latency: readonly LatencyHistogram[]
}
