/**
 * Prefetch benchmark: prefetch on vs off at equal cache size, plus lru-cache as an independent LRU.
 *
 *   node --import tsx bench/prefetch/run-prefetch-bench.ts [--ops N] [--traces a,b|all|none]
 *        [--skip-generator] [--skip-mithril] [--out bench/results/prefetch]
 *   node --import tsx bench/prefetch/run-prefetch-bench.ts --merge part1.json,part2.json [--out …]
 *
 * (a) the agent workload generator at 850 agents, (b) every shared trace at 1/5/10 % of unique keys
 * (the agent trace replayed per agent; the others as one agent), (c) the libCacheSim prefetcher
 * regression setting (cloudPhysicsIO, byte capacities 128–1024 MiB) against the published
 * Mithril / OBL / PG miss counts. Writes `<out>.json` and `<out>.md`.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { PrefetchEngine, type PrefetchEngineOptions } from "../../src/prefetch/prefetch-engine.js"
import { toPrefetchStats } from "../../src/prefetch/prefetch-metrics.js"
import { capacityFor, listSharedTraces, loadTrace, sharedTracesDir, traceName } from "../../src/traces/read-trace.js"
import { AgentWorkload } from "../../src/workload/index.js"
import { OP_END, OP_GET, OP_PUT, replay, replayLruCache, type ReplayResult, type ReplayStream } from "./replay.js"
import { successorBound } from "./successor-bound.js"

interface Args {
  /** Combine earlier partial results (JSON files written by this script) instead of running. */
  merge: string[]
  /** Replay only the first N requests of each trace (rows are then marked and not compared with ANCHORS.md). */
  limit: number | undefined
  ops: number
  traces: string[] | "all"
  generator: boolean
  mithril: boolean
  out: string
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { merge: [], limit: undefined, ops: 1_000_000, traces: "all", generator: true, mithril: true, out: "bench/results/prefetch" }
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1]
    switch (argv[i]) {
      case "--ops":
        a.ops = Number(v)
        i++
        break
      case "--traces":
        a.traces = v === "all" ? "all" : v === "none" ? [] : v.split(",")
        i++
        break
      case "--limit":
        a.limit = Number(v)
        i++
        break
      case "--merge":
        a.merge = v.split(",")
        i++
        break
      case "--skip-generator":
        a.generator = false
        break
      case "--skip-mithril":
        a.mithril = false
        break
      case "--out":
        a.out = v
        i++
        break
      default:
        throw new Error(`unknown argument ${argv[i]}`)
    }
  }
  return a
}

const pct = (x: number): number => Math.round(x * 10000) / 100
const r3 = (x: number): number => Math.round(x * 1000) / 1000

/** Engine settings. Single-agent traces get one big table: the whole trace is one agent's history. */
const AGENT_ENGINE: PrefetchEngineOptions = {}
const SINGLE_ENGINE: PrefetchEngineOptions = { agentContexts: 1 << 16 }
/** Ops between issue and completion: other agents' requests in between (agent streams), or the next request (one stream). */
const AGENT_LATENCY = 8
const SINGLE_LATENCY = 1
/** Traces up to this many requests are also replayed through the real L1. */
const L1_MAX_REQUESTS = 300_000

function prefetchSummary(r: ReplayResult, off: ReplayResult) {
  const c = r.prefetch!.counters
  const s = toPrefetchStats(c)
  return {
    issued: c.issued,
    used: c.used,
    accuracy: r3(s.accuracy),
    falsePositiveRate: r3(s.falsePositiveRate),
    /** Issued prefetches neither used nor unused when the run ended (copies still resident). */
    openAtEnd: c.issued - c.used - c.unused,
    /** Used by a demand after the useful window (a waiting copy hit late). */
    usedAfterWindow: c.usedAfterWindow,
    unusedEvicted: c.unusedEvicted,
    /** Share of issued prefetches not demanded within their useful window (the throttle's failures). */
    windowMissRate: c.issued === 0 ? 0 : r3(c.windowMisses / c.issued),
    coverage: r3(s.coverage),
    timeliness: r3(s.timeliness),
    wastedBytes: c.wastedBytes,
    throttledShare: c.predictions === 0 ? 0 : r3(c.throttled / c.predictions),
    /** Shadow coverage: demand misses removed relative to the prefetch-off run. */
    missReduction: off.misses === 0 ? 0 : r3((off.misses - r.misses) / off.misses),
    bySource: r.prefetch!.bySource,
  }
}

