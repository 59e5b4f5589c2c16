/**
 * Wires a {@link Prefetcher} into a TierCache client: the hierarchy's access hook feeds the engine,
 * prefetches go through `client.prefetch` (the hierarchy's normal version + single-flight path, so
 * a prefetch can never install stale data), residency is L1's, and `stats().prefetch` reports the
 * engine's metrics.
 *
 * Agents are registered with the kind they declared in `cache.agent(id, { kind })` on their first
 * access. The facade has no agent-end hook, so ended agents are found by a sweep every
 * {@link SWEEP_EVERY} accesses (an agent the hierarchy no longer knows is ended here too).
 * Accesses outside any agent view are learnt as one shared pseudo-agent.
 */
import type { TierCacheClient } from "../service/facade.js"
import { Prefetcher, type PrefetcherOptions } from "./prefetcher.js"
import type { PrefetchTarget } from "./prefetch-target.js"

/** Pseudo-agent for accesses made outside an agent view (contains ':' so no real agent id can clash). */
export const SHARED_AGENT = "(shared):"
const SWEEP_EVERY = 4096

export interface AttachedPrefetcher {
  readonly prefetcher: Prefetcher
  /** Unhooks from the client and cancels in-flight prefetches. */
  detach(): void
}

export function attachPrefetcher(client: TierCacheClient, options: PrefetcherOptions = {}): AttachedPrefetcher {
  const h = client.hierarchy
  const target: PrefetchTarget = {
    prefetch: (key, agentId, signal) => {
      if (signal?.aborted === true) return Promise.resolve(false)
      return client.prefetch(key, agentId === SHARED_AGENT ? undefined : agentId)
    },
    isResident: (key) => h.l1.has(key),
  }
  const prefetcher = new Prefetcher(target, options)
  let accesses = 0
  client.onAccess = (agentId, key, servedBy) => {
    const id = agentId ?? SHARED_AGENT
    if (agentId !== undefined) prefetcher.registerAgent(id, h.agents.get(agentId)?.kind)
    prefetcher.onAccess(id, key, servedBy)
    if (++accesses % SWEEP_EVERY === 0) {
      for (const live of prefetcher.engine.agentIds()) {
        if (live !== SHARED_AGENT && !h.agents.isRegistered(live)) prefetcher.endAgent(live)
      }
    }
  }
  client.setPrefetchStatsSource(() => prefetcher.stats())
  return {
    prefetcher,
    detach() {
      client.onAccess = undefined
      client.setPrefetchStatsSource(undefined)
      prefetcher.close()
    },
  }
}
