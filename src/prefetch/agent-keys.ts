/**
 * Per agent: the concrete key strings it used for its private templates, by template id.
 *
 * A prediction of `{agent}:notes` must be handed out as `agent-17:notes`. Rebuilding that string
 * (`replaceAll`) on every prediction allocates, and the fresh string has no cached hash for the
 * pending-prefetch and cache lookups that follow. An agent's private key set is small and it keeps
 * re-reading it, so remembering the string it last used for each template (a tiny direct-mapped
 * table, fixed size) returns the very string object the cache already knows.
 */
const SLOTS = 16

export class AgentKeys {
  private readonly ids: Int32Array
  private readonly keys: string[] = new Array<string>(SLOTS).fill("")

  /** Approximate bytes (the id array and the pointer array; the strings belong to the caller). */
  static readonly byteSize = SLOTS * 4 + SLOTS * 8
  /** Bytes of the id array (what a shared buffer must provide). */
  static readonly arrayBytes = SLOTS * 4

  /** @param buffer where the id array lives (default: own); `byteOffset` a multiple of 4 */
  constructor(buffer?: ArrayBuffer, byteOffset = 0) {
    this.ids = (buffer === undefined ? new Int32Array(SLOTS) : new Int32Array(buffer, byteOffset, SLOTS)).fill(-1)
  }

  /** Remembers that this agent spelt template `id` as `key`. */
  note(id: number, key: string): void {
    const s = id & (SLOTS - 1)
    this.ids[s] = id
    this.keys[s] = key
  }

  /** The agent's spelling of template `id`, or undefined when not remembered. */
  keyOf(id: number): string | undefined {
    const s = id & (SLOTS - 1)
    return this.ids[s] === id ? this.keys[s] : undefined
  }

  clear(): void {
    this.ids.fill(-1)
    this.keys.fill("")
  }
}
