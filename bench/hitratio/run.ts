/**
 * Hit ratio of L1 alone on every shared trace at 1 / 5 / 10 % of unique keys, next to ANCHORS.md.
 *
 *   node --import tsx bench/hitratio/run.ts [--quick] [--check] [--only a,b] [--no-lru] [--out DIR]
 *
 * Per cell: ours, exact LRU (measured here, a check of the harness against ANCHORS.md's LRU column),
 * the best of the seven published policies, regret = best − ours, and ours − LRU.
 * Full runs write bench/results/hitratio.json and .md; `--quick` replays a fixed subset of small
 * traces (for the perf gate) and writes nothing unless `--out` is given.
 * `--check` exits 1 if a target is missed: mean regret ≤ 1, max regret ≤ 5, ours ≥ LRU − 1 everywhere.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { capacityFor, listSharedTraces, loadTrace, repoRoot, sharedTracesDir, traceName } from "../../src/traces/read-trace.js"
import { type AnchorRow, readAnchors } from "./anchors.js"
import { lruHits } from "./exact-lru.js"
import { replayL1 } from "./replay.js"
import { formatMarkdown, summarize, type Cell } from "./report.js"
import { QUICK_TRACES, SIZE_PCTS, TARGETS } from "./targets.js"

interface Args {
  quick: boolean
  check: boolean
  only: string[] | undefined
  lru: boolean
  out: string | undefined
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, check: false, only: undefined, lru: true, out: undefined }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === "--quick") args.quick = true
    else if (a === "--check") args.check = true
    else if (a === "--no-lru") args.lru = false
    else if (a === "--only") args.only = argv[++i].split(",")
    else if (a === "--out") args.out = argv[++i]
    else throw new Error(`unknown argument ${a}`)
  }
  return args
}

function main(): void {
  const args = parseArgs(process.argv.slice(2))
  const dir = sharedTracesDir()
  const anchors = readAnchors(dir)
  let files = listSharedTraces(dir)
  const wanted: readonly string[] | undefined = args.only ?? (args.quick ? QUICK_TRACES : undefined)
  if (wanted !== undefined) files = files.filter((f) => wanted.includes(traceName(f)))
  if (files.length === 0) throw new Error(`no traces selected in ${dir}`)

  const cells: Cell[] = []
  const started = process.hrtime.bigint()
  for (const file of files) {
    const t0 = process.hrtime.bigint()
    const name = traceName(file)
    const trace = loadTrace(file)
    for (const pct of SIZE_PCTS) {
      const anchor: AnchorRow | undefined = anchors.get(`${name}@${pct}`)
      const capacity = capacityFor(trace.uniqueKeys, pct)
      if (anchor !== undefined && anchor.capacity !== capacity) {
        throw new Error(`${name} ${pct}%: capacity ${capacity} differs from ANCHORS.md's ${anchor.capacity}`)
      }
      const ours = replayL1(trace.keys, capacity)
      const lru = args.lru ? (100 * lruHits(trace.keys, capacity)) / trace.keys.length : undefined
      cells.push({
        trace: name,
        pct,
        capacity,
        requests: trace.keys.length,
        ours: (100 * ours.hits) / ours.requests,
        finalWindow: ours.finalWindow,
        lru,
        anchor,
      })
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    const row = cells.slice(-3).map((c) => `${c.pct}%: ${c.ours.toFixed(2)}${c.anchor ? ` (best ${c.anchor.best.toFixed(2)}, LRU ${c.anchor.policies.LRU.toFixed(2)})` : ""}`)
    console.log(`${name.padEnd(32)} ${row.join("  ")}  [${(ms / 1000).toFixed(1)} s]`)
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const summary = summarize(cells, TARGETS)
  const command = `node --import tsx bench/hitratio/run.ts ${process.argv.slice(2).join(" ")}`.trim()
  console.log(
    `\ncells ${summary.cells}  mean regret ${summary.meanRegret.toFixed(2)}  max regret ${summary.maxRegret.toFixed(2)} (${summary.maxRegretCell})  ` +
      `worst vs LRU ${summary.worstVsLru.toFixed(2)} (${summary.worstVsLruCell})  mean vs LRU ${summary.meanVsLru.toFixed(2)}  ` +
      `harness LRU max |Δ| ${summary.lruCheckMaxAbs?.toFixed(3) ?? "n/a"}  time ${seconds.toFixed(1)} s`,
  )
  console.log(summary.failures.length === 0 ? "targets: all met" : `targets missed:\n  ${summary.failures.join("\n  ")}`)

  const outDir = args.out ?? (args.quick || args.only !== undefined ? undefined : join(repoRoot(), "bench", "results"))
  if (outDir !== undefined) {
    mkdirSync(resolve(outDir), { recursive: true })
    const meta = { command, node: process.version, seconds: Number(seconds.toFixed(1)), date: new Date().toISOString(), targets: TARGETS }
    writeFileSync(join(outDir, "hitratio.json"), JSON.stringify({ meta, summary, cells }, null, 2) + "\n")
    writeFileSync(join(outDir, "hitratio.md"), formatMarkdown(cells, summary, meta))
    console.log(`wrote ${join(outDir, "hitratio.json")} and hitratio.md`)
  }
  if (args.check && summary.failures.length > 0) process.exitCode = 1
}

main()
