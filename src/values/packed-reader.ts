/**
 * Decodes the packed stored form (layout in `packed-format.ts`) into a deep-frozen value.
 *
 * This is the L2 / L3 hit path's decoder, so it is written for speed: one pool decode for all
 * strings, objects built by per-shape compiled constructors (`shape-builders.ts`), arrays and
 * objects frozen as they are built (no second walk to deep-freeze), and one reader reused for
 * every call (decoding never re-enters itself: no user code runs during it).
 *
 * A form this module did not write (a bug, since tiers verify integrity) is reported by throwing;
 * `serialize.ts` turns that into a SerializationError. Every read is bounds-checked through the
 * final position checks and the token switch: an out-of-range byte reads as `undefined`, which no
 * token or varint accepts.
 */
import type { CacheValue, JsonValue } from "../types.js"
import { FLAG_ASCII_POOL, T_ARRAY, T_FALSE, T_FLOAT, T_INT, T_JSON_STRING, T_NULL, T_OBJECT, T_STRING, T_TRUE } from "./packed-format.js"
import { builderFor, compiledSignatureOf, type ShapeBuilder, type ValueSource } from "./shape-builders.js"

/** Shape positions remembered across decodes (see `PackedReader.shape`). */
const MAX_KNOWN_SHAPES = 64

const utf8 = new TextDecoder("utf-8", { fatal: true })
const latin1Slice = Buffer.prototype.latin1Slice as (this: Uint8Array, start: number, end: number) => string

class PackedReader implements ValueSource {
  private bytes: Uint8Array = new Uint8Array(0)
  private pos = 0
  private pool = ""
  private poolPos = 0
  /** The current form's builders: the first `shapeCount` entries (the array is reused; decoding never re-enters). */
  private readonly shapes: ShapeBuilder[] = []
  private shapeCount = 0
  /** Compiled builders of recent forms by shape index, with their signatures (see `shape`). */
  private readonly knownSignatures: string[] = []
  private readonly knownBuilders: ShapeBuilder[] = []
  private view: DataView | undefined = undefined

  /** Decodes `bytes` (starting with the tag byte). */
  decode(bytes: Uint8Array): CacheValue {
    this.bytes = bytes
    this.view = undefined
    this.pos = 2
    const flags = bytes[1]
    const poolBytes = this.varint()
    const shapeCount = this.varint()
    // The shapes' signature lengths are read twice (skipped here, read again below, after the
    // pool) rather than kept in an array: one allocation less per decode.
    const lengthsAt = this.pos
    for (let i = 0; i < shapeCount; i++) this.varint()
    const poolStart = this.pos
    const poolEnd = poolStart + poolBytes
    if (poolEnd > bytes.length) throw new RangeError("the string pool runs past the end")
    this.pool = flags === FLAG_ASCII_POOL ? latin1Slice.call(bytes, poolStart, poolEnd) : utf8.decode(bytes.subarray(poolStart, poolEnd))
    this.poolPos = 0
    this.pos = lengthsAt
    const shapes = this.shapes
    for (let i = 0; i < shapeCount; i++) shapes[i] = this.shape(i, this.varint())
    this.shapeCount = shapeCount
    this.pos = poolEnd
    const value = this.value()
    if (this.pos !== bytes.length || this.poolPos !== this.pool.length) throw new RangeError("trailing bytes after the value")
    // Drop references so a decoded form is not kept alive by the reader.
    this.bytes = EMPTY
    this.pool = ""
    this.shapeCount = 0
    return value
  }

