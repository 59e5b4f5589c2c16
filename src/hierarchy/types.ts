/**
 * Types the hierarchy shares with its tiers' factory, the service layer and tests.
 */
import type { L1EvictHandler, L1Tier, L2EvictHandler, L2Tier, L3Tier } from "../tiers/contracts.js"
import type { CacheValue, Version } from "../types.js"

/**
 * What the hierarchy needs from L1 beyond the contract: the optional `prefetched` flag on `set`
 * (L1Cache places such entries where they are evicted first while unused). Tiers without it
 * simply ignore the extra argument.
 */
export interface HierarchyL1 extends L1Tier<CacheValue> {
  set(key: string, value: CacheValue, bytes: number, version: number, options?: { readonly prefetched?: boolean }): boolean
}

/**
 * What the hierarchy needs from L3 beyond the contract: optionally, the keys it holds (from its
 * in-memory index). Used only by `endAgent` to find an agent's private keys written by an earlier
 * process; without it, only keys seen by this process are released.
 */
export interface HierarchyL3 extends L3Tier {
  keys?(): Iterable<string>
  /**
   * Optionally, the version of the tombstone L3 holds for `key` (-1 if none). A value loaded while
   * L3 holds a tombstone is the newest acknowledged state of the key, which is exactly the version
   * of that tombstone's removal (spec/TierCoherency.tla: `store[k]`); it is versioned so, and L3
   * does not take it back (the spec's Demote refuses a version its record already covers).
   */
  tombstoneOf?(key: string): Version
}

export interface HierarchyTiers {
  readonly l1: HierarchyL1
  readonly l2: L2Tier
  readonly l3: HierarchyL3
}

/** The callbacks the tiers must be built with, so that the hierarchy sees every displaced entry. */
export interface TierSinks {
  readonly onL1Evict: L1EvictHandler<CacheValue>
  readonly onL2Evict: L2EvictHandler
  /** First demand `get` of an entry installed as prefetched (the lifecycle's USE event). */
  readonly onPrefetchUsed: (key: string) => void
}

/** Builds (opens) the three tiers wired to `sinks`. The default builds L1Cache, L2Store and openL3. */
export type TierFactory = (sinks: TierSinks) => Promise<HierarchyTiers>

/** Where a read was answered. */
export type ServedBy = "l1" | "l2" | "l3" | "load" | "miss"

/**
 * Told about every read of a key: who asked (`undefined` = the root cache) and where it was
 * served. Called synchronously after the read is decided; must be cheap and must not throw.
 */
export type AccessObserver = (agentId: string | undefined, key: string, servedBy: ServedBy) => void
