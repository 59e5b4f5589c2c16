/**
 * Interns (templated) keys as small integers so the models work on ints in typed arrays, and
 * remembers, per key, what the stride detector and the byte budget need: the numbered-key stem and
 * number (parsed once, on first sight) and the last observed value size.
 *
 * Only keys that were actually accessed are interned (predicted keys are not). The table is
 * bounded: it holds at most `capacity` keys (a power of two). Past that, a CLOCK sweep over the
 * slots evicts a key not interned again since the hand last passed (a key is inserted
 * unreferenced, so a scan of one-shot keys evicts itself and not the working set).
 *
 * The number handed out is a *handle*, not a slot: `handle = generation × capacity + slot`, and a
 * slot's generation is bumped every time its key is evicted. The models (context tables, ledgers,
 * agent key spellings, the template memo) keep handles; a handle whose slot has moved on is stale
 * ({@link isLive} is false), so a model that learnt "B follows A" can never, after B's slot is
 * recycled, predict the key that now occupies it. Until the bound is reached every generation is 0
 * and handles are exactly the ids the unbounded interner handed out.
 *
 * Handles stay below 2^30 (the engine marks stem classes with bit 30). When a slot's generation
 * would pass that, or the stems (which are never evicted one by one) reach `capacity`, the whole
 * table is cleared and {@link epoch} incremented: the owner must then drop every handle and stem id
 * it holds (the engine clears its models). With the default capacity that is once per ~10^9 new
 * keys, or once per `capacity` distinct stems.
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

/** Default bound: 2^20 keys (185–255 MB measured with 25-character keys; see docs/prefetch.md). */
export const DEFAULT_CAPACITY = 1 << 20

/** Handles stay below this (bit 30 is the engine's stem-class marker). */
const HANDLE_LIMIT = 1 << 30

export class KeyInterner {
  /** Key → handle, for the live keys only. */
  private readonly ids = new Map<string, number>()
  /** Key per slot. */
  private keyOf: string[] = []
  /** Current handle per slot (its generation × capacity + slot). */
  private handles = new Int32Array(0)
  /** CLOCK reference bit per slot: set when the key is interned again (accessed). */
  private referenced = new Uint8Array(0)
  private hand = 0
  /** Slots in use (all of them once the bound is reached). */
  private used = 0
  /** Capacity, a power of two, and its mask (slot = handle & mask). */
  readonly capacity: number
  private readonly mask: number
  /** Keys evicted so far (for reports). */
  evictions = 0
  /** Incremented by every full clear (see the class comment): handles from an older epoch are void. */
  epoch = 0
  /**
   * One record of FIELDS doubles per key id: stem id (-1 when the key has no number), number, pad
   * width, last value size, templated (0/1), coarse shape hash (every digit run collapsed, for
   * behaviour signatures). One record rather than one array per field: an access reads several
   * fields of one key, and a record is one cache line where six arrays would be six.
   */
  private rec = new Float64Array(0)
  private stemIndex = new StemIndex()
  private stems: readonly KeyStem[] = this.stemIndex.stems
  /** Per stem: number → handle of the live key last interned with that number (for string-free stride lookups). */
  private byNumber: Map<number, number>[] = []

  /** @param capacity most keys held (rounded up to a power of two, at least 16). Default 2^20. */
  constructor(capacity = DEFAULT_CAPACITY) {
    let c = 16
    while (c < capacity && c < HANDLE_LIMIT / 2) c *= 2
    this.capacity = c
    this.mask = c - 1
    this.grow(Math.min(c, 1024))
  }

  /** The handle of `key`, interning it (and parsing its number) on first sight. */
  intern(key: string): number {
    const known = this.ids.get(key)
    if (known !== undefined) {
      this.referenced[known & this.mask] = 1
      return known
    }
    return this.add(key)
  }

