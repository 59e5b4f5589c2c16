/**
 * Wires the superposition manager into the real cache: the base is the key's ordinary entry (read,
 * put and invalidated through the hierarchy), and branch blobs (fork bases, deltas) are ordinary
 * cache entries too — bytes values under reserved keys `tiercache.branch:<blake3>` — so they live
 * in L1/L2/L3, move between tiers with the same policies, and are durable in L3 like any put.
 *
 * The reserved prefix is registered as an agent: agent views get `AccessDenied` on blob keys,
 * while the cache itself (root) can reach them — the application is trusted, and every blob read
 * is verified against its BLAKE3 address, so an overwritten blob reads as forgotten, never as a
 * wrong branch. (Internal keys with a NUL separator would be unreachable for users too, but the
 * hierarchy's key check rejects NUL for every caller; see docs/branches.md.)
 *
 * The facade and the agent views call {@link CacheBranches} for the branch API and route their
 * base `get` / `put` / `invalidate` / `getIfPresent` through it: a key that was never forked costs
 * one Map lookup before the ordinary hierarchy call.
 */
import { CacheClosed } from "../errors.js"
import type { Hierarchy } from "../hierarchy/hierarchy.js"
import type { BranchOptions, CacheValue } from "../types.js"
import { checkKey, DEFAULT_MAX_KEY_LENGTH } from "../values/key.js"
import type { BlobStorage } from "./content-store.js"
import { SuperpositionManager, type BaseAccess, type SuperpositionInfo } from "./superposition.js"

/** The agent id owning the blob keys; agent views cannot read or write them. */
export const BRANCH_BLOB_AGENT = "tiercache.branch"


/** The base as the hierarchy serves it, with its access rules. */
function hierarchyBase(h: Hierarchy, maxKeyLength: number): BaseAccess {
  return {
    read: (key, agentId) => h.read(key, agentId),
    write: (key, value, agentId) => h.put(key, value, agentId),
    invalidate: (key, agentId) => h.invalidate(key, agentId),
    peek: (key, agentId) => h.getIfPresent(key, agentId),
    admit: (key, agentId) => {
      if (h.isClosed) throw new CacheClosed({ what: "the cache" })
      const bad = checkKey(key, maxKeyLength)
      if (bad !== undefined) throw bad
      const denied = h.agents.checkAccess(agentId, key)
      if (denied !== undefined) throw denied
    },
  }
}

/**
 * Branch blobs as ordinary cache entries (bytes values). A read that the loader answers with
 * something else, or that fails in the loader, reads as forgotten: the content store verifies
 * every blob against its address anyway.
 */
function hierarchyBlobs(h: Hierarchy): BlobStorage {
  return {
    get: async (internalKey) => {
      try {
        const v = await h.read(internalKey)
        return v instanceof Uint8Array ? v : undefined
      } catch (e) {
        if ((e as { _tag?: unknown })._tag === "LoaderError") return undefined
        throw e
      }
    },
    put: (internalKey, bytes) => h.put(internalKey, bytes),
    delete: (internalKey) => h.invalidate(internalKey),
  }
}

/** The branch API of one cache, for the facade, its agent views and the Effect service. */
export class CacheBranches {
  readonly manager: SuperpositionManager

  constructor(private readonly h: Hierarchy, options: BranchOptions & { readonly maxKeyLength?: number } = {}) {
    h.agents.register(BRANCH_BLOB_AGENT, undefined)
    const maxKeyLength = options.maxKeyLength ?? DEFAULT_MAX_KEY_LENGTH
    this.manager = new SuperpositionManager(hierarchyBase(h, maxKeyLength), hierarchyBlobs(h), {
      ...options,
      keyPrefix: `${BRANCH_BLOB_AGENT}:`,
      maxKeyLength,
    })
  }

  fork(key: string, branches: readonly string[] | number, agentId?: string): Promise<readonly string[]> {
    return this.manager.fork(key, branches, agentId)
  }

  getBranch(key: string, branch: string, agentId?: string): Promise<CacheValue | undefined> {
    return this.manager.getBranch(key, branch, agentId)
  }

  putBranch(key: string, branch: string, value: CacheValue, agentId?: string): Promise<void> {
    return this.manager.putBranch(key, branch, value, agentId)
  }

  /** Returned as is (no async wrapper): its resolution is the collapse's linearization point. */
  collapse(key: string, winner: string, agentId?: string): Promise<void> {
    return this.manager.collapse(key, winner, agentId)
  }

  discard(key: string, branch: string, agentId?: string): Promise<void> {
    return this.manager.discard(key, branch, agentId)
  }

  branches(key: string, agentId?: string): Promise<readonly string[]> {
    try {
      return Promise.resolve(this.manager.branches(key, agentId))
    } catch (e) {
      return Promise.reject(e)
    }
  }

  superposition(key: string): SuperpositionInfo {
    return this.manager.superposition(key)
  }

  // Base operations: straight to the hierarchy unless the key is (or is being) forked.

  get(key: string, agentId?: string): Promise<CacheValue | undefined> {
    return this.manager.involves(key) ? this.manager.get(key, agentId) : this.h.read(key, agentId)
  }

  put(key: string, value: CacheValue, agentId?: string): Promise<void> {
    return this.manager.involves(key) ? this.manager.put(key, value, agentId) : this.h.put(key, value, agentId)
  }

  invalidate(key: string, agentId?: string): Promise<void> {
    return this.manager.involves(key) ? this.manager.invalidate(key, agentId) : this.h.invalidate(key, agentId)
  }

  getIfPresent(key: string, agentId?: string): CacheValue | undefined {
    return this.manager.involves(key) ? this.manager.peek(key, agentId) : this.h.getIfPresent(key, agentId)
  }

  /** An agent ends: its private keys' superpositions end with them (their blobs are released). */
  async endAgent(agentId: string): Promise<void> {
    const prefix = `${agentId}:`
    const keys = [...this.manager.forkedKeys()].filter((k) => k.startsWith(prefix))
    await Promise.all(keys.map((k) => this.manager.invalidate(k)))
  }

  /** Waits for lazy blob releases (GcSibling) and queued blob writes; the facade calls it on close. */
  idle(): Promise<void> {
    return this.manager.idle()
  }
}
