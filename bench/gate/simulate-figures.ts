/**
 * Gate figures from a small simulation at a fixed seed: one operation in flight, prefetch off and
 * fsync off make it deterministic (same reads served by the same levels, run after run — see the
 * determinism test in test/cli/simulate.test.ts), so its hit ratio is a figure, not a timing.
 * Small budgets so that all three tiers and the loader see traffic.
 */
import { runSimulation, SIMULATION_DEFAULTS } from "../../src/cli/simulate-engine.js"
import type { Figure } from "./compare.js"

export const GATE_SIMULATION = {
  ...SIMULATION_DEFAULTS,
  agents: 100,
  ops: 3000,
  seed: 42,
  prefetch: false,
  fsync: false,
  concurrency: 1,
  l1Bytes: 512 * 1024,
  l2Bytes: 512 * 1024,
} as const

export async function simulateFigures(): Promise<Record<string, Figure>> {
  const { report } = await runSimulation(GATE_SIMULATION)
  const share = (n: number): number => Number((n / report.reads.total).toFixed(6))
  const ratio = (value: number): Figure => ({ value, better: "higher", unit: "hit ratio", kind: "deterministic" })
  return {
    "simulate.seed42.hitRatio": ratio(Number(report.hitRatio.toFixed(6))),
    "simulate.seed42.l1Share": ratio(share(report.reads.l1)),
  }
}
