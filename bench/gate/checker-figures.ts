/**
 * Gate figures from the TLA+ checker: for every model in models/manifest.json, the distinct and
 * generated state counts (a change means the spec or the checker changed: "equal" figures, 5 %
 * either way) and whether the model's outcome matched the manifest (1 or 0). Runs
 * `checker/bin/check-models.ts --json` in a child process.
 */
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { resolve } from "node:path"
import type { Figure } from "./compare.js"

const ROOT = resolve(import.meta.dirname, "..", "..")
const RUNNER = resolve(ROOT, "checker", "bin", "check-models.ts")

interface ManifestRow {
  readonly name: string
  readonly pass: boolean
  readonly generated: number | null
  readonly distinct: number | null
  readonly statesPerSecond: number | null
}

/** Runs the manifest and returns its rows (check-models exits 1 when an outcome differs; the rows still come). */
export function runManifest(): ManifestRow[] {
  if (!existsSync(RUNNER)) throw new Error(`${RUNNER} not found: the checker's manifest runner is required for the checker figures`)
  let text: string
  try {
    text = execFileSync(process.execPath, ["--import", "tsx", RUNNER, "--json"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 16 * 1024 * 1024 })
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string }
    if (e.status !== 1 || !e.stdout) throw new Error(`check-models failed (exit ${e.status}): ${(e.stderr ?? "").split("\n")[0]}`)
    text = e.stdout
  }
  return JSON.parse(text) as ManifestRow[]
}

export function checkerFigures(): Record<string, Figure> {
  const out: Record<string, Figure> = {}
  for (const row of runManifest()) {
    out[`checker.${row.name}.outcomeMatches`] = { value: row.pass ? 1 : 0, better: "higher", unit: "1 = as the manifest expects", kind: "deterministic" }
    if (row.distinct !== null) out[`checker.${row.name}.distinctStates`] = { value: row.distinct, better: "equal", unit: "states", kind: "deterministic" }
    if (row.generated !== null) out[`checker.${row.name}.generatedStates`] = { value: row.generated, better: "equal", unit: "states", kind: "deterministic" }
  }
  return out
}
