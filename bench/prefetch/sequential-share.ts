/**
 * How sequential each shared trace is: the share of requests whose key is the previous request's
 * key + 1 (numeric keys, or the last number of a templated key with the same stem), per agent for
 * agent traces. A stride prefetcher's gain on a trace is bounded by this kind of structure, and on
 * traces whose conversion expanded multi-block requests into consecutive blocks (arc_*: `start n`)
 * or that number new objects in arrival order, much of it is an artefact of key numbering, not of
 * behaviour a model had to learn. Reported beside the prefetch results so they can be read honestly.
 *
 *   node --import tsx bench/prefetch/sequential-share.ts [--out bench/results/prefetch.sequential]
 */
import { writeFileSync } from "node:fs"
import { parseNumberedKey } from "../../src/prefetch/numbered-key.js"
import { listSharedTraces, loadTrace, traceName } from "../../src/traces/read-trace.js"

const argv = process.argv.slice(2)
const outArg = argv.indexOf("--out")
const out = outArg >= 0 ? argv[outArg + 1] : "bench/results/prefetch.sequential"
const rows: { trace: string; requests: number; sequentialShare: number; firstTouchShare: number }[] = []
for (const file of listSharedTraces()) {
  const t = loadTrace(file)
  const last = new Map<string, { stem: string; value: number }>()
  const seen = new Set<string>()
  let seq = 0
  let first = 0
  t.keys.forEach((key, i) => {
    const agent = t.agents?.[i] ?? ""
    const p = parseNumberedKey(key)
    const prev = last.get(agent)
    if (p !== undefined) {
      const stem = p.prefix + "\u0000" + p.suffix
      if (prev !== undefined && prev.stem === stem && p.value === prev.value + 1) seq++
      last.set(agent, { stem, value: p.value })
    } else {
      last.delete(agent)
    }
    if (!seen.has(key)) {
      first++
      seen.add(key)
    }
  })
  const row = { trace: traceName(file), requests: t.keys.length, sequentialShare: Math.round((seq / t.keys.length) * 10000) / 100, firstTouchShare: Math.round((first / t.keys.length) * 10000) / 100 }
  console.log(`${row.trace}: ${row.sequentialShare} % sequential (+1), ${row.firstTouchShare} % first touches`)
  rows.push(row)
}
writeFileSync(`${out}.json`, JSON.stringify({ command: `node --import tsx bench/prefetch/sequential-share.ts ${argv.join(" ")}`.trim(), rows }, null, 2) + "\n")
const md = ["# How sequential the shared traces are", "", "Share of requests whose key is the previous request's key + 1 (same stem; per agent on agent traces), and share of requests that are a key's first touch (compulsory misses for any cache that does not prefetch).", "", "| trace | requests | sequential +1 % | first touches % |", "|---|---:|---:|---:|", ...rows.map((r) => `| ${r.trace} | ${r.requests} | ${r.sequentialShare} | ${r.firstTouchShare} |`), ""]
writeFileSync(`${out}.md`, md.join("\n"))
