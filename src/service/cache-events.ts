/**
 * Lifecycle events of a TierCache that integrations (the prefetcher first) subscribe to:
 *
 * - **agent end**: `agentView.end()` or `cache.endAgent(id)` — an integration releases whatever it
 *   keeps for that agent at once, instead of discovering the end later;
 * - **L1 eviction**: the hot tier dropped an entry for capacity (`"evicted"`) or refused a new one
 *   at admission (`"rejected"`). Explicit removals (`invalidate`, an agent's private keys on end)
 *   are not evictions and are not reported here.
 *
 * Each `on…` call returns its unsubscribe function. With nobody subscribed an event costs one
 * length check, so the L1 eviction path pays nothing for the hook.
 *
 * Listeners run synchronously, inside the operation that caused the event (an eviction listener
 * runs in the middle of an L1 `set`): they must be cheap and must not call back into the cache.
 * A listener that throws is contained — the cache operation goes on, the other listeners still run
 * — and counted in {@link CacheEvents.listenerErrors}.
 */
import type { EvictionReason } from "../tiers/contracts.js"

/** Told that agent `agentId` ended. */
export type AgentEndListener = (agentId: string) => void

/** Told that L1 dropped `key` (`reason`: "evicted" for capacity, "rejected" at admission). */
export type L1EvictListener = (key: string, reason: EvictionReason) => void

/** Removes the subscription it was returned for (idempotent). */
export type Unsubscribe = () => void

export class CacheEvents {
  // Arrays, copied on (un)subscribe: emitting iterates a stable snapshot without allocating, and
  // a listener that unsubscribes (itself or another) while an event is delivered is safe.
  private agentEnd: readonly AgentEndListener[] = []
  private l1Evict: readonly L1EvictListener[] = []
  /** Listener calls that threw (contained; see the module comment). */
  listenerErrors = 0

  /** Subscribes to agent ends. Called once per ended agent, before its private keys are released. */
  onAgentEnd(listener: AgentEndListener): Unsubscribe {
    this.agentEnd = [...this.agentEnd, listener]
    return once(() => {
      this.agentEnd = this.agentEnd.filter((l) => l !== listener)
    })
  }

  /** Subscribes to L1 evictions and admission rejections. */
  onL1Evict(listener: L1EvictListener): Unsubscribe {
    this.l1Evict = [...this.l1Evict, listener]
    return once(() => {
      this.l1Evict = this.l1Evict.filter((l) => l !== listener)
    })
  }

  /** True while someone listens to L1 evictions. */
  get hasL1EvictListeners(): boolean {
    return this.l1Evict.length !== 0
  }

  /** @internal the facade reports an agent end. */
  emitAgentEnd(agentId: string): void {
    const ls = this.agentEnd
    for (let i = 0; i < ls.length; i++) {
      try {
        ls[i](agentId)
      } catch {
        this.listenerErrors++
      }
    }
  }

  /** @internal the L1 eviction sink reports a dropped entry. */
  emitL1Evict(key: string, reason: EvictionReason): void {
    const ls = this.l1Evict
    for (let i = 0; i < ls.length; i++) {
      try {
        ls[i](key, reason)
      } catch {
        this.listenerErrors++
      }
    }
  }
}

function once(f: () => void): Unsubscribe {
  let done = false
  return () => {
    if (done) return
    done = true
    f()
  }
}
