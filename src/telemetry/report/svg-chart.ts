/**
 * Tiny server-side SVG charts for the HTML report: line charts and bar histograms.
 *
 * Drawn as static SVG so the page needs no script, no network and no library to show its plots —
 * it renders the same in a browser, an email client or a CI artifact viewer. Every data point is a
 * `<circle class="pt">` / `<rect class="bar">` carrying its values in a `<title>` (hover tooltip)
 * and `data-*` attributes (what the report test counts).
 */

export interface Series {
  readonly name: string
  readonly color: string
  readonly points: ReadonlyArray<readonly [number, number]>
}

export interface LineChartOptions {
  readonly id: string
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
  /** Fixed y range (e.g. [0, 1] for ratios); default: 0 .. max of the data. */
  readonly yRange?: readonly [number, number]
  readonly formatY?: (v: number) => string
  readonly formatX?: (v: number) => string
  readonly width?: number
  readonly height?: number
}

const MARGIN = { top: 46, right: 16, bottom: 42, left: 64 }

/** Escapes text for HTML/SVG content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** "Nice" tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo]
  const raw = (hi - lo) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  const ticks: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)))
  return ticks
}

const round = (v: number): string => (Math.round(v * 10) / 10).toString()

/** A line chart with one polyline (and point markers) per series, axes, grid and legend. */
export function lineChart(series: readonly Series[], o: LineChartOptions): string {
  const width = o.width ?? 720
  const height = o.height ?? 280
  const plotW = width - MARGIN.left - MARGIN.right
  const plotH = height - MARGIN.top - MARGIN.bottom
  const fmtY = o.formatY ?? ((v: number) => String(v))
  const fmtX = o.formatX ?? ((v: number) => String(v))
  const all = series.flatMap((s) => s.points)
  const xs = all.map((p) => p[0])
  const ys = all.map((p) => p[1])
  const xLo = xs.length ? Math.min(...xs) : 0
  const xHi = xs.length ? Math.max(...xs) : 1
  const [yLo, yHi] = o.yRange ?? [0, ys.length ? Math.max(...ys) * 1.05 || 1 : 1]
  const sx = (x: number): number => MARGIN.left + (xHi === xLo ? plotW / 2 : ((x - xLo) / (xHi - xLo)) * plotW)
  const sy = (y: number): number => MARGIN.top + plotH - ((Math.min(Math.max(y, yLo), yHi) - yLo) / (yHi - yLo || 1)) * plotH
  const parts: string[] = []
  parts.push(`<svg id="${escapeXml(o.id)}" class="chart line-chart" role="img" aria-label="${escapeXml(o.title)}" ` +
    `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`)
  parts.push(`<text class="chart-title" x="${MARGIN.left}" y="16">${escapeXml(o.title)}</text>`)
  for (const t of niceTicks(yLo, yHi)) {
    const y = round(sy(t))
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}"/>`)
    parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(fmtY(t))}</text>`)
  }
  for (const t of niceTicks(xLo, xHi, 6)) {
    const x = round(sx(t))
    parts.push(`<text class="tick" x="${x}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${escapeXml(fmtX(t))}</text>`)
  }
  parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}"/>`)
  parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}"/>`)
  parts.push(`<text class="axis-label" x="${MARGIN.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`)
  parts.push(`<text class="axis-label" transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`)
  if (all.length === 0) {
    parts.push(`<text class="no-data" x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH / 2}" text-anchor="middle">no data</text>`)
  }
  series.forEach((s, i) => {
    const color = escapeXml(s.color)
    const path = s.points.map((p) => `${round(sx(p[0]))},${round(sy(p[1]))}`).join(" ")
    parts.push(`<g class="series" data-series="${escapeXml(s.name)}" data-points="${s.points.length}">`)
    if (s.points.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${path}"/>`)
    // Markers only when sparse enough to read; always keep them for the test to count.
    const r = s.points.length > 120 ? 1 : 2.5
    for (const [x, y] of s.points) {
      parts.push(`<circle class="pt" cx="${round(sx(x))}" cy="${round(sy(y))}" r="${r}" fill="${color}" data-x="${x}" data-y="${y}">` +
        `<title>${escapeXml(`${s.name}: ${fmtY(y)} at ${fmtX(x)}`)}</title></circle>`)
    }
    parts.push(`</g>`)
    const lx = MARGIN.left + 8 + i * 110
    parts.push(`<rect x="${lx}" y="${MARGIN.top - 17}" width="10" height="3" fill="${color}"/>` +
      `<text class="legend" x="${lx + 14}" y="${MARGIN.top - 12}">${escapeXml(s.name)}</text>`)
  })
  parts.push(`</svg>`)
  return parts.join("")
}

export interface BarChartOptions {
  readonly id: string
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
  readonly color: string
  readonly width?: number
  readonly height?: number
}

/** A histogram: one bar per bucket (equal widths), labels under every few bars. */
export function barChart(labels: readonly string[], counts: readonly number[], o: BarChartOptions): string {
  const width = o.width ?? 560
  const height = o.height ?? 220
  const plotW = width - MARGIN.left - MARGIN.right
  const plotH = height - MARGIN.top - MARGIN.bottom
  const max = Math.max(1, ...counts)
  const n = counts.length
  const bw = n === 0 ? 0 : plotW / n
  const parts: string[] = []
  parts.push(`<svg id="${escapeXml(o.id)}" class="chart bar-chart" role="img" aria-label="${escapeXml(o.title)}" ` +
    `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`)
  parts.push(`<text class="chart-title" x="${MARGIN.left}" y="16">${escapeXml(o.title)}</text>`)
  for (const t of niceTicks(0, max, 4)) {
    const y = round(MARGIN.top + plotH - (t / max) * plotH)
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}"/>`)
    parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${t.toLocaleString("en-US")}</text>`)
  }
  const every = Math.max(1, Math.ceil(n / 8))
  counts.forEach((c, i) => {
    const h = (c / max) * plotH
    const x = MARGIN.left + i * bw
    parts.push(`<rect class="bar" x="${round(x + 0.5)}" y="${round(MARGIN.top + plotH - h)}" width="${round(Math.max(1, bw - 1))}" ` +
      `height="${round(h)}" fill="${escapeXml(o.color)}" data-count="${c}"><title>${escapeXml(`≤ ${labels[i]}: ${c.toLocaleString("en-US")}`)}</title></rect>`)
    if (i % every === 0) {
      parts.push(`<text class="tick" x="${round(x + bw / 2)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${escapeXml(labels[i])}</text>`)
    }
  })
  if (counts.every((c) => c === 0)) {
    parts.push(`<text class="no-data" x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH / 2}" text-anchor="middle">no samples</text>`)
  }
  parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}"/>`)
  parts.push(`<text class="axis-label" x="${MARGIN.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`)
  parts.push(`<text class="axis-label" transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`)
  parts.push(`</svg>`)
  return parts.join("")
}
