/**
 * Prometheus metrics for a TierCache, built on prom-client.
 *
 * Everything the cache already counts (`cache.stats()`) is exported through collect callbacks, so
 * the hot path pays nothing: the numbers are read when Prometheus scrapes, not pushed per access.
 * One `stats()` snapshot serves every metric of a scrape (prom-client starts all collects in the
 * same tick; the snapshot is dropped on the next microtask).
 *
 * Latency: the cache keeps its own per-tier percentiles; they are exported as quantile gauges
 * (`tiercache_tier_hit_latency_seconds{tier,quantile}`). A real Prometheus histogram of request
 * durations by serving tier (`tiercache_get_duration_seconds`) is fed by `observeGet`, which
 * callers that time their own reads (the `simulate` command does) can use.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client"
import type { CacheStats, TierCacheHandle } from "../api.js"

/** Which level answered a read (the hierarchy's `onAccess` vocabulary). */
export type ServedBy = "l1" | "l2" | "l3" | "load" | "miss"

export interface CacheMetricsOptions {
  /** Registry to register into (default: a new one). Registering two caches in one registry needs distinct `prefix`es. */
  readonly registry?: Registry
  /** Metric name prefix (default `tiercache_`). */
  readonly prefix?: string
  /** Histogram buckets for `observeGet`, in seconds (default: 250 ns .. 1 s, roughly ×2.5 apart). */
  readonly buckets?: readonly number[]
}

export interface CacheMetrics {
  readonly registry: Registry
  /** Records one read's duration (nanoseconds) under the level that served it. */
  observeGet(servedBy: ServedBy, durationNs: number): void
  /** Prometheus text exposition of every metric in the registry. */
  text(): Promise<string>
  /** The content type to serve `text()` with. */
  readonly contentType: string
}

const DEFAULT_BUCKETS = [
  250e-9, 500e-9, 1e-6, 2.5e-6, 5e-6, 10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3,
  25e-3, 50e-3, 100e-3, 250e-3, 1,
]

const TIERS = ["l1", "l2", "l3"] as const
type TierName = (typeof TIERS)[number]

/**
 * Registers tiercache's metrics for `cache` and returns the registry (plus `observeGet`).
 * The second argument is a prom-client `Registry` to register into, or options.
 *
 * @example
 * const metrics = cacheMetrics(cache)
 * http.createServer(async (_, res) => res.end(await metrics.text())).listen(9464)
 */
