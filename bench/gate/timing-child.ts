/**
 * One timing measurement in a fresh process (the gate runs several and takes the median: most of
 * the run-to-run spread on this VM is between processes — JIT and memory-layout luck — not
 * between samples). Prints one JSON line: { pairedRatio, medianRatio, l1P50Ns, lruP50Ns }.
 *
 *   node --import tsx bench/gate/timing-child.ts [--slow 0.1] [--samples N]
 */
import { measureL1VsLru } from "./timing.js"

const argv = process.argv.slice(2)
const opt = (name: string): number | undefined => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? Number(argv[i + 1]) : undefined
}
const r = measureL1VsLru({ slowL1: opt("slow") ?? 0, samples: opt("samples") })
process.stdout.write(
  `${JSON.stringify({ pairedRatio: r.pairedRatio, lowRatio: r.lowRatio, medianRatio: r.medianRatio, l1P50Ns: r.a.p50Ns, lruP50Ns: r.b.p50Ns, l1P99Ns: r.a.p99Ns, lruP99Ns: r.b.p99Ns })}\n`,
)
