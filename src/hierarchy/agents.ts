/**
 * Agent registration and private keys.
 *
 * A key `<agentId>:<rest>` is private to `agentId` while that agent is registered (has a live
 * view). Another agent's view gets `AccessDenied`; the root cache may access every key. Ending an
 * agent releases (invalidates) its private keys, so the registry remembers, per registered agent,
 * the keys with its prefix that this process stored while it was registered — an
 * over-approximation (an evicted key stays listed until invalidated; invalidating a key held
 * nowhere is a harmless tombstone). Keys of unregistered prefixes (`repo:file.py`) are not
 * tracked, so memory is bounded by the live agents' own keys; the hierarchy adds L3's key listing
 * (when the L3 offers one) to find keys stored before registration or by an earlier process.
 */
import { AccessDenied } from "../errors.js"

export interface AgentInfo {
  readonly agentId: string
  readonly kind: string | undefined
}

/** The agent-id prefix of a key (`"a1"` for `"a1:scratch"`), or undefined without one. */
export function prefixOf(key: string): string | undefined {
  const colon = key.indexOf(":")
  return colon > 0 ? key.slice(0, colon) : undefined
}

export class AgentRegistry {
  private readonly agents = new Map<string, AgentInfo>()
  private readonly keysByPrefix = new Map<string, Set<string>>()

  register(agentId: string, kind: string | undefined): AgentInfo {
    const existing = this.agents.get(agentId)
    if (existing !== undefined && (kind === undefined || existing.kind === kind)) return existing
    const info: AgentInfo = { agentId, kind: kind ?? existing?.kind }
    this.agents.set(agentId, info)
    return info
  }

  /** Forgets the agent and the keys tracked for it (the caller has released them). */
  unregister(agentId: string): void {
    this.agents.delete(agentId)
    this.keysByPrefix.delete(agentId)
  }

  isRegistered(agentId: string): boolean {
    return this.agents.has(agentId)
  }

  get(agentId: string): AgentInfo | undefined {
    return this.agents.get(agentId)
  }

  get count(): number {
    return this.agents.size
  }

  /** The registered agent `key` is private to, if any. */
  ownerOf(key: string): string | undefined {
    const prefix = prefixOf(key)
    return prefix !== undefined && this.agents.has(prefix) ? prefix : undefined
  }

  /** `AccessDenied` when `agentId` (undefined = root, always allowed) may not touch `key`. */
  checkAccess(agentId: string | undefined, key: string): AccessDenied | undefined {
    if (agentId === undefined) return undefined
    const owner = this.ownerOf(key)
    return owner === undefined || owner === agentId ? undefined : new AccessDenied({ key, agentId, owner })
  }

  /** Remember that `key` is stored (tracked only while its prefix is a registered agent). */
  noteStored(key: string): void {
    const prefix = prefixOf(key)
    if (prefix === undefined || !this.agents.has(prefix)) return
    let set = this.keysByPrefix.get(prefix)
    if (set === undefined) {
      set = new Set()
      this.keysByPrefix.set(prefix, set)
    }
    set.add(key)
  }

  noteRemoved(key: string): void {
    const prefix = prefixOf(key)
    if (prefix === undefined) return
    const set = this.keysByPrefix.get(prefix)
    if (set !== undefined && set.delete(key) && set.size === 0) this.keysByPrefix.delete(prefix)
  }

  /** Keys with prefix `agentId:` this process knows to be stored. */
  keysOf(agentId: string): string[] {
    return [...(this.keysByPrefix.get(agentId) ?? [])]
  }
}
