/**
 * Per-access cost of the prefetch engine (`observe`: settle outcomes, update the models, predict,
 * gate) and its memory per agent.
 *
 *   node --expose-gc --import tsx bench/prefetch/update-latency.ts [--ops N] [--repeats R] [--out bench/results/prefetch.latency]
 *
 * Latency: every observe() call timed with process.hrtime.bigint() into an HDR histogram
 * (hdr-histogram-js); the timer's own overhead is measured the same way and reported beside it.
 * Each stream runs R times (default 3) in one process, alternating with a reference — the same
 * access stream through lru-cache (`get`, and `set` on a miss), timed the same way — and the
 * table reports the median over runs of each percentile and of the engine/lru-cache p99 ratio.
 * On a shared machine the absolute figures move with the load; the ratio moves much less.
 *
 * Streams: the generator at 850 agents with kinds declared (registration outside the timer, as
 * `cache.agent(id, { kind })` would do it); the same generator with opaque ids, no kinds and
 * behavioural clustering on (registration, signatures and cluster assignment inside the timer);
 * the agent trace per agent; one block trace as a single agent.
 * Memory: the exact bytes of an agent's fixed model (tables, detector, filter, ledger) and a heap
 * measurement of 850 live agents after a run (which also includes Map entries and key strings).
 */
import { writeFileSync } from "node:fs"
import * as hdr from "hdr-histogram-js"
import { LRUCache } from "lru-cache"
import { PrefetchEngine, type PrefetchEngineOptions } from "../../src/prefetch/prefetch-engine.js"
import { AgentWorkload } from "../../src/workload/index.js"
import { type Access, traceAccesses } from "./engine-access.js"


/** The reference: the same accesses through lru-cache (get; set on a miss), timed the same way. */
function timeLruCache(accesses: readonly Access[], warmup: number) {
  const c = new LRUCache<string, number>({ max: 20_000 })
  const h = histogram()
  for (let i = 0; i < accesses.length; i++) {
    const a = accesses[i]
    if (a.end) continue
    const t0 = process.hrtime.bigint()
    if (c.get(a.key) === undefined) c.set(a.key, a.size)
    const t1 = process.hrtime.bigint()
    if (i >= warmup) h.recordValue(Number(t1 - t0))
  }
  return summary(h)
}

type Summary = ReturnType<typeof summary>