// ---------------------------------------------------------------------------------------------
// (a) generator

function generatorStream(ops: number): { stream: ReplayStream; uniqueKeys: number; coldShareSteady: number; agents: number } {
  const all = new AgentWorkload({ ops, seed: 1, agents: 850 }).toArray()
  const keys = all.map((o) => o.key)
  const codes = Uint8Array.from(all.map((o) => (o.op === "get" ? OP_GET : o.op === "put" ? OP_PUT : OP_END)))
  // The ceiling without predicting never-seen keys: share of steady-state gets that are first touches.
  const seen = new Set<string>()
  const warm = Math.floor(all.length * 0.2)
  let steadyGets = 0
  let cold = 0
  all.forEach((o, i) => {
    if (o.op === "get" && i >= warm) {
      steadyGets++
      if (!seen.has(o.key)) cold++
    }
    if (o.op !== "end") seen.add(o.key)
  })
  return {
    stream: {
      name: "generator",
      keys,
      agents: all.map((o) => o.agentId),
      ops: codes,
      sizes: Uint32Array.from(all.map((o) => o.size)),
      kinds: new Map(all.map((o) => [o.agentId, o.kind])),
    },
    uniqueKeys: seen.size,
    coldShareSteady: cold / steadyGets,
    agents: new Set(all.map((o) => o.agentId)).size,
  }
}

function runGenerator(ops: number) {
  const g = generatorStream(ops)
  const capacities = [2000, 5000, 10000, 20000, 40000, 80000]
  const rows = capacities.map((capacity) => {
    const off = replay(g.stream, { capacity, prefetch: false })
    const lru = replayLruCache(g.stream, capacity)
    const on = replay(g.stream, { capacity, prefetch: true, latency: AGENT_LATENCY, engine: AGENT_ENGINE })
    if (lru.misses !== off.misses) throw new Error(`generator @${capacity}: own LRU ${off.misses} ≠ lru-cache ${lru.misses} misses`)
    const l1Off = replay(g.stream, { capacity, prefetch: false, model: "l1" })
    const l1On = replay(g.stream, { capacity, prefetch: true, model: "l1", latency: AGENT_LATENCY, engine: AGENT_ENGINE })
    const row = {
      capacity,
      capacityShareOfUniqueKeys: r3(capacity / g.uniqueKeys),
      hitOff: pct(off.hitRatio),
      hitOn: pct(on.hitRatio),
      steadyHitOff: pct(off.steadyHitRatio),
      steadyHitLruCache: pct(lru.steadyHitRatio),
      steadyHitOn: pct(on.steadyHitRatio),
      steadyHitL1Off: pct(l1Off.steadyHitRatio),
      steadyHitL1On: pct(l1On.steadyHitRatio),
      accuracyL1On: r3(toPrefetchStats(l1On.prefetch!.counters).accuracy),
      prefetch: prefetchSummary(on, off),
      elapsedMsOn: Math.round(on.elapsedMs),
    }
    console.log(`generator cap=${capacity}: steady off ${row.steadyHitOff} on ${row.steadyHitOn} acc ${row.prefetch.accuracy} fp ${row.prefetch.falsePositiveRate}`)
    return row
  })
  return {
    ops,
    concurrentAgents: 850,
    agentsOverRun: g.agents,
    uniqueKeys: g.uniqueKeys,
    warmupFraction: 0.2,
    latencyOps: AGENT_LATENCY,
    coldMissShareSteady: r3(g.coldShareSteady),
    ceilingWithoutColdPrediction: pct(1 - g.coldShareSteady),
    rows,
  }
}

// ---------------------------------------------------------------------------------------------
// (b) traces

interface Anchor {
  lru: number
  best: number
  opt: number
}

