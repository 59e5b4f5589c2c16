/**
 * Calibrates the gate's timing margin on this machine (bench/gate/README.md explains the method).
 *
 *   node --import tsx bench/gate/calibrate.ts [--runs 12]
 *
 * Runs the timing measurement (L1 get / lru-cache get, paired median ratio) in `runs` fresh
 * processes, one after another. The gate's figure is the median of GATE_TIMING_RUNS (5) processes,
 * so the margin is taken from the distribution of that estimator: the medians of every 5-subset of
 * the runs. The margin is the largest upward deviation of such a median from the median of all
 * runs, plus a 1-point cushion, rounded up to half a point — but at least MARGIN_FLOOR (5 %):
 * sessions on this shared VM drift by a few points against each other (neighbour load), which
 * one session's spread cannot show. Writes bench/gate/calibration.json and
 * bench/results/gate-calibration.json.
 */
import { writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { machineFacts } from "../harness/machine.js"
import { spread } from "../harness/measure.js"
import { writeResults } from "../harness/results.js"
import { GATE_TIMING_RUNS, timingRuns } from "./timing-runs.js"

const argv = process.argv.slice(2)
const runsIdx = argv.indexOf("--runs")
const runs = runsIdx >= 0 ? Number(argv[runsIdx + 1]) : 12
if (!Number.isInteger(runs) || runs < 10) {
  console.error("calibrate: --runs must be a whole number ≥ 10")
  process.exit(2)
}

const started = performance.now()
const results = timingRuns(runs)
/** Medians of every k-subset of `values`. */
function subsetMedians(values: readonly number[], k: number): number[] {
  const out: number[] = []
  const pick: number[] = []
  const walk = (from: number): void => {
    if (pick.length === k) {
      out.push(spread(pick.map((i) => values[i])).median)
      return
    }
    for (let i = from; i <= values.length - (k - pick.length); i++) {
      pick.push(i)
      walk(i + 1)
      pick.pop()
    }
  }
  walk(0)
  return out
}
/** The spread of one timing figure's gate estimator (median of GATE_TIMING_RUNS processes) over the runs. */
function figureSpread(ratios: readonly number[]) {
  const all = spread(ratios)
  const medians = spread(subsetMedians(ratios, GATE_TIMING_RUNS))
  const worstUp = medians.max / all.median - 1
  const worstDown = 1 - medians.min / all.median
  return {
    ratios: ratios.map((r) => Number(r.toFixed(4))),
    single: { ...all, relativeSpread: (all.max - all.min) / all.median },
    gateEstimator: { min: medians.min, max: medians.max, worstUp, worstDown },
    fromSpread: Math.ceil((worstUp + 0.01) * 200) / 200,
  }
}
// The gate's two timing figures share one margin: the larger of the two calibrated ones.
const l1Get = figureSpread(results.map((r) => r.pairedRatio))
const getIfPresent = figureSpread(results.map((r) => r.getIfPresentPairedRatio))
/** Smallest margin accepted: covers drift between sessions (bench/gate/README.md). */
const MARGIN_FLOOR = 0.05
const fromSpread = Math.max(l1Get.fromSpread, getIfPresent.fromSpread)
const margin = Math.max(MARGIN_FLOOR, fromSpread)
const { ratios, single: all, gateEstimator: triples } = l1Get
const { worstUp, worstDown } = triples
const calibration = {
  method: `margin = max(${MARGIN_FLOOR}, over both timing figures: max over all ${GATE_TIMING_RUNS}-subsets of (median of subset / median of all runs - 1) + 0.01, rounded up to 0.005)`,
  marginFromSpread: fromSpread,
  gateRuns: GATE_TIMING_RUNS,
  runs,
  ratios,
  single: all,
  gateEstimator: triples,
  getIfPresent,
  margin,
  detects10PctSlowdown: margin < 0.1,
  machine: machineFacts(),
  seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
}
writeFileSync(resolve(import.meta.dirname, "calibration.json"), `${JSON.stringify(calibration, null, 2)}\n`)
writeResults("gate-calibration", { ...calibration, perRun: results })
console.log(`getIfPresent ratios: ${getIfPresent.ratios.join(" ")} (median of ${GATE_TIMING_RUNS} up to +${(getIfPresent.gateEstimator.worstUp * 100).toFixed(1)} %)`)
console.log(`L1 get ratios: ${calibration.ratios.join(" ")}`)
console.log(`single run: median ${all.median.toFixed(3)}, min ${all.min.toFixed(3)}, max ${all.max.toFixed(3)}, stdev ${all.stdev.toFixed(3)} (${((all.stdev / all.mean) * 100).toFixed(1)} %)`)
console.log(`median of ${GATE_TIMING_RUNS}: ${triples.min.toFixed(3)} .. ${triples.max.toFixed(3)} (worst up +${(worstUp * 100).toFixed(1)} %, down -${(worstDown * 100).toFixed(1)} %)`)
console.log(`margin ${(margin * 100).toFixed(1)} % — ${margin < 0.1 ? "a 10 % slowdown is detectable" : "TOO NOISY: a 10 % slowdown is NOT reliably detectable on this machine"}`)
