/** SampledLatency's sampling schedule and the histogram's treatment of values it cannot time. */
import { describe, expect, it } from "vitest"
import { LatencyHistogram, nowNs, SampledLatency } from "../../src/telemetry/latency.js"

describe("SampledLatency", () => {
  it("samples the first operation, then every period-th", () => {
    const s = new SampledLatency(4)
    const picks = Array.from({ length: 13 }, () => s.shouldSample())
    expect(picks.flatMap((p, i) => (p ? [i] : []))).toEqual([0, 4, 8, 12])
  })

  it("period 1 samples every operation", () => {
    const s = new SampledLatency(1)
    expect([s.shouldSample(), s.shouldSample(), s.shouldSample()]).toEqual([true, true, true])
  })

  it.each([[0], [0.5], [-3], [Number.NaN]])("refuses period %s", (period) => {
    expect(() => new SampledLatency(period)).toThrow(new RangeError(`sampling period must be >= 1, got ${period}`))
  })
})

describe("LatencyHistogram inputs", () => {
  it("records negative and NaN durations as 0 (a clock step must not corrupt a bucket index)", () => {
    const h = new LatencyHistogram()
    h.record(-5)
    h.record(Number.NaN)
    h.record(2.9)
    expect(h.count).toBe(3)
    expect(h.summary()).toEqual({ count: 3, p50Ns: 0, p95Ns: 2, p99Ns: 2, maxNs: 2 })
    h.reset()
    expect(h.summary()).toEqual({ count: 0, p50Ns: 0, p95Ns: 0, p99Ns: 0, maxNs: 0 })
  })

  it("nowNs is monotonic nanoseconds", () => {
    const a = nowNs()
    const b = nowNs()
    expect(b).toBeGreaterThanOrEqual(a)
    expect(a).toBeGreaterThan(0)
  })
})
