import { Registry } from "prom-client"
import { describe, expect, it } from "vitest"
import type { CacheStats, LatencySummary, TierStats } from "../../src/api.js"
import { cacheMetrics } from "../../src/telemetry/metrics.js"
import { serveMetrics } from "../../src/telemetry/metrics-server.js"

const latency = (p50: number): LatencySummary => ({ count: 10, p50Ns: p50, p95Ns: p50 * 2, p99Ns: p50 * 3, maxNs: p50 * 4 })
const tier = (hits: number, bytes: number, p50: number): TierStats => ({
  hits,
  misses: hits + 1,
  evictions: 3,
  promotions: 4,
  demotions: 5,
  entries: 6,
  bytes,
  latency: latency(p50),
})

function statsWith(hitsL1: number, prefetch = true): CacheStats {
  return {
    l1: tier(hitsL1, 1000, 500),
    l2: { ...tier(20, 2000, 5000), compressedEntries: 2, rawBytes: 4000 },
    l3: { ...tier(30, 3000, 50_000), quarantined: 1 },
    loads: 7,
    loadErrors: 0,
    staleFillsDropped: 2,
    misses: 9,
    gets: 100,
    puts: 11,
    invalidations: 12,
    ...(prefetch
      ? { prefetch: { issued: 50, used: 40, accuracy: 0.8, coverage: 0.5, timeliness: 0.9, falsePositiveRate: 0.2, wastedBytes: 640 } }
      : {}),
  }
}

/** The value of one sample line `name{labels} value` in Prometheus text. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `))
  if (line === undefined) throw new Error(`no series ${series} in:\n${text}`)
  return Number(line.slice(series.length + 1))
}

describe("cacheMetrics", () => {
  it("exports per-tier counters, gauges, latency quantiles and prefetch figures from stats()", async () => {
    let current = statsWith(10)
    const m = cacheMetrics({ stats: () => current })
    let text = await m.text()
    expect(sample(text, 'tiercache_tier_hits_total{tier="l1"}')).toBe(10)
    expect(sample(text, 'tiercache_tier_hits_total{tier="l3"}')).toBe(30)
    expect(sample(text, 'tiercache_tier_misses_total{tier="l2"}')).toBe(21)
    expect(sample(text, 'tiercache_tier_evictions_total{tier="l1"}')).toBe(3)
    expect(sample(text, 'tiercache_tier_bytes{tier="l2"}')).toBe(2000)
    expect(sample(text, 'tiercache_tier_hit_latency_seconds{tier="l2",quantile="0.99"}')).toBeCloseTo(15e-6, 12)
    expect(sample(text, "tiercache_prefetch_issued_total")).toBe(50)
    expect(sample(text, "tiercache_prefetch_accuracy_ratio")).toBe(0.8)
    expect(sample(text, "tiercache_l3_quarantined_total")).toBe(1)
    expect(text).toContain("# TYPE tiercache_tier_hits_total counter")
    expect(text).toContain("# TYPE tiercache_get_duration_seconds histogram")

    // Counters follow the cache's numbers on the next scrape (not accumulate them).
    current = statsWith(25)
    text = await m.text()
    expect(sample(text, 'tiercache_tier_hits_total{tier="l1"}')).toBe(25)
  })

  it("calls stats() once per scrape", async () => {
    let calls = 0
    const m = cacheMetrics({
      stats: () => {
        calls++
        return statsWith(1)
      },
    })
    const atRegistration = calls // one read to learn whether the cache has a prefetcher
    await m.text()
    expect(calls - atRegistration).toBe(1)
    await m.text()
    expect(calls - atRegistration).toBe(2)
  })

  it("omits prefetch values when the cache has no prefetcher", async () => {
    const text = await cacheMetrics({ stats: () => statsWith(1, false) }).text()
    expect(text).not.toMatch(/^tiercache_prefetch_issued_total \d/m)
  })

  it("records read durations into the served_by histogram", async () => {
    const m = cacheMetrics({ stats: () => statsWith(1) })
    m.observeGet("l1", 400)
    m.observeGet("l1", 800)
    m.observeGet("l3", 80_000)
    const text = await m.text()
    expect(sample(text, 'tiercache_get_duration_seconds_count{served_by="l1"}')).toBe(2)
    expect(sample(text, 'tiercache_get_duration_seconds_bucket{le="5e-7",served_by="l1"}')).toBe(1)
    expect(sample(text, 'tiercache_get_duration_seconds_bucket{le="0.0001",served_by="l3"}')).toBe(1)
  })

  it("shares a registry when given one, with distinct prefixes", async () => {
    const a = cacheMetrics({ stats: () => statsWith(1) })
    const b = cacheMetrics({ stats: () => statsWith(2) }, { registry: a.registry, prefix: "other_" })
    const text = await b.text()
    expect(sample(text, 'tiercache_tier_hits_total{tier="l1"}')).toBe(1)
    expect(sample(text, 'other_tier_hits_total{tier="l1"}')).toBe(2)
  })

  it("accepts a registry as the second argument", async () => {
    const registry = new Registry()
    const m = cacheMetrics({ stats: () => statsWith(5) }, registry)
    expect(m.registry).toBe(registry)
    expect(sample(await registry.metrics(), 'tiercache_tier_hits_total{tier="l1"}')).toBe(5)
  })

  it("serves Prometheus text over HTTP on 127.0.0.1", async () => {
    const m = cacheMetrics({ stats: () => statsWith(42) })
    const server = await serveMetrics(m, 0)
    try {
      const res = await fetch(server.url)
      expect(res.status).toBe(200)
      expect(res.headers.get("content-type")).toContain("text/plain")
      expect(sample(await res.text(), 'tiercache_tier_hits_total{tier="l1"}')).toBe(42)
      expect((await fetch(server.url.replace("/metrics", "/nope"))).status).toBe(404)
    } finally {
      await server.close()
    }
  })
})
