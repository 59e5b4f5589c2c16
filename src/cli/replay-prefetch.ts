/**
 * `replay --prefetch on`: drives the learned prefetcher (src/prefetch) from the replayed request
 * stream and inserts its predictions into the replayed L1 as prefetched entries.
 */
import type { LoadedTrace } from "../traces/read-trace.js"
import { UsageError } from "./args.js"
import type { ReplayObserver } from "./replay-engine.js"
import type { ReplayPolicy } from "./replay-policy.js"

/** Prefetch figures of a replay (the fields of PrefetchStats that an offline replay can measure). */
export interface ReplayPrefetchReport {
  readonly issued: number
  readonly used: number
  readonly accuracy: number
  readonly falsePositiveRate: number
}

export interface ReplayPrefetch {
  readonly observe: ReplayObserver
  report(): ReplayPrefetchReport
}

/** Hooks the prefetcher into a replay of `trace` through `policy`. */
export function attachReplayPrefetch(_trace: LoadedTrace, _policy: ReplayPolicy): ReplayPrefetch {
  throw new UsageError("replay: --prefetch on needs the learned prefetcher (src/prefetch), which this build does not include yet")
}
