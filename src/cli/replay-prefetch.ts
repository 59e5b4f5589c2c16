/**
 * `replay --prefetch on`: drives the learned prefetch engine (src/prefetch) from the replayed
 * request stream and inserts its predictions into the replayed cache as prefetched entries.
 *
 * Offline, a prefetch completes instantly (there is no load latency in a replay), so timeliness is
 * trivially 1; what the replay measures is whether predictions are right (accuracy) and whether
 * they turn misses into hits (coverage, and the hit ratio against `--prefetch off`). Agent traces
 * are learnt per agent id; other traces as one agent.
 */
import type { PrefetchStats } from "../api.js"
import { PrefetchEngine } from "../prefetch/prefetch-engine.js"
import type { LoadedTrace } from "../traces/read-trace.js"
import type { ReplayObserver } from "./replay-engine.js"
import type { ReplayPolicy } from "./replay-policy.js"

/** Prefetch figures of a replay (PrefetchStats as the engine measured them). */
export type ReplayPrefetchReport = PrefetchStats

export interface ReplayPrefetch {
  /** Give to the policy: told when an entry leaves the cache (settles unused prefetches). */
  readonly onEvict: (key: string) => void
  /** Connects the policy built with `onEvict`; must be called before the replay. */
  attach(policy: ReplayPolicy): void
  readonly observe: ReplayObserver
  report(): ReplayPrefetchReport
}

/** The agent id used for traces without agent ids. */
const SINGLE_AGENT = "trace"

/** Sets up prefetching for a replay of `trace` (byte sizes when `byteSized`). */
export function replayPrefetch(trace: LoadedTrace, byteSized: boolean): ReplayPrefetch {
  const engine = new PrefetchEngine()
  const { agents, sizes } = trace
  let policy: ReplayPolicy | undefined
  return {
    onEvict: (key) => engine.recordEvicted(key),
    attach(p) {
      policy = p
    },
    observe(index, key, hit) {
      const agent = agents === undefined ? SINGLE_AGENT : agents[index]
      const bytes = sizes === undefined ? 1 : sizes[index]
      const predictions = engine.observe(agent, key, hit ? "l1" : "miss", bytes)
      for (let i = 0; i < predictions.length; i++) {
        const p = predictions[i]
        if (policy!.has(p.key) || engine.isPending(p.key)) continue
        const size = byteSized ? Math.max(1, p.bytes) : 1
        engine.recordIssued(agent, p.key, size)
        policy!.prefetch(p.key, size)
        engine.recordCompleted(p.key, policy!.has(p.key), size)
      }
    },
    report: () => engine.stats(),
  }
}
