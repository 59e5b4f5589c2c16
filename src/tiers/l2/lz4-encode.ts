/**
 * LZ4 block encoder, writing the layout of lz4-format.ts. This is the reference encoder and the
 * fallback: L2 compresses with lz4-encode-wasm.ts, the same algorithm in WebAssembly, which
 * writes exactly these bytes for the same settings (tested), several times faster.
 *
 * Match finder: hash chains (the approach of LZ4's "HC" mode), not LZ4's single-probe one. L2
 * compresses once (on demotion) and decompresses on every hit, and the decoder's cost grows with
 * the number of sequences: searching up to `maxAttempts` earlier occurrences of each 5-byte
 * prefix finds longer matches (in JSON, whole `","field":"` runs and word pairs instead of single
 * words), which gives fewer, longer sequences — a faster decode and a better ratio.
 *
 * Defaults (16 attempts, greedy): chosen on the L2 bench values for the demotion path's cost,
 * which runs on a read's call stack. Lazy matching (`lazy = true`: defer a match by one byte when
 * the next position has a longer one) adds ~2 % of ratio for ~35 % more encode time; 32 attempts
 * add ~1 % of ratio; see docs/l2.md for the measured table.
 *
 * One encoder keeps its tables and a scratch output buffer between calls, so a call allocates
 * only its exact-size result (an L2 entry lives as long as the cache keeps it: no slack bytes).
 * Not re-entrant: one call at a time per encoder, which is what a synchronous L2 does.
 */
import { LAST_LITERALS, MAX_BLOCK_BYTES, MAX_OFFSET, MF_LIMIT, MIN_MATCH, maxEncodedBytes } from "./lz4-format.js"

/** Hash table size bounds, in bits: 4 KiB values use 2^12 slots; large inputs up to 2^16. */
const MIN_HASH_LOG = 10
const MAX_HASH_LOG = 16
/** The chain ring covers the whole match window (offsets up to 65535). */
const WINDOW_MASK = 0xffff

/** Multiplicative (Knuth) hash of the first 4 bytes, as LZ4 does. */
export const HASH_PRIME = -1640531535 // 2654435761 as an int32
/** Multiplier mixing the 5th byte into the hash (see `hash5`). */
export const HASH_PRIME_5 = -2048144777 // 2246822519 as an int32

/** Largest scratch output buffer an encoder keeps between calls. */
const SCRATCH_KEEP_MAX = 1 << 20

/** Default number of earlier occurrences examined per position. */
export const DEFAULT_MAX_ATTEMPTS = 16
/** Greedy by default (see the module comment). */
export const DEFAULT_LAZY = false

/** Throws unless `maxAttempts` is a positive integer. */
export function checkMaxAttempts(maxAttempts: number): void {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`LZ4 maxAttempts must be a positive integer, got ${maxAttempts}`)
}

/**
 * Literal runs at least this long are copied with `Uint8Array.set` (a memcpy); shorter ones byte
 * by byte, which is cheaper than creating the subarray view `set` needs.
 */
const BULK_COPY_MIN = 32

function read32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)
}

/**
 * Hash slot of the 5 bytes at `p` (`seq` = their first 4). Chains link positions whose first 5
 * bytes agree (up to collisions), not 4: measured on the L2 bench values, a 4-byte key fills the
 * chains with candidates whose match ends after 4 bytes, a 5-byte one finds fewer, longer matches
 * (about 8 % fewer sequences, so a faster decode, at the same ratio). Matches of 4 bytes are
 * still emitted when a candidate has them.
 */
function hash5(src: Uint8Array, p: number, seq: number, shift: number): number {
  return (Math.imul(seq, HASH_PRIME) ^ Math.imul(src[p + 4], HASH_PRIME_5)) >>> shift
}

const EMPTY = new Uint8Array(0)
const EMPTY_HEAD = new Int32Array(0)
const EMPTY_CHAIN = new Uint16Array(0)

