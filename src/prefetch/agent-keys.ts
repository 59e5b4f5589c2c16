/**
 * Per agent: the concrete key strings it used for its private templates, by template id.
 *
 * A prediction of `{agent}:notes` must be handed out as `agent-17:notes`. Rebuilding that string
 * (`replaceAll`) on every prediction allocates, and the fresh string has no cached hash for the
 * pending-prefetch and cache lookups that follow. An agent's private key set is small and it keeps
 * re-reading it, so remembering the string it last used for each template (a tiny direct-mapped
 * table, fixed size) returns the very string object the cache already knows.
 */
import { BufferViews } from "./buffer-views.js"

const SLOTS = 16

export class AgentKeys {
  private readonly ids: Int32Array
  /** Index of the first id in `ids`. */
  private readonly base: number
  private readonly keys: string[] = new Array<string>(SLOTS).fill("")

  /** Approximate bytes (the id array and the pointer array; the strings belong to the caller). */
  static readonly byteSize = SLOTS * 4 + SLOTS * 8
  /** Bytes of the id array (what a shared buffer must provide). */
  static readonly arrayBytes = SLOTS * 4

  /** @param views where the ids live (default: own); `byteOffset` a multiple of 4, the region zeroed */
  constructor(views?: BufferViews, byteOffset = 0) {
    // Ids are stored plus one: all-zero memory is an empty table.
    this.ids = (views ?? BufferViews.allocate(AgentKeys.arrayBytes)).i32
    this.base = byteOffset >> 2
  }

  /** Remembers that this agent spelt template `id` as `key`. */
  note(id: number, key: string): void {
    const s = id & (SLOTS - 1)
    this.ids[this.base + s] = id + 1
    this.keys[s] = key
  }

  /** The agent's spelling of template `id`, or undefined when not remembered. */
  keyOf(id: number): string | undefined {
    const s = id & (SLOTS - 1)
    return this.ids[this.base + s] === id + 1 ? this.keys[s] : undefined
  }

  clear(): void {
    this.ids.fill(0, this.base, this.base + SLOTS)
    this.keys.fill("")
  }
}
