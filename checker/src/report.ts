/**
 * TLC-compatible console output and the `--json` summary.
 */
import type { CheckResult } from "./bfs.js"
import type { LoadedModel } from "./model.js"
import { formatValue, type Value } from "./values.js"

/** Exit codes, as TLC uses them. */
export const EXIT = { ok: 0, usage: 1, specError: 2, deadlock: 11, violation: 12 } as const

/** The exit code for a result. */
export function exitCodeFor(r: CheckResult): number {
  return r.outcome === "ok" ? EXIT.ok : r.outcome === "deadlock" ? EXIT.deadlock : EXIT.violation
}

/** A state printed as TLC prints it: one `/\ var = value` line per variable. */
export function formatState(vars: string[], s: Value[]): string {
  return vars.map((v, i) => `/\\ ${v} = ${formatValue(s[i])}`).join("\n")
}

/** A whole trace in TLC's layout. */
export function formatTrace(vars: string[], trace: Value[][], actions?: string[] | null): string {
  return trace
    .map((s, i) => `State ${i + 1}: <${actions?.[i] ?? (i === 0 ? "Initial predicate" : "Next")}>\n${formatState(vars, s)}\n`)
    .join("\n")
}

/** States per second, guarded against a zero duration. */
export function perSecond(count: number, ms: number): number {
  return Math.round(count / Math.max(ms, 0.001) * 1000)
}

/** The TLC-style report of a run. */
export function formatReport(model: LoadedModel, r: CheckResult): string {
  const out: string[] = []
  if (r.outcome === "ok") out.push("Model checking completed. No error has been found.")
  else {
    out.push(r.outcome === "deadlock" ? "Error: Deadlock reached." : `Error: Invariant ${r.violated} is violated.`)
    out.push("Error: The behavior up to this point is:")
    out.push(formatTrace(model.vars, r.trace ?? [], r.traceActions))
  }
  out.push(`${r.generated} states generated, ${r.distinct} distinct states found, ${r.left} states left on queue.`)
  out.push(`The depth of the complete state graph search is ${r.depth}.`)
  out.push(
    `Finished in ${Math.round(r.wallMs)}ms (${perSecond(r.generated, r.wallMs)} states generated/s, ${perSecond(r.distinct, r.wallMs)} distinct states/s).`
  )
  return out.join("\n")
}

/** The `--json` summary. */
export function jsonReport(model: LoadedModel, r: CheckResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    spec: model.specFile,
    config: model.cfgFile ?? null,
    outcome: r.outcome === "violation" ? `violation:${r.violated}` : r.outcome,
    violated: r.violated,
    generated: r.generated,
    distinct: r.distinct,
    left: r.left,
    depth: r.depth,
    traceLength: r.trace ? r.trace.length : null,
    wallMs: Math.round(r.wallMs * 10) / 10,
    statesPerSecond: perSecond(r.generated, r.wallMs),
    distinctPerSecond: perSecond(r.distinct, r.wallMs),
    cpuMs: Math.round(r.cpuMs),
    statesPerCpuSecond: perSecond(r.generated, r.cpuMs),
    distinctPerCpuSecond: perSecond(r.distinct, r.cpuMs),
    exitCode: exitCodeFor(r),
    ...extra
  }
}
