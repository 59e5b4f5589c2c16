/**
 * Interns (templated) keys as small integers so the models work on ints in typed arrays, and
 * remembers, per key, what the stride detector and the byte budget need: the numbered-key stem and
 * number (parsed once, on first sight) and the last observed value size.
 *
 * Only keys that were actually accessed are interned (predicted keys are not), so the table grows
 * with the key universe the cache sees, like the cache's own index — not with the predictions made.
 */
import { isAgentTemplate } from "./agent-template.js"
import { parseNumberedKey } from "./numbered-key.js"

/** A stem of numbered keys: the text around the number. */
export interface KeyStem {
  readonly prefix: string
  readonly suffix: string
}

export class KeyInterner {
  private readonly ids = new Map<string, number>()
  private readonly keyOf: string[] = []
  /** Stem id per key id, -1 when the key has no number. */
  private readonly stemOfKey: number[] = []
  private readonly numberOfKey: number[] = []
  private readonly padOfKey: number[] = []
  private readonly bytesOfKey: number[] = []
  private readonly templated: boolean[] = []
  private readonly stemIds = new Map<string, number>()
  private readonly stems: KeyStem[] = []

  /** The id of `key`, interning it (and parsing its number) on first sight. */
  intern(key: string): number {
    const known = this.ids.get(key)
    if (known !== undefined) return known
    const id = this.keyOf.length
    this.ids.set(key, id)
    this.keyOf.push(key)
    const parsed = parseNumberedKey(key)
    if (parsed === undefined) {
      this.stemOfKey.push(-1)
      this.numberOfKey.push(0)
      this.padOfKey.push(0)
    } else {
      const stemKey = parsed.prefix + "\u0000" + parsed.suffix
      let stem = this.stemIds.get(stemKey)
      if (stem === undefined) {
        stem = this.stems.length
        this.stemIds.set(stemKey, stem)
        this.stems.push({ prefix: parsed.prefix, suffix: parsed.suffix })
      }
      this.stemOfKey.push(stem)
      this.numberOfKey.push(parsed.value)
      this.padOfKey.push(parsed.padWidth)
    }
    this.bytesOfKey.push(0)
    this.templated.push(isAgentTemplate(key))
    return id
  }

  /** The id of `key` if it was interned, else -1 (never interns). */
  lookup(key: string): number {
    return this.ids.get(key) ?? -1
  }

  keyAt(id: number): string {
    return this.keyOf[id]
  }

  /** Stem id of a key id, or -1 when the key carries no number. */
  stemOf(id: number): number {
    return this.stemOfKey[id]
  }

  numberOf(id: number): number {
    return this.numberOfKey[id]
  }

  padWidthOf(id: number): number {
    return this.padOfKey[id]
  }

  stem(stemId: number): KeyStem {
    return this.stems[stemId]
  }

  /** True when the key is an agent template (`{agent}:…`), i.e. private to each agent. */
  isTemplate(id: number): boolean {
    return this.templated[id]
  }

  /** Last size recorded for a key id (0 when never recorded). */
  bytesOf(id: number): number {
    return this.bytesOfKey[id]
  }

  recordBytes(id: number, bytes: number): void {
    this.bytesOfKey[id] = bytes
  }

  get size(): number {
    return this.keyOf.length
  }
}