/** ANCHORS.md: `| trace | size | capacity | LRU | … | best online | OPT |`. */
function readAnchors(): Map<string, Anchor> {
  const out = new Map<string, Anchor>()
  let text = ""
  try {
    text = readFileSync(join(sharedTracesDir(), "ANCHORS.md"), "utf8")
  } catch {
    return out
  }
  for (const line of text.split("\n")) {
    const cells = line.split("|").map((c) => c.trim())
    if (cells.length < 13 || !/^\d+%$/.test(cells[2])) continue
    out.set(`${cells[1]}@${cells[2]}`, { lru: Number(cells[4]), best: Number(cells[11]), opt: Number(cells[12]) })
  }
  return out
}

function runTraces(selected: string[] | "all", limit: number | undefined) {
  const anchors = readAnchors()
  const files = listSharedTraces().filter((f) => selected === "all" || selected.includes(traceName(f)))
  const rows = []
  const bounds: (Omit<ReturnType<typeof successorBound>, "hitLru" | "boundHitTop2" | "boundHitConfident"> & {
    trace: string
    sizePct: number
    hitLru: number
    boundHitTop2: number
    boundHitConfident: number
  })[] = []
  for (const file of files) {
    const name = traceName(file)
    const full = loadTrace(file)
    const limited = limit !== undefined && full.keys.length > limit
    const t = limited ? loadTrace(file, { limit }) : full
    const perAgent = t.agents !== undefined
    const stream: ReplayStream = { name, keys: t.keys, agents: t.agents ?? "trace" }
    for (const p of [1, 5, 10]) {
      const capacity = capacityFor(t.uniqueKeys, p)
      if (t.agents !== undefined) {
        const b = successorBound(t.keys, t.agents, capacity, new PrefetchEngine(AGENT_ENGINE).options.threshold)
        bounds.push({ trace: name, sizePct: p, ...b, hitLru: pct(b.hitLru), boundHitTop2: pct(b.boundHitTop2), boundHitConfident: pct(b.boundHitConfident) })
      }
      const off = replay(stream, { capacity, prefetch: false })
      const lru = replayLruCache(stream, capacity)
      if (lru.misses !== off.misses) throw new Error(`${name}@${p}%: own LRU ${off.misses} ≠ lru-cache ${lru.misses} misses`)
      const on = replay(stream, {
        capacity,
        prefetch: true,
        latency: perAgent ? AGENT_LATENCY : SINGLE_LATENCY,
        engine: perAgent ? AGENT_ENGINE : SINGLE_ENGINE,
      })
      // The real L1 (W-TinyLFU) as well, where the trace is small enough to afford the extra runs.
      const withL1 = t.keys.length <= L1_MAX_REQUESTS && !limited
      const l1Off = withL1 ? replay(stream, { capacity, prefetch: false, model: "l1" }) : undefined
      const l1On = withL1
        ? replay(stream, { capacity, prefetch: true, model: "l1", latency: perAgent ? AGENT_LATENCY : SINGLE_LATENCY, engine: perAgent ? AGENT_ENGINE : SINGLE_ENGINE })
        : undefined
      const a = limited ? undefined : anchors.get(`${name}@${p}%`)
      const row = {
        trace: name,
        sizePct: p,
        capacity,
        requests: t.keys.length,
        limitedTo: limited ? limit : undefined,
        replay: perAgent ? "per agent" : "one agent",
        hitOff: pct(off.hitRatio),
        hitLruCache: pct(lru.hitRatio),
        hitOn: pct(on.hitRatio),
        delta: Math.round((on.hitRatio - off.hitRatio) * 10000) / 100,
        hitL1Off: l1Off === undefined ? undefined : pct(l1Off.hitRatio),
        hitL1On: l1On === undefined ? undefined : pct(l1On.hitRatio),
        anchorLru: a?.lru,
        anchorBestOnline: a?.best,
        anchorOpt: a?.opt,
        prefetch: prefetchSummary(on, off),
        elapsedMsOn: Math.round(on.elapsedMs),
      }
      console.log(`${name}@${p}%: off ${row.hitOff} on ${row.hitOn} (${row.delta >= 0 ? "+" : ""}${row.delta}) acc ${row.prefetch.accuracy}`)
      rows.push(row)
    }
  }
  return { rows, bounds }
}

// ---------------------------------------------------------------------------------------------
// (c) the libCacheSim prefetcher regression setting

