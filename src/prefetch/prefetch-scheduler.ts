/**
 * Issues prefetches against a {@link PrefetchTarget} within a {@link PrefetchBudget}: dedupes
 * (resident keys and keys already in flight are skipped), cancels through AbortSignal (per agent on
 * agent end, everything on close), and reports each completion once.
 */
import type { PrefetchBudget } from "./prefetch-budget.js"
import type { PrefetchTarget } from "./prefetch-target.js"

/** Called once per issued prefetch when it settles; `loaded` false for not-found, failure or cancel. */
export type PrefetchDone = (key: string, agentId: string, loaded: boolean) => void

interface InFlight {
  readonly agentId: string
  readonly controller: AbortController
}

export type SubmitResult = "issued" | "resident" | "duplicate" | "in-flight-limit" | "byte-limit" | "closed"

export class PrefetchScheduler {
  private readonly inFlight = new Map<string, InFlight>()
  private closed = false
  /** Prefetches that rejected (target errors are contained: a failed prefetch is just unused). */
  errors = 0

  constructor(
    private readonly target: PrefetchTarget,
    private readonly budget: PrefetchBudget,
    private readonly onDone: PrefetchDone,
  ) {}

  /** Issues a prefetch of `key` for `agentId` unless deduped or over budget. */
  submit(key: string, agentId: string, bytes: number): SubmitResult {
    if (this.closed) return "closed"
    if (this.target.isResident(key)) return "resident"
    const decision = this.budget.tryAcquire(key, bytes)
    if (decision !== "ok") return decision
    const controller = new AbortController()
    this.inFlight.set(key, { agentId, controller })
    let settled: Promise<boolean>
    try {
      settled = this.target.prefetch(key, agentId, controller.signal)
    } catch {
      settled = Promise.reject(new Error("prefetch threw synchronously"))
    }
    settled.then(
      (loaded) => this.finish(key, agentId, loaded && !controller.signal.aborted),
      () => {
        this.errors++
        this.finish(key, agentId, false)
      },
    )
    return "issued"
  }

  private finish(key: string, agentId: string, loaded: boolean): void {
    const f = this.inFlight.get(key)
    if (f !== undefined && f.agentId === agentId) this.inFlight.delete(key)
    this.budget.release(key)
    this.onDone(key, agentId, loaded)
  }

  /** Aborts the in-flight prefetch of `key`, if any. */
  cancel(key: string): void {
    this.inFlight.get(key)?.controller.abort()
  }

  /** Aborts every in-flight prefetch issued for `agentId`. */
  cancelAgent(agentId: string): void {
    for (const f of this.inFlight.values()) if (f.agentId === agentId) f.controller.abort()
  }

  /** Aborts everything and refuses new work. Idempotent. */
  close(): void {
    this.closed = true
    for (const f of this.inFlight.values()) f.controller.abort()
  }

  get active(): number {
    return this.inFlight.size
  }
}
