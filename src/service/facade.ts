/**
 * The Promise facade: `createTierCache(options)` → a `TierCacheHandle` (src/api.ts).
 *
 * It calls the hierarchy directly (no Effect runtime on any path: the hierarchy is plain
 * TypeScript, and its errors are the tagged classes of src/errors.ts, thrown / rejected). The
 * Effect service (./tier-cache.ts) wraps this same object, so both APIs have identical semantics.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { AgentOptions, CacheStats, PrefetchStats, TierCacheHandle } from "../api.js"
import { CacheBranches } from "../branches/cache-branches.js"
import type { SuperpositionManager } from "../branches/superposition.js"
import { CacheClosed, InvalidOptions, StorageError } from "../errors.js"
import { defaultTierFactory } from "../hierarchy/default-tiers.js"
import { copyOut } from "../hierarchy/copy-out.js"
import { Hierarchy } from "../hierarchy/hierarchy.js"
import { resolveOptions } from "../hierarchy/options.js"
import type { AccessObserver, TierFactory, TierSinks } from "../hierarchy/types.js"
import { assembleStats } from "../telemetry/stats.js"
import type { BranchOptions, CacheValue, TierCacheOptions } from "../types.js"
import { TierCacheAgentView } from "./agent-view.js"
import { type AgentEndListener, CacheEvents, type L1EvictListener, type Unsubscribe } from "./cache-events.js"

/** Options of `createTierCache`: the public options plus knobs for integration and tests. */
export interface CreateTierCacheOptions extends TierCacheOptions {
  /**
   * Time one read in this many (default 64; `getIfPresent` is not timed by default: its clock
   * reads would cost more than its L1 hit). Given, it applies to both. 1 = every read.
   */
  readonly latencySampleEvery?: number
  /** @internal build the tiers with this factory instead of the real ones (tests). */
  readonly tierFactory?: TierFactory
}

export class TierCacheClient implements TierCacheHandle {
  readonly #views = new Map<string, TierCacheAgentView>()
  #closing: Promise<void> | undefined
  #prefetchStats: (() => PrefetchStats) | undefined

  /** @internal use `createTierCache` */
  constructor(
    /** The engine (for integrations: prefetcher, branches, CLI). */
    readonly hierarchy: Hierarchy,
    /** The L3 folder. */
    readonly dir: string,
    private readonly ownsDir: boolean,
    branchOptions: BranchOptions & { readonly maxKeyLength?: number } = {},
    /** The event hub; `createTierCache` wires its L1 eviction events into the tiers. */
    readonly events: CacheEvents = new CacheEvents(),
  ) {
    this.branchLayer = new CacheBranches(hierarchy, branchOptions)
    this.#superpositions = this.branchLayer.manager
    const noteDirectL1 = (): void => {
      const l1 = this.#superpositions.noCollapseWindow ? hierarchy.directL1 : undefined
      const copying = hierarchy.copiesBytes
      this.#directL1 = copying ? undefined : l1
      this.#directCopyingL1 = copying ? l1 : undefined
    }
    hierarchy.onDirectL1Change = noteDirectL1
    this.#superpositions.onCollapseWindowChange = noteDirectL1
    noteDirectL1()
  }

  /** The superposition manager: whether a collapse is in its window decides `getIfPresent`'s direct read. */
  readonly #superpositions: SuperpositionManager
  /**
   * L1, while a `getIfPresent` hit is L1's `get` and nothing else: the hierarchy's `directL1`
   * (open, untimed) while no collapse is in its window (docs/branches.md: the only time a read of
   * a key is not its base's) and no bytes value was ever held;
   * else `undefined`. Kept by the two change listeners the constructor installs, so a hit reads
   * one field before L1.
   */
  #directL1: Hierarchy["l1"] | undefined = undefined
  /**
   * The same L1 once L1 has held a bytes value (`#directL1` is then `undefined`): a hit is L1's
   * `get` and the bytes copy rule. Two fields rather than a flag, so the JSON-only case reads one.
   */
  #directCopyingL1: Hierarchy["l1"] | undefined = undefined

  /** The superposition layer (fork / collapse); base reads and writes of forked keys go through it. */
  readonly branchLayer: CacheBranches

