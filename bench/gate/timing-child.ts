/**
 * One timing measurement in a fresh process (the gate runs several and takes the median: most of
 * the run-to-run spread on this VM is between processes — JIT and memory-layout luck — not
 * between samples). Prints one JSON line: L1 get / lru-cache get ({ pairedRatio, medianRatio,
 * l1P50Ns, lruP50Ns, ... }) and TierCache.getIfPresent / lru-cache get ({ getIfPresentPairedRatio,
 * getIfPresentP50Ns, lruSameValuesP50Ns }).
 *
 *   node --import tsx bench/gate/timing-child.ts [--slow 0.1] [--samples N]
 */
import { measureGetIfPresentVsLru, measureL1VsLru } from "./timing.js"

const argv = process.argv.slice(2)
const opt = (name: string): number | undefined => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? Number(argv[i + 1]) : undefined
}
const options = { slowL1: opt("slow") ?? 0, samples: opt("samples") }
const r = measureL1VsLru(options)
const g = await measureGetIfPresentVsLru(options)
process.stdout.write(
  `${JSON.stringify({
    pairedRatio: r.pairedRatio,
    lowRatio: r.lowRatio,
    medianRatio: r.medianRatio,
    l1P50Ns: r.a.p50Ns,
    lruP50Ns: r.b.p50Ns,
    l1P99Ns: r.a.p99Ns,
    lruP99Ns: r.b.p99Ns,
    getIfPresentPairedRatio: g.pairedRatio,
    getIfPresentP50Ns: g.a.p50Ns,
    lruSameValuesP50Ns: g.b.p50Ns,
  })}\n`,
)
