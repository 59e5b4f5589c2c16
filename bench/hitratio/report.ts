/** Regret arithmetic and the markdown table of the hit-ratio benchmark. */
import type { AnchorRow } from "./anchors.js"

export interface Cell {
  readonly trace: string
  readonly pct: number
  readonly capacity: number
  readonly requests: number
  /** Hit % of L1. */
  readonly ours: number
  readonly finalWindow: number
  /** Hit % of exact LRU measured by this harness (undefined with --no-lru). */
  readonly lru: number | undefined
  /** The published numbers, when ANCHORS.md has this cell. */
  readonly anchor: AnchorRow | undefined
}

export interface Summary {
  readonly cells: number
  /** Mean over cells of max(0, best − ours): points below the best of the seven, gains not offsetting losses. */
  readonly meanRegret: number
  /** Mean of best − ours without clamping (negative cells = we beat all seven). */
  readonly meanSignedRegret: number
  readonly maxRegret: number
  readonly maxRegretCell: string
  /** min over cells of ours − LRU (anchor LRU). */
  readonly worstVsLru: number
  readonly worstVsLruCell: string
  readonly meanVsLru: number
  /** max |harness LRU − ANCHORS.md LRU| (checks replay and capacities). */
  readonly lruCheckMaxAbs: number | undefined
  readonly failures: string[]
}

export function regretOf(c: Cell): number {
  return c.anchor === undefined ? 0 : c.anchor.best - c.ours
}

export function summarize(cells: readonly Cell[], targets: { meanRegret: number; maxRegret: number; belowLru: number }): Summary {
  const anchored = cells.filter((c) => c.anchor !== undefined)
  let sum = 0
  let signed = 0
  let max = Number.NEGATIVE_INFINITY
  let maxCell = ""
  let worst = Number.POSITIVE_INFINITY
  let worstCell = ""
  let vsLru = 0
  let lruAbs: number | undefined
  const failures: string[] = []
  for (const c of anchored) {
    const r = regretOf(c)
    sum += Math.max(0, r)
    signed += r
    if (r > max) {
      max = r
      maxCell = `${c.trace} ${c.pct}%`
    }
    const d = c.ours - c.anchor!.policies.LRU
    vsLru += d
    if (d < worst) {
      worst = d
      worstCell = `${c.trace} ${c.pct}%`
    }
    if (d < -targets.belowLru) failures.push(`${c.trace} ${c.pct}%: ${d.toFixed(2)} points vs LRU (limit −${targets.belowLru})`)
    if (c.lru !== undefined) lruAbs = Math.max(lruAbs ?? 0, Math.abs(c.lru - c.anchor!.policies.LRU))
  }
  const n = anchored.length
  const meanRegret = n === 0 ? 0 : sum / n
  if (meanRegret > targets.meanRegret) failures.push(`mean regret ${meanRegret.toFixed(2)} > ${targets.meanRegret}`)
  if (max > targets.maxRegret) failures.push(`max regret ${max.toFixed(2)} (${maxCell}) > ${targets.maxRegret}`)
  return {
    cells: n,
    meanRegret,
    meanSignedRegret: n === 0 ? 0 : signed / n,
    maxRegret: n === 0 ? 0 : max,
    maxRegretCell: maxCell,
    worstVsLru: n === 0 ? 0 : worst,
    worstVsLruCell: worstCell,
    meanVsLru: n === 0 ? 0 : vsLru / n,
    lruCheckMaxAbs: lruAbs,
    failures,
  }
}

const f2 = (x: number | undefined): string => (x === undefined ? "–" : x.toFixed(2))
const sign = (x: number): string => (x >= 0 ? "+" : "") + x.toFixed(2)

export function formatMarkdown(cells: readonly Cell[], s: Summary, meta: { command: string; node: string; seconds: number; date: string }): string {
  const lines = [
    "# L1 hit ratio on the shared traces",
    "",
    `Command: \`${meta.command}\` (${meta.node}, ${meta.date}, ${meta.seconds} s). Unit-size entries, cold start,`,
    "capacity = round(p × unique keys). *best* = best of the seven published policies in ANCHORS.md;",
    "*regret* = best − ours (negative: we beat all seven); *vs LRU* = ours − LRU (ANCHORS.md).",
    "*LRU here* is exact LRU replayed by this harness (a check of replay and capacities).",
    "",
    `**mean regret ${s.meanRegret.toFixed(2)}** (cells clamped at 0; signed mean ${s.meanSignedRegret.toFixed(2)}), ` +
      `**max regret ${s.maxRegret.toFixed(2)}** (${s.maxRegretCell}), **worst vs LRU ${sign(s.worstVsLru)}** (${s.worstVsLruCell}), ` +
      `mean vs LRU ${sign(s.meanVsLru)}; targets: mean ≤ 1, max ≤ 5, vs LRU ≥ −1 — ` +
      (s.failures.length === 0 ? "all met." : `missed: ${s.failures.join("; ")}.`),
    "",
    "| trace | size | capacity | ours | LRU | LRU here | best (policy) | OPT | regret | vs LRU | final window |",
    "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|",
  ]
  for (const c of cells) {
    const a = c.anchor
    lines.push(
      `| ${c.trace} | ${c.pct}% | ${c.capacity} | ${c.ours.toFixed(2)} | ${f2(a?.policies.LRU)} | ${f2(c.lru)} | ` +
        `${a ? `${a.best.toFixed(2)} (${a.bestPolicy})` : "–"} | ${f2(a?.opt)} | ${a ? sign(regretOf(c)) : "–"} | ` +
        `${a ? sign(c.ours - a.policies.LRU) : "–"} | ${(100 * c.finalWindow).toFixed(1)} % |`,
    )
  }
  return lines.join("\n") + "\n"
}
