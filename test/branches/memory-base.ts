/**
 * A test `BaseAccess`: the key's base in a Map, with the same optional delay hook as
 * TieredMemoryStorage so a scheduler can interleave base reads and writes too. A write becomes
 * visible to `peek` immediately (like an L1 install) and to `read` immediately as well; it resolves
 * after its delay (like waiting for L3 durability) — the window a collapse must hide.
 */
import type { BaseAccess } from "../../src/branches/superposition.js"
import type { CacheValue } from "../../src/types.js"

export class MemoryBase implements BaseAccess {
  readonly values = new Map<string, CacheValue>()
  writes = 0
  failNextWrite = false

  constructor(private readonly delay: (op: string, key: string) => Promise<void> = async () => {}) {}

  async read(key: string): Promise<CacheValue | undefined> {
    await this.delay("read", key)
    return this.values.get(key)
  }

  async write(key: string, value: CacheValue): Promise<void> {
    if (this.failNextWrite) {
      this.failNextWrite = false
      throw new Error("disk full")
    }
    this.values.set(key, value)
    this.writes++
    await this.delay("write", key)
  }

  async invalidate(key: string): Promise<void> {
    this.values.delete(key)
    await this.delay("invalidate", key)
  }

  peek(key: string): CacheValue | undefined {
    return this.values.get(key)
  }
}
