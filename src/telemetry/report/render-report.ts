/**
 * The self-contained HTML report of a simulation: a summary table and four plots (hit ratio over
 * time per tier, latency histograms per tier, prefetch accuracy over time, memory over time).
 * One file, inline CSS and SVG, no script, no network access.
 */
import { writeFileSync } from "node:fs"
import type { ReportData } from "./report-data.js"
import { barChart, escapeXml, lineChart, type Series } from "./svg-chart.js"

const COLORS = { overall: "#222222", l1: "#1f77b4", l2: "#ff7f0e", l3: "#2ca02c", load: "#9467bd", heap: "#d62728", rss: "#8c564b" }

const pct = (v: number): string => `${(v * 100).toFixed(v < 0.1 && v > 0 ? 1 : 0)} %`
const MIB = 1024 * 1024
const mib = (v: number): string => `${+v.toFixed(1)} MiB`
const kops = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)}k` : String(v))

/** "250 ns", "2.5 µs", "1 ms". */
export function shortNs(ns: number): string {
  if (ns < 1_000) return `${ns} ns`
  if (ns < 1_000_000) return `${+(ns / 1_000).toPrecision(3)} µs`
  if (ns < 1_000_000_000) return `${+(ns / 1_000_000).toPrecision(3)} ms`
  return `${+(ns / 1e9).toPrecision(3)} s`
}

/** The report page as a string. */
export function renderReport(data: ReportData): string {
  const s = data.samples
  const hitSeries: Series[] = [
    { name: "overall", color: COLORS.overall, points: s.map((x) => [x.ops, x.hitRatio.overall] as const) },
    { name: "L1", color: COLORS.l1, points: s.map((x) => [x.ops, x.hitRatio.l1] as const) },
    { name: "L2", color: COLORS.l2, points: s.map((x) => [x.ops, x.hitRatio.l2] as const) },
    { name: "L3", color: COLORS.l3, points: s.map((x) => [x.ops, x.hitRatio.l3] as const) },
  ]
  const withPrefetch = s.filter((x) => x.prefetchAccuracy !== undefined)
  const prefetchSeries: Series[] =
    withPrefetch.length === 0
      ? []
      : [
          { name: "accuracy", color: COLORS.l1, points: withPrefetch.map((x) => [x.ops, x.prefetchAccuracy!] as const) },
          ...(withPrefetch.some((x) => x.prefetchCoverage !== undefined)
            ? [{ name: "coverage", color: COLORS.l2, points: withPrefetch.filter((x) => x.prefetchCoverage !== undefined).map((x) => [x.ops, x.prefetchCoverage!] as const) }]
            : []),
        ]
  const memorySeries: Series[] = [
    { name: "heap used", color: COLORS.heap, points: s.map((x) => [x.ops, x.heapUsedBytes / MIB] as const) },
    { name: "rss", color: COLORS.rss, points: s.map((x) => [x.ops, x.rssBytes / MIB] as const) },
  ]
  const hitChart = lineChart(hitSeries, {
    id: "chart-hit-ratio",
    title: "Hit ratio over time, per tier (share of the reads in each interval)",
    xLabel: "operations",
    yLabel: "hit ratio",
    yRange: [0, 1],
    formatY: pct,
    formatX: kops,
  })
  const latencyCharts = data.latency.map((h) =>
    barChart(
      h.upperNs.map(shortNs),
      h.counts,
      {
        id: `chart-latency-${h.level}`,
        title: `${h.level.toUpperCase()} read latency (p50 ${shortNs(Math.round(h.p50Ns))}, p99 ${shortNs(Math.round(h.p99Ns))})`,
        xLabel: "latency (bucket upper bound)",
        yLabel: "reads",
        color: (COLORS as Record<string, string>)[h.level] ?? "#555555",
        width: 460,
      },
    ),
  )
  const prefetchChart =
    prefetchSeries.length === 0
      ? `<p class="note" id="chart-prefetch-off">Prefetching was off for this run: no accuracy to plot.</p>`
      : lineChart(prefetchSeries, {
          id: "chart-prefetch",
          title: "Prefetch accuracy over time (cumulative)",
          xLabel: "operations",
          yLabel: "ratio",
          yRange: [0, 1],
          formatY: pct,
          formatX: kops,
        })
  const memoryChart = lineChart(memorySeries, {
    id: "chart-memory",
    title: "Memory over time",
    xLabel: "operations",
    yLabel: "MiB",
    formatY: mib,
    formatX: kops,
  })
  const summary = data.summary.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join("")
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeXml(data.title)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1200px; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  h2 { font-size: 16px; margin: 24px 0 8px; }
  .meta { color: #666; margin: 0 0 16px; }
  code { background: #f3f3f3; padding: 1px 4px; border-radius: 3px; }
  table.summary { border-collapse: collapse; }
  table.summary th { text-align: left; font-weight: 500; padding: 2px 16px 2px 0; color: #444; }
  table.summary td { text-align: right; font-variant-numeric: tabular-nums; padding: 2px 0; }
  .grid-2 { display: flex; flex-wrap: wrap; gap: 12px; }
  svg.chart { background: #fff; border: 1px solid #e3e3e3; border-radius: 4px; }
  svg .chart-title { font-size: 13px; font-weight: 600; fill: #222; }
  svg .tick, svg .legend { font-size: 11px; fill: #555; }
  svg .axis-label { font-size: 11px; fill: #333; }
  svg .grid { stroke: #eee; }
  svg .axis { stroke: #999; }
  svg .no-data { font-size: 13px; fill: #999; }
  .note { color: #666; font-style: italic; }
</style>
</head>
<body>
<h1>${escapeXml(data.title)}</h1>
<p class="meta">Generated ${escapeXml(data.generatedAt)} by <code>${escapeXml(data.command)}</code> · ${s.length} samples</p>
<table class="summary">${summary}</table>
<h2>Hit ratio per tier</h2>
${hitChart}
<h2>Read latency per tier</h2>
<p class="note">End-to-end time of each read as an agent sees it (<code>await get()</code>), by the tier that served it: it includes queueing behind the other operations in flight and their disk writes. The cache's own timing of hits per tier is in the command's summary table.</p>
<div class="grid-2">${latencyCharts.join("\n")}</div>
<h2>Prefetch accuracy</h2>
${prefetchChart}
<h2>Memory</h2>
${memoryChart}
</body>
</html>
`
}

/** Writes the report to `file`. */
export function writeReport(file: string, data: ReportData): void {
  writeFileSync(file, renderReport(data))
}
