/**
 * The prefetcher as TierCache uses it: the engine (models, throttle, metrics) wired to the
 * scheduler (budget, dedupe, cancellation) and a {@link PrefetchTarget}.
 *
 * Integration is three calls from the facade: `registerAgent` from `cache.agent(id, { kind })`,
 * `onAccess` from the hierarchy's access hook, `endAgent` from `agentView.end()`; plus `onEvicted`
 * when the hot tier drops a key (for wasted-prefetch accounting) and `stats()` for `CacheStats.prefetch`.
 */
import type { PrefetchStats } from "../api.js"
import { PrefetchBudget, type PrefetchBudgetOptions } from "./prefetch-budget.js"
import { PrefetchEngine, type PrefetchEngineOptions, type ServedBy } from "./prefetch-engine.js"
import { PrefetchScheduler } from "./prefetch-scheduler.js"
import type { PrefetchTarget } from "./prefetch-target.js"

export interface PrefetcherOptions extends PrefetchEngineOptions, PrefetchBudgetOptions {
  /** Size assumed for a key never seen with a size (for the byte budget). Default 1024. */
  readonly defaultBytes?: number
}

export class Prefetcher {
  readonly engine: PrefetchEngine
  readonly budget: PrefetchBudget
  private readonly scheduler: PrefetchScheduler
  private readonly defaultBytes: number

  constructor(target: PrefetchTarget, options: PrefetcherOptions = {}) {
    this.engine = new PrefetchEngine(options)
    this.budget = new PrefetchBudget(options)
    this.defaultBytes = options.defaultBytes ?? 1024
    this.scheduler = new PrefetchScheduler(target, this.budget, (key, _agentId, loaded) => this.engine.recordCompleted(key, loaded))
  }

  /** Declares an agent and its kind (agents of one kind share a model). */
  registerAgent(agentId: string, kind?: string): void {
    this.engine.registerAgent(agentId, kind)
  }

  /** The access hook: learn from the demand access, then issue whatever passes threshold, gate and budget. */
  onAccess(agentId: string, key: string, servedBy: ServedBy, bytes?: number): void {
    const predictions = this.engine.observe(agentId, key, servedBy, bytes)
    for (const p of predictions) {
      if (this.engine.isPending(p.key)) continue
      const size = p.bytes > 0 ? p.bytes : this.defaultBytes
      if (this.scheduler.submit(p.key, agentId, size) === "issued") this.engine.recordIssued(agentId, p.key, size, p.source)
    }
  }

  /** The hot tier dropped `key`. */
  onEvicted(key: string): void {
    this.engine.recordEvicted(key)
  }

  /** Ends an agent: cancels its in-flight prefetches and releases its model. */
  endAgent(agentId: string): void {
    this.scheduler.cancelAgent(agentId)
    this.engine.endAgent(agentId)
  }

  stats(): PrefetchStats {
    return this.engine.stats()
  }

  agentStats(agentId: string): PrefetchStats | undefined {
    return this.engine.agentStats(agentId)
  }

  get inFlight(): number {
    return this.scheduler.active
  }

  /** Cancels everything in flight; later accesses still learn but issue nothing. */
  close(): void {
    this.scheduler.close()
  }
}
