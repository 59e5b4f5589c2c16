/**
 * The replay loop behind `tiercache replay` (and the perf gate's hit-ratio figures): feeds every
 * request of a loaded trace through one cache and counts hits, misses and hit bytes.
 *
 * Cold start, every request counted, one shared cache for agent traces (agent ids ignored unless a
 * prefetcher uses them) — the conventions of the shared traces' README and ANCHORS.md, so the
 * numbers are comparable with the published columns.
 */
import { capacityFor, type LoadedTrace } from "../traces/read-trace.js"
import type { ReplayPolicy } from "./replay-policy.js"

/** How entries are sized: one unit each (ANCHORS.md convention) or their byte size (keys-sizes traces). */
export type SizeUnit = "entries" | "bytes"

export interface ReplayCounts {
  readonly requests: number
  readonly hits: number
  readonly misses: number
  readonly hitRatio: number
  /** Bytes served from the cache / bytes requested (byte-sized replays only). */
  readonly byteHitRatio: number | undefined
  readonly elapsedMs: number
}

/** Optional per-request observer (the prefetcher hooks in here). Called after the lookup/admit. */
export type ReplayObserver = (index: number, key: string, hit: boolean) => void

/** Replays `trace` through `policy`; sizes come from the trace when `unit` is `"bytes"`. */
export function replayTrace(
  trace: LoadedTrace,
  policy: ReplayPolicy,
  unit: SizeUnit,
  observe?: ReplayObserver,
  onProgress?: (done: number) => void,
): ReplayCounts {
  const { keys, sizes } = trace
  const byteSized = unit === "bytes"
  if (byteSized && sizes === undefined) throw new Error(`${trace.file}: byte-sized replay needs a keys-sizes trace`)
  const started = performance.now()
  let hits = 0
  let hitBytes = 0
  let totalBytes = 0
  const n = keys.length
  for (let i = 0; i < n; i++) {
    const key = keys[i]
    const size = byteSized ? sizes![i] : 1
    totalBytes += size
    const hit = policy.lookup(key)
    if (hit) {
      hits++
      hitBytes += size
    } else {
      policy.admit(key, size)
    }
    if (observe !== undefined) observe(i, key, hit)
    if (onProgress !== undefined && (i & 0x3fff) === 0) onProgress(i)
  }
  const elapsedMs = performance.now() - started
  return {
    requests: n,
    hits,
    misses: n - hits,
    hitRatio: hits / n,
    byteHitRatio: byteSized ? (totalBytes === 0 ? 0 : hitBytes / totalBytes) : undefined,
    elapsedMs,
  }
}

/**
 * Unique bytes of a keys-sizes trace: the sum over distinct keys of the size at their first
 * request (the base for `--size-pct` in byte mode).
 */
export function uniqueBytes(trace: LoadedTrace): number {
  if (trace.sizes === undefined) return trace.uniqueKeys
  const seen = new Set<string>()
  let total = 0
  for (let i = 0; i < trace.keys.length; i++) {
    const key = trace.keys[i]
    if (seen.has(key)) continue
    seen.add(key)
    total += trace.sizes[i]
  }
  return total
}

/** Capacity for `--size-pct`: round(p % × unique keys) entries, or of unique bytes in byte mode. */
export function capacityForPct(trace: LoadedTrace, unit: SizeUnit, pct: number): number {
  return capacityFor(unit === "bytes" ? uniqueBytes(trace) : trace.uniqueKeys, pct)
}