/** Runs engine and reference alternately `repeats` times; medians per percentile and of the p99 ratio. */
function measure(accesses: readonly Access[], options: PrefetchEngineOptions, repeats: number) {
  const warmup = Math.floor(accesses.length / 5)
  const engineRuns: Summary[] = []
  const lruRuns: Summary[] = []
  let engine: PrefetchEngine | undefined
  for (let r = 0; r < repeats; r++) {
    const t = timeEngine(accesses, options, warmup)
    engine = t.engine
    engineRuns.push(t.latency)
    lruRuns.push(timeLruCache(accesses, warmup))
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const pick = (runs: Summary[]): Summary => ({
    count: runs[0].count,
    p50Ns: med(runs.map((x) => x.p50Ns)),
    p90Ns: med(runs.map((x) => x.p90Ns)),
    p99Ns: med(runs.map((x) => x.p99Ns)),
    p999Ns: med(runs.map((x) => x.p999Ns)),
    maxNs: med(runs.map((x) => x.maxNs)),
    meanNs: med(runs.map((x) => x.meanNs)),
  })
  return {
    engine: engine!,
    latency: pick(engineRuns),
    p99PerRun: engineRuns.map((x) => x.p99Ns),
    lruCache: pick(lruRuns),
    p99OverLruCacheP99: Math.round(med(engineRuns.map((x, i) => x.p99Ns / lruRuns[i].p99Ns)) * 100) / 100,
  }
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

/**
 * Times every observe() after the first `warmup` accesses; predictions are recorded as issued (a
 * cache would) and `end` ops end their agent (untimed).
 */
function timeEngine(accesses: readonly Access[], options: PrefetchEngineOptions, warmup: number) {
  const e = new PrefetchEngine(options)
  const h = histogram()
  for (let i = 0; i < accesses.length; i++) {
    const a = accesses[i]
    if (a.end) {
      e.endAgent(a.agent)
      continue
    }
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

/** The generator with opaque ids and no kinds declared; `end` ops kept (agents churn). */
function unlabelledAccesses(ops: number): Access[] {
  const out: Access[] = []
  for (const o of new AgentWorkload({ ops, seed: 1, opaqueIds: true })) {
    out.push({ agent: o.agentId, key: o.key, size: o.size, write: o.op === "put", end: o.op === "end" })
  }
  return out
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
const repeatsArg = argv.indexOf("--repeats")
const ops = opsArg >= 0 ? Number(argv[opsArg + 1]) : 300_000
const repeats = repeatsArg >= 0 ? Math.max(1, Number(argv[repeatsArg + 1])) : 3
const out = outArg >= 0 ? argv[outArg + 1] : "bench/results/prefetch.latency"
/** Clustering setting of the unlabelled stream (the engine option). */
const CLUSTERED: PrefetchEngineOptions = { clusterAfter: 16 }

const runs: Record<string, unknown> = {}
const report = (name: string, accesses: readonly Access[], options: PrefetchEngineOptions): void => {
  const m = measure(accesses, options, repeats)
  runs[name] = {
    accesses: accesses.filter((a) => !a.end).length,
    ...m.latency,
    p99PerRun: m.p99PerRun,
    lruCacheP50Ns: m.lruCache.p50Ns,
    lruCacheP99Ns: m.lruCache.p99Ns,
    p99OverLruCacheP99: m.p99OverLruCacheP99,
    bytesPerAgent: m.engine.bytesPerAgent(),
    bytesPerKind: m.engine.bytesPerKind(),
    agentsLive: m.engine.agentCount,
    clusters: m.engine.clusterCount,
  }
}
report("generator850", generatorAccesses(ops), {})
report("generator850Unlabelled", unlabelledAccesses(ops), CLUSTERED)
const agentTrace = traceAccesses("agent_miniswe_gemini3pro_swebv", Infinity) ?? []
if (agentTrace.length > 0) report("agentTrace", agentTrace, {})
const block = traceAccesses("arc_oltp", ops) ?? []
if (block.length > 0) report("arcOltpOneAgent", block, { agentContexts: 1 << 16 })
const result = {
  command: `node --expose-gc --import tsx bench/prefetch/update-latency.ts ${argv.join(" ")}`.trim(),
  repeats,
  date: new Date().toISOString(),
  node: process.version,
  timerOverhead: timerOverhead(200_000),
  runs,
  heap850Agents: heapOf850Agents(),
}
writeFileSync(`${out}.json`, JSON.stringify(result, null, 2) + "\n")
const md: string[] = ["# Prefetch engine: per-access cost and memory", "", `Command: \`${result.command}\` — ${result.date}, Node ${result.node}. Shared 2-core machine: latencies are indicative.`, ""]
md.push(`Medians over ${repeats} runs per stream (p99 of each run in brackets); the lru-cache columns time the same accesses through lru-cache get (+ set on a miss) in the same process, alternating with the engine runs.`, "")
md.push("| stream | accesses timed | p50 ns | p90 ns | p99 ns | p99.9 ns | lru-cache p50 / p99 ns | engine p99 / lru-cache p99 | model bytes / agent |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
type Row = Summary & { accesses: number; bytesPerAgent: number; p99PerRun: number[]; lruCacheP50Ns: number; lruCacheP99Ns: number; p99OverLruCacheP99: number }
for (const [name, r] of Object.entries(runs) as [string, Row][]) {
  md.push(`| ${name} | ${r.count} of ${r.accesses} | ${r.p50Ns} | ${r.p90Ns} | ${r.p99Ns} (${r.p99PerRun.join(", ")}) | ${r.p999Ns} | ${r.lruCacheP50Ns} / ${r.lruCacheP99Ns} | ${r.p99OverLruCacheP99} | ${r.bytesPerAgent} |`)
}
const t = result.timerOverhead
md.push("", `Timer overhead (two hrtime calls, same histogram): p50 ${t.p50Ns} ns, p99 ${t.p99Ns} ns — included in the numbers above.`, "")
if (result.heap850Agents !== undefined) md.push(`Heap measured for 850 live agents (gc before/after): ${result.heap850Agents.bytesPerAgentMeasured} bytes per agent (JS heap + ArrayBuffers: model arrays, Map entries, objects).`, "")
writeFileSync(`${out}.md`, md.join("\n") + "\n")
console.log(md.join("\n"))
