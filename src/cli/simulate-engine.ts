/**
 * The engine behind `tiercache simulate`: runs the seeded multi-agent workload (src/workload)
 * against a real TierCache (L1 → L2 → L3 on disk, loader behind), with a bounded number of
 * operations in flight (each agent's own operations stay in order), and measures hit ratio,
 * per-tier latency, prefetch figures and memory. Periodic samples feed the HTML report.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { CacheStats } from "../api.js"
import type { ServedBy } from "../hierarchy/types.js"
import { createTierCache, type TierCacheAgentView } from "../service/index.js"
import type { ReportSample } from "../telemetry/report/report-data.js"
import type { CacheMetrics } from "../telemetry/metrics.js"
import type { CacheValue } from "../types.js"
import { AgentWorkload, hashString, makeStateValue, sizeOfKey, type WorkloadOp } from "../workload/index.js"
import { LevelHistogram } from "./level-histogram.js"
import { attachPrefetcher, type SimulationPrefetch } from "./simulate-prefetch.js"

export interface SimulationSettings {
  readonly agents: number
  readonly ops: number
  readonly seed: number
  readonly prefetch: boolean
  /** L3 folder; undefined = a fresh temp folder, removed afterwards. */
  readonly dir: string | undefined
  readonly l1Bytes: number
  readonly l2Bytes: number
  readonly l3Bytes: number
  /** Operations in flight at once (at most one per agent). */
  readonly concurrency: number
  readonly fsync: boolean
}

export const SIMULATION_DEFAULTS: SimulationSettings = {
  agents: 850,
  ops: 60_000,
  seed: 1,
  prefetch: true,
  dir: undefined,
  l1Bytes: 16 * 1024 ** 2,
  l2Bytes: 32 * 1024 ** 2,
  l3Bytes: 1024 ** 3,
  concurrency: 64,
  fsync: true,
}

export interface TierFigures {
  readonly hits: number
  readonly misses: number
  readonly p50Ns: number
  readonly p95Ns: number
  readonly p99Ns: number
}

/** What `simulate --json` prints (issue 7's fields, then extras). */
export interface SimulationReport {
  readonly agents: number
  readonly ops: number
  readonly elapsedMs: number
  /** Demand reads answered by L1, L2 or L3 / demand reads. */
  readonly hitRatio: number
  readonly tiers: { readonly l1: TierFigures; readonly l2: TierFigures; readonly l3: TierFigures }
  readonly prefetch: {
    readonly enabled: boolean
    readonly issued: number
    readonly used: number
    readonly accuracy: number
    readonly coverage: number
    readonly falsePositiveRate: number
    readonly timeliness: number
    readonly wastedBytes: number
  }
  /**
   * peakHeapBytes: highest heapUsed seen (samples + a 50 ms timer; includes garbage not yet
   * collected). peakLiveHeapBytes: highest heapUsed right after a forced GC (only with gcBeforeSample).
   */
  readonly memory: { readonly peakHeapBytes: number; readonly rssBytes: number; readonly peakRssBytes: number; readonly peakLiveHeapBytes?: number }
  readonly seed: number
  readonly reads: { readonly total: number; readonly l1: number; readonly l2: number; readonly l3: number; readonly load: number; readonly miss: number }
  readonly puts: number
  readonly agentsEnded: number
  readonly opsPerSec: number
  /** End-to-end `await agent.get()` latency by serving level (power-of-two buckets: upper bounds). */
  readonly readLatency: Readonly<Record<"l1" | "l2" | "l3" | "load", { readonly p50Ns: number; readonly p99Ns: number }>>
  readonly config: { readonly l1Bytes: number; readonly l2Bytes: number; readonly l3Bytes: number; readonly concurrency: number; readonly fsync: boolean; readonly dir: string }
}

export interface SimulationRun {
  readonly report: SimulationReport
  readonly samples: readonly ReportSample[]
  readonly latency: Readonly<Record<"l1" | "l2" | "l3" | "load", LevelHistogram>>
  readonly finalStats: CacheStats
}

export interface SimulationHooks {
  onProgress?(done: number): void
  /**
   * Attach metrics before the run starts (for --metrics-port). `stats` keeps answering after the
   * cache closed (with the final figures), so a scrape endpoint can outlive the run.
   */
  onCache?(stats: () => CacheStats): Promise<CacheMetrics | undefined> | CacheMetrics | undefined
  /** Samples to take over the run (default 100). */
  readonly samples?: number
  /**
   * Force a full GC before each sample (needs node --expose-gc), so sampled heap is live data,
   * not garbage V8 has not collected yet (the footprint benchmark uses this).
   */
  readonly gcBeforeSample?: boolean
}

