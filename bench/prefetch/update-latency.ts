/**
 * Per-access cost of the prefetch engine (`observe`: settle outcomes, update the models, predict,
 * gate) and its memory per agent.
 *
 *   node --expose-gc --import tsx bench/prefetch/update-latency.ts [--ops N] [--out bench/results/prefetch.latency]
 *
 * Latency: every observe() call timed with process.hrtime.bigint() into an HDR histogram
 * (hdr-histogram-js); the timer's own overhead is measured the same way and reported beside it.
 * Memory: the exact bytes of an agent's fixed model (tables, detector, filter, ledger) and a heap
 * measurement of 850 live agents after a run (which also includes Map entries and key strings).
 */
import { writeFileSync } from "node:fs"
import * as hdr from "hdr-histogram-js"
import { PrefetchEngine, type PrefetchEngineOptions } from "../../src/prefetch/prefetch-engine.js"
import { listSharedTraces, loadTrace, traceName } from "../../src/traces/read-trace.js"
import { AgentWorkload } from "../../src/workload/index.js"

interface Access {
  agent: string
  kind?: string
  key: string
  size: number
  write: boolean
}

function histogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false })
}

function summary(h: hdr.Histogram) {
  return {
    count: h.totalCount,
    p50Ns: h.getValueAtPercentile(50),
    p90Ns: h.getValueAtPercentile(90),
    p99Ns: h.getValueAtPercentile(99),
    p999Ns: h.getValueAtPercentile(99.9),
    maxNs: h.maxValue,
    meanNs: Math.round(h.mean),
  }
}

/** Times every observe() after the first `warmup` accesses; predictions are recorded as issued (a cache would). */
function timeEngine(accesses: readonly Access[], options: PrefetchEngineOptions, warmup: number) {
  const e = new PrefetchEngine(options)
  const h = histogram()
  for (let i = 0; i < accesses.length; i++) {
    const a = accesses[i]
    if (a.kind !== undefined) e.registerAgent(a.agent, a.kind)
    const t0 = process.hrtime.bigint()
    const p = e.observe(a.agent, a.key, "miss", a.size, a.write)
    const t1 = process.hrtime.bigint()
    if (i >= warmup) h.recordValue(Number(t1 - t0))
    for (const x of p) if (!e.isPending(x.key)) e.recordIssued(a.agent, x.key, x.bytes, x.source)
  }
  return { engine: e, latency: summary(h) }
}

function timerOverhead(n: number) {
  const h = histogram()
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint()
    const t1 = process.hrtime.bigint()
    h.recordValue(Number(t1 - t0))
  }
  return summary(h)
}

function generatorAccesses(ops: number): Access[] {
  const out: Access[] = []
  for (const o of new AgentWorkload({ ops, seed: 1 })) {
    if (o.op !== "end") out.push({ agent: o.agentId, kind: o.kind, key: o.key, size: o.size, write: o.op === "put" })
  }
  return out
}

function traceAccesses(name: string, limit: number): Access[] {
  const file = listSharedTraces().find((f) => traceName(f) === name)
  if (file === undefined) return []
  const t = loadTrace(file, { limit })
  return t.keys.map((key, i) => ({ agent: t.agents?.[i] ?? "trace", key, size: t.sizes?.[i] ?? 0, write: false }))
}

function heapOf850Agents(): { bytesPerAgentMeasured: number; agents: number } | undefined {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) return undefined
  const keys = generatorAccesses(100_000).map((a) => a.key)
  // Intern every key first (through a throwaway agent), so the delta below is the agents' own state.
  const e = new PrefetchEngine()
  for (const k of keys) e.observe("warm", k, "l1")
  e.endAgent("warm")
  const settle = (): number => {
    gc()
    gc()
    const m = process.memoryUsage()
    return m.heapUsed + m.arrayBuffers // typed-array backing stores live outside the JS heap
  }
  const before = settle()
  for (let i = 0; i < 850; i++) e.registerAgent(`probe-${i}`, "coder")
  for (let round = 0; round < 20; round++) for (let i = 0; i < 850; i++) e.observe(`probe-${i}`, keys[(round * 850 + i) % keys.length], "miss")
  const after = settle()
  const agents = e.agentCount
  if (keys.length === 0) return undefined // keeps `keys` alive across both measurements
  return { bytesPerAgentMeasured: Math.round((after - before) / 850), agents }
}

const argv = process.argv.slice(2)
const opsArg = argv.indexOf("--ops")
const outArg = argv.indexOf("--out")
const ops = opsArg >= 0 ? Number(argv[opsArg + 1]) : 300_000
const out = outArg >= 0 ? argv[outArg + 1] : "bench/results/prefetch.latency"

const runs: Record<string, unknown> = {}
const gen = generatorAccesses(ops)
const g = timeEngine(gen, {}, Math.floor(gen.length / 5))
runs.generator850 = { accesses: gen.length, ...g.latency, bytesPerAgent: g.engine.bytesPerAgent(), bytesPerKind: g.engine.bytesPerKind() }
const agentTrace = traceAccesses("agent_miniswe_gemini3pro_swebv", Infinity)
if (agentTrace.length > 0) {
  const r = timeEngine(agentTrace, {}, Math.floor(agentTrace.length / 5))
  runs.agentTrace = { accesses: agentTrace.length, ...r.latency, bytesPerAgent: r.engine.bytesPerAgent() }
}
const block = traceAccesses("arc_oltp", ops)
if (block.length > 0) {
  const opts = { agentContexts: 1 << 16 }
  const r = timeEngine(block, opts, Math.floor(block.length / 5))
  runs.arcOltpOneAgent = { accesses: block.length, ...r.latency, bytesPerAgent: r.engine.bytesPerAgent() }
}
const result = {
  command: `node --expose-gc --import tsx bench/prefetch/update-latency.ts ${argv.join(" ")}`.trim(),
  date: new Date().toISOString(),
  node: process.version,
  timerOverhead: timerOverhead(200_000),
  runs,
  heap850Agents: heapOf850Agents(),
}
writeFileSync(`${out}.json`, JSON.stringify(result, null, 2) + "\n")
const md: string[] = ["# Prefetch engine: per-access cost and memory", "", `Command: \`${result.command}\` — ${result.date}, Node ${result.node}. Shared 2-core machine: latencies are indicative.`, ""]
md.push("| stream | accesses timed | p50 ns | p90 ns | p99 ns | p99.9 ns | max ns | model bytes / agent |", "|---|---:|---:|---:|---:|---:|---:|---:|")
for (const [name, r] of Object.entries(runs) as [string, ReturnType<typeof summary> & { accesses: number; bytesPerAgent: number }][]) {
  md.push(`| ${name} | ${r.count} of ${r.accesses} | ${r.p50Ns} | ${r.p90Ns} | ${r.p99Ns} | ${r.p999Ns} | ${r.maxNs} | ${r.bytesPerAgent} |`)
}
const t = result.timerOverhead
md.push("", `Timer overhead (two hrtime calls, same histogram): p50 ${t.p50Ns} ns, p99 ${t.p99Ns} ns — included in the numbers above.`, "")
if (result.heap850Agents !== undefined) md.push(`Heap measured for 850 live agents (gc before/after): ${result.heap850Agents.bytesPerAgentMeasured} bytes per agent (JS heap + ArrayBuffers: model arrays, Map entries, objects).`, "")
writeFileSync(`${out}.md`, md.join("\n") + "\n")
console.log(md.join("\n"))
