/**
 * The HTML report and its SVG charts at the edges: no samples, a single sample, prefetch off or
 * without coverage, empty and all-zero histograms, unknown levels, and text that needs escaping.
 * Pure string rendering, so these run in milliseconds (the browser test covers the look).
 */
import { describe, expect, it } from "vitest"
import { renderReport, shortNs } from "../../src/telemetry/report/render-report.js"
import type { ReportData, ReportSample } from "../../src/telemetry/report/report-data.js"
import { barChart, escapeXml, lineChart, niceTicks } from "../../src/telemetry/report/svg-chart.js"
import { syntheticReport } from "./synthetic-report.js"

const count = (html: string, re: RegExp): number => html.match(new RegExp(re.source, "g"))?.length ?? 0
/** The markup of the element `<svg id="id" ...>...</svg>`. */
const svg = (html: string, id: string): string => {
  const start = html.indexOf(`<svg id="${id}"`)
  expect(start).toBeGreaterThanOrEqual(0)
  return html.slice(start, html.indexOf("</svg>", start) + 6)
}

const sample = (ops: number, extra: Partial<ReportSample> = {}): ReportSample => ({
  ops,
  elapsedMs: ops / 10,
  hitRatio: { overall: 0.5, l1: 0.3, l2: 0.15, l3: 0.05 },
  heapUsedBytes: 10 * 1024 * 1024,
  rssBytes: 20 * 1024 * 1024,
  ...extra,
})

const base = (samples: ReportSample[], latency: ReportData["latency"] = []): ReportData => ({
  title: "t",
  generatedAt: "2026-01-01T00:00:00.000Z",
  command: "cmd",
  summary: [],
  samples,
  latency,
})

describe("renderReport edge cases", () => {
  it("no samples: every line chart says 'no data', prefetch is explained as off, 0 samples", () => {
    const html = renderReport(base([]))
    expect(html).toContain("· 0 samples")
    expect(count(svg(html, "chart-hit-ratio"), /class="no-data"/)).toBe(1)
    expect(count(svg(html, "chart-memory"), /class="no-data"/)).toBe(1)
    expect(count(html, /<circle class="pt"/)).toBe(0)
    expect(html).toContain('id="chart-prefetch-off"')
    expect(html).not.toContain('id="chart-prefetch"')
    expect(html).not.toContain("chart-latency-")
  })

  it("a single sample: one point per series, centred, and no polyline", () => {
    const html = renderReport(base([sample(5000, { prefetchAccuracy: 0.25 })]))
    const hit = svg(html, "chart-hit-ratio")
    expect(count(hit, /<circle class="pt"/)).toBe(4)
    expect(count(hit, /<polyline/)).toBe(0)
    // x = left margin + half the plot width (720 − 64 − 16 = 640 → 384)
    expect(count(hit, /cx="384"/)).toBe(4)
    const prefetch = svg(html, "chart-prefetch")
    expect(count(prefetch, /data-series="accuracy"/)).toBe(1)
    expect(prefetch).not.toContain('data-series="coverage"') // coverage never reported
    expect(hit).toContain("<title>overall: 50 % at 5.0k</title>")
  })

  it("coverage is plotted only from the samples that carry it", () => {
    const html = renderReport(base([sample(1, { prefetchAccuracy: 0.5 }), sample(2, { prefetchAccuracy: 0.6, prefetchCoverage: 0.05 }), sample(3)]))
    const prefetch = svg(html, "chart-prefetch")
    expect(prefetch).toContain('data-series="accuracy" data-points="2"')
    expect(prefetch).toContain('data-series="coverage" data-points="1"')
    expect(prefetch).toContain("coverage: 5.0 % at 2") // small ratios keep a decimal; small op counts stay plain
  })

  it("latency charts: known levels get their colour, unknown ones grey; titles use short units", () => {
    const html = renderReport(
      base([sample(1)], [
        { level: "l2", upperNs: [500, 2_000_000_000], counts: [3, 1], p50Ns: 499.6, p99Ns: 2_000_000_000 },
        { level: "disk", upperNs: [1500], counts: [0], p50Ns: 0, p99Ns: 0 },
      ]),
    )
    const l2 = svg(html, "chart-latency-l2")
    expect(l2).toContain("L2 read latency (p50 500 ns, p99 2 s)")
    expect(l2).toContain('fill="#ff7f0e"')
    expect(count(l2, /<rect class="bar"/)).toBe(2)
    const disk = svg(html, "chart-latency-disk")
    expect(disk).toContain('fill="#555555"')
    expect(disk).toContain(">no samples</text>")
  })

  it("escapes the title, command and summary", () => {
    const html = renderReport({ ...base([]), title: "<b>x</b>", command: "a && b", summary: [["k<", "v\"'"]] })
    expect(html).toContain("<title>&#60;b&#62;x&#60;/b&#62;</title>")
    expect(html).toContain("<code>a &#38;&#38; b</code>")
    expect(html).toContain("<tr><th>k&#60;</th><td>v&#34;&#39;</td></tr>")
    expect(html).not.toContain("<b>x</b>")
  })

  it("the synthetic report keeps one point per sample in every series", () => {
    const data = syntheticReport(150) // > 120 points: small markers
    const html = renderReport(data)
    expect(svg(html, "chart-hit-ratio")).toContain('data-series="L1" data-points="150"')
    expect(count(svg(html, "chart-memory"), / r="1" /)).toBe(300)
    expect(svg(html, "chart-hit-ratio")).toMatch(/>200k</) // ≥ 10k ops: no decimal
  })
})

