// Latency histogram lives in src/telemetry/latency.ts; its tests sit with the values tests because
// test/telemetry/ is shared with another helper.
import { describe, expect, it } from "vitest"
import { __test, LatencyHistogram, SampledLatency } from "../../src/telemetry/latency.js"

describe("LatencyHistogram", () => {
  it("maps every value into a bucket whose bounds contain it, within 6.25 %", () => {
    let prevUpper = -1
    for (let i = 0; i < __test.BUCKETS - 1; i++) {
      const upper = __test.upperBoundOf(i)
      expect(upper).toBeGreaterThan(prevUpper)
      expect(__test.bucketOf(upper)).toBe(i)
      expect(__test.bucketOf(prevUpper + 1)).toBe(i)
      const lower = prevUpper + 1
      if (lower >= 16) expect((upper - lower) / lower).toBeLessThanOrEqual(1 / 16)
      prevUpper = upper
    }
  })

  it("reports exact percentiles for small values and bounded error for large ones", () => {
    const h = new LatencyHistogram()
    for (let v = 1; v <= 10; v++) h.record(v)
    expect(h.percentile(50)).toBe(5)
    expect(h.percentile(100)).toBe(10)
    const g = new LatencyHistogram()
    for (let v = 1; v <= 100_000; v++) g.record(v * 10)
    for (const p of [50, 95, 99]) {
      const exact = p * 10_000
      const got = g.percentile(p)
      expect(got).toBeGreaterThanOrEqual(exact)
      expect(got).toBeLessThanOrEqual(exact * (1 + 1 / 16))
    }
    expect(g.summary()).toMatchObject({ count: 100_000, maxNs: 1_000_000 })
  })

  it("handles empty, zero, negative and huge values", () => {
    const h = new LatencyHistogram()
    expect(h.summary()).toEqual({ count: 0, p50Ns: 0, p95Ns: 0, p99Ns: 0, maxNs: 0 })
    h.record(-5)
    h.record(0)
    h.record(2 ** 50)
    expect(h.count).toBe(3)
    expect(h.percentile(100)).toBe(2 ** 50)
    h.reset()
    expect(h.count).toBe(0)
  })
})

describe("SampledLatency", () => {
  it("samples exactly one op in `period`, starting with the first", () => {
    const s = new SampledLatency(8)
    const picks: number[] = []
    for (let i = 0; i < 32; i++) if (s.shouldSample()) picks.push(i)
    expect(picks).toEqual([0, 8, 16, 24])
    expect(() => new SampledLatency(0)).toThrow(RangeError)
  })
})
