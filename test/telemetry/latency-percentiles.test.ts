/**
 * Percentile edges of the latency histogram (src/telemetry/latency.ts): p = 0 reports the
 * smallest bucket holding a value, p above 100 (or NaN) clamps to the exact maximum, and values in
 * the last (open-ended) bucket report the exact maximum rather than a bucket bound.
 */
import { describe, expect, it } from "vitest"
import { LatencyHistogram } from "../../src/telemetry/latency.js"

describe("LatencyHistogram percentiles at the edges", () => {
  it("p = 0 is the first recorded value's bucket bound; p > 100 and NaN clamp to the maximum", () => {
    const h = new LatencyHistogram()
    for (const v of [3, 7, 1000]) h.record(v)
    expect(h.percentile(0)).toBe(3)
    expect(h.percentile(100)).toBe(1000)
    expect(h.percentile(150)).toBe(1000)
    expect(h.percentile(Number.NaN)).toBe(1000)
  })

  it("a bucket bound above the maximum is capped to the maximum", () => {
    const h = new LatencyHistogram()
    h.record(1000) // bucket covers 1000..1023
    expect(h.percentile(50)).toBe(1000)
  })

  it("values beyond the tracked range all land in the last bucket and report the exact maximum", () => {
    const h = new LatencyHistogram()
    h.record(2 ** 45)
    h.record(2 ** 44)
    expect(h.percentile(50)).toBe(2 ** 45)
    expect(h.summary()).toEqual({ count: 2, p50Ns: 2 ** 45, p95Ns: 2 ** 45, p99Ns: 2 ** 45, maxNs: 2 ** 45 })
  })
})
