/**
 * Runs the timing measurement in `runs` fresh child processes, one after another (never in
 * parallel: they would disturb each other).
 *
 * The children run with V8's `--single-threaded` (synchronous JIT and GC): with concurrent
 * compilation on a loaded 2-core VM, about one process in four ended in a different code state
 * for L1 (ratio 1.48 instead of 1.67, a 12 % bimodality — larger than the 10 % the gate must
 * catch); single-threaded, 8 of 8 processes fell within ±1.7 % (bench/gate/README.md).
 */
import { execFileSync } from "node:child_process"
import { resolve } from "node:path"
import { spread } from "../harness/measure.js"

export interface TimingRun {
  readonly pairedRatio: number
  readonly medianRatio: number
  readonly l1P50Ns: number
  readonly lruP50Ns: number
  readonly l1P99Ns: number
  readonly lruP99Ns: number
  /** TierCache.getIfPresent / lru-cache get (lru-cache holding the TierCache's values), paired median. */
  readonly getIfPresentPairedRatio: number
  readonly getIfPresentP50Ns: number
  readonly lruSameValuesP50Ns: number
}

const CHILD = resolve(import.meta.dirname, "timing-child.ts")

/** Processes per gate timing figure (median of these). */
export const GATE_TIMING_RUNS = 5
/** Processes per baseline timing figure: more, so one lucky or unlucky process cannot skew it. */
export const BASELINE_TIMING_RUNS = 9

export function timingRuns(runs: number, slow = 0, samples?: number): TimingRun[] {
  const out: TimingRun[] = []
  for (let i = 0; i < runs; i++) {
    const args = ["--single-threaded", "--import", "tsx", CHILD, "--slow", String(slow)]
    if (samples !== undefined) args.push("--samples", String(samples))
    const text = execFileSync(process.execPath, args, { encoding: "utf8", cwd: resolve(import.meta.dirname, "..", "..") })
    out.push(JSON.parse(text.trim().split("\n").pop()!) as TimingRun)
  }
  return out
}

/** A gate timing figure: the median over runs of each run's paired ratio (L1 get's by default). */
export function medianRatio(runs: readonly TimingRun[], ratio: (r: TimingRun) => number = (r) => r.pairedRatio): number {
  return spread(runs.map(ratio)).median
}
