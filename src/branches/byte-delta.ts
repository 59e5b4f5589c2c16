/**
 * Byte-level copy/insert delta (the rsync / VCDIFF idea, minimal): the target is described as runs
 * copied from the base plus literal bytes. Used for `Uint8Array` values, and measured against the
 * structural JSON diff in bench/branches (see docs/branches.md for which one the codec picks).
 *
 * Matching: the base is indexed every BLOCK bytes by a polynomial rolling hash; the target is
 * scanned byte by byte with the same rolling hash; a candidate is verified byte-for-byte, then
 * extended forwards and backwards (into the pending literal) before it is emitted. Linear time.
 *
 * Encoding: varint(targetLength) then ops; each op starts with varint(length * 2 + kind):
 * kind 0 = literal (followed by `length` bytes), kind 1 = copy (followed by varint(baseOffset)).
 */

const BLOCK = 16
const PRIME = 0x01000193
/** PRIME^(BLOCK-1) mod 2^32, to remove the outgoing byte from the rolling hash. */
const OUT_FACTOR = (() => {
  let f = 1
  for (let i = 0; i < BLOCK - 1; i++) f = Math.imul(f, PRIME)
  return f
})()

function hashAt(bytes: Uint8Array, at: number): number {
  let h = 0
  for (let k = 0; k < BLOCK; k++) h = (Math.imul(h, PRIME) + bytes[at + k]) | 0
  return h
}

/** A growable byte buffer for the encoder (avoids one array per op). */
class ByteWriter {
  private buf = new Uint8Array(256)
  length = 0
  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.length + extra) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
  }
  varint(n: number): void {
    this.ensure(8)
    while (n >= 0x80) {
      this.buf[this.length++] = (n % 0x80) | 0x80
      n = Math.floor(n / 0x80)
    }
    this.buf[this.length++] = n
  }
  bytes(src: Uint8Array): void {
    this.ensure(src.length)
    this.buf.set(src, this.length)
    this.length += src.length
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length)
  }
}

/** Encodes `target` as copies from `base` plus literals. */
export function diffBytes(base: Uint8Array, target: Uint8Array): Uint8Array {
  const out = new ByteWriter()
  out.varint(target.length)
  const index = new Map<number, number>()
  for (let off = 0; off + BLOCK <= base.length; off += BLOCK) {
    const h = hashAt(base, off)
    if (!index.has(h)) index.set(h, off)
  }
  let literalStart = 0
  let i = 0
  let h = target.length >= BLOCK ? hashAt(target, 0) : 0
  while (i + BLOCK <= target.length) {
    const candidate = index.get(h)
    if (candidate !== undefined && sameBlock(base, candidate, target, i)) {
      let from = candidate
      let start = i
      while (start > literalStart && from > 0 && base[from - 1] === target[start - 1]) {
        from--
        start--
      }
      let end = i + BLOCK
      let baseEnd = candidate + BLOCK
      while (end < target.length && baseEnd < base.length && base[baseEnd] === target[end]) {
        end++
        baseEnd++
      }
      if (start > literalStart) emitLiteral(out, target.subarray(literalStart, start))
      out.varint((end - start) * 2 + 1)
      out.varint(from)
      literalStart = end
      i = end
      if (i + BLOCK <= target.length) h = hashAt(target, i)
      continue
    }
    if (i + BLOCK < target.length) {
      h = (Math.imul(h - Math.imul(target[i], OUT_FACTOR), PRIME) + target[i + BLOCK]) | 0
    }
    i++
  }
  if (literalStart < target.length) emitLiteral(out, target.subarray(literalStart))
  return out.result()
}

function sameBlock(base: Uint8Array, at: number, target: Uint8Array, ti: number): boolean {
  for (let k = 0; k < BLOCK; k++) if (base[at + k] !== target[ti + k]) return false
  return true
}

function emitLiteral(out: ByteWriter, bytes: Uint8Array): void {
  out.varint(bytes.length * 2)
  out.bytes(bytes)
}

/** Thrown by {@link applyBytes} on a delta that does not fit the base or is truncated. */
export class ByteDeltaMismatch extends Error {
  constructor(reason: string) {
    super(`byte delta does not apply: ${reason}`)
    this.name = "ByteDeltaMismatch"
  }
}

/** Rebuilds the target from `base` and a delta made by {@link diffBytes}. */
export function applyBytes(base: Uint8Array, delta: Uint8Array): Uint8Array {
  let pos = 0
  const varint = (): number => {
    let n = 0
    let scale = 1
    for (;;) {
      if (pos >= delta.length) throw new ByteDeltaMismatch("truncated varint")
      const b = delta[pos++]
      n += (b & 0x7f) * scale
      if (b < 0x80) return n
      scale *= 0x80
      if (scale > 2 ** 49) throw new ByteDeltaMismatch("varint too long")
    }
  }
  const length = varint()
  const out = new Uint8Array(length)
  let written = 0
  while (pos < delta.length) {
    const head = varint()
    const n = Math.floor(head / 2)
    if (written + n > length) throw new ByteDeltaMismatch("op overruns the target length")
    if (head % 2 === 0) {
      if (pos + n > delta.length) throw new ByteDeltaMismatch("truncated literal")
      out.set(delta.subarray(pos, pos + n), written)
      pos += n
    } else {
      const from = varint()
      if (from + n > base.length) throw new ByteDeltaMismatch("copy outside the base")
      out.set(base.subarray(from, from + n), written)
    }
    written += n
  }
  if (written !== length) throw new ByteDeltaMismatch(`rebuilt ${written} of ${length} bytes`)
  return out
}
