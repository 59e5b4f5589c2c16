/**
 * The L2 part of the L2 / L3 benchmark alone, printed (nothing written): for quick, repeated
 * comparisons of L2 codecs without the L3 part's minutes of disk work.
 *
 *   node --import tsx bench/l2l3/l2-run.ts [--quick]
 *
 * bench/l2l3/run.ts runs the same measurement and records it in bench/results/l2l3.json.
 */
import { benchL2, l2Configs, printL2, storedStates } from "./l2-hit.js"

const { l2, breakdown } = benchL2(l2Configs(), storedStates(1000), process.argv.includes("--quick"))
printL2(l2, breakdown)
