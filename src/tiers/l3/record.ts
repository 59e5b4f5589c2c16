/**
 * The index log's record format.
 *
 * The index is an append-only log of self-checking records:
 *
 *     u32 LE payload length | u32 LE CRC-32 of the payload | payload
 *
 * Payload, by type (all integers little-endian, versions as float64 so any JS safe integer fits):
 *
 *     PUT        u8 1 | f64 version | 32 B BLAKE3 hash | u32 rawSize | u32 storedSize | u32 keyLen | key (UTF-8)
 *     REMOVE     u8 2 | f64 version | u8 reason       | u32 keyLen  | key (UTF-8)
 *     WATERMARK  u8 3 | f64 maxVersion | f64 floor
 *
 * Replay stops at the first record whose length is implausible, that runs past the end of the
 * file, or whose CRC does not match: that is a torn (or damaged) tail, and it is cut off.
 */
import type { Version } from "../../types.js"

/** Why a key left the index. Every removal leaves a tombstone at its version. */
export type RemoveReason = "delete" | "evict" | "quarantine"

export type LogRecord =
  | {
      readonly type: "put"
      readonly key: string
      readonly version: Version
      /** BLAKE3 of the raw (uncompressed) bytes, lowercase hex. */
      readonly hash: string
      readonly rawSize: number
      readonly storedSize: number
    }
  | { readonly type: "remove"; readonly key: string; readonly version: Version; readonly reason: RemoveReason }
  | {
      readonly type: "watermark"
      /** The highest version the index had seen when the log was compacted. */
      readonly maxVersion: Version
      /** Puts at or below this version for keys with no entry and no tombstone are refused (retired tombstones). */
      readonly floor: Version
    }

/** Bytes before the payload: length + CRC. */
export const RECORD_HEADER_BYTES = 8
/** No record comes near this; a larger length field is damage, not data. */
export const MAX_PAYLOAD_BYTES = 1 << 20

const TYPE_PUT = 1
const TYPE_REMOVE = 2
const TYPE_WATERMARK = 3
const HASH_BYTES = 32
const REASONS: readonly RemoveReason[] = ["delete", "evict", "quarantine"]

const utf8 = new TextEncoder()
const utf8Decoder = new TextDecoder("utf-8", { fatal: true })

/** Encode one record (header + payload). */
export function encodeRecord(record: LogRecord): Uint8Array {
  const key = record.type === "watermark" ? new Uint8Array(0) : utf8.encode(record.key)
  const payloadLength =
    record.type === "put" ? 1 + 8 + HASH_BYTES + 4 + 4 + 4 + key.byteLength : record.type === "remove" ? 1 + 8 + 1 + 4 + key.byteLength : 1 + 8 + 8
  if (payloadLength > MAX_PAYLOAD_BYTES) throw new RangeError(`index record for a ${key.byteLength}-byte key is too large`)
  const out = new Uint8Array(RECORD_HEADER_BYTES + payloadLength)
  const view = new DataView(out.buffer)
  let p = RECORD_HEADER_BYTES
  if (record.type === "put") {
    out[p++] = TYPE_PUT
    view.setFloat64(p, record.version, true)
    p += 8
    out.set(hexToBytes(record.hash), p)
    p += HASH_BYTES
    view.setUint32(p, record.rawSize, true)
    view.setUint32(p + 4, record.storedSize, true)
    view.setUint32(p + 8, key.byteLength, true)
    out.set(key, p + 12)
  } else if (record.type === "remove") {
    out[p++] = TYPE_REMOVE
    view.setFloat64(p, record.version, true)
    out[p + 8] = REASONS.indexOf(record.reason) + 1
    view.setUint32(p + 9, key.byteLength, true)
    out.set(key, p + 13)
  } else {
    out[p++] = TYPE_WATERMARK
    view.setFloat64(p, record.maxVersion, true)
    view.setFloat64(p + 8, record.floor, true)
  }
  view.setUint32(0, payloadLength, true)
  view.setUint32(4, crc32(out.subarray(RECORD_HEADER_BYTES)), true)
  return out
}

/** Size in bytes of the encoded PUT / REMOVE record for `key` (used to estimate the live log size). */
export function encodedRecordSize(type: "put" | "remove", key: string): number {
  const keyBytes = utf8.encode(key).byteLength
  return RECORD_HEADER_BYTES + (type === "put" ? 1 + 8 + HASH_BYTES + 12 : 1 + 8 + 1 + 4) + keyBytes
}

export interface DecodedLog {
  readonly records: LogRecord[]
  /** Length of the valid prefix; everything after it is a torn or corrupt tail. */
  readonly validLength: number
}

/** Decode the valid prefix of a log file. Never throws on damaged input. */
export function decodeLog(bytes: Uint8Array): DecodedLog {
  const records: LogRecord[] = []
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = 0
  while (offset + RECORD_HEADER_BYTES <= bytes.byteLength) {
    const length = view.getUint32(offset, true)
    const end = offset + RECORD_HEADER_BYTES + length
    if (length === 0 || length > MAX_PAYLOAD_BYTES || end > bytes.byteLength) break
    const payload = bytes.subarray(offset + RECORD_HEADER_BYTES, end)
    if (crc32(payload) !== view.getUint32(offset + 4, true)) break
    const record = decodePayload(payload)
    if (record === undefined) break
    records.push(record)
    offset = end
  }
  return { records, validLength: offset }
}

function decodePayload(payload: Uint8Array): LogRecord | undefined {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
  try {
    const type = payload[0]
    const version = view.getFloat64(1, true)
    if (type === TYPE_PUT) {
      const keyLength = view.getUint32(9 + HASH_BYTES + 8, true)
      if (9 + HASH_BYTES + 12 + keyLength !== payload.byteLength) return undefined
      return {
        type: "put",
        version,
        hash: bytesToHex(payload.subarray(9, 9 + HASH_BYTES)),
        rawSize: view.getUint32(9 + HASH_BYTES, true),
        storedSize: view.getUint32(9 + HASH_BYTES + 4, true),
        key: utf8Decoder.decode(payload.subarray(9 + HASH_BYTES + 12))
      }
    }
    if (type === TYPE_REMOVE) {
      const reason = REASONS[payload[9] - 1]
      const keyLength = view.getUint32(10, true)
      if (reason === undefined || 14 + keyLength !== payload.byteLength) return undefined
      return { type: "remove", version, reason, key: utf8Decoder.decode(payload.subarray(14)) }
    }
    if (type === TYPE_WATERMARK && payload.byteLength === 17) {
      return { type: "watermark", maxVersion: version, floor: view.getFloat64(9, true) }
    }
    return undefined
  } catch {
    // Out-of-range read or invalid UTF-8: a CRC collision on damaged bytes. Treat as the torn tail.
    return undefined
  }
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c
  }
  return table
})()

/** CRC-32 (IEEE, as zlib/PNG). Records are small, so a table-driven JS loop is plenty fast. */
export function crc32(bytes: Uint8Array): number {
  let c = -1
  for (let i = 0; i < bytes.byteLength; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8)
  return (c ^ -1) >>> 0
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

export function bytesToHex(bytes: Uint8Array): string {
  let s = ""
  for (let i = 0; i < bytes.byteLength; i++) s += HEX[bytes[i]]
  return s
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length !== HASH_BYTES * 2 || !/^[0-9a-f]+$/.test(hex)) throw new RangeError(`not a BLAKE3 hex digest: ${hex}`)
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}