const LEVELS = ["l1", "l2", "l3", "load", "miss"] as const
const levelIndex: Record<ServedBy, number> = { l1: 0, l2: 1, l3: 2, load: 3, miss: 4 }

/** A counting semaphore: at most `limit` operations in flight. */
class Slots {
  private free: number
  private readonly waiters: (() => void)[] = []
  constructor(limit: number) {
    this.free = limit
  }
  acquire(): Promise<void> | undefined {
    if (this.free > 0) {
      this.free--
      return undefined
    }
    return new Promise((resolve) => this.waiters.push(resolve))
  }
  release(): void {
    const next = this.waiters.shift()
    if (next !== undefined) next()
    else this.free++
  }
}

/** Runs the simulation. The cache (and a temp L3 folder) is closed/removed before this resolves. */
export async function runSimulation(s: SimulationSettings, hooks: SimulationHooks = {}): Promise<SimulationRun> {
  // Checked before the temp folder and the cache exist: a throw after them would leak both.
  const gc = hooks.gcBeforeSample ? (globalThis as { gc?: () => void }).gc : undefined
  if (hooks.gcBeforeSample && gc === undefined) throw new Error("gcBeforeSample needs node --expose-gc")
  const ownsDir = s.dir === undefined
  const dir = s.dir ?? (await mkdtemp(join(tmpdir(), "tiercache-sim-")))
  // The loader is the source of truth behind the cache (tool results, documents, other services):
  // it answers reads of shared keys nobody has written yet, with a deterministic value per key.
  const cache = await createTierCache({
    dir,
    l1: { maxBytes: s.l1Bytes },
    l2: { maxBytes: s.l2Bytes },
    l3: { maxBytes: s.l3Bytes, fsync: s.fsync },
    latencySampleEvery: 1,
    load: async (key) => makeStateValue(sizeOfKey(key), hashString(key)),
  })
  let closedStats: CacheStats | undefined
  const metrics = await hooks.onCache?.(() => closedStats ?? cache.stats())
  let prefetch: SimulationPrefetch | undefined
  if (s.prefetch) prefetch = attachPrefetcher(cache)

  // Which level served each agent's current read: the hook fires before the read's promise
  // resolves, and an agent has at most one operation in flight.
  const servedNow = new Map<string, ServedBy>()
  const served = new Float64Array(LEVELS.length)
  cache.onAccess = (agentId, key, by) => {
    if (agentId !== undefined) servedNow.set(agentId, by)
    served[levelIndex[by]]++
    prefetch?.onAccess(agentId, key, by)
  }
  const latency = { l1: new LevelHistogram(), l2: new LevelHistogram(), l3: new LevelHistogram(), load: new LevelHistogram() }

  const views = new Map<string, TierCacheAgentView>()
  const viewOf = (op: WorkloadOp): TierCacheAgentView => {
    let v = views.get(op.agentId)
    if (v === undefined) {
      v = cache.agent(op.agentId, { kind: op.kind })
      views.set(op.agentId, v)
      prefetch?.registerAgent(op.agentId, op.kind)
    }
    return v
  }

  let puts = 0
  let ended = 0
  let putSeq = 0
  const execute = async (op: WorkloadOp): Promise<void> => {
    if (op.op === "end") {
      const v = views.get(op.agentId)
      views.delete(op.agentId)
      servedNow.delete(op.agentId)
      prefetch?.endAgent(op.agentId)
      ended++
      if (v !== undefined) await v.end()
      return
    }
    const view = viewOf(op)
    if (op.op === "put") {
      const value: CacheValue = makeStateValue(op.size, hashString(op.key) ^ ++putSeq)
      await view.put(op.key, value)
      puts++
      return
    }
    const t0 = process.hrtime.bigint()
    await view.get(op.key)
    const ns = Number(process.hrtime.bigint() - t0)
    const by = servedNow.get(op.agentId)
    if (by !== undefined && by !== "miss") latency[by].record(ns)
    if (by !== undefined) metrics?.observeGet(by, ns)
  }

  // Sampling: memory peaks from a timer too (a peak between samples still counts).
  const memory = { peakHeap: 0, peakRss: 0 }
  const readMemory = (): NodeJS.MemoryUsage => {
    const m = process.memoryUsage()
    if (m.heapUsed > memory.peakHeap) memory.peakHeap = m.heapUsed
    if (m.rss > memory.peakRss) memory.peakRss = m.rss
    return m
  }
  const timer = setInterval(readMemory, 50)
  timer.unref()
  const samples: ReportSample[] = []
  const sampleEvery = Math.max(1, Math.floor(s.ops / (hooks.samples ?? 100)))
  const last = new Float64Array(LEVELS.length)
  const started = performance.now()
  let peakLiveHeap = 0
  const takeSample = (done: number): void => {
    if (gc !== undefined) {
      gc()
      peakLiveHeap = Math.max(peakLiveHeap, process.memoryUsage().heapUsed)
    }
    const d = LEVELS.map((_, i) => served[i] - last[i])
    last.set(served)
    const reads = d.reduce((a, b) => a + b, 0)
    const share = (i: number): number => (reads === 0 ? 0 : d[i] / reads)
    const m = readMemory()
    const p = s.prefetch ? cache.stats().prefetch : undefined
    samples.push({
      ops: done,
      elapsedMs: Math.round(performance.now() - started),
      hitRatio: { overall: share(0) + share(1) + share(2), l1: share(0), l2: share(1), l3: share(2) },
      ...(p === undefined ? {} : { prefetchAccuracy: p.accuracy, prefetchCoverage: p.coverage }),
      heapUsedBytes: m.heapUsed,
      rssBytes: m.rss,
    })
  }

  const slots = new Slots(Math.max(1, s.concurrency))
  const tails = new Map<string, Promise<void>>()
  let failure: unknown
  let done = 0
  const workload = new AgentWorkload({ seed: s.seed, agents: s.agents, ops: s.ops })
  try {
    for (const op of workload) {
      if (failure !== undefined) break
      const wait = slots.acquire()
      if (wait !== undefined) await wait
      const prev = tails.get(op.agentId)
      const run = (): Promise<void> => execute(op)
      const p: Promise<void> = (prev === undefined ? run() : prev.then(run))
        .catch((e: unknown) => {
          failure ??= e
        })
        .finally(() => {
          slots.release()
          if (tails.get(op.agentId) === p) tails.delete(op.agentId)
          done++
          if (done % sampleEvery === 0) takeSample(done)
          hooks.onProgress?.(done)
        })
      tails.set(op.agentId, p)
    }
    await Promise.all(tails.values())
    if (failure !== undefined) throw failure
    if (done % sampleEvery !== 0) takeSample(done)
  } catch (e) {
    // A failed run still releases the cache and its temp folder before reporting the error.
    clearInterval(timer)
    prefetch?.close()
    await cache.close().catch(() => undefined)
    if (ownsDir) await rm(dir, { recursive: true, force: true }).catch(() => undefined)
    throw e
  }
  clearInterval(timer)
  prefetch?.close()
  const elapsedMs = performance.now() - started
  const finalStats = cache.stats()
  closedStats = finalStats
  const mem = readMemory()
  await cache.close()
  if (ownsDir) await rm(dir, { recursive: true, force: true })

  const reads = served.reduce((a, b) => a + b, 0)
  const tier = (t: "l1" | "l2" | "l3"): TierFigures => ({
    hits: finalStats[t].hits,
    misses: finalStats[t].misses,
    p50Ns: finalStats[t].latency.p50Ns,
    p95Ns: finalStats[t].latency.p95Ns,
    p99Ns: finalStats[t].latency.p99Ns,
  })
  const p = finalStats.prefetch
  const level = (h: LevelHistogram): { p50Ns: number; p99Ns: number } => ({ p50Ns: h.percentile(50), p99Ns: h.percentile(99) })
  const report: SimulationReport = {
    agents: s.agents,
    ops: done,
    elapsedMs: Math.round(elapsedMs),
    hitRatio: reads === 0 ? 0 : (served[0] + served[1] + served[2]) / reads,
    tiers: { l1: tier("l1"), l2: tier("l2"), l3: tier("l3") },
    prefetch: {
      enabled: s.prefetch,
      issued: p?.issued ?? 0,
      used: p?.used ?? 0,
      accuracy: p?.accuracy ?? 0,
      coverage: p?.coverage ?? 0,
      falsePositiveRate: p?.falsePositiveRate ?? 0,
      timeliness: p?.timeliness ?? 0,
      wastedBytes: p?.wastedBytes ?? 0,
    },
    memory: {
      peakHeapBytes: memory.peakHeap,
      rssBytes: mem.rss,
      peakRssBytes: memory.peakRss,
      ...(gc === undefined ? {} : { peakLiveHeapBytes: peakLiveHeap }),
    },
    seed: s.seed,
    reads: { total: reads, l1: served[0], l2: served[1], l3: served[2], load: served[3], miss: served[4] },
    puts,
    agentsEnded: ended,
    opsPerSec: Math.round(done / (elapsedMs / 1000)),
    readLatency: { l1: level(latency.l1), l2: level(latency.l2), l3: level(latency.l3), load: level(latency.load) },
    config: { l1Bytes: s.l1Bytes, l2Bytes: s.l2Bytes, l3Bytes: s.l3Bytes, concurrency: s.concurrency, fsync: s.fsync, dir: ownsDir ? "(temp, removed)" : dir },
  }
  return { report, samples, latency, finalStats }
}
