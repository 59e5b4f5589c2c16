/**
 * Human-readable output for the CLI: aligned tables and units (ns → µs/ms, bytes → KiB/MiB).
 * Only the human summary uses these; `--json` prints raw numbers.
 */

/** Renders rows as an aligned text table; the first row is the header. Numbers align right. */
export function renderTable(rows: ReadonlyArray<ReadonlyArray<string>>, rightAlign: ReadonlySet<number> = new Set()): string {
  if (rows.length === 0) return ""
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  const line = (row: ReadonlyArray<string>): string =>
    row
      .map((cell, i) => (rightAlign.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd()
  const rule = widths.map((w) => "─".repeat(w)).join("  ")
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join("\n")
}

/** "812 ns", "1.24 µs", "3.40 ms", "1.20 s". */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return "-"
  if (ns < 1_000) return `${Math.round(ns)} ns`
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(2)} µs`
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(2)} ms`
  return `${(ns / 1_000_000_000).toFixed(2)} s`
}

/** "512 B", "12.0 KiB", "153.4 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`
}

/** A ratio in [0, 1] as a percentage with two decimals ("87.31 %"). */
export function formatPct(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(2)} %` : "-"
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US")
}

/** Milliseconds as "850 ms" or "12.3 s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}
