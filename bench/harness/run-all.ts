/**
 * Runs every benchmark, one after another, and writes a summary (`make bench`).
 *
 *   node --import tsx bench/harness/run-all.ts [--quick] [--only l1,l2l3,hitratio,checker,mixed,footprint,prefetch]
 *
 * Each benchmark runs in its own process (its own JIT and heap; one failing does not stop the
 * others) and writes its own results file in bench/results/ — or, with --quick, in
 * bench/results/quick/, so a smoke run never overwrites the full results; this runner records, per benchmark,
 * the command, exit status, wall time and result file, plus the checker's throughput read from
 * `check-models --json`, into bench/results/summary.json. Exit 1 if any benchmark failed.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync } from "node:fs"
import { resolve } from "node:path"
import { writeResults } from "./results.js"

const ROOT = resolve(import.meta.dirname, "..", "..")
const argv = process.argv.slice(2)
const quick = argv.includes("--quick")
const onlyIdx = argv.indexOf("--only")
const only = onlyIdx >= 0 ? new Set(argv[onlyIdx + 1]?.split(",")) : undefined

interface Bench {
  readonly name: string
  /** node arguments (script and flags). */
  readonly args: readonly string[]
  readonly results: string
  /** Present when the bench's script belongs to another part of the project and may not exist yet. */
  readonly script: string
}

const q = (flag: string): string[] => (quick ? [flag] : [])
/** Where results go: quick runs into their own folder. */
const OUT = quick ? "bench/results/quick" : "bench/results"
const BENCHES: readonly Bench[] = [
  { name: "l1", script: "bench/l1/run.ts", args: ["--expose-gc", "--import", "tsx", "bench/l1/run.ts", ...q("--quick"), "--out", `${OUT}/l1.json`], results: `${OUT}/l1.json` },
  { name: "l2l3", script: "bench/l2l3/run.ts", args: ["--import", "tsx", "bench/l2l3/run.ts", ...q("--quick"), "--out", OUT], results: `${OUT}/l2l3.json` },
  // --quick never writes files; the full run writes bench/results/hitratio.{json,md}.
  { name: "hitratio", script: "bench/hitratio/run.ts", args: ["--import", "tsx", "bench/hitratio/run.ts", ...q("--quick")], results: quick ? "(stdout)" : "bench/results/hitratio.json" },
  { name: "mixed", script: "bench/harness/mixed.ts", args: ["--import", "tsx", "bench/harness/mixed.ts", ...q("--quick"), "--out", OUT], results: `${OUT}/mixed.json` },
  {
    name: "footprint",
    script: "bench/harness/footprint.ts",
    args: ["--expose-gc", "--import", "tsx", "bench/harness/footprint.ts", "--agents", "850", "--ops", quick ? "20000" : "100000", "--out", OUT],
    results: `${OUT}/footprint.json`,
  },
  {
    name: "prefetch",
    script: "bench/prefetch/run-prefetch-bench.ts",
    args: ["--import", "tsx", "bench/prefetch/run-prefetch-bench.ts", ...(quick ? ["--traces", "none"] : []), "--out", `${OUT}/prefetch`],
    results: `${OUT}/prefetch.json`,
  },
  { name: "checker", script: "checker/bin/check-models.ts", args: ["--import", "tsx", "checker/bin/check-models.ts", "--json"], results: "(stdout)" },
]

interface Outcome {
  readonly name: string
  readonly command: string
  readonly status: "ok" | "failed" | "absent"
  readonly exitCode: number | null
  readonly seconds: number
  readonly results: string
  readonly detail?: unknown
}

const outcomes: Outcome[] = []
for (const b of BENCHES) {
  if (only !== undefined && !only.has(b.name)) continue
  const command = `node ${b.args.join(" ")}`
  if (!existsSync(resolve(ROOT, b.script))) {
    outcomes.push({ name: b.name, command, status: "absent", exitCode: null, seconds: 0, results: b.results })
    console.log(`-- ${b.name}: ${b.script} not present, skipped`)
    continue
  }
  console.log(`== ${b.name}: ${command}`)
  const t0 = performance.now()
  const capture = b.name === "checker"
  const r = spawnSync(process.execPath, b.args, { cwd: ROOT, stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit", encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
  const seconds = Number(((performance.now() - t0) / 1000).toFixed(1))
  let detail: unknown
  if (capture && r.stdout) {
    try {
      const rows = JSON.parse(r.stdout) as Array<{ name: string; pass: boolean; distinct: number | null; generated: number | null; statesPerSecond: number | null; wallMs: number | null }>
      detail = rows.map((x) => ({ model: x.name, pass: x.pass, distinct: x.distinct, generated: x.generated, statesPerSecond: x.statesPerSecond, wallMs: x.wallMs }))
      for (const x of rows) console.log(`   ${x.name.padEnd(34)} ${x.pass ? "pass" : "FAIL"}  ${String(x.generated ?? "-").padStart(9)} generated  ${String(x.statesPerSecond ?? "-").padStart(7)} states/s`)
    } catch {
      detail = { unparsed: r.stdout.slice(0, 500) }
    }
  }
  const status = r.status === 0 ? "ok" : "failed"
  outcomes.push({ name: b.name, command, status, exitCode: r.status, seconds, results: b.results, ...(detail === undefined ? {} : { detail }) })
  console.log(`-- ${b.name}: ${status} in ${seconds} s`)
}
mkdirSync(resolve(ROOT, OUT), { recursive: true })
const file = writeResults("summary", { quick, outcomes }, resolve(ROOT, OUT))
console.log(`\n${outcomes.map((o) => `${o.name.padEnd(10)} ${o.status.padEnd(7)} ${String(o.seconds).padStart(6)} s  ${o.results}`).join("\n")}\nwrote ${file}`)
if (outcomes.some((o) => o.status === "failed")) process.exitCode = 1
