/**
 * The perf gate's verdict: measured figures against bench/baseline.json.
 *
 * Deterministic figures (hit ratios, bytes, state counts) fail beyond `tolerance` (5 %) in their
 * bad direction; timing ratios fail beyond the calibrated `timingMargin`. Pure functions: the
 * gate's logic is unit-tested without running any benchmark.
 */

/** Which way is worse: "higher" = higher is better (a drop regresses), "lower" = lower is better, "equal" = any change. */
export type Better = "higher" | "lower" | "equal"

export interface Figure {
  readonly value: number
  readonly better: Better
  readonly unit: string
  /** "deterministic" figures use the 5 % tolerance; "timing" figures the calibrated margin. */
  readonly kind: "deterministic" | "timing"
  /**
   * Absolute slack for figures whose baseline is (near) zero, where a relative tolerance means
   * nothing (allocations per hit: baseline 0 B). A change within it never fails.
   */
  readonly absSlack?: number
}

export type Figures = Readonly<Record<string, Figure>>

export interface Baseline {
  readonly version: 1
  readonly created: string
  readonly command: string
  readonly machine: unknown
  /** Relative regression allowed on deterministic figures (0.05 = 5 %). */
  readonly tolerance: number
  /** Relative regression allowed on timing ratios, calibrated (bench/gate/README.md). */
  readonly timingMargin: number
  readonly figures: Figures
}

export interface Verdict {
  readonly name: string
  readonly baseline: number | undefined
  readonly measured: number | undefined
  /** Signed relative change in the bad direction (positive = worse), when both exist. */
  readonly regression: number | undefined
  readonly allowed: number
  readonly status: "ok" | "fail" | "new" | "missing"
  readonly message: string
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toPrecision(4))

/** Compares one figure. */
export function judge(name: string, base: Figure | undefined, cur: Figure | undefined, tolerance: number, timingMargin: number): Verdict {
  if (base === undefined && cur !== undefined) {
    return { name, baseline: undefined, measured: cur.value, regression: undefined, allowed: 0, status: "new", message: `${name}: ${fmt(cur.value)} ${cur.unit} (not in baseline; run make bench-baseline to adopt)` }
  }
  if (base === undefined) throw new Error(`judge(${name}): neither baseline nor measurement`)
  const allowed = base.kind === "timing" ? timingMargin : tolerance
  if (cur === undefined) {
    return { name, baseline: base.value, measured: undefined, regression: undefined, allowed, status: "missing", message: `${name}: not measured (baseline ${fmt(base.value)} ${base.unit})` }
  }
  const delta = cur.value - base.value
  const slack = base.absSlack ?? 0
  const denom = Math.abs(base.value) > 0 ? Math.abs(base.value) : 1
  // Positive = worse.
  const worse = base.better === "higher" ? -delta : base.better === "lower" ? delta : Math.abs(delta)
  const regression = Math.max(0, Math.abs(worse) <= slack ? 0 : worse) / denom
  const failed = Math.abs(worse) > slack && worse / denom > allowed
  const pct = (v: number): string => `${(v * 100).toFixed(1)} %`
  const change = base.value === 0 ? `${delta >= 0 ? "+" : ""}${fmt(delta)}` : `${delta >= 0 ? "+" : ""}${pct(delta / denom)}`
  return {
    name,
    baseline: base.value,
    measured: cur.value,
    regression,
    allowed,
    status: failed ? "fail" : "ok",
    message: `${name}: ${fmt(cur.value)} ${cur.unit} vs baseline ${fmt(base.value)} (${change}; ${failed ? "REGRESSION beyond" : "within"} ${pct(allowed)}${slack > 0 ? ` or ±${slack}` : ""})`,
  }
}

/** Compares every figure of the baseline (and reports new ones). `only` restricts to names with that prefix. */
export function compareFigures(baseline: Baseline, measured: Figures, only?: (name: string) => boolean): Verdict[] {
  const names = new Set([...Object.keys(baseline.figures), ...Object.keys(measured)])
  const verdicts: Verdict[] = []
  for (const name of [...names].sort()) {
    if (only !== undefined && !only(name)) continue
    verdicts.push(judge(name, baseline.figures[name], measured[name], baseline.tolerance, baseline.timingMargin))
  }
  return verdicts
}

/** The gate fails when any figure regressed or a baseline figure was not measured. */
export function gateFailed(verdicts: readonly Verdict[]): boolean {
  return verdicts.some((v) => v.status === "fail" || v.status === "missing")
}
