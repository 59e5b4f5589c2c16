/**
 * A three-tier in-memory `BlobStorage` with explicit tier moves: the standalone stand-in for the
 * real hierarchy, used by the branch tests, the property tests (where every move is scheduled by
 * fast-check) and the standalone benchmark. It models where a blob lives (L1, L2 or L3), not how
 * fast each tier is; `delay` lets a test make any operation asynchronous at a point of its choice.
 */
import type { BlobStorage } from "./content-store.js"

export type TierName = "l1" | "l2" | "l3"
const ORDER: readonly TierName[] = ["l1", "l2", "l3"]

/** Optional tier-move operations a storage may offer (the spec's DemoteBranch / PromoteBranch / EvictBranch). */
export interface TierMoves {
  /** Moves the blob one tier down (L1 → L2 → L3); false when absent or already in L3. */
  demote(internalKey: string): Promise<boolean>
  /** Moves the blob to L1; false when absent or already in L1. */
  promote(internalKey: string): Promise<boolean>
  /** Drops the blob from every tier (the cache forgets it); false when absent. */
  evict(internalKey: string): Promise<boolean>
  /** Where the blob is held, or undefined. */
  tierOf(internalKey: string): TierName | undefined
}

export class TieredMemoryStorage implements BlobStorage, TierMoves {
  private readonly tiers: Record<TierName, Map<string, Uint8Array>> = { l1: new Map(), l2: new Map(), l3: new Map() }

  /**
   * @param delay awaited at the start of every operation (default: none beyond the async boundary);
   *   tests pass a scheduler hook here to interleave operations.
   */
  constructor(private readonly delay: (op: string, internalKey: string) => Promise<void> = async () => {}) {}

  async get(internalKey: string): Promise<Uint8Array | undefined> {
    await this.delay("get", internalKey)
    const tier = this.tierOf(internalKey)
    return tier === undefined ? undefined : this.tiers[tier].get(internalKey)
  }

  async put(internalKey: string, bytes: Uint8Array): Promise<void> {
    await this.delay("put", internalKey)
    this.drop(internalKey)
    this.tiers.l1.set(internalKey, bytes)
  }

  async delete(internalKey: string): Promise<void> {
    await this.delay("delete", internalKey)
    this.drop(internalKey)
  }

  async demote(internalKey: string): Promise<boolean> {
    await this.delay("demote", internalKey)
    const tier = this.tierOf(internalKey)
    if (tier === undefined || tier === "l3") return false
    return this.move(internalKey, tier, ORDER[ORDER.indexOf(tier) + 1])
  }

  async promote(internalKey: string): Promise<boolean> {
    await this.delay("promote", internalKey)
    const tier = this.tierOf(internalKey)
    if (tier === undefined || tier === "l1") return false
    return this.move(internalKey, tier, "l1")
  }

  async evict(internalKey: string): Promise<boolean> {
    await this.delay("evict", internalKey)
    return this.drop(internalKey)
  }

  tierOf(internalKey: string): TierName | undefined {
    for (const t of ORDER) if (this.tiers[t].has(internalKey)) return t
    return undefined
  }

  /** Internal keys held in each tier (for assertions: "no sibling bytes left in any tier"). */
  keys(tier?: TierName): string[] {
    return (tier === undefined ? ORDER : [tier]).flatMap((t) => [...this.tiers[t].keys()])
  }

  /** Bytes held, per tier and in total. */
  bytes(): { readonly l1: number; readonly l2: number; readonly l3: number; readonly total: number } {
    const sum = (t: TierName): number => {
      let n = 0
      for (const b of this.tiers[t].values()) n += b.length
      return n
    }
    const l1 = sum("l1")
    const l2 = sum("l2")
    const l3 = sum("l3")
    return { l1, l2, l3, total: l1 + l2 + l3 }
  }

  private move(internalKey: string, from: TierName, to: TierName): boolean {
    const bytes = this.tiers[from].get(internalKey)
    if (bytes === undefined) return false
    this.tiers[from].delete(internalKey)
    this.tiers[to].set(internalKey, bytes)
    return true
  }

  private drop(internalKey: string): boolean {
    let found = false
    for (const t of ORDER) found = this.tiers[t].delete(internalKey) || found
    return found
  }
}
