/**
 * An agent-scoped view of the cache: the same operations, each recorded with the agent's id (the
 * loader and the access observer receive it), and private keys enforced (`<agentId>:<rest>` keys
 * of another registered agent → `AccessDenied`).
 */
import type { AgentView } from "../api.js"
import type { CacheBranches } from "../branches/cache-branches.js"
import { CacheClosed } from "../errors.js"
import type { Hierarchy } from "../hierarchy/hierarchy.js"
import type { CacheValue } from "../types.js"

export class TierCacheAgentView implements AgentView {
  #ended = false

  /** @internal built by `TierCacheClient.agent` */
  constructor(
    readonly agentId: string,
    readonly kind: string | undefined,
    private readonly h: Hierarchy,
    private readonly release: (view: TierCacheAgentView) => Promise<void>,
    /** The cache's superposition layer: base ops of forked keys and the branch API go through it. */
    private readonly b: CacheBranches,
  ) {}

  get ended(): boolean {
    return this.#ended
  }

  private closedError(): CacheClosed {
    return new CacheClosed({ what: `agent view ${this.agentId}` })
  }

  get(key: string): Promise<CacheValue | undefined> {
    if (this.#ended) return Promise.reject(this.closedError())
    return this.b.get(key, this.agentId)
  }

  put(key: string, value: CacheValue): Promise<void> {
    if (this.#ended) return Promise.reject(this.closedError())
    return this.b.put(key, value, this.agentId)
  }

  /** Synchronous, L1 only (see `TierCacheClient.getIfPresent`). Throws `CacheClosed` after `end()`. */
  getIfPresent(key: string): CacheValue | undefined {
    if (this.#ended) throw this.closedError()
    return this.b.getIfPresent(key, this.agentId)
  }

  invalidate(key: string): Promise<void> {
    if (this.#ended) return Promise.reject(this.closedError())
    return this.b.invalidate(key, this.agentId)
  }

  /** Forks the key's value into branches, as this agent (docs/branches.md). */
  fork(key: string, branches: readonly string[] | number): Promise<readonly string[]> {
    if (this.#ended) return Promise.reject(this.closedError())
    return this.b.fork(key, branches, this.agentId)
  }

  getBranch(key: string, branch: string): Promise<CacheValue | undefined> {
    if (this.#ended) return Promise.reject(this.closedError())
    return this.b.getBranch(key, branch, this.agentId)
  }

  putBranch(key: string, branch: string, value: CacheValue): Promise<void> {
    if (this.#ended) return Promise.reject(this.closedError())
    return this.b.putBranch(key, branch, value, this.agentId)
  }

  collapse(key: string, winner: string): Promise<void> {
    if (this.#ended) return Promise.reject(this.closedError())
    return this.b.collapse(key, winner, this.agentId)
  }

  discard(key: string, branch: string): Promise<void> {
    if (this.#ended) return Promise.reject(this.closedError())
    return this.b.discard(key, branch, this.agentId)
  }

  branches(key: string): Promise<readonly string[]> {
    if (this.#ended) return Promise.reject(this.closedError())
    return this.b.branches(key, this.agentId)
  }

  /** Loads `key` into L1 ahead of use, on this agent's behalf (see `Hierarchy.prefetch`). */
  prefetch(key: string): Promise<boolean> {
    if (this.#ended) return Promise.reject(this.closedError())
    return this.h.prefetch(key, this.agentId)
  }

  /**
   * Ends the agent: this view rejects every later call with `CacheClosed`, the agent's private
   * keys are invalidated (durably) and the agent is unregistered. Idempotent; a no-op once the
   * cache is closed.
   */
  end(): Promise<void> {
    if (this.#ended) return Promise.resolve()
    this.#ended = true
    return this.release(this)
  }

  /** @internal the cache closed: the view is dead without releasing anything. */
  markEnded(): void {
    this.#ended = true
  }
}