  /**
   * The builder of the form's `index`-th shape, whose signature is the pool's next `n` units.
   * Values cached together tend to have the same shapes in the same order, so the compiled
   * builders of the previous forms are remembered by position: when the pool holds the same
   * signature there (`startsWith` compares in place), no substring is made and no Map looked up
   * (with the `value` / `other` split below: 5.1 → 4.9 µs a 4 KiB agent state, docs/l2.md). Only
   * compiled builders are remembered: they are final (the compiled table never drops one), while
   * a shape's first sighting gets a generic builder that its next sighting replaces.
   */
  private shape(index: number, n: number): ShapeBuilder {
    const known = this.knownSignatures[index]
    if (known !== undefined && known.length === n && this.pool.startsWith(known, this.poolPos)) {
      this.poolPos += n
      return this.knownBuilders[index]
    }
    const builder = builderFor(this.take(n))
    const compiledSignature = index < MAX_KNOWN_SHAPES ? compiledSignatureOf(builder) : undefined
    if (compiledSignature !== undefined) {
      this.knownSignatures[index] = compiledSignature // not the pool's slice, which would keep the pool alive
      this.knownBuilders[index] = builder
    }
    return builder
  }

  /**
   * The next value of the body. Strings, small integers and objects, most of a JSON value's
   * nodes, are read here; other tokens in `other`. Kept this small so V8 inlines it into the
   * compiled shape builders and the array loop that call it for every element (measured: ~0.2 µs
   * of a 4 KiB agent state's decode, against one switch for every token).
   */
  value(): CacheValue {
    const token = this.bytes[this.pos++]
    if (token === T_STRING) return this.take(this.varint())
    if (token === T_INT) {
      const z = this.varint()
      return (z >>> 1) ^ -(z & 1)
    }
    if (token === T_OBJECT) {
      const index = this.varint()
      if (!(index < this.shapeCount)) throw new RangeError("an object names a shape the form does not have")
      return this.shapes[index](this)
    }
    return this.other(token)
  }

  /** A value of any token but T_STRING, T_INT and T_OBJECT (read by `value`). */
  private other(token: number): CacheValue {
    switch (token) {
      case T_ARRAY: {
        // Allocated at its final length (no regrowth while pushing: ~0.15 µs of a 4 KiB agent
        // state with a 33-element array, measured), after checking the length against the
        // bytes left (every element takes at least one), so a corrupt length cannot allocate.
        const n = this.varint()
        if (n > this.bytes.length - this.pos) throw new RangeError("an array runs past the end")
        const a: JsonValue[] = new Array<JsonValue>(n)
        for (let i = 0; i < n; i++) a[i] = this.value() as JsonValue
        return Object.freeze(a)
      }
      case T_FLOAT: {
        if (this.pos + 8 > this.bytes.length) throw new RangeError("a number runs past the end")
        this.view ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength)
        const n = this.view.getFloat64(this.pos, true)
        this.pos += 8
        return n
      }
      case T_NULL:
        return null
      case T_FALSE:
        return false
      case T_TRUE:
        return true
      case T_JSON_STRING:
        return JSON.parse(this.take(this.varint())) as string
      default:
        throw new RangeError(`unknown token ${token}`)
    }
  }

  /** The pool's next `n` UTF-16 units. */
  private take(n: number): string {
    const start = this.poolPos
    const end = start + n
    if (end > this.pool.length) throw new RangeError("a string runs past the pool")
    this.poolPos = end
    return this.pool.substring(start, end)
  }

  /** An unsigned LEB128 varint (up to 2^35; the writer never writes more than 2^32). */
  private varint(): number {
    let b = this.bytes[this.pos++]
    if (b < 0x80) return b
    let n = b & 0x7f
    let scale = 0x80
    for (let i = 0; i < 4; i++) {
      b = this.bytes[this.pos++]
      if (!(b >= 0)) break
      n += (b & 0x7f) * scale
      if (b < 0x80) return n
      scale *= 0x80
    }
    throw new RangeError("a malformed length")
  }
}

const EMPTY: Uint8Array = new Uint8Array(0)
const reader = new PackedReader()

/** Decodes a packed form (tag byte first) into a deep-frozen JSON value. */
export function decodePacked(bytes: Uint8Array): CacheValue {
  return reader.decode(bytes)
}
