/**
 * Diagnostic: replays one trace at one size and prints, every `--every` requests, the window share
 * and the hit % of that stretch, for L1 with the given policy (JSON) and, side by side, fixed-window
 * references. Shows *when* an adaptive run loses against a fixed setting.
 *
 *   node --import tsx bench/hitratio/trace-window.ts <trace> <pct> [policy-json] [--every N] [--fixed 0.01,0.3]
 */
import { capacityFor, listSharedTraces, loadTrace, sharedTracesDir, traceName } from "../../src/traces/read-trace.js"
import { L1Cache, type L1PolicyOptions } from "../../src/tiers/l1/index.js"

const argv = process.argv.slice(2)
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name)
  return i < 0 ? undefined : argv[i + 1]
}
const [name, pctText, policyText] = argv
const every = Number(flag("--every") ?? 100_000)
const fixed = (flag("--fixed") ?? "").split(",").filter((s) => s !== "").map(Number)
const file = listSharedTraces(sharedTracesDir()).find((f) => traceName(f) === name)
if (file === undefined) throw new Error(`no trace ${name}`)
const trace = loadTrace(file)
const capacity = capacityFor(trace.uniqueKeys, Number(pctText))
const policy: L1PolicyOptions = policyText !== undefined && policyText.startsWith("{") ? JSON.parse(policyText) : {}
const caches = [
  new L1Cache<number>({ maxBytes: capacity, maxEntries: capacity, policy }),
  ...fixed.map((w) => new L1Cache<number>({ maxBytes: capacity, maxEntries: capacity, policy: { adaptive: false, window: w } })),
  // Exact LRU: a fixed window of 100 % with no main area.
  new L1Cache<number>({ maxBytes: capacity, maxEntries: capacity, policy: { adaptive: false, window: 1 } }),
]
const lastHits = caches.map(() => 0)
console.log(`${name} ${pctText}% capacity ${capacity}; columns: request, window, stretch hit % (adaptive), then each fixed window ${fixed.join(" ")}, then LRU`)
for (let i = 0; i < trace.keys.length; i++) {
  const k = trace.keys[i]
  for (const c of caches) if (c.get(k) === undefined) c.set(k, 1, 1, i)
  if ((i + 1) % every === 0 || i === trace.keys.length - 1) {
    const cols = caches.map((c, j) => {
      const h = c.counters.hits - lastHits[j]
      lastHits[j] = c.counters.hits
      return ((100 * h) / every).toFixed(2).padStart(6)
    })
    console.log(`${String(i + 1).padStart(8)} ${(100 * caches[0].window).toFixed(1).padStart(5)} % ${cols.join(" ")}`)
  }
}
console.log(`total: ${caches.map((c) => ((100 * c.counters.hits) / trace.keys.length).toFixed(2)).join(" ")}`)