describe("shortNs", () => {
  it("picks ns, µs, ms or s with three significant digits", () => {
    expect(shortNs(250)).toBe("250 ns")
    expect(shortNs(2_500)).toBe("2.5 µs")
    expect(shortNs(1_234_567)).toBe("1.23 ms")
    expect(shortNs(12_340_000_000)).toBe("12.3 s")
  })
})

describe("svg-chart", () => {
  it("niceTicks: a degenerate range is one tick; otherwise round steps covering the range", () => {
    expect(niceTicks(3, 3)).toEqual([3])
    expect(niceTicks(5, 1)).toEqual([5])
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(niceTicks(0, 7, 3)).toEqual([0, 2.5, 5])
    expect(niceTicks(0, 95, 10)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90])
  })

  it("lineChart without a y range scales to the data; all-zero data still gets a usable axis", () => {
    const zero = lineChart([{ name: "z", color: "#000", points: [[0, 0], [10, 0]] }], { id: "z", title: "z", xLabel: "x", yLabel: "y" })
    expect(count(zero, /<circle class="pt"/)).toBe(2)
    expect(zero).not.toContain("NaN")
    const scaled = lineChart([{ name: "s", color: "#000", points: [[0, 50], [10, 100]] }], { id: "s", title: "s", xLabel: "x", yLabel: "y" })
    // y max = 100 × 1.05: the top point sits below the top margin (46)
    const cy = Number(/data-y="100"/.test(scaled) && /cy="([\d.]+)"[^>]*data-x="10"/.exec(scaled)![1])
    expect(cy).toBeGreaterThan(46)
    expect(scaled).toContain("<polyline")
  })

  it("lineChart clamps points outside a fixed y range to the plot", () => {
    const c = lineChart([{ name: "c", color: "#000", points: [[0, -1], [1, 2]] }], { id: "c", title: "c", xLabel: "x", yLabel: "y", yRange: [0, 1], height: 280 })
    const cys = [...c.matchAll(/<circle class="pt" cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]))
    expect(cys).toEqual([280 - 42, 46]) // bottom and top of the plot area
  })

  it("barChart with no buckets draws no bars and says so; labels are thinned to about 8", () => {
    const empty = barChart([], [], { id: "e", title: "e", xLabel: "x", yLabel: "y", color: "#000" })
    expect(count(empty, /<rect class="bar"/)).toBe(0)
    expect(empty).toContain(">no samples</text>")
    const labels = Array.from({ length: 20 }, (_, i) => `b${i}`)
    const many = barChart(labels, labels.map((_, i) => i + 1), { id: "m", title: "m", xLabel: "x", yLabel: "y", color: "#000" })
    expect(count(many, /<rect class="bar"/)).toBe(20)
    expect(count(many, /<text class="tick" x="[\d.]+" y="[\d.]+" text-anchor="middle">b\d+</)).toBe(7) // every 3rd of 20
    expect(many).not.toContain("no samples")
  })

  it("escapeXml escapes the five markup characters", () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe("&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;")
  })
})
