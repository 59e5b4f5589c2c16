/**
 * Interns (templated) keys as small integers so the models work on ints in typed arrays, and
 * remembers, per key, what the stride detector and the byte budget need: the numbered-key stem and
 * number (parsed once, on first sight) and the last observed value size.
 *
 * Only keys that were actually accessed are interned (predicted keys are not), so the table grows
 * with the key universe the cache sees, like the cache's own index — not with the predictions made.
 */
import { isAgentTemplate } from "./agent-template.js"
import { StemIndex } from "./stem-index.js"

/** A stem of numbered keys: the text around the number. */
export interface KeyStem {
  readonly prefix: string
  readonly suffix: string
  /** True when the stem holds the agent placeholder (its keys are private to each agent). */
  readonly isTemplate: boolean
}

/** Fields of a key's record (see KeyInterner.rec). */
const STEM = 0
const NUMBER = 1
const PAD = 2
const BYTES = 3
const TEMPLATED = 4
const SHAPE = 5
const FIELDS = 6

export class KeyInterner {
  private readonly ids = new Map<string, number>()
  private readonly keyOf: string[] = []
  /**
   * One record of FIELDS doubles per key id: stem id (-1 when the key has no number), number, pad
   * width, last value size, templated (0/1), coarse shape hash (every digit run collapsed, for
   * behaviour signatures). One record rather than one array per field: an access reads several
   * fields of one key, and a record is one cache line where six arrays would be six.
   */
  private rec = new Float64Array(FIELDS * 1024)
  private readonly stemIndex = new StemIndex()
  private readonly stems: readonly KeyStem[] = this.stemIndex.stems
  /** Per stem: number → id of the key last interned with that number (for string-free stride lookups). */
  private readonly byNumber: Map<number, number>[] = []

  /** The id of `key`, interning it (and parsing its number) on first sight. */
  intern(key: string): number {
    const known = this.ids.get(key)
    if (known !== undefined) return known
    const id = this.keyOf.length
    this.ids.set(key, id)
    this.keyOf.push(key)
    if ((id + 1) * FIELDS > this.rec.length) {
      const grown = new Float64Array(this.rec.length * 2)
      grown.set(this.rec)
      this.rec = grown
    }
    const r = id * FIELDS
    const rec = this.rec
    const stems = this.stemIndex
    if (!stems.locate(key)) {
      rec[r + STEM] = -1
      rec[r + NUMBER] = 0
      rec[r + PAD] = 0
    } else {
      const stem = stems.idOf(key)
      if (stem === this.byNumber.length) this.byNumber.push(new Map())
      this.byNumber[stem].set(stems.value, id)
      rec[r + STEM] = stem
      rec[r + NUMBER] = stems.value
      rec[r + PAD] = stems.padWidth
    }
    rec[r + BYTES] = 0
    rec[r + TEMPLATED] = isAgentTemplate(key) ? 1 : 0
    rec[r + SHAPE] = coarseShapeHash(key)
    return id
  }

  /** The id of `key` if it was interned, else -1 (never interns). */
  lookup(key: string): number {
    return this.ids.get(key) ?? -1
  }

  /**
   * The id of the key `formatNumberedKey(stem.prefix, stem.suffix, value, padWidth)` would spell,
   * or -1 when that key was never interned — without building the string.
   */
  numberedId(stemId: number, value: number, padWidth: number): number {
    const id = this.byNumber[stemId].get(value)
    if (id === undefined) return -1
    // The formatted key keeps a zero-padded width only when the number is shorter than it.
    const pad = padWidth > 1 && value >= 0 && value < 10 ** (padWidth - 1) ? padWidth : 0
    return this.rec[id * FIELDS + PAD] === pad ? id : this.lookupSlow(stemId, value, padWidth)
  }

  /** Two spellings of one number on one stem (`file-01`, `file-1`): fall back to the string. */
  private lookupSlow(stemId: number, value: number, padWidth: number): number {
    const s = this.stems[stemId]
    const digits = padWidth > 0 ? String(value).padStart(padWidth, "0") : String(value)
    return this.lookup(s.prefix + digits + s.suffix)
  }

  keyAt(id: number): string {
    return this.keyOf[id]
  }

  /** Stem id of a key id, or -1 when the key carries no number. */
  stemOf(id: number): number {
    return this.rec[id * FIELDS + STEM]
  }

  numberOf(id: number): number {
    return this.rec[id * FIELDS + NUMBER]
  }

  padWidthOf(id: number): number {
    return this.rec[id * FIELDS + PAD]
  }

  stem(stemId: number): KeyStem {
    return this.stems[stemId]
  }

  /** True when the key is an agent template (`{agent}:…`), i.e. private to each agent. */
  isTemplate(id: number): boolean {
    return this.rec[id * FIELDS + TEMPLATED] === 1
  }

  /**
   * A hash of the key with every run of digits collapsed to one symbol: `repo:p3:file-12` and
   * `repo:p7:file-4` share a shape, `{agent}:task-2` and `{agent}:task-3` too. Behaviour
   * signatures are built over shapes, so agents that do the same kind of work on different
   * projects or items look alike.
   */
  shapeOf(id: number): number {
    return this.rec[id * FIELDS + SHAPE]
  }

  /** Last size recorded for a key id (0 when never recorded). */
  bytesOf(id: number): number {
    return this.rec[id * FIELDS + BYTES]
  }

  recordBytes(id: number, bytes: number): void {
    this.rec[id * FIELDS + BYTES] = bytes
  }

  get size(): number {
    return this.keyOf.length
  }
}

/** FNV-1a over the key's characters, each digit run hashed as a single '#'. */
function coarseShapeHash(key: string): number {
  let h = 0x811c9dc5
  let inDigits = false
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    const digit = c >= 48 && c <= 57
    if (digit && inDigits) continue
    inDigits = digit
    h = Math.imul(h ^ (digit ? 35 : c), 0x01000193)
  }
  return h >>> 0
}