  /**
   * L1 → L2 → L3 → loader. Resolves `undefined` on a miss everywhere (see docs/api.md). On a
   * superposed key: the base (see docs/branches.md).
   */
  get(key: string): Promise<CacheValue | undefined> {
    return this.branchLayer.get(key)
  }

  /** Resolves once the value is durable in L3 and installed in L1. */
  put(key: string, value: CacheValue): Promise<void> {
    return this.branchLayer.put(key, value)
  }

  /**
   * Synchronous, L1 only; `undefined` on a miss. JSON values are returned as the live,
   * deep-frozen object L1 holds (no copy); bytes values as a fresh copy. Throws `InvalidKey` /
   * `CacheClosed` synchronously.
   */
  getIfPresent(key: string): CacheValue | undefined {
    // The common case, straight to L1 (see #directL1): one field load and L1's get; only a miss
    // goes on to the hierarchy for the key checks a hit skips.
    const l1 = this.#directL1
    if (l1 !== undefined) {
      const v = l1.get(key)
      return v !== undefined ? v : this.hierarchy.getIfPresentMissed(key)
    }
    const copying = this.#directCopyingL1
    if (copying !== undefined) {
      const v = copying.get(key)
      return v !== undefined ? copyOut(v) : this.hierarchy.getIfPresentMissed(key)
    }
    // Closed, timed, or a collapse in its window: the checked path, through the branch layer.
    return this.branchLayer.getIfPresent(key)
  }

  /** Removes `key` from every tier (durably from L3); fills in flight are dropped; a superposition of it ends. */
  invalidate(key: string): Promise<void> {
    return this.branchLayer.invalidate(key)
  }

  /** Forks the key's value into branches (docs/branches.md). */
  fork(key: string, branches: readonly string[] | number): Promise<readonly string[]> {
    return this.branchLayer.fork(key, branches)
  }

  getBranch(key: string, branch: string): Promise<CacheValue | undefined> {
    return this.branchLayer.getBranch(key, branch)
  }

  putBranch(key: string, branch: string, value: CacheValue): Promise<void> {
    return this.branchLayer.putBranch(key, branch, value)
  }

  /** Atomic as readers see it: once this resolves, reads see the winner and no sibling. */
  collapse(key: string, winner: string): Promise<void> {
    return this.branchLayer.collapse(key, winner)
  }

  discard(key: string, branch: string): Promise<void> {
    return this.branchLayer.discard(key, branch)
  }

  branches(key: string): Promise<readonly string[]> {
    return this.branchLayer.branches(key)
  }

  /** Loads `key` into L1 ahead of use (as a prefetched entry). Resolves true if it is in L1 afterwards. */
  prefetch(key: string, agentId?: string): Promise<boolean> {
    return this.hierarchy.prefetch(key, agentId)
  }

  /** Sets the access observer the prefetcher plugs into (`undefined` removes it). */
  set onAccess(observer: AccessObserver | undefined) {
    this.hierarchy.onAccess = observer
  }

  /**
   * Subscribes to agent ends: `listener(agentId)` runs synchronously when `view.end()` or
   * `endAgent(id)` is called, once per ended agent, before the agent's private keys are released.
   * Ending an agent that was already ended (or a cache close) does not call it.
   * @returns the unsubscribe function
   */
  onAgentEnd(listener: AgentEndListener): Unsubscribe {
    return this.events.onAgentEnd(listener)
  }

  /**
   * Subscribes to L1 evictions: `listener(key, reason)` runs synchronously whenever L1 drops an
   * entry for capacity (`"evicted"`, the entry is demoted to L2) or refuses one at admission
   * (`"rejected"`). Removals (`invalidate`, private keys of an ended agent) are not reported. The
   * listener runs inside an L1 operation: keep it cheap, never call the cache from it. Costs
   * nothing while nobody is subscribed.
   * @returns the unsubscribe function
   */
  onL1Evict(listener: L1EvictListener): Unsubscribe {
    return this.events.onL1Evict(listener)
  }

