/**
 * Policy tuning aid: replays the shared traces under several L1 policy settings and prints the
 * regret summary of each, so a change to the defaults is chosen on measured numbers.
 *
 *   node --import tsx bench/hitratio/tune.ts '<json array of settings>' [--skip a,b] [--only a,b]
 *
 * A setting is an L1PolicyOptions object, plus `periodFactor` (climber sample = factor × capacity).
 */
import { capacityFor, listSharedTraces, loadTrace, sharedTracesDir, traceName } from "../../src/traces/read-trace.js"
import type { L1PolicyOptions } from "../../src/tiers/l1/index.js"
import { readAnchors } from "./anchors.js"
import { replayL1 } from "./replay.js"
import { summarize, type Cell } from "./report.js"
import { TARGETS } from "./targets.js"

type Setting = L1PolicyOptions & { periodFactor?: number; minPeriod?: number }

const argv = process.argv.slice(2)
const settings = JSON.parse(argv[0]) as Setting[]
const opt = (name: string): string[] | undefined => {
  const i = argv.indexOf(name)
  return i < 0 ? undefined : argv[i + 1].split(",")
}
const skip = opt("--skip") ?? []
const only = opt("--only")
const dir = sharedTracesDir()
const anchors = readAnchors(dir)
const files = listSharedTraces(dir).filter((f) => !skip.includes(traceName(f)) && (only === undefined || only.includes(traceName(f))))
const cells: Cell[][] = settings.map(() => [])
for (const file of files) {
  const name = traceName(file)
  const trace = loadTrace(file)
  for (const pct of [1, 5, 10]) {
    const capacity = capacityFor(trace.uniqueKeys, pct)
    settings.forEach((s, i) => {
      const { periodFactor, minPeriod, ...policy } = s
      const p: L1PolicyOptions = periodFactor === undefined ? policy : { ...policy, samplePeriod: Math.max(minPeriod ?? 0, Math.round(periodFactor * capacity)) }
      const r = replayL1(trace.keys, capacity, p)
      cells[i].push({ trace: name, pct, capacity, requests: r.requests, ours: (100 * r.hits) / r.requests, finalWindow: r.finalWindow, lru: undefined, anchor: anchors.get(`${name}@${pct}`) })
    })
  }
}
settings.forEach((s, i) => {
  const sum = summarize(cells[i], TARGETS)
  const bad = cells[i].filter((c) => c.anchor && (c.anchor.best - c.ours > 2 || c.ours - c.anchor.policies.LRU < -1))
  console.log(
    `${JSON.stringify(s)}\n  mean ${sum.meanRegret.toFixed(3)} max ${sum.maxRegret.toFixed(2)} (${sum.maxRegretCell}) worstLRU ${sum.worstVsLru.toFixed(2)} (${sum.worstVsLruCell})` +
      `\n  ${bad.map((c) => `${c.trace.slice(0, 14)}@${c.pct}:${(c.anchor!.best - c.ours).toFixed(1)}/${(c.ours - c.anchor!.policies.LRU).toFixed(1)}`).join(" ")}`,
  )
})
