/**
 * Compressors for L2 (and L3 blobs).
 *
 * - LZ4 block (ours, lz4-*.ts: TypeScript, and WebAssembly built at load time): L2's default. An
 *   L2 hit decompresses on the read path, and LZ4 decodes a 4 KiB value several times faster than
 *   inflate (a copy loop, no entropy decoding), for a lower ratio (see docs/l2.md for the measured
 *   figures).
 * - pako and `node:zlib` produce raw DEFLATE (RFC 1951, no zlib/gzip wrapper) at the same level, so
 *   their output is interchangeable and their speed and ratio are directly comparable: bytes
 *   compressed by one can be decompressed by the other. pako (pure JS) behaves the same on every
 *   runtime and is L3's default; `node:zlib` (native) is for Node-only deployments.
 *
 * The formats are not interchangeable across families: a store must decompress with the
 * compressor it compressed with (L2 keeps one compressor for its lifetime).
 */
import { deflateRawSync, inflateRawSync, constants as zlibConstants } from "node:zlib"
import { deflateRaw, inflateRaw } from "pako"
import type { Compressor } from "../../types.js"
import { decodeLz4, withDecodedLz4 } from "./lz4-decode-wasm.js"
import { Lz4WasmEncoder } from "./lz4-encode-wasm.js"
import { RawDeflater, RawInflater } from "./pako-streams.js"

/** Deflate level used by both compressors: zlib's own default, a balanced speed/ratio point. */
export const DEFAULT_DEFLATE_LEVEL = 6

type DeflateLevel = -1 | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9

/**
 * A raw-DEFLATE compressor on pako (pure JavaScript). Each compressor keeps one deflate and one
 * inflate stream and resets them per call (see pako-streams.ts) instead of building new ones.
 */
export function createPakoCompressor(level: DeflateLevel = DEFAULT_DEFLATE_LEVEL): Compressor {
  const deflater = new RawDeflater(level)
  const inflater = new RawInflater()
  return {
    name: `pako-deflate-raw-${level}`,
    compress: (bytes) => deflater.deflate(bytes),
    decompress: (bytes) => inflater.inflate(bytes)
  }
}

/** pako's one-shot API (a fresh stream per call), kept as the reference the reusable streams are measured against. */
export function createPakoOneShotCompressor(level: DeflateLevel = DEFAULT_DEFLATE_LEVEL): Compressor {
  return {
    name: `pako-oneshot-deflate-raw-${level}`,
    compress: (bytes) => deflateRaw(bytes, { level }),
    decompress: (bytes) => inflateRaw(bytes)
  }
}

/** A raw-DEFLATE compressor on node:zlib (native, synchronous calls). */
export function createZlibCompressor(level: DeflateLevel = DEFAULT_DEFLATE_LEVEL): Compressor {
  const options = { level, strategy: zlibConstants.Z_DEFAULT_STRATEGY }
  return {
    name: `zlib-deflate-raw-${level}`,
    compress: (bytes) => exactCopy(deflateRawSync(bytes, options)),
    decompress: (bytes) => toPlainView(inflateRawSync(bytes))
  }
}

/**
 * node:zlib's sync output can be a view into a larger chunk buffer (16 KiB by default). A stored
 * (compressed) entry lives as long as the cache keeps it, so copy it into an exact-size array;
 * otherwise a 1 KiB entry would pin 16 KiB and the byte budget would understate real memory.
 */
function exactCopy(buffer: Buffer): Uint8Array {
  return buffer.byteLength === buffer.buffer.byteLength ? toPlainView(buffer) : new Uint8Array(buffer)
}

/** Decompressed bytes are handed straight back to the caller: a plain view, no copy. */
function toPlainView(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

/**
 * An LZ4 block compressor (length header + LZ4 block, see lz4-format.ts). Compression runs in
 * WebAssembly (lz4-encode-wasm.ts; the TypeScript encoder, same bytes, where WebAssembly is
 * missing or the value is above 1 MiB). Decompression throws `CorruptBlock` on malformed input.
 */
export function createLz4Compressor(): Compressor {
  const encoder = new Lz4WasmEncoder()
  return {
    name: "lz4-block",
    compress: (bytes) => encoder.encode(bytes),
    decompress: decodeLz4,
    withDecompressed: withDecodedLz4
  }
}

/** L2's default compressor: LZ4 block. */
export const lz4Compressor: Compressor = createLz4Compressor()

/** pako raw deflate at level 6 (L3's and the branch blobs' default). */
export const pakoCompressor: Compressor = createPakoCompressor()

/** node:zlib raw deflate at level 6, byte-compatible with `pakoCompressor`. */
export const zlibCompressor: Compressor = createZlibCompressor()
