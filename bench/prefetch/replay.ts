/**
 * Offline prefetch simulator: replays an access stream through {@link SimCache} with prefetching
 * on or off at the same capacity, and through lru-cache as an independent LRU baseline.
 *
 * Time is the op index. A prefetch issued at op i completes at op i + `latency` (a demand for the
 * key before then misses and joins it: a late prefetch). The engine, the budget (max in flight)
 * and the throttle are the library's own (src/prefetch/), driven synchronously.
 */
import { LRUCache } from "lru-cache"
import { PrefetchBudget } from "../../src/prefetch/prefetch-budget.js"
import { PrefetchEngine, type PrefetchEngineOptions } from "../../src/prefetch/prefetch-engine.js"
import type { PrefetchCounters } from "../../src/prefetch/prefetch-metrics.js"
import { L1Model } from "./l1-model.js"
import { SimCache, type CacheModel } from "./sim-cache.js"

export const OP_GET = 0
export const OP_PUT = 1
export const OP_END = 2

/** An access stream in array form (what the trace reader and the generator produce). */
export interface ReplayStream {
  readonly name: string
  readonly keys: readonly string[]
  /** Agent id per op, or one id for a single-agent stream. */
  readonly agents: readonly string[] | string
  /** OP_GET / OP_PUT / OP_END per op; all gets when absent. */
  readonly ops?: Uint8Array
  /** Value size per op; 0 (unknown) when absent. */
  readonly sizes?: Uint32Array
  /** Agent id → kind, for agents that declared one. */
  readonly kinds?: ReadonlyMap<string, string>
}

export interface ReplayOptions {
  /** Entries, or bytes when `byteCapacity`. */
  readonly capacity: number
  /** Charge entries their size in bytes (needs `sizes`). Default false: unit size, as in ANCHORS.md. */
  readonly byteCapacity?: boolean
  readonly prefetch: boolean
  readonly engine?: PrefetchEngineOptions
  /** Cache model: exact LRU with a probation area (default), or the real L1 (W-TinyLFU). */
  readonly model?: "lru" | "l1"
  /** Share of the capacity prefetched-unused entries may hold (LRU model). Default 0.1. */
  readonly probationFraction?: number
  /** Ops between issuing a prefetch and its completion. Default 8. */
  readonly latency?: number
  /** Concurrent prefetches. Default 32. */
  readonly maxInFlight?: number
  /** Gets before this share of the stream are excluded from the steady-state hit ratio. Default 0.2. */
  readonly warmupFraction?: number
}

export interface ReplayResult {
  readonly gets: number
  readonly hits: number
  readonly misses: number
  readonly hitRatio: number
  /** Hit ratio over the gets after the warm-up share of the stream. */
  readonly steadyHitRatio: number
  readonly prefetch?: {
    readonly counters: PrefetchCounters
    readonly droppedInFlightLimit: number
    readonly bytesPerAgent: number
    readonly bytesPerKind: number
    readonly internedKeys: number
    readonly bySource: Readonly<Record<string, { readonly issued: number; readonly used: number }>>
  }
  readonly elapsedMs: number
}

interface InFlight {
  readonly key: string
  readonly due: number
  readonly bytes: number
  cancelled: boolean
}

/**
 * Tracks each agent's private keys (`<agentId>:…`) so agent end can release them, and which of
 * them exist: a private key exists in the backing store only once its agent has written or read it
 * (a trace records only accesses that were served, and the generator writes a private key before
 * it first reads it), so prefetching one the agent never touched installs nothing (as the real
 * loader would return nothing: it is usually a file about to be created). Shared keys always
 * exist (they come from the source of truth).
 */
class PrivateKeys {
  private readonly byAgent = new Map<string, Set<string>>()
  private readonly existing = new Set<string>()
  exists(key: string): boolean {
    return this.existing.has(key) || !this.isPrivateOfAny(key)
  }
  private isPrivateOfAny(key: string): boolean {
    const colon = key.indexOf(":")
    return colon > 0 && this.byAgent.has(key.slice(0, colon))
  }
  note(agentId: string, key: string): void {
    if (!key.startsWith(agentId) || key.charCodeAt(agentId.length) !== 58) return
    this.existing.add(key)
    let s = this.byAgent.get(agentId)
    if (s === undefined) this.byAgent.set(agentId, (s = new Set()))
    s.add(key)
  }
  release(agentId: string): Set<string> | undefined {
    const s = this.byAgent.get(agentId)
    this.byAgent.delete(agentId)
    if (s !== undefined) for (const k of s) this.existing.delete(k)
    return s
  }
}

