/**
 * Numbered-key stems, found without building strings.
 *
 * Interning a new key used to parse it into an object with three fresh slices and then look its
 * stem up by a fourth, concatenated string (`prefix + "\0" + suffix`), each of which had to be
 * hashed from scratch: about half of the cost of interning a new key, and new keys are the most
 * common thing the slowest 1% of engine updates have in common. Here the key is scanned in place
 * (its last digit run located, its value accumulated), the stem is hashed over the characters
 * around the run, and an open-addressing table of stem ids is probed, comparing candidate stems
 * against the key's own characters. Strings are made only for a stem seen for the first time.
 */
import { isAgentTemplate } from "./agent-template.js"
import type { KeyStem } from "./key-interner.js"
import { digitRunStart, lastDigitRunEnd, MAX_DIGITS } from "./numbered-key.js"

export class StemIndex {
  /** Stem id + 1 per slot (0 = empty), open addressing with linear probing. */
  private slots = new Int32Array(64)
  private readonly hashes: number[] = []
  readonly stems: KeyStem[] = []

  /** Fields of the key last passed to {@link locate} (valid when it returned true). */
  start = 0
  end = 0
  value = 0
  padWidth = 0

  /**
   * Finds the key's last run of digits (the same one `parseNumberedKey` would read). Returns
   * false when the key has no digits, or more than MAX_DIGITS in that run.
   */
  locate(key: string): boolean {
    const end = lastDigitRunEnd(key)
    if (end === 0) return false
    const start = digitRunStart(key, end)
    const digits = end - start
    if (digits > MAX_DIGITS) return false
    let value = 0
    for (let i = start; i < end; i++) value = value * 10 + (key.charCodeAt(i) - 48)
    this.start = start
    this.end = end
    this.value = value
    this.padWidth = digits > 1 && key.charCodeAt(start) === 48 ? digits : 0
    return true
  }

  /** The stem id of the key last {@link locate}d, adding the stem when new. */
  idOf(key: string): number {
    const start = this.start
    const end = this.end
    const h = stemHash(key, start, end)
    const mask = this.slots.length - 1
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = this.slots[i] - 1
      if (s < 0) break
      if (this.hashes[s] !== h) continue
      const stem = this.stems[s]
      if (stem.prefix.length === start && stem.suffix.length === key.length - end && key.startsWith(stem.prefix) && key.endsWith(stem.suffix)) return s
    }
    const prefix = key.slice(0, start)
    const suffix = key.slice(end)
    const id = this.stems.length
    this.stems.push({ prefix, suffix, isTemplate: isAgentTemplate(prefix) || isAgentTemplate(suffix) })
    this.hashes.push(h)
    if ((id + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2)
    else this.place(id, h)
    return id
  }

  private place(id: number, h: number): void {
    const mask = this.slots.length - 1
    let i = h & mask
    while (this.slots[i] !== 0) i = (i + 1) & mask
    this.slots[i] = id + 1
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size)
    for (let id = 0; id < this.stems.length; id++) this.place(id, this.hashes[id])
  }
}

/** FNV-1a over the characters before `start` and from `end` on, with a separator between. */
function stemHash(key: string, start: number, end: number): number {
  let h = 0x811c9dc5
  for (let i = 0; i < start; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  h = Math.imul(h ^ 0x10000, 0x01000193) // not a UTF-16 code unit: "ab" + "" and "a" + "b" differ
  for (let i = end; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return h >>> 0
}