  /** Lets a prefetcher contribute `stats().prefetch`. */
  setPrefetchStatsSource(source: (() => PrefetchStats) | undefined): void {
    this.#prefetchStats = source
  }

  stats(): CacheStats {
    return assembleStats(this.hierarchy, this.#prefetchStats?.())
  }

  /**
   * The view of agent `agentId` (registering it: its `<agentId>:…` keys become private to it).
   * While a view is live, asking again returns the same view.
   * @throws InvalidOptions for an empty id or one containing ':'; CacheClosed after close.
   */
  agent(agentId: string, options?: AgentOptions): TierCacheAgentView {
    if (this.hierarchy.isClosed) throw new CacheClosed({ what: "the cache" })
    if (typeof agentId !== "string" || agentId.length === 0 || agentId.includes(":")) {
      throw new InvalidOptions({ option: "agentId", reason: `must be a non-empty string without ':', got ${JSON.stringify(agentId)}` })
    }
    const live = this.#views.get(agentId)
    if (live !== undefined && !live.ended) return live
    this.hierarchy.agents.register(agentId, options?.kind)
    const view = new TierCacheAgentView(agentId, options?.kind, this.hierarchy, (v) => this.#release(v), this.branchLayer)
    this.#views.set(agentId, view)
    return view
  }

  /** Ends agent `agentId` (as `view.end()`): releases its private keys and unregisters it. */
  async endAgent(agentId: string): Promise<void> {
    const view = this.#views.get(agentId)
    if (view !== undefined) return view.end()
    if (this.hierarchy.isClosed) return
    this.events.emitAgentEnd(agentId)
    await this.branchLayer.endAgent(agentId)
    await this.hierarchy.endAgent(agentId)
  }

  async #release(view: TierCacheAgentView): Promise<void> {
    if (this.#views.get(view.agentId) === view) this.#views.delete(view.agentId)
    if (this.hierarchy.isClosed) return
    this.events.emitAgentEnd(view.agentId)
    await this.branchLayer.endAgent(view.agentId)
    await this.hierarchy.endAgent(view.agentId)
  }

  /**
   * Waits for pending writes, closes L3, and removes the folder if it was a default temp folder.
   * Idempotent: later calls return the same promise. Every op afterwards fails with `CacheClosed`.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const view of this.#views.values()) view.markEnded()
      this.#views.clear()
      await this.branchLayer.idle()
      await this.hierarchy.close()
      if (this.ownsDir) await rm(this.dir, { recursive: true, force: true })
    })()
    return this.#closing
  }
}

/**
 * Opens a cache. `dir` defaults to a fresh folder under the OS temp dir, removed on close.
 * @throws InvalidOptions for bad options; StorageError when the L3 folder cannot be opened.
 */
export async function createTierCache(options: CreateTierCacheOptions = {}): Promise<TierCacheClient> {
  const resolved = resolveOptions(options)
  const ownsDir = resolved.dir === undefined
  let dir: string
  try {
    dir = resolved.dir ?? (await mkdtemp(join(tmpdir(), "tiercache-")))
  } catch (cause) {
    throw new StorageError({ op: "mkdtemp", path: tmpdir(), cause })
  }
  try {
    const events = new CacheEvents()
    const factory = withEvictionEvents(options.tierFactory ?? defaultTierFactory(resolved, dir), events)
    const branchOptions = { ...options.branches, maxKeyLength: resolved.maxKeyLength }
    return new TierCacheClient(await Hierarchy.open(resolved, factory), dir, ownsDir, branchOptions, events)
  } catch (e) {
    if (ownsDir) await rm(dir, { recursive: true, force: true }).catch(() => undefined)
    throw e
  }
}

/**
 * The tiers built with an L1 eviction sink that also reports to `events`: the hierarchy's own
 * handler (the demotion) runs first, then the listeners, only when there are any.
 */
function withEvictionEvents(factory: TierFactory, events: CacheEvents): TierFactory {
  return (sinks: TierSinks) =>
    factory({
      ...sinks,
      onL1Evict: (key, value, bytes, version, reason) => {
        sinks.onL1Evict(key, value, bytes, version, reason)
        if (events.hasL1EvictListeners) events.emitL1Evict(key, reason)
      },
    })
}
