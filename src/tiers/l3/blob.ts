/**
 * Blob files: where they live and what is inside.
 *
 * A blob is named by the BLAKE3 hash of the RAW (uncompressed, serialized) bytes, fanned out
 * as `blobs/ab/cdef…` (first two hex digits as a folder, so no folder grows past 1/256 of the
 * store). Hashing the raw bytes rather than the stored bytes means:
 * - dedupe does not depend on the compression setting (the same value is one blob whether it was
 *   written compressed or not), and
 * - verification is end to end: what is checked is exactly what `get` returns, after inflate, so
 *   damage anywhere (file, decompressor input) is caught.
 *
 * File layout: one format byte (0 = raw, 1 = raw DEFLATE) followed by the data.
 */
import type { Compressor } from "../../types.js"
import { blake3Hex } from "./blake3.js"

const FORMAT_RAW = 0
const FORMAT_DEFLATE = 1

export const BLOBS_DIR = "blobs"
export const QUARANTINE_DIR = "quarantine"
export const TEMP_SUFFIX = ".tmp"

/** BLAKE3-256 of `bytes` as lowercase hex (WASM backend once loaded, see blake3.ts). */
export function hashBytes(bytes: Uint8Array): string {
  return blake3Hex(bytes)
}

/** `blobs/ab` for hash `ab…` (relative to the store folder). */
export function blobDir(hash: string): string {
  return `${BLOBS_DIR}/${hash.slice(0, 2)}`
}

/** `blobs/ab/cdef…` for hash `abcdef…` (relative to the store folder). */
export function blobPath(hash: string): string {
  return `${blobDir(hash)}/${hash.slice(2)}`
}

/** True for a file name inside a fan-out folder that is a complete blob name (62 hex digits). */
export function isBlobName(name: string): boolean {
  return name.length === 62 && /^[0-9a-f]+$/.test(name)
}

/** The file contents for `raw`: compressed when it is at least `threshold` bytes and that saves space. */
export function encodeBlob(raw: Uint8Array, threshold: number, compressor: Compressor): Uint8Array {
  if (raw.byteLength >= threshold && raw.byteLength > 0) {
    const compressed = compressor.compress(raw)
    if (compressed.byteLength < raw.byteLength) return withFormat(FORMAT_DEFLATE, compressed)
  }
  return withFormat(FORMAT_RAW, raw)
}

function withFormat(format: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.byteLength + 1)
  out[0] = format
  out.set(data, 1)
  return out
}

/** What the index says a blob must be. */
export interface BlobExpectation {
  readonly hash: string
  readonly rawSize: number
  readonly storedSize: number
}

export type BlobCheck = { readonly ok: true; readonly raw: Uint8Array } | { readonly ok: false; readonly reason: string }

/**
 * Decode and verify a blob file against the index. Any damage — wrong length, unknown format
 * byte, undecompressable data, wrong raw length, hash mismatch — is a failure; raw bytes are
 * returned only when their BLAKE3 equals the indexed hash.
 */
export function verifyBlob(file: Uint8Array, expected: BlobExpectation, compressor: Compressor): BlobCheck {
  if (file.byteLength !== expected.storedSize) {
    return { ok: false, reason: `size ${file.byteLength}, index says ${expected.storedSize}` }
  }
  let raw: Uint8Array
  if (file[0] === FORMAT_RAW) {
    raw = file.subarray(1)
  } else if (file[0] === FORMAT_DEFLATE) {
    try {
      raw = compressor.decompress(file.subarray(1))
    } catch (error) {
      return { ok: false, reason: `cannot inflate: ${error instanceof Error ? error.message : String(error)}` }
    }
  } else {
    return { ok: false, reason: `unknown blob format byte ${file[0]}` }
  }
  if (raw.byteLength !== expected.rawSize) return { ok: false, reason: `raw size ${raw.byteLength}, index says ${expected.rawSize}` }
  if (hashBytes(raw) !== expected.hash) return { ok: false, reason: "BLAKE3 mismatch" }
  return { ok: true, raw }
}
