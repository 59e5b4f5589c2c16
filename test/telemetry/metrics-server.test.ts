/**
 * The Prometheus side of telemetry: what the registry holds for a cache (names, labels, prefix),
 * how scrapes behave when the cache's figures go missing or fail, and the scrape server's routes.
 */
import { afterEach, describe, expect, it } from "vitest"
import type { CacheStats, TierStats } from "../../src/api.js"
import { cacheMetrics } from "../../src/telemetry/metrics.js"
import { serveMetrics, type MetricsServer } from "../../src/telemetry/metrics-server.js"

const tier = (hits: number): TierStats => ({
  hits,
  misses: 1,
  evictions: 0,
  promotions: 0,
  demotions: 0,
  entries: 2,
  bytes: 64,
  latency: { count: 1, p50Ns: 1000, p95Ns: 2000, p99Ns: 3000, maxNs: 4000 },
})

function stats(prefetch: CacheStats["prefetch"]): CacheStats {
  return {
    l1: tier(1),
    l2: { ...tier(2), compressedEntries: 0, rawBytes: 64 },
    l3: { ...tier(3), quarantined: 0 },
    loads: 0,
    loadErrors: 0,
    staleFillsDropped: 0,
    misses: 0,
    gets: 6,
    puts: 1,
    invalidations: 0,
    ...(prefetch === undefined ? {} : { prefetch }),
  }
}

const PREFETCH = { issued: 10, used: 4, accuracy: 0.4, coverage: 0.25, timeliness: 1, falsePositiveRate: 0.6, wastedBytes: 96 }

function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

let server: MetricsServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe("cacheMetrics registry contents", () => {
  it("registers every documented metric under the prefix, with HELP and TYPE lines", async () => {
    const m = cacheMetrics({ stats: () => stats(PREFETCH) }, { prefix: "app_cache_" })
    const names = (await m.registry.getMetricsAsJSON()).map((x) => `${x.name}:${x.type}`).sort()
    expect(names).toEqual(
      [
        "app_cache_get_duration_seconds:histogram",
        "app_cache_gets_total:counter",
        "app_cache_invalidations_total:counter",
        "app_cache_l2_compressed_entries:gauge",
        "app_cache_l2_raw_bytes:gauge",
        "app_cache_l3_quarantined_total:counter",
        "app_cache_load_errors_total:counter",
        "app_cache_loads_total:counter",
        "app_cache_misses_total:counter",
        "app_cache_prefetch_accuracy_ratio:gauge",
        "app_cache_prefetch_coverage_ratio:gauge",
        "app_cache_prefetch_false_positive_ratio:gauge",
        "app_cache_prefetch_issued_total:counter",
        "app_cache_prefetch_timeliness_ratio:gauge",
        "app_cache_prefetch_used_total:counter",
        "app_cache_prefetch_wasted_bytes_total:counter",
        "app_cache_puts_total:counter",
        "app_cache_stale_fills_dropped_total:counter",
        "app_cache_tier_bytes:gauge",
        "app_cache_tier_demotions_total:counter",
        "app_cache_tier_entries:gauge",
        "app_cache_tier_evictions_total:counter",
        "app_cache_tier_hit_latency_samples_total:counter",
        "app_cache_tier_hit_latency_seconds:gauge",
        "app_cache_tier_hits_total:counter",
        "app_cache_tier_misses_total:counter",
        "app_cache_tier_promotions_total:counter",
      ].sort(),
    )
    const text = await m.text()
    expect(text).toContain("# HELP app_cache_tier_hits_total Reads answered by this tier.")
    expect(text).toContain("# TYPE app_cache_tier_hits_total counter")
    expect(value(text, 'app_cache_tier_hit_latency_seconds{tier="l2",quantile="1"}')).toBeCloseTo(4e-6, 15)
    expect(value(text, "app_cache_prefetch_wasted_bytes_total")).toBe(96)
  })

  it("uses custom histogram buckets for observeGet", async () => {
    const m = cacheMetrics({ stats: () => stats(undefined) }, { buckets: [1e-6, 1e-3] })
    m.observeGet("l1", 500) // 0.5 µs
    m.observeGet("load", 2_000_000) // 2 ms: above every bucket
    const text = await m.text()
    expect(value(text, 'tiercache_get_duration_seconds_bucket{le="0.000001",served_by="l1"}')).toBe(1)
    expect(value(text, 'tiercache_get_duration_seconds_bucket{le="0.001",served_by="load"}')).toBe(0)
    expect(value(text, 'tiercache_get_duration_seconds_bucket{le="+Inf",served_by="load"}')).toBe(1)
    expect(text).not.toContain('le="0.00000025"')
  })

  it("when the prefetcher stops reporting, its counters read 0 and its gauges keep the last figure", async () => {
    let current: CacheStats["prefetch"] = PREFETCH
    const m = cacheMetrics({ stats: () => stats(current) })
    expect(value(await m.text(), "tiercache_prefetch_issued_total")).toBe(10)
    current = undefined
    const text = await m.text()
    expect(value(text, "tiercache_prefetch_issued_total")).toBe(0)
    expect(value(text, "tiercache_prefetch_accuracy_ratio")).toBe(0.4)
    expect(value(text, 'tiercache_tier_hits_total{tier="l3"}')).toBe(3) // the rest is unaffected
  })
})

describe("serveMetrics", () => {
  const fetchText = async (url: string, init?: RequestInit): Promise<[number, string, string | null]> => {
    const res = await fetch(url, init)
    return [res.status, await res.text(), res.headers.get("content-type")]
  }

  it("answers GET /metrics and GET /, 404 for other paths and methods", async () => {
    const m = cacheMetrics({ stats: () => stats(undefined) })
    server = await serveMetrics(m, 0)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`)
    const [status, body, type] = await fetchText(server.url)
    expect(status).toBe(200)
    expect(type).toBe(m.contentType)
    expect(value(body, "tiercache_gets_total")).toBe(6)
    expect((await fetchText(server.url.replace("/metrics", "/")))[0]).toBe(200)
    const [s404, b404] = await fetchText(server.url.replace("/metrics", "/other"))
    expect([s404, b404]).toEqual([404, "not found; try /metrics\n"])
    expect((await fetchText(server.url, { method: "POST", body: "x" }))[0]).toBe(404)
  })

  it("a scrape whose figures cannot be read is a 500 with the error", async () => {
    let closed = false
    const failing = cacheMetrics({
      stats: () => {
        if (closed) throw new Error("cache is closed")
        return stats(undefined)
      },
    })
    closed = true
    server = await serveMetrics(failing, 0)
    const [status, body] = await fetchText(server.url)
    expect(status).toBe(500)
    expect(body).toBe("Error: cache is closed\n")
  })

  it("a port already in use rejects instead of hanging", async () => {
    const m = cacheMetrics({ stats: () => stats(undefined) })
    server = await serveMetrics(m, 0)
    await expect(serveMetrics(m, server.port)).rejects.toMatchObject({ code: "EADDRINUSE" })
  })
})
