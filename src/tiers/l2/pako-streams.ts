/**
 * Reusable raw-DEFLATE streams on pako's low-level zlib API.
 *
 * pako's one-shot `deflateRaw` / `inflateRaw` build a fresh stream per call: the deflate state
 * (~256 KiB of window, hash chains and pending buffer at level 6) and a 64 KiB output chunk are
 * allocated and zero-filled every time. For L2's small values that setup dominates the cost and
 * drives the garbage collector (measured: bench/l2l3). Here one stream of each kind is created
 * once and *reset* per call — zlib's own pattern for many small messages — and output goes into
 * a buffer sized from the input. The compressed format is unchanged (raw DEFLATE, RFC 1951).
 *
 * Not re-entrant, which is fine: calls are synchronous and JavaScript runs one at a time.
 */
import {
  ZStream,
  Z_BUF_ERROR,
  Z_DEFAULT_STRATEGY,
  Z_FINISH,
  Z_OK,
  Z_STREAM_END,
  zlibDeflate,
  zlibDeflateInit2,
  zlibDeflateReset,
  zlibInflate,
  zlibInflateInit2,
  zlibInflateReset
} from "pako"

/** Negative window bits = raw DEFLATE (no zlib header / checksum); 15 = 32 KiB window. */
const RAW_WINDOW_BITS = -15
const Z_DEFLATED = 8
const DEFAULT_MEM_LEVEL = 8
const EMPTY = new Uint8Array(0)

function check(status: number, strm: ZStream, what: string): void {
  if (status !== Z_OK) throw new Error(`${what} failed: ${strm.msg || `zlib status ${status}`}`)
}

/** Exact-size copy unless the buffer is already exact. */
function trimmed(out: Uint8Array<ArrayBuffer>, length: number): Uint8Array<ArrayBuffer> {
  return length === out.length ? out : out.slice(0, length)
}

export class RawDeflater {
  readonly #strm = new ZStream()

  constructor(level: number) {
    check(zlibDeflateInit2(this.#strm, level, Z_DEFLATED, RAW_WINDOW_BITS, DEFAULT_MEM_LEVEL, Z_DEFAULT_STRATEGY), this.#strm, "deflate init")
  }

  deflate(input: Uint8Array): Uint8Array {
    const strm = this.#strm
    check(zlibDeflateReset(strm), strm, "deflate reset")
    strm.input = input
    strm.next_in = 0
    strm.avail_in = input.length
    // zlib's deflateBound for raw streams is len + len/8 + len/64 + 5 (+ a few bytes); this is above it.
    let out = new Uint8Array(input.length + (input.length >> 3) + (input.length >> 6) + 64)
    strm.output = out
    strm.next_out = 0
    strm.avail_out = out.length
    try {
      for (;;) {
        const status = zlibDeflate(strm, Z_FINISH)
        if (status === Z_STREAM_END) return trimmed(out, strm.next_out)
        if ((status === Z_OK || status === Z_BUF_ERROR) && strm.avail_out === 0) {
          out = grow(strm, out)
          continue
        }
        throw new Error(`deflate failed: ${strm.msg || `zlib status ${status}`}`)
      }
    } finally {
      strm.input = EMPTY // do not keep the caller's bytes alive
      strm.output = EMPTY
    }
  }
}

export class RawInflater {
  readonly #strm = new ZStream()
  /** Output/input ratio of the last call: the next output buffer is sized from it. */
  #ratio = 4

  constructor() {
    check(zlibInflateInit2(this.#strm, RAW_WINDOW_BITS), this.#strm, "inflate init")
  }

  inflate(input: Uint8Array): Uint8Array {
    const strm = this.#strm
    check(zlibInflateReset(strm), strm, "inflate reset")
    strm.input = input
    strm.next_in = 0
    strm.avail_in = input.length
    let out = new Uint8Array(Math.max(256, Math.ceil(input.length * this.#ratio * 1.1) + 16))
    strm.output = out
    strm.next_out = 0
    strm.avail_out = out.length
    try {
      for (;;) {
        const status = zlibInflate(strm, Z_FINISH)
        if (status === Z_STREAM_END) {
          if (input.length > 0) this.#ratio = Math.max(1, strm.next_out / input.length)
          return trimmed(out, strm.next_out)
        }
        if ((status === Z_OK || status === Z_BUF_ERROR) && strm.avail_out === 0) {
          out = grow(strm, out)
          continue
        }
        // Z_BUF_ERROR with room left = the input ended before the stream did (truncated data).
        throw new Error(`inflate failed: ${strm.msg || (status === Z_BUF_ERROR ? "unexpected end of data" : `zlib status ${status}`)}`)
      }
    } finally {
      strm.input = EMPTY
      strm.output = EMPTY
    }
  }
}

/** Double the output buffer, keeping what was written, and point the stream at the free part. */
function grow(strm: ZStream, out: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const bigger = new Uint8Array(out.length * 2)
  bigger.set(out)
  strm.output = bigger
  strm.next_out = out.length
  strm.avail_out = bigger.length - out.length
  return bigger
}