  /** Interns a key not held (the slow path, kept out of {@link intern} so that stays small enough to inline). */
  private add(key: string): number {
    if (this.stems.length >= this.capacity) this.clear()
    let id: number
    if (this.used < this.capacity) {
      const slot = this.used++
      if (slot === this.keyOf.length) this.grow(Math.min(this.capacity, slot * 2))
      id = slot
    } else {
      const slot = this.victim()
      const next = this.handles[slot] + this.capacity
      if (next >= HANDLE_LIMIT) {
        this.clear()
        id = this.used++
      } else {
        this.evict(slot)
        id = next
      }
    }
    const slot = id & this.mask
    this.ids.set(key, id)
    this.keyOf[slot] = key
    this.handles[slot] = id
    this.referenced[slot] = 0
    const r = slot * FIELDS
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

  /** The handle of `key` if it is interned, else -1 (never interns). */
  lookup(key: string): number {
    return this.ids.get(key) ?? -1
  }

  /** True when `handle` still names the key it was handed out for (its slot was not recycled since). */
  isLive(handle: number): boolean {
    // A slot never used holds 0, which only handle 0 could match — and slot 0 is the first one used.
    return handle >= 0 && this.handles[handle & this.mask] === handle
  }

  /** The next slot to recycle: the first one the CLOCK hand finds unreferenced (clearing bits as it passes). */
  private victim(): number {
    const ref = this.referenced
    const mask = this.mask
    let h = this.hand
    while (ref[h] !== 0) {
      ref[h] = 0
      h = (h + 1) & mask
    }
    this.hand = (h + 1) & mask
    return h
  }

  /** Forgets the key in `slot` (its handle becomes stale). */
  private evict(slot: number): void {
    const old = this.handles[slot]
    this.ids.delete(this.keyOf[slot])
    const r = slot * FIELDS
    const stem = this.rec[r + STEM]
    if (stem >= 0) {
      const byNumber = this.byNumber[stem]
      const n = this.rec[r + NUMBER]
      if (byNumber.get(n) === old) byNumber.delete(n)
    }
    this.evictions++
  }

  /** Drops every key and stem: a new epoch (see the class comment). */
  private clear(): void {
    this.ids.clear()
    this.keyOf = []
    this.handles = new Int32Array(0)
    this.referenced = new Uint8Array(0)
    this.rec = new Float64Array(0)
    this.grow(Math.min(this.capacity, 1024))
    this.stemIndex = new StemIndex()
    this.stems = this.stemIndex.stems
    this.byNumber = []
    this.used = 0
    this.hand = 0
    this.epoch++
  }

  /** Grows the per-slot arrays to `slots` (they double up to the capacity, never past it). */
  private grow(slots: number): void {
    const rec = new Float64Array(slots * FIELDS)
    rec.set(this.rec)
    this.rec = rec
    const handles = new Int32Array(slots)
    handles.set(this.handles)
    this.handles = handles
    const referenced = new Uint8Array(slots)
    referenced.set(this.referenced)
    this.referenced = referenced
    for (let i = this.keyOf.length; i < slots; i++) this.keyOf.push("")
  }

  /**
   * Approximate bytes held: the per-slot arrays (record, handle, reference bit, key pointer), the
   * key map's entries (~40 bytes each in V8) and the key strings (2 bytes a character + header),
   * the stems. For reports and the bound test; the heap measurement is the ground truth.
   */
  get byteSize(): number {
    let chars = 0
    for (let s = 0; s < this.used; s++) chars += this.keyOf[s].length
    const slots = this.keyOf.length
    return slots * (FIELDS * 8 + 4 + 1 + 8) + this.used * (40 + 16 + 24) + chars * 2 + this.stems.length * 120
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
    return this.rec[(id & this.mask) * FIELDS + PAD] === pad ? id : this.lookupSlow(stemId, value, padWidth)
  }

  /** Two spellings of one number on one stem (`file-01`, `file-1`): fall back to the string. */
  private lookupSlow(stemId: number, value: number, padWidth: number): number {
    const s = this.stems[stemId]
    const digits = padWidth > 0 ? String(value).padStart(padWidth, "0") : String(value)
    return this.lookup(s.prefix + digits + s.suffix)
  }

  /** The key of a live handle (a stale handle names whatever key now holds its slot: check {@link isLive}). */
  keyAt(id: number): string {
    return this.keyOf[id & this.mask]
  }

  /** Stem id of a key id, or -1 when the key carries no number. */
  stemOf(id: number): number {
    return this.rec[(id & this.mask) * FIELDS + STEM]
  }

  numberOf(id: number): number {
    return this.rec[(id & this.mask) * FIELDS + NUMBER]
  }

  padWidthOf(id: number): number {
    return this.rec[(id & this.mask) * FIELDS + PAD]
  }

  stem(stemId: number): KeyStem {
    return this.stems[stemId]
  }

  /** True when the key is an agent template (`{agent}:…`), i.e. private to each agent. */
  isTemplate(id: number): boolean {
    return this.rec[(id & this.mask) * FIELDS + TEMPLATED] === 1
  }

  /**
   * A hash of the key with every run of digits collapsed to one symbol: `repo:p3:file-12` and
   * `repo:p7:file-4` share a shape, `{agent}:task-2` and `{agent}:task-3` too. Behaviour
   * signatures are built over shapes, so agents that do the same kind of work on different
   * projects or items look alike.
   */
  shapeOf(id: number): number {
    return this.rec[(id & this.mask) * FIELDS + SHAPE]
  }

  /** Last size recorded for a key id (0 when never recorded). */
  bytesOf(id: number): number {
    return this.rec[(id & this.mask) * FIELDS + BYTES]
  }

  recordBytes(id: number, bytes: number): void {
    this.rec[(id & this.mask) * FIELDS + BYTES] = bytes
  }

  /** Keys held (at most `capacity`). */
  get size(): number {
    return this.used
  }

  /** Distinct numbered-key stems held (at most `capacity`). */
  get stemCount(): number {
    return this.stems.length
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
