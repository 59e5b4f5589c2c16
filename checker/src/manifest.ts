/**
 * The model manifest runner: checks every model listed in a manifest and compares each outcome
 * with the expected one (`ok`, `deadlock` or `violation:<Invariant>`).
 */
import { readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { checkModel, type CheckResult } from "./bfs.js"
import { CheckerError, EvalError, formatLoc } from "./errors.js"
import { loadModel } from "./model.js"
import { perSecond } from "./report.js"

/** One manifest entry; paths are relative to the repository root. */
export interface ManifestEntry {
  readonly name: string
  readonly spec: string
  readonly config: string
  readonly expect: string
}

/** The result of one manifest entry. */
export interface ManifestRow {
  readonly name: string
  readonly expect: string
  readonly got: string
  readonly pass: boolean
  readonly generated: number | null
  readonly distinct: number | null
  readonly depth: number | null
  readonly traceLength: number | null
  readonly wallMs: number | null
  readonly statesPerSecond: number | null
  readonly distinctPerSecond: number | null
  /** CPU time and rates per CPU second: steadier than wall time on a shared machine. */
  readonly cpuMs: number | null
  readonly statesPerCpuSecond: number | null
  readonly distinctPerCpuSecond: number | null
  readonly error?: string
}

/** Reads and validates a manifest file. */
export function readManifest(file: string): ManifestEntry[] {
  const data: unknown = JSON.parse(readFileSync(file, "utf8"))
  if (!Array.isArray(data)) throw new CheckerError("config", `${file}: the manifest must be a JSON array`)
  return data.map((e, i) => {
    const ok =
      e && typeof e.name === "string" && typeof e.spec === "string" && typeof e.config === "string" && typeof e.expect === "string"
    if (!ok) throw new CheckerError("config", `${file}: entry ${i} needs string fields name, spec, config, expect`)
    if (!/^(ok|deadlock|violation:\w+)$/.test(e.expect)) {
      throw new CheckerError("config", `${file}: entry ${e.name} has expect ${JSON.stringify(e.expect)}; use ok, deadlock or violation:<Invariant>`)
    }
    return e as ManifestEntry
  })
}

/** The outcome string of a result, in manifest form. */
export function outcomeOf(r: CheckResult): string {
  return r.outcome === "violation" ? `violation:${r.violated}` : r.outcome
}

/** Runs one entry, with paths resolved against `root`. */
export async function runEntry(entry: ManifestEntry, root: string): Promise<ManifestRow> {
  try {
    const model = await loadModel(resolve(root, entry.spec), resolve(root, entry.config))
    const r = checkModel(model)
    const got = outcomeOf(r)
    return {
      name: entry.name,
      expect: entry.expect,
      got,
      pass: got === entry.expect,
      generated: r.generated,
      distinct: r.distinct,
      depth: r.outcome === "ok" ? r.depth : null,
      traceLength: r.trace ? r.trace.length : null,
      wallMs: Math.round(r.wallMs),
      statesPerSecond: perSecond(r.generated, r.wallMs),
      distinctPerSecond: perSecond(r.distinct, r.wallMs),
      cpuMs: Math.round(r.cpuMs),
      statesPerCpuSecond: perSecond(r.generated, r.cpuMs),
      distinctPerCpuSecond: perSecond(r.distinct, r.cpuMs)
    }
  } catch (e) {
    if (!(e instanceof CheckerError) && !(e instanceof EvalError)) throw e
    const error = e instanceof EvalError && e.loc ? `${formatLoc(e.loc)}: ${e.message}` : e.message
    return {
      name: entry.name,
      expect: entry.expect,
      got: "error",
      pass: false,
      generated: null,
      distinct: null,
      depth: null,
      traceLength: null,
      wallMs: null,
      statesPerSecond: null,
      distinctPerSecond: null,
      cpuMs: null,
      statesPerCpuSecond: null,
      distinctPerCpuSecond: null,
      error
    }
  }
}

/** Renders rows as a fixed-width table. */
export function formatTable(rows: ManifestRow[]): string {
  const head = ["name", "expect", "got", "generated", "distinct", "depth", "trace", "wall ms", "states/s", "distinct/s", "cpu ms", "states/cpu-s", "distinct/cpu-s", ""]
  const cells = rows.map((r) => [
    r.name,
    r.expect,
    r.got,
    String(r.generated ?? "-"),
    String(r.distinct ?? "-"),
    String(r.depth ?? "-"),
    String(r.traceLength ?? "-"),
    String(r.wallMs ?? "-"),
    String(r.statesPerSecond ?? "-"),
    String(r.distinctPerSecond ?? "-"),
    String(r.cpuMs ?? "-"),
    String(r.statesPerCpuSecond ?? "-"),
    String(r.distinctPerCpuSecond ?? "-"),
    r.pass ? "PASS" : "FAIL"
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const line = (c: string[]) => c.map((x, i) => (i >= 3 && i <= 12 ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join("  ").trimEnd()
  const out = [line(head), widths.map((w) => "-".repeat(w)).join("  ")]
  for (const c of cells) out.push(line(c))
  for (const r of rows) if (r.error) out.push(`${r.name}: ${r.error}`)
  return out.join("\n")
}

/** Default repository root for a manifest at `<root>/models/manifest.json`. */
export function rootOf(manifestFile: string): string {
  return resolve(dirname(manifestFile), "..")
}
