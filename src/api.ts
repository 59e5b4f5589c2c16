/**
 * The public shape of tiercache's Promise facade. The implementation lives in src/hierarchy/ and
 * src/service/; this file is the contract other parts (CLI, prefetch, properties) code against.
 */
import type { CacheValue } from "./types.js"

/** Latency percentiles in nanoseconds for one operation class. */
export interface LatencySummary {
  readonly count: number
  readonly p50Ns: number
  readonly p95Ns: number
  readonly p99Ns: number
  readonly maxNs: number
}

export interface TierStats {
  readonly hits: number
  readonly misses: number
  readonly evictions: number
  readonly promotions: number
  readonly demotions: number
  readonly entries: number
  readonly bytes: number
  /** Latency of hits served by this tier (measured in the hierarchy). */
  readonly latency: LatencySummary
}

export interface PrefetchStats {
  readonly issued: number
  readonly used: number
  /** used / issued (0 when nothing issued). */
  readonly accuracy: number
  /** demand misses avoided / demand misses that would have happened without prefetch. */
  readonly coverage: number
  /** prefetched entries resident before their first demand access / used. */
  readonly timeliness: number
  /** unused / issued. */
  readonly falsePositiveRate: number
  readonly wastedBytes: number
}

export interface CacheStats {
  readonly l1: TierStats
  readonly l2: TierStats & { readonly compressedEntries: number; readonly rawBytes: number }
  readonly l3: TierStats & { readonly quarantined: number }
  /** Reads answered by the loader. */
  readonly loads: number
  readonly loadErrors: number
  /** Fills / promotions refused because a newer put or invalidate overtook them. */
  readonly staleFillsDropped: number
  /** Reads that found the key nowhere (after the loader, if any). */
  readonly misses: number
  readonly gets: number
  readonly puts: number
  readonly invalidations: number
  readonly prefetch?: PrefetchStats
}

/** Options for an agent view. */
export interface AgentOptions {
  /** The agent's kind; agents of one kind share a prefetch model. */
  readonly kind?: string
}

/** Operations shared by the cache and an agent view. */
export interface CacheOps {
  /** L1 → L2 → L3 → loader. Resolves `undefined` on a miss everywhere. */
  get(key: string): Promise<CacheValue | undefined>
  /** Resolves once the value is in L1 and durably in L3 (it survives a crash). */
  put(key: string, value: CacheValue): Promise<void>
  /** Synchronous, L1 only; `undefined` on a miss. Never touches Effect, I/O or the loader. */
  getIfPresent(key: string): CacheValue | undefined
  /** Removes the key from every tier (durably from L3); in-flight fills of it are dropped. */
  invalidate(key: string): Promise<void>
}

/**
 * Superposition: speculative branches of a key's value (src/branches/, spec/Superposition.tla).
 * While a key is superposed, `get` returns its base (the value it had when forked, or a later
 * `put`); `collapse` makes the winner the base atomically as readers see it. Misuse rejects with
 * `BranchError`, leaving everything unchanged.
 */
export interface BranchOps {
  /** Forks the key's current value into branches (ids, or a count n naming them "0".."n-1"); resolves with the ids. */
  fork(key: string, branches: readonly string[] | number): Promise<readonly string[]>
  /** The branch's value; `undefined` if the tiers forgot its bytes. */
  getBranch(key: string, branch: string): Promise<CacheValue | undefined>
  /** Replaces a live branch's value (stored as a compressed delta against the fork base). */
  putBranch(key: string, branch: string, value: CacheValue): Promise<void>
  /** Makes `winner` the key's value (a new version), ends every branch, frees the siblings' bytes. */
  collapse(key: string, winner: string): Promise<void>
  /** Ends one live branch (not the last one: collapse onto it instead) and frees its bytes. */
  discard(key: string, branch: string): Promise<void>
  /** Live branch ids (empty when the key is not superposed). */
  branches(key: string): Promise<readonly string[]>
}

export interface AgentView extends CacheOps, BranchOps {
  readonly agentId: string
  /** Ends the agent: releases its private keys and its prefetch model. */
  end(): Promise<void>
}

export interface TierCacheHandle extends CacheOps, BranchOps {
  stats(): CacheStats
  agent(agentId: string, options?: AgentOptions): AgentView
  close(): Promise<void>
}
