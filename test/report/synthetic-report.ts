/**
 * Synthetic report data with the shape a simulation produces: a warming cache (L1 share rising),
 * prefetch accuracy settling, heap growing then flat. Deterministic (no randomness) so failures
 * reproduce.
 */
import type { LatencyHistogram, ReportData, ReportSample } from "../../src/telemetry/report/report-data.js"

const BUCKETS = [250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000]

function histogram(level: string, peakIndex: number): LatencyHistogram {
  const counts = BUCKETS.map((_, i) => Math.max(0, Math.round(1000 * Math.exp(-((i - peakIndex) ** 2) / 2))))
  return { level, upperNs: BUCKETS, counts, p50Ns: BUCKETS[peakIndex], p99Ns: BUCKETS[Math.min(BUCKETS.length - 1, peakIndex + 2)] }
}

export function syntheticReport(samples = 40): ReportData {
  const list: ReportSample[] = []
  for (let i = 1; i <= samples; i++) {
    const warm = 1 - Math.exp(-i / 8)
    const l1 = 0.7 * warm
    const l2 = 0.15 * warm
    const l3 = 0.05
    list.push({
      ops: i * 5000,
      elapsedMs: i * 250,
      hitRatio: { overall: l1 + l2 + l3, l1, l2, l3 },
      prefetchAccuracy: 0.5 + 0.35 * warm,
      prefetchCoverage: 0.3 * warm,
      heapUsedBytes: (40 + 60 * warm) * 1024 * 1024,
      rssBytes: (90 + 70 * warm) * 1024 * 1024,
    })
  }
  return {
    title: "tiercache simulate — synthetic",
    generatedAt: "2026-01-01T00:00:00.000Z",
    command: "synthetic-report.ts",
    summary: [
      ["agents", "850"],
      ["hit ratio", "91.20 %"],
    ],
    samples: list,
    latency: [histogram("l1", 1), histogram("l2", 4), histogram("l3", 8)],
  }
}
