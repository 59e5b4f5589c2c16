/**
 * Hit latency of L1 `get` (the path `getIfPresent` takes) next to lru-cache `get`, in one run.
 *
 * Timer resolution and overhead (~30-100 ns per hrtime call) are larger than one get, so a sample
 * is the mean of a batch of `batch` gets; many samples feed an HDR histogram. Percentiles are
 * therefore percentiles of batch means (they understate single-get outliers such as a GC pause
 * inside a batch: those show up in max). Samples of the two caches alternate, so both see the
 * same background noise on a shared machine.
 *
 * Each cache reads its own stretch of the access order: cache c starts c / (number of caches) of
 * the way into it, so no batch reads keys that another cache's batch has just read. The caches share
 * the key strings (and L1 and lru-cache the value objects): when all walked the same stretch in
 * turn, the first to run a batch paid the CPU-cache misses for loading those keys and values, and
 * the next ones found them warm. At 100 000 keys that was worth ~50-100 ns per get to whichever cache
 * came first — L1, listed first, measured 0.71× lru-cache's throughput, and 1.0-1.3× with the order
 * of the two swapped (scratch A/B runs, 2026-11-26). Each stretch advances by one batch per sample,
 * so every cache reads the whole order equally often over a run.
 *
 * Each cache gets its own batch loop, compiled separately (`newBatchLoop`), so its `get` call site
 * only ever sees that cache's class, as in an application holding one cache (and as the perf
 * gate's per-cache closures do). One loop shared by both caches made that site polymorphic; that
 * slowed lru-cache's get (p50 58 → 48 ns at 1 000 entries once monomorphic) more than L1's
 * (~81 → ~78 ns), so the shared loop flattered L1: 0.74× became 0.61× with the same code.
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

/** A cache whose read method (`get`, or `getIfPresent` for tiercache's public API) is timed. */
export type Gettable = { get(key: string): { readonly id: number } | undefined } | { getIfPresent(key: string): unknown }

type BatchLoop = (cache: Gettable, keys: readonly string[], order: Uint32Array, start: number, n: number) => number

/**
 * A fresh copy of the batch loop calling `method`: `new Function` compiles a new function each
 * call, with its own type feedback (closures of one function literal would share theirs).
 */
function newBatchLoop(method: string): BatchLoop {
  return new Function("cache", "keys", "order", "start", "n", `let s = 0; for (let i = 0; i < n; i++) s += cache.${method}(keys[order[start + i]]).id; return s`) as BatchLoop
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
  const loops = caches.map((c) => newBatchLoop("getIfPresent" in c.cache ? "getIfPresent" : "get"))
  const { keys, order } = f
  const stretches = Math.floor(order.length / options.batch)
  if (stretches < caches.length) throw new Error(`access order too short: ${order.length} accesses for ${caches.length} caches of ${options.batch}-get batches`)
  let pos = 0
  let sink = 0
  for (let s = -options.warmupSamples; s < options.samples; s++) {
    for (let c = 0; c < caches.length; c++) {
      const cache = caches[c].cache
      // This cache's own stretch: c / caches.length of the way into the order from the shared position.
      const start = ((pos + Math.floor((c * stretches) / caches.length)) % stretches) * options.batch
      const t0 = process.hrtime.bigint()
      sink += loops[c](cache, keys, order, start, options.batch)
      const t1 = process.hrtime.bigint()
      if (s >= 0) {
        const perGet = Number(t1 - t0) / options.batch
        hists[c].recordValue(Math.max(1, Math.round(perGet * SCALE)))
        sums[c] += perGet
      }
    }
    pos++
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
