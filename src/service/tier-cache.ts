/**
 * The Effect API: a `TierCache` service with `TierCache.layer(options)`.
 *
 * The layer acquires the cache (and so the L3 folder) with `Effect.acquireRelease`: it is closed
 * when the layer's Scope closes. Every method returns an Effect whose error channel holds the
 * tagged errors of src/errors.ts (`Effect.catchTag("InvalidKey", …)` works); anything else thrown
 * is a defect. The service wraps the same object as the Promise facade, so semantics are identical.
 */
import { Context, Effect, Layer, type Scope } from "effect"
import type { AgentOptions, CacheStats } from "../api.js"
import type { TierCacheError } from "../errors.js"
import type { CacheValue } from "../types.js"
import type { TierCacheAgentView } from "./agent-view.js"
import type { AgentEndListener, L1EvictListener } from "./cache-events.js"
import { type CreateTierCacheOptions, createTierCache, type TierCacheClient } from "./facade.js"

const TAGS = new Set([
  "InvalidKey",
  "AccessDenied",
  "ValueTooLarge",
  "SerializationError",
  "StorageError",
  "LoaderError",
  "CacheClosed",
  "InvalidOptions",
  "BranchError",
])

/** True for the errors tiercache reports on purpose (they belong in the error channel). */
export function isTierCacheError(e: unknown): e is TierCacheError {
  return typeof e === "object" && e !== null && TAGS.has((e as { _tag?: unknown })._tag as string)
}

/** A Promise-returning call as an Effect: tiercache errors fail, anything else dies. */
function fromPromise<A>(thunk: () => Promise<A>): Effect.Effect<A, TierCacheError> {
  return Effect.tryPromise({ try: thunk, catch: (e) => e }).pipe(
    Effect.catch((e): Effect.Effect<never, TierCacheError> => (isTierCacheError(e) ? Effect.fail(e) : Effect.die(e))),
  )
}

/** A synchronous call as an Effect, with the same error split. */
function fromSync<A>(thunk: () => A): Effect.Effect<A, TierCacheError> {
  return Effect.try({ try: thunk, catch: (e) => e }).pipe(
    Effect.catch((e): Effect.Effect<never, TierCacheError> => (isTierCacheError(e) ? Effect.fail(e) : Effect.die(e))),
  )
}

/** A facade subscription held for the life of the surrounding Scope. */
function subscribed(subscribe: () => () => void): Effect.Effect<void, never, Scope.Scope> {
  return Effect.asVoid(Effect.acquireRelease(Effect.sync(subscribe), (unsubscribe) => Effect.sync(unsubscribe)))
}

/** The operations shared by the cache and an agent view, as Effects. */
export interface TierCacheEffectOps {
  /** L1 → L2 → L3 → loader; succeeds with `undefined` on a miss everywhere. */
  readonly get: (key: string) => Effect.Effect<CacheValue | undefined, TierCacheError>
  /** Succeeds once the value is durable in L3 and installed in L1. */
  readonly put: (key: string, value: CacheValue) => Effect.Effect<void, TierCacheError>
  /** L1 only, synchronous underneath. */
  readonly getIfPresent: (key: string) => Effect.Effect<CacheValue | undefined, TierCacheError>
  /** Removes the key from every tier, durably. */
  readonly invalidate: (key: string) => Effect.Effect<void, TierCacheError>
  /** Loads the key into L1 ahead of use; succeeds with whether it is in L1 afterwards. */
  readonly prefetch: (key: string) => Effect.Effect<boolean, TierCacheError>
  /** Forks the key's value into branches (ids, or a count); succeeds with the ids. See docs/branches.md. */
  readonly fork: (key: string, branches: readonly string[] | number) => Effect.Effect<readonly string[], TierCacheError>
  /** The branch's value; `undefined` if the tiers forgot its bytes. */
  readonly getBranch: (key: string, branch: string) => Effect.Effect<CacheValue | undefined, TierCacheError>
  readonly putBranch: (key: string, branch: string, value: CacheValue) => Effect.Effect<void, TierCacheError>
  /** Makes the winner the key's value, atomically as readers see it; ends every branch. */
  readonly collapse: (key: string, winner: string) => Effect.Effect<void, TierCacheError>
  readonly discard: (key: string, branch: string) => Effect.Effect<void, TierCacheError>
  /** Live branch ids (empty when the key is not superposed). */
  readonly branches: (key: string) => Effect.Effect<readonly string[], TierCacheError>
}

