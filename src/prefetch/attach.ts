/**
 * Wires a {@link Prefetcher} into a TierCache client: the hierarchy's access hook feeds the engine,
 * prefetches go through `client.prefetch` (the hierarchy's normal version + single-flight path, so
 * a prefetch can never install stale data), residency is L1's, and `stats().prefetch` reports the
 * engine's metrics.
 *
 * Agents are registered with the kind they declared in `cache.agent(id, { kind })` on their first
 * access. The facade's lifecycle events do the rest:
 * - `onAgentEnd`: the agent's in-flight prefetches are cancelled and its model and private state
 *   released at once (its kind's shared model keeps what it learnt);
 * - `onL1Evict`: a prefetched entry dropped before anyone read it is counted wasted when it
 *   happens, not when its useful window runs out.
 * Accesses outside any agent view are learnt as one shared pseudo-agent.
 */
import type { TierCacheClient } from "../service/facade.js"
import { Prefetcher, type PrefetcherOptions } from "./prefetcher.js"
import type { PrefetchTarget } from "./prefetch-target.js"

/** Pseudo-agent for accesses made outside an agent view (contains ':' so no real agent id can clash). */
export const SHARED_AGENT = "(shared):"

export interface AttachedPrefetcher {
  readonly prefetcher: Prefetcher
  /** Unhooks from the client (access hook, lifecycle events, stats) and cancels in-flight prefetches. */
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
  client.onAccess = (agentId, key, servedBy) => {
    const id = agentId ?? SHARED_AGENT
    if (agentId !== undefined) prefetcher.registerAgent(id, h.agents.get(agentId)?.kind)
    prefetcher.onAccess(id, key, servedBy)
  }
  const unsubscribe = [client.onAgentEnd((agentId) => prefetcher.endAgent(agentId)), client.onL1Evict((key) => prefetcher.onEvicted(key))]
  client.setPrefetchStatsSource(() => prefetcher.stats())
  return {
    prefetcher,
    detach() {
      client.onAccess = undefined
      for (const u of unsubscribe) u()
      client.setPrefetchStatsSource(undefined)
      prefetcher.close()
    },
  }
}
