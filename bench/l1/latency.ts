/**
 * Hit latency of L1 `get` (the path `getIfPresent` takes) next to lru-cache `get`, in one run.
 *
 * Timer resolution and overhead (~30-100 ns per hrtime call) are larger than one get, so a sample
 * is the mean of a batch of `batch` gets; many samples feed an HDR histogram. Percentiles are
 * therefore percentiles of batch means (they understate single-get outliers such as a GC pause
 * inside a batch: those show up in max). Samples of the two caches alternate, so both see the
 * same background noise on a shared machine.
 */
import hdr from "hdr-histogram-js"
import type { Fixture } from "./fixtures.js"

export interface LatencyResult {
  readonly p50Ns: number
  readonly p99Ns: number
  readonly maxNs: number
  readonly meanNs: number
  readonly samples: number
  readonly batch: number
}

interface Gettable {
  get(key: string): { readonly id: number } | undefined
}

/** Histogram unit: 1/100 ns, so sub-nanosecond batch means keep their precision. */
const SCALE = 100

export function measureHits(
  caches: { name: string; cache: Gettable }[],
  f: Fixture,
  options: { samples: number; batch: number; warmupSamples: number },
): Record<string, LatencyResult> {
  const hists = caches.map(() => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 1e9, numberOfSignificantValueDigits: 3 }))
  const sums = caches.map(() => 0)
  const { keys, order } = f
  let pos = 0
  let sink = 0
  for (let s = -options.warmupSamples; s < options.samples; s++) {
    for (let c = 0; c < caches.length; c++) {
      const cache = caches[c].cache
      if (pos + options.batch > order.length) pos = 0
      const start = pos
      const t0 = process.hrtime.bigint()
      for (let i = 0; i < options.batch; i++) sink += cache.get(keys[order[start + i]])!.id
      const t1 = process.hrtime.bigint()
      if (s >= 0) {
        const perGet = Number(t1 - t0) / options.batch
        hists[c].recordValue(Math.max(1, Math.round(perGet * SCALE)))
        sums[c] += perGet
      }
    }
    pos += options.batch
  }
  if (sink === -1) console.log("unreachable")
  const out: Record<string, LatencyResult> = {}
  caches.forEach((c, i) => {
    const h = hists[i]
    out[c.name] = {
      p50Ns: h.getValueAtPercentile(50) / SCALE,
      p99Ns: h.getValueAtPercentile(99) / SCALE,
      maxNs: h.maxValue / SCALE,
      meanNs: sums[i] / options.samples,
      samples: options.samples,
      batch: options.batch,
    }
    h.destroy()
  })
  return out
}