/**
 * Expected miss counts from 1a1a11a/libCacheSim `test/test_prefetchAlgo.c` (and LRU from
 * `test/test_evictionAlgo.c`): cloudPhysicsIO oracleGeneral, byte capacities 128..1024 MiB.
 */
const PUBLISHED = {
  LRU: [93374, 89783, 83572, 81722, 72494, 72104, 71972, 71704],
  Mithril: [79796, 78480, 76126, 75256, 72336, 72062, 71936, 71667],
  OBL: [92139, 88548, 82337, 80487, 71259, 70869, 70737, 70469],
  PG: [92786, 89494, 83403, 81564, 72360, 71973, 71842, 71574],
}

/** The unthrottled variant (for comparison only; it can lose hit ratio elsewhere). */
const AGGRESSIVE: PrefetchEngineOptions = { ...SINGLE_ENGINE, accuracyTarget: 0, gateTarget: 0, threshold: 0.4, maxPredictions: 4 }

function runMithrilComparison() {
  const file = listSharedTraces().find((f) => traceName(f) === "libcachesim_cloudphysicsio")
  if (file === undefined) return undefined
  const t = loadTrace(file)
  const stream: ReplayStream = { name: "libcachesim_cloudphysicsio", keys: t.keys, agents: "trace", sizes: t.sizes }
  const rows = []
  for (let i = 0; i < 8; i++) {
    const mib = 128 * (i + 1)
    const capacity = mib * 1024 * 1024
    const off = replay(stream, { capacity, byteCapacity: true, prefetch: false })
    const on = replay(stream, { capacity, byteCapacity: true, prefetch: true, latency: SINGLE_LATENCY, engine: SINGLE_ENGINE })
    const aggr = replay(stream, { capacity, byteCapacity: true, prefetch: true, latency: SINGLE_LATENCY, engine: AGGRESSIVE })
    const row = {
      capacityMiB: mib,
      missesLruOurs: off.misses,
      missesLruPublished: PUBLISHED.LRU[i],
      missesOurs: on.misses,
      accuracyOurs: r3(toPrefetchStats(on.prefetch!.counters).accuracy),
      missesOursUnthrottled: aggr.misses,
      accuracyOursUnthrottled: r3(toPrefetchStats(aggr.prefetch!.counters).accuracy),
      missesMithril: PUBLISHED.Mithril[i],
      missesOBL: PUBLISHED.OBL[i],
      missesPG: PUBLISHED.PG[i],
    }
    console.log(`cloudphysicsio ${mib} MiB: LRU ${off.misses} (published ${PUBLISHED.LRU[i]}) ours ${on.misses} unthrottled ${aggr.misses} Mithril ${PUBLISHED.Mithril[i]} OBL ${PUBLISHED.OBL[i]}`)
    rows.push(row)
  }
  return { requests: t.keys.length, latencyOps: SINGLE_LATENCY, unthrottledSettings: AGGRESSIVE, rows }
}

// ---------------------------------------------------------------------------------------------

