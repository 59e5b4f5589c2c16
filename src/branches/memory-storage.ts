/**
 * A three-tier in-memory `BlobStorage` with explicit tier moves: the standalone stand-in for the
 * real hierarchy, used by the branch tests, the property tests (where every move is scheduled by
 * fast-check) and the standalone benchmark. It follows spec/Superposition.tla's tier model exactly:
 * a put goes to L1 and durably to L3; L1 and L2 are exclusive; a read from L2 promotes (moves) to
 * L1, a read from L3 installs a copy in L1; capacity eviction drops from L1 or L2 only (L3 holds
 * the only durable copy of branch data); `delete` (GcSibling) removes from every tier.
 * `delay` lets a test make any operation asynchronous at a point of its choice.
 */
import type { BlobStorage } from "./content-store.js"

export type TierName = "l1" | "l2" | "l3"

/** Optional tier-move operations a storage may offer (the spec's DemoteBranch / PromoteBranch / EvictBranch). */
export interface TierMoves {
  /** A capacity victim moves one tier down: L1 → L2, or L2 → L3. False when it is in neither. */
  demote(internalKey: string): Promise<boolean>
  /** To L1: moved from L2, or copied from L3. False when absent or already in L1. */
  promote(internalKey: string): Promise<boolean>
  /** L1 or L2 drops the blob for capacity (L3 keeps its copy). False when it is in neither. */
  evict(internalKey: string): Promise<boolean>
  /** The fastest tier holding the blob, or undefined. */
  tierOf(internalKey: string): TierName | undefined
}

export class TieredMemoryStorage implements BlobStorage, TierMoves {
  private readonly data = new Map<string, Uint8Array>()
  private readonly tiers: Record<TierName, Set<string>> = { l1: new Set(), l2: new Set(), l3: new Set() }

  /**
   * @param delay awaited at the start of every operation (default: none beyond the async boundary);
   *   tests pass a scheduler hook here to interleave operations.
   */
  constructor(private readonly delay: (op: string, internalKey: string) => Promise<void> = async () => {}) {}

  /**
   * L1 and L2 are memory: a hit there is served (and an L2 hit promoted) when the call is made.
   * Only an L3 read is truly asynchronous: it completes after `delay`, if L3 still holds the blob
   * then, and installs a copy in L1 (leaving L2 as it is then — the spec's ReadBranchComplete).
   */
  async get(internalKey: string): Promise<Uint8Array | undefined> {
    const { l1, l2, l3 } = this.tiers
    if (l1.has(internalKey) || l2.has(internalKey)) {
      if (l2.delete(internalKey)) l1.add(internalKey)
      const bytes = this.data.get(internalKey)
      await this.delay("get", internalKey)
      return bytes
    }
    await this.delay("get", internalKey)
    if (!l3.has(internalKey)) return undefined
    l1.add(internalKey)
    return this.data.get(internalKey)
  }

  async put(internalKey: string, bytes: Uint8Array): Promise<void> {
    await this.delay("put", internalKey)
    this.data.set(internalKey, bytes)
    this.tiers.l1.add(internalKey)
    this.tiers.l2.delete(internalKey)
    this.tiers.l3.add(internalKey)
  }

  async delete(internalKey: string): Promise<void> {
    await this.delay("delete", internalKey)
    this.data.delete(internalKey)
    for (const t of Object.values(this.tiers)) t.delete(internalKey)
  }

  async demote(internalKey: string): Promise<boolean> {
    await this.delay("demote", internalKey)
    const { l1, l2, l3 } = this.tiers
    if (l1.has(internalKey)) {
      l1.delete(internalKey)
      l2.add(internalKey)
      return true
    }
    if (l2.has(internalKey)) {
      l2.delete(internalKey)
      l3.add(internalKey)
      return true
    }
    return false
  }

  async promote(internalKey: string): Promise<boolean> {
    await this.delay("promote", internalKey)
    const { l1, l2, l3 } = this.tiers
    if (l1.has(internalKey) || !(l2.has(internalKey) || l3.has(internalKey))) return false
    l2.delete(internalKey)
    l1.add(internalKey)
    return true
  }

  /** Drops the blob from L1 (else L2), or from the tier named by `from`. */
  async evict(internalKey: string, from?: "l1" | "l2"): Promise<boolean> {
    await this.delay("evict", internalKey)
    const dropped = from !== undefined
      ? this.tiers[from].delete(internalKey)
      : this.tiers.l1.delete(internalKey) || this.tiers.l2.delete(internalKey)
    this.forgetIfNowhere(internalKey)
    return dropped
  }

  /** The disk loses the blob (a fault, not a spec action): the cache forgets, reads answer undefined. */
  lose(internalKey: string): void {
    this.tiers.l3.delete(internalKey)
    this.tiers.l1.delete(internalKey)
    this.tiers.l2.delete(internalKey)
    this.data.delete(internalKey)
  }

  /** Replaces a blob's bytes in place, keeping its tiers (a corruption fault, for tests). */
  tamper(internalKey: string, bytes: Uint8Array): void {
    if (this.data.has(internalKey)) this.data.set(internalKey, bytes)
  }

  tierOf(internalKey: string): TierName | undefined {
    if (this.tiers.l1.has(internalKey)) return "l1"
    if (this.tiers.l2.has(internalKey)) return "l2"
    if (this.tiers.l3.has(internalKey)) return "l3"
    return undefined
  }

  /** Internal keys held in one tier, or anywhere (for "no sibling bytes left in any tier"). */
  keys(tier?: TierName): string[] {
    return tier === undefined ? [...this.data.keys()] : [...this.tiers[tier]]
  }

  /** Bytes held per tier (a blob in L1 and L3 counts in both) and distinct bytes in total. */
  bytes(): { readonly l1: number; readonly l2: number; readonly l3: number; readonly total: number } {
    const sum = (keys: Iterable<string>): number => {
      let n = 0
      for (const k of keys) n += this.data.get(k)?.length ?? 0
      return n
    }
    return { l1: sum(this.tiers.l1), l2: sum(this.tiers.l2), l3: sum(this.tiers.l3), total: sum(this.data.keys()) }
  }

  private forgetIfNowhere(internalKey: string): void {
    if (this.tierOf(internalKey) === undefined) this.data.delete(internalKey)
  }
}