export function replay(stream: ReplayStream, options: ReplayOptions): ReplayResult {
  const started = performance.now()
  const n = stream.keys.length
  const warmEnd = Math.floor(n * (options.warmupFraction ?? 0.2))
  const latency = options.latency ?? 8
  const single = typeof stream.agents === "string" ? stream.agents : undefined
  const engine = options.prefetch ? new PrefetchEngine(options.engine) : undefined
  let clock = 0
  const budget = new PrefetchBudget({ maxInFlight: options.maxInFlight ?? 32, now: () => clock })
  const bySize = options.byteCapacity === true
  if (bySize && stream.sizes === undefined) throw new Error(`${stream.name}: byte capacity needs sizes`)
  const onEvict = (key: string): void => engine?.recordEvicted(key)
  const cache: CacheModel =
    options.model === "l1"
      ? new L1Model(options.capacity, onEvict, bySize)
      : new SimCache(options.capacity, options.probationFraction ?? 0.1, onEvict, bySize)
  // The backing store's object sizes (what a prefetch of a key would install).
  const storeSizes = new Map<string, number>()
  if (bySize) for (let i = 0; i < n; i++) if (!storeSizes.has(stream.keys[i])) storeSizes.set(stream.keys[i], stream.sizes![i])
  const queue: InFlight[] = []
  let head = 0
  const inFlight = new Map<string, InFlight>()
  const privateKeys = new PrivateKeys()
  let gets = 0
  let hits = 0
  let steadyGets = 0
  let steadyHits = 0

  for (let i = 0; i < n; i++) {
    clock = i
    // Completed prefetches install before this op.
    while (head < queue.length && queue[head].due <= i) {
      const f = queue[head++]
      if (f.cancelled) continue
      inFlight.delete(f.key)
      budget.release(f.key)
      const installed = privateKeys.exists(f.key) && cache.insertPrefetched(f.key, i, bySize ? (storeSizes.get(f.key) ?? Math.max(1, f.bytes)) : 1)
      engine!.recordCompleted(f.key, installed, f.bytes)
    }
    if (head > 4096 && head * 2 > queue.length) {
      queue.splice(0, head)
      head = 0
    }
    const agentId = single ?? (stream.agents as readonly string[])[i]
    const key = stream.keys[i]
    const op = stream.ops === undefined ? OP_GET : stream.ops[i]
    const size = stream.sizes === undefined ? 0 : stream.sizes[i]

    if (op === OP_END) {
      const open = engine?.endAgent(agentId) ?? []
      for (const k of open) {
        const f = inFlight.get(k)
        if (f !== undefined) {
          f.cancelled = true
          inFlight.delete(k)
          budget.release(k)
        }
      }
      for (const k of privateKeys.release(agentId) ?? []) cache.delete(k)
      continue
    }
    if (engine !== undefined && stream.kinds !== undefined) {
      const kind = stream.kinds.get(agentId)
      if (kind !== undefined) engine.registerAgent(agentId, kind)
    }
    privateKeys.note(agentId, key)
    const hit = cache.access(key, i, bySize ? size : 1)
    if (op === OP_GET) {
      gets++
      if (hit) hits++
      if (i >= warmEnd) {
        steadyGets++
        if (hit) steadyHits++
      }
    }
    if (engine === undefined) continue
    const predictions = engine.observe(agentId, key, hit ? "l1" : "miss", size, op === OP_PUT)
    for (const p of predictions) {
      if (cache.has(p.key) || inFlight.has(p.key) || engine.isPending(p.key)) continue
      if (budget.tryAcquire(p.key, p.bytes) !== "ok") continue
      const f: InFlight = { key: p.key, due: i + latency, bytes: p.bytes, cancelled: false }
      queue.push(f)
      inFlight.set(p.key, f)
      engine.recordIssued(agentId, p.key, p.bytes, p.source)
    }
  }
  return {
    gets,
    hits,
    misses: gets - hits,
    hitRatio: gets === 0 ? 0 : hits / gets,
    steadyHitRatio: steadyGets === 0 ? 0 : steadyHits / steadyGets,
    prefetch:
      engine === undefined
        ? undefined
        : {
            counters: engine.counters(),
            droppedInFlightLimit: budget.dropped.inFlightLimit,
            bytesPerAgent: engine.bytesPerAgent(),
            bytesPerKind: engine.bytesPerKind(),
            internedKeys: engine.internedKeys,
            bySource: engine.sourceCounters(),
          },
    elapsedMs: performance.now() - started,
  }
}

/** The same stream through lru-cache (an independent exact LRU) at `capacity` entries. */
export function replayLruCache(
  stream: ReplayStream,
  capacity: number,
  options: { readonly warmupFraction?: number; readonly byteCapacity?: boolean } = {},
): { hitRatio: number; steadyHitRatio: number; misses: number } {
  const warmupFraction = options.warmupFraction ?? 0.2
  const sizes = stream.sizes
  const cache =
    options.byteCapacity === true && sizes !== undefined
      ? new LRUCache<string, number>({ maxSize: capacity, sizeCalculation: (v) => Math.max(1, v) })
      : new LRUCache<string, number>({ max: capacity })
  const n = stream.keys.length
  const warmEnd = Math.floor(n * warmupFraction)
  const single = typeof stream.agents === "string" ? stream.agents : undefined
  const privateKeys = new PrivateKeys()
  let gets = 0
  let hits = 0
  let steadyGets = 0
  let steadyHits = 0
  for (let i = 0; i < n; i++) {
    const agentId = single ?? (stream.agents as readonly string[])[i]
    const key = stream.keys[i]
    const op = stream.ops === undefined ? OP_GET : stream.ops[i]
    if (op === OP_END) {
      for (const k of privateKeys.release(agentId) ?? []) cache.delete(k)
      continue
    }
    privateKeys.note(agentId, key)
    const hit = cache.get(key) !== undefined
    if (!hit) cache.set(key, sizes === undefined ? 1 : sizes[i])
    if (op === OP_GET) {
      gets++
      if (hit) hits++
      if (i >= warmEnd) {
        steadyGets++
        if (hit) steadyHits++
      }
    }
  }
  return { hitRatio: gets === 0 ? 0 : hits / gets, steadyHitRatio: steadyGets === 0 ? 0 : steadyHits / steadyGets, misses: gets - hits }
}