function markdown(result: ReturnType<typeof collect>): string {
  const L: string[] = []
  L.push("# Prefetch benchmark", "")
  L.push(`Command: \`${result.command}\` — ${result.date}. Deterministic numbers (hit ratios, counts) are exact for this code; times are not.`, "")
  L.push(`Engine defaults: ${JSON.stringify(result.engineDefaults)}.`, "")
  const g = result.generator
  if (g !== undefined) {
    L.push("## (a) Agent workload generator", "")
    L.push(
      `${g.ops.toLocaleString("en")} ops, ${g.concurrentAgents} concurrent agents (${g.agentsOverRun.toLocaleString("en")} over the run, churn), ${g.uniqueKeys.toLocaleString("en")} unique keys, seed 1. ` +
        `Steady state = after the first ${g.warmupFraction * 100} % of ops. Prefetch latency ${g.latencyOps} ops. Entry-count capacity.`,
      "",
    )
    L.push(
      `Ceiling: ${pct(g.coldMissShareSteady)} % of steady-state gets are first touches of a key (noise, Zipf tails), so no cache that only keeps what was seen can exceed **${g.ceilingWithoutColdPrediction} %**; prefetch can only pass it by predicting never-seen keys (sequential file reads).`,
      "",
    )
    L.push(
      "Accuracy = used / issued and FP = unused / issued, where used means demanded before the prefetched copy was evicted (a copy still unread after its useful window waits and counts used if a later demand hits it: *late*); *window miss* = not demanded within the useful window (what the throttle counts as failure); *open* = still resident, unresolved, when the run ended.",
      "",
    )
    L.push("| capacity | % of keys | steady hit off (LRU) | lru-cache | steady hit on | Δ | accuracy | FP rate | window-miss rate | late used | open | coverage | miss reduction | timeliness | issued | throttled | L1 off | L1 on | L1 accuracy |")
    L.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (const r of g.rows) {
      const p = r.prefetch
      L.push(
        `| ${r.capacity} | ${pct(r.capacityShareOfUniqueKeys)} | ${r.steadyHitOff} | ${r.steadyHitLruCache} | ${r.steadyHitOn} | ${(r.steadyHitOn - r.steadyHitOff).toFixed(2)} | ${pct(p.accuracy)} | ${pct(p.falsePositiveRate)} | ${pct(p.windowMissRate)} | ${p.usedAfterWindow} | ${p.openAtEnd} | ${pct(p.coverage)} | ${pct(p.missReduction)} | ${pct(p.timeliness)} | ${p.issued} | ${pct(p.throttledShare)} % | ${r.steadyHitL1Off} | ${r.steadyHitL1On} | ${pct(r.accuracyL1On)} |`,
      )
    }
    L.push("")
  }
  if (result.traces.length > 0) {
    L.push("## (b) Shared traces at 1 / 5 / 10 % of unique keys", "")
    L.push("Unit-size entries, cold start, all requests counted (as ANCHORS.md). Off = our exact LRU (equal to lru-cache on every row, checked). Agent trace replayed per agent (latency 8 ops); other traces as one agent (latency 1 op: a prefetch lands before the next request, as in libCacheSim's prefetchers). L1 columns: the same replay through the real L1 (adaptive W-TinyLFU, prefetched entries flagged) for traces up to 300k requests.", "")
    L.push("| trace | size | cap | LRU off | on | Δ pts | accuracy | FP | coverage | timeliness | issued | L1 off | L1 on | ANCHORS LRU | best online | OPT |")
    L.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (const r of result.traces) {
      const p = r.prefetch
      const flag = r.delta < -0.5 ? " ⚠" : ""
      L.push(
        `| ${r.trace}${r.limitedTo !== undefined ? ` (first ${r.limitedTo.toLocaleString("en")})` : ""} | ${r.sizePct}% | ${r.capacity} | ${r.hitOff} | ${r.hitOn} | ${r.delta >= 0 ? "+" : ""}${r.delta.toFixed(2)}${flag} | ${pct(p.accuracy)} | ${pct(p.falsePositiveRate)} | ${pct(p.coverage)} | ${pct(p.timeliness)} | ${p.issued} | ${r.hitL1Off ?? ""} | ${r.hitL1On ?? ""} | ${r.anchorLru ?? ""} | ${r.anchorBestOnline ?? ""} | ${r.anchorOpt ?? ""} |`,
      )
    }
    const worst = result.traces.reduce((m, r) => Math.min(m, r.delta), Infinity)
    const losers = result.traces.filter((r) => r.delta < -0.5)
    L.push("", `Worst Δ: ${worst.toFixed(2)} points; rows more than 0.5 points below prefetch-off: ${losers.length}${losers.length ? " (" + losers.map((r) => `${r.trace}@${r.sizePct}%`).join(", ") + ")" : ""}.`, "")
  }
  if (result.agentBounds.length > 0) {
    L.push("### How predictable is the agent trace? (successor upper bound, bench/prefetch/successor-bound.ts)", "")
    L.push(
      "LRU misses of the per-agent replay, classified. *cold*: first access to the key by anyone; *private first touch*: an agent's first access to its own `<agent>:…` key (a file being created: nothing to load); *top-2 / confident predictable*: the miss's key (agent-templated) had been seen, across all agents, as one of the two most frequent successors of the agent's previous key / as the most frequent one with confidence ≥ the engine threshold. *Bound hit*: LRU hit ratio with every such miss turned into a hit, free and on time — no successor prefetcher can do better at that size.",
      "",
    )
    L.push("| trace | size | cap | misses | cold | private first touch | repeat | top-2 predictable | confident predictable | LRU hit | bound hit (top-2) | bound hit (confident) |")
    L.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (const b of result.agentBounds) {
      const share = (x: number): string => `${x} (${pct(x / b.misses)} %)`
      L.push(
        `| ${b.trace} | ${b.sizePct}% | ${b.capacity} | ${b.misses} | ${share(b.cold)} | ${share(b.privateFirstTouch)} | ${share(b.repeat)} | ${share(b.top2Predictable)} | ${share(b.confidentPredictable)} | ${b.hitLru} | ${b.boundHitTop2} | ${b.boundHitConfident} |`,
      )
    }
    L.push("")
  }
  const m = result.mithril
  if (m !== undefined) {
    L.push("## (c) Against published Mithril / OBL / PG (libCacheSim regression setting)", "")
    L.push(
      "The only trace here with published prefetcher numbers: `libcachesim_cloudphysicsio`, byte capacity (sizes honoured), misses from 1a1a11a/libCacheSim `test/test_prefetchAlgo.c` (LRU from `test_evictionAlgo.c`). Our LRU reproduces the published LRU misses exactly, so the setting matches. Lower is better.",
      "",
    )
    L.push("| MiB | LRU (ours = published) | ours (default, throttled) | accuracy | ours unthrottled | accuracy | Mithril | OBL | PG |")
    L.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (const r of m.rows) {
      const same = r.missesLruOurs === r.missesLruPublished ? "" : ` (published ${r.missesLruPublished})`
      L.push(
        `| ${r.capacityMiB} | ${r.missesLruOurs}${same} | ${r.missesOurs} | ${pct(r.accuracyOurs)} % | ${r.missesOursUnthrottled} | ${pct(r.accuracyOursUnthrottled)} % | ${r.missesMithril} | ${r.missesOBL} | ${r.missesPG} |`,
      )
    }
    L.push("", `Unthrottled settings: ${JSON.stringify(m.unthrottledSettings)}.`, "")
  }
  return L.join("\n") + "\n"
}