/** Compresses byte arrays into header + LZ4 block; see the module comment. */
export class Lz4BlockEncoder {
  /** Per hash: input position + 1 of the latest occurrence inserted (0 = none this call). */
  #head = EMPTY_HEAD
  /** Per position (mod the window): distance back to the previous position with the same hash (0 = none). */
  #chain = EMPTY_CHAIN
  readonly #maxAttempts: number
  readonly #lazy: boolean
  /** Output buffer reused across calls, up to SCRATCH_KEEP_MAX (a rare huge value does not pin its size). */
  #scratch: Uint8Array = EMPTY
  // Per-call state, in fields so the match finder returns two numbers without allocating.
  #src: Uint8Array = EMPTY
  #shift = 0
  #inserted = 0
  #matchLimit = 0
  #bestLength = 0
  #bestRef = 0

  /**
   * @param maxAttempts earlier occurrences examined per position (1 = single probe; more = better matches, slower compression).
   * @param lazy whether a match is deferred by one byte when the next position has a longer one (better ratio, ~2 searches per match).
   */
  constructor(maxAttempts: number = DEFAULT_MAX_ATTEMPTS, lazy: boolean = DEFAULT_LAZY) {
    checkMaxAttempts(maxAttempts)
    this.#maxAttempts = maxAttempts
    this.#lazy = lazy
  }

  /** The encoded form of `src`: a fresh exact-size array. */
  encode(src: Uint8Array): Uint8Array {
    const n = src.length
    if (n > MAX_BLOCK_BYTES) throw new RangeError(`LZ4 block input of ${n} bytes exceeds ${MAX_BLOCK_BYTES}`)
    const bound = maxEncodedBytes(n)
    let out = this.#scratch
    if (out.length < bound) {
      out = new Uint8Array(Math.max(bound, maxEncodedBytes(8192)))
      if (out.length <= SCRATCH_KEEP_MAX) this.#scratch = out
    }
    let op = writeVarint(out, 0, n)
    let anchor = 0

    if (n >= MF_LIMIT + 1) {
      // Size the table to the input: a 4 KiB value clears 16 KiB of table, not 256 KiB.
      const hashLog = hashLogFor(n)
      if (this.#head.length === 0) {
        // Allocated on first use (384 KiB), not when the module loads its default compressor.
        this.#head = new Int32Array(1 << MAX_HASH_LOG)
        this.#chain = new Uint16Array(WINDOW_MASK + 1)
      }
      this.#head.fill(0, 0, 1 << hashLog)
      this.#shift = 32 - hashLog
      this.#src = src
      this.#inserted = 0
      this.#matchLimit = n - LAST_LITERALS // a match may not cover the last 5 bytes
      const lastMatchStart = n - MF_LIMIT

      let ip = 0
      while (ip <= lastMatchStart) {
        if (!this.#findLongest(ip)) {
          ip++
          continue
        }
        let length = this.#bestLength
        let ref = this.#bestRef
        // Lazy matching: if the match starting one byte later is longer, emit this byte as a
        // literal and take that one instead.
        while (this.#lazy && ip + 1 <= lastMatchStart && this.#findLongest(ip + 1) && this.#bestLength > length) {
          ip++
          length = this.#bestLength
          ref = this.#bestRef
        }
        op = writeSequence(out, op, src, anchor, ip - anchor, ip - ref, length)
        ip += length
        anchor = ip
      }
      this.#src = EMPTY // do not keep the caller's bytes alive
    }
    op = writeLastLiterals(out, op, src, anchor, n - anchor)
    return out.slice(0, op)
  }

  /** Adds positions [#inserted, upTo) to the hash chains. */
  #insertUpTo(upTo: number): void {
    const src = this.#src
    const head = this.#head
    const chain = this.#chain
    const shift = this.#shift
    for (let p = this.#inserted; p < upTo; p++) {
      const h = hash5(src, p, read32(src, p), shift)
      const distance = p + 1 - head[h]
      chain[p & WINDOW_MASK] = head[h] === 0 || distance > MAX_OFFSET ? 0 : distance
      head[h] = p + 1
    }
    if (upTo > this.#inserted) this.#inserted = upTo
  }