export function cacheMetrics(cache: Pick<TierCacheHandle, "stats">, registryOrOptions: Registry | CacheMetricsOptions = {}): CacheMetrics {
  const options: CacheMetricsOptions = registryOrOptions instanceof Registry ? { registry: registryOrOptions } : registryOrOptions
  const registry = options.registry ?? new Registry()
  const p = options.prefix ?? "tiercache_"
  let snapshot: CacheStats | undefined
  const stats = (): CacheStats => {
    if (snapshot === undefined) {
      snapshot = cache.stats()
      queueMicrotask(() => {
        snapshot = undefined
      })
    }
    return snapshot
  }
  const registers = [registry]

  /** A counter mirroring a monotonic number the cache keeps, one series per tier. */
  const tierCounter = (name: string, help: string, read: (s: CacheStats, tier: TierName) => number): void => {
    new Counter({
      name: `${p}${name}`,
      help,
      labelNames: ["tier"],
      registers,
      collect() {
        const s = stats()
        this.reset()
        for (const tier of TIERS) this.inc({ tier }, read(s, tier))
      },
    })
  }
  const tierGauge = (name: string, help: string, read: (s: CacheStats, tier: TierName) => number): void => {
    new Gauge({
      name: `${p}${name}`,
      help,
      labelNames: ["tier"],
      registers,
      collect() {
        const s = stats()
        for (const tier of TIERS) this.set({ tier }, read(s, tier))
      },
    })
  }
  const counter = (name: string, help: string, read: (s: CacheStats) => number | undefined): void => {
    new Counter({
      name: `${p}${name}`,
      help,
      registers,
      collect() {
        const v = read(stats())
        this.reset()
        if (v !== undefined) this.inc(v)
      },
    })
  }
  const gauge = (name: string, help: string, read: (s: CacheStats) => number | undefined): void => {
    new Gauge({
      name: `${p}${name}`,
      help,
      registers,
      collect() {
        const v = read(stats())
        if (v !== undefined) this.set(v)
      },
    })
  }

  tierCounter("tier_hits_total", "Reads answered by this tier.", (s, t) => s[t].hits)
  tierCounter("tier_misses_total", "Reads that reached this tier and missed it.", (s, t) => s[t].misses)
  tierCounter("tier_evictions_total", "Entries dropped by this tier for capacity.", (s, t) => s[t].evictions)
  tierCounter("tier_promotions_total", "Entries promoted out of this tier on a hit.", (s, t) => s[t].promotions)
  tierCounter("tier_demotions_total", "Entries demoted into the next tier on eviction.", (s, t) => s[t].demotions)
  tierGauge("tier_entries", "Entries currently held by this tier.", (s, t) => s[t].entries)
  tierGauge("tier_bytes", "Bytes currently held (L1 serialized, L2 stored/compressed, L3 blob bytes).", (s, t) => s[t].bytes)

  new Gauge({
    name: `${p}tier_hit_latency_seconds`,
    help: "Hit latency percentiles per tier, as measured by the cache (quantile 1 = max).",
    labelNames: ["tier", "quantile"],
    registers,
    collect() {
      const s = stats()
      for (const tier of TIERS) {
        const l = s[tier].latency
        this.set({ tier, quantile: "0.5" }, l.p50Ns / 1e9)
        this.set({ tier, quantile: "0.95" }, l.p95Ns / 1e9)
        this.set({ tier, quantile: "0.99" }, l.p99Ns / 1e9)
        this.set({ tier, quantile: "1" }, l.maxNs / 1e9)
      }
    },
  })
  tierCounter("tier_hit_latency_samples_total", "Hits whose latency the cache recorded.", (s, t) => s[t].latency.count)

  gauge("l2_compressed_entries", "L2 entries stored compressed.", (s) => s.l2.compressedEntries)
  gauge("l2_raw_bytes", "Uncompressed bytes of the values in L2.", (s) => s.l2.rawBytes)
  counter("l3_quarantined_total", "L3 blobs that failed verification and were quarantined.", (s) => s.l3.quarantined)
  counter("gets_total", "Reads (get) issued to the cache.", (s) => s.gets)
  counter("puts_total", "Acknowledged puts.", (s) => s.puts)
  counter("invalidations_total", "Invalidations.", (s) => s.invalidations)
  counter("loads_total", "Reads answered by the loader.", (s) => s.loads)
  counter("load_errors_total", "Loader failures.", (s) => s.loadErrors)
  counter("misses_total", "Reads that found the key nowhere.", (s) => s.misses)
  counter("stale_fills_dropped_total", "Fills or promotions refused because a newer put/invalidate overtook them.", (s) => s.staleFillsDropped)

  // Prefetch metrics exist only for caches built with a prefetcher (fixed at construction), so a
  // cache without one does not export misleading zeros.
  if (cache.stats().prefetch !== undefined) {
    counter("prefetch_issued_total", "Prefetches issued.", (s) => s.prefetch?.issued)
    counter("prefetch_used_total", "Prefetched entries later read by demand.", (s) => s.prefetch?.used)
    counter("prefetch_wasted_bytes_total", "Bytes prefetched and never used.", (s) => s.prefetch?.wastedBytes)
    gauge("prefetch_accuracy_ratio", "used / issued.", (s) => s.prefetch?.accuracy)
    gauge("prefetch_coverage_ratio", "Demand misses avoided / demand misses without prefetch.", (s) => s.prefetch?.coverage)
    gauge("prefetch_timeliness_ratio", "Prefetched entries resident before their first demand access / used.", (s) => s.prefetch?.timeliness)
    gauge("prefetch_false_positive_ratio", "unused / issued.", (s) => s.prefetch?.falsePositiveRate)
  }

  const getDuration = new Histogram({
    name: `${p}get_duration_seconds`,
    help: "Duration of reads by the level that served them (fed by observeGet).",
    labelNames: ["served_by"],
    buckets: [...(options.buckets ?? DEFAULT_BUCKETS)],
    registers,
  })

  return {
    registry,
    observeGet(servedBy, durationNs) {
      getDuration.observe({ served_by: servedBy }, durationNs / 1e9)
    },
    text: () => registry.metrics(),
    get contentType() {
      return registry.contentType
    },
  }
}
