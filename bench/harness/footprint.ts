/**
 * Memory footprint of the 850-agent simulation (issue 7 target: peak heap ≤ 200 MB).
 *
 *   node --expose-gc --import tsx bench/harness/footprint.ts [--agents 850] [--ops 100000] [--out DIR]
 *
 * Runs `simulate` with the CLI's default budgets and prefetch on, forcing a full GC before each of
 * 50 samples, and reports three figures: peak live heap (after GC: what the process really holds),
 * peak heapUsed (with garbage V8 had not collected yet — what `simulate --json` shows), and peak
 * RSS. Writes bench/results/footprint.json.
 */
import { resolve } from "node:path"
import { runSimulation, SIMULATION_DEFAULTS } from "../../src/cli/simulate-engine.js"
import { writeResults } from "./results.js"

const argv = process.argv.slice(2)
const opt = (name: string, def: number): number => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? Number(argv[i + 1]) : def
}
const settings = { ...SIMULATION_DEFAULTS, agents: opt("agents", 850), ops: opt("ops", 100_000) }
const { report } = await runSimulation(settings, { gcBeforeSample: true, samples: 50 })
const mib = (b: number | undefined): number => Number(((b ?? 0) / 1024 ** 2).toFixed(1))
const figures = {
  agents: report.agents,
  ops: report.ops,
  peakLiveHeapMiB: mib(report.memory.peakLiveHeapBytes),
  peakHeapUsedMiB: mib(report.memory.peakHeapBytes),
  peakRssMiB: mib(report.memory.peakRssBytes),
  targetMiB: 200,
  hitRatio: report.hitRatio,
  elapsedMs: report.elapsedMs,
  budgets: report.config,
}
const outIdx = argv.indexOf("--out")
const file = writeResults("footprint", figures, outIdx >= 0 ? resolve(argv[outIdx + 1]) : undefined)
console.log(JSON.stringify(figures))
console.log(`wrote ${file}`)