  /**
   * Searches the chain of `ip`'s 4-byte prefix for the longest earlier match (at most
   * `#maxAttempts` candidates, within the window). Sets #bestLength / #bestRef; false when no
   * match of at least MIN_MATCH bytes exists.
   */
  #findLongest(ip: number): boolean {
    this.#insertUpTo(ip)
    const src = this.#src
    const chain = this.#chain
    const limit = this.#matchLimit
    const seq = read32(src, ip)
    let ref = this.#head[hash5(src, ip, seq, this.#shift)] - 1
    let best = MIN_MATCH - 1
    let bestRef = -1
    for (let attempts = this.#maxAttempts; ref >= 0 && ip - ref <= MAX_OFFSET && attempts > 0; attempts--) {
      // Cheap reject first: a longer match must agree at the byte just past the current best.
      if (src[ref + best] === src[ip + best] && read32(src, ref) === seq) {
        let length = MIN_MATCH
        while (ip + length < limit && src[ref + length] === src[ip + length]) length++
        if (length > best) {
          best = length
          bestRef = ref
          if (ip + length >= limit) break // cannot get longer
        }
      }
      const back = chain[ref & WINDOW_MASK]
      if (back === 0) break
      ref -= back
    }
    this.#bestLength = best
    this.#bestRef = bestRef
    return bestRef >= 0
  }
}

/** Hash table bits for an `n`-byte input: the smallest power of two ≥ n, within [2^10, 2^16]. */
export function hashLogFor(n: number): number {
  let hashLog = MIN_HASH_LOG
  while (hashLog < MAX_HASH_LOG && 1 << hashLog < n) hashLog++
  return hashLog
}

/** Writes the LEB128 length header at `op`; returns the next write position. */
export function writeVarint(out: Uint8Array, op: number, value: number): number {
  while (value >= 0x80) {
    out[op++] = (value & 0x7f) | 0x80
    value = Math.floor(value / 128)
  }
  out[op++] = value
  return op
}

/** Writes `length - 15` as LZ4 length extension bytes (255, 255, ..., rest). */
function writeLengthExtension(out: Uint8Array, op: number, length: number): number {
  let rest = length - 15
  while (rest >= 255) {
    out[op++] = 255
    rest -= 255
  }
  out[op++] = rest
  return op
}

function copyLiterals(out: Uint8Array, op: number, src: Uint8Array, from: number, length: number): number {
  if (length >= BULK_COPY_MIN) {
    out.set(src.subarray(from, from + length), op)
    return op + length
  }
  for (let i = 0; i < length; i++) out[op++] = src[from + i]
  return op
}

/** One sequence: token, literal run, offset, match length. Returns the next write position. */
function writeSequence(out: Uint8Array, op: number, src: Uint8Array, literalsFrom: number, literals: number, offset: number, matchLength: number): number {
  const tokenAt = op++
  const ml = matchLength - MIN_MATCH
  let token = ml >= 15 ? 15 : ml
  if (literals >= 15) {
    token |= 15 << 4
    op = writeLengthExtension(out, op, literals)
  } else {
    token |= literals << 4
  }
  op = copyLiterals(out, op, src, literalsFrom, literals)
  out[op++] = offset & 0xff
  out[op++] = offset >>> 8
  if (ml >= 15) op = writeLengthExtension(out, op, ml)
  out[tokenAt] = token
  return op
}

/** The final sequence: a token and literals, no match. */
function writeLastLiterals(out: Uint8Array, op: number, src: Uint8Array, from: number, literals: number): number {
  if (literals >= 15) {
    out[op++] = 15 << 4
    op = writeLengthExtension(out, op, literals)
  } else {
    out[op++] = literals << 4
  }
  return copyLiterals(out, op, src, from, literals)
}