function collect(args: Args) {
  const started = Date.now()
  const generator = args.generator ? runGenerator(args.ops) : undefined
  const traced = args.traces === "all" || args.traces.length > 0 ? runTraces(args.traces, args.limit) : { rows: [], bounds: [] }
  const traces = traced.rows
  const agentBounds = traced.bounds
  const mithril = args.mithril ? runMithrilComparison() : undefined
  return {
    command: `node --import tsx bench/prefetch/run-prefetch-bench.ts ${process.argv.slice(2).join(" ")}`.trim(),
    date: new Date().toISOString(),
    node: process.version,
    engineDefaults: new PrefetchEngine().options,
    generator,
    traces,
    agentBounds,
    mithril,
    elapsedSeconds: Math.round((Date.now() - started) / 1000),
  }
}

/** Partial runs (e.g. the big traces in a second process) combined into one result. */
function merge(files: readonly string[]): ReturnType<typeof collect> {
  const parts = files.map((f) => JSON.parse(readFileSync(f, "utf8")) as ReturnType<typeof collect>)
  const traces = parts.flatMap((p) => p.traces).sort((x, y) => (x.trace === y.trace ? x.sizePct - y.sizePct : x.trace < y.trace ? -1 : 1))
  return {
    ...parts[0],
    command: parts.map((p) => p.command).join(" ; ") + ` ; node --import tsx bench/prefetch/run-prefetch-bench.ts --merge ${files.join(",")}`,
    generator: parts.find((p) => p.generator !== undefined)?.generator,
    mithril: parts.find((p) => p.mithril !== undefined)?.mithril,
    traces,
    agentBounds: parts.flatMap((p) => p.agentBounds ?? []),
    elapsedSeconds: parts.reduce((n, p) => n + p.elapsedSeconds, 0),
  }
}

const args = parseArgs(process.argv.slice(2))
const result = args.merge.length > 0 ? merge(args.merge) : collect(args)
writeFileSync(`${args.out}.json`, JSON.stringify(result, (k, v) => (k === "onOutcome" ? undefined : v), 2) + "\n")
writeFileSync(`${args.out}.md`, markdown(result))
console.log(`wrote ${args.out}.json and ${args.out}.md (${dirname(args.out)})`)