export interface TierCacheAgentEffectView extends TierCacheEffectOps {
  readonly agentId: string
  /** Releases the agent's private keys; the view fails with `CacheClosed` afterwards. */
  readonly end: Effect.Effect<void, TierCacheError>
}

/** The shared operations of the cache or an agent view (the same Promise methods on both), as Effects. */
type PromiseOps = Pick<TierCacheAgentView, "get" | "put" | "getIfPresent" | "invalidate" | "prefetch" | "fork" | "getBranch" | "putBranch" | "collapse" | "discard" | "branches">

function effectOps(target: PromiseOps): TierCacheEffectOps {
  return {
    get: (key) => fromPromise(() => target.get(key)),
    put: (key, value) => fromPromise(() => target.put(key, value)),
    getIfPresent: (key) => fromSync(() => target.getIfPresent(key)),
    invalidate: (key) => fromPromise(() => target.invalidate(key)),
    prefetch: (key) => fromPromise(() => target.prefetch(key)),
    fork: (key, branches) => fromPromise(() => target.fork(key, branches)),
    getBranch: (key, branch) => fromPromise(() => target.getBranch(key, branch)),
    putBranch: (key, branch, value) => fromPromise(() => target.putBranch(key, branch, value)),
    collapse: (key, winner) => fromPromise(() => target.collapse(key, winner)),
    discard: (key, branch) => fromPromise(() => target.discard(key, branch)),
    branches: (key) => fromPromise(() => target.branches(key)),
  }
}

function viewOps(view: TierCacheAgentView): TierCacheAgentEffectView {
  return { ...effectOps(view), agentId: view.agentId, end: fromPromise(() => view.end()) }
}

export class TierCache extends Context.Service<
  TierCache,
  TierCacheEffectOps & {
    readonly stats: Effect.Effect<CacheStats>
    readonly agent: (agentId: string, options?: AgentOptions) => Effect.Effect<TierCacheAgentEffectView, TierCacheError>
    readonly endAgent: (agentId: string) => Effect.Effect<void, TierCacheError>
    /**
     * Listens for agent ends (`view.end()` / `endAgent`) for as long as the surrounding Scope is open:
     * the listener is removed when it closes (`Effect.scoped`), so a subscription cannot leak.
     */
    readonly onAgentEnd: (listener: AgentEndListener) => Effect.Effect<void, never, Scope.Scope>
    /** Listens for L1 evictions and admission rejections while the surrounding Scope is open. */
    readonly onL1Evict: (listener: L1EvictListener) => Effect.Effect<void, never, Scope.Scope>
    /** The Promise facade over the same cache, for code outside Effect (e.g. `getIfPresent` on a hot loop). */
    readonly client: TierCacheClient
  }
>()("tiercache/TierCache") {
  /** Builds the service around an already-open client (the caller owns its lifetime). */
  static fromClient(client: TierCacheClient): TierCache["Service"] {
    return TierCache.of({
      ...effectOps(client),
      stats: Effect.sync(() => client.stats()),
      agent: (agentId, options) => fromSync(() => viewOps(client.agent(agentId, options))),
      endAgent: (agentId) => fromPromise(() => client.endAgent(agentId)),
      onAgentEnd: (listener) => subscribed(() => client.onAgentEnd(listener)),
      onL1Evict: (listener) => subscribed(() => client.onL1Evict(listener)),
      client,
    })
  }

  /**
   * A layer that opens the cache (L3 folder included) when built and closes it when its Scope
   * closes. Fails with `InvalidOptions` / `StorageError` if the cache cannot be opened.
   */
  static layer(options: CreateTierCacheOptions = {}): Layer.Layer<TierCache, TierCacheError> {
    return Layer.effect(
      TierCache,
      Effect.acquireRelease(
        fromPromise(() => createTierCache(options)),
        (client) => Effect.promise(() => client.close()),
      ).pipe(Effect.map((client) => TierCache.fromClient(client))),
    )
  }
}
