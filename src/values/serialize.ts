/**
 * The stored form of a value, shared by every tier below L1 and by size accounting:
 *
 *   byte 0 = tag, then the payload: `TAG_PACKED` + the packed form of a JSON-like value
 *   (`packed-format.ts`: shapes + one string pool + tokens, decoded about twice as fast as JSON
 *   text), or `TAG_BYTES` + the raw bytes of a `Uint8Array`. `TAG_JSON` + UTF-8 JSON text, the
 *   form written before the packed one, is still read (L3 folders written by earlier versions).
 *
 * `serializeValue` validates and encodes in ONE walk of the value (`packed-writer.ts`: no
 * `JSON.stringify` after a separate validation pass) and aborts as soon as the form is certain to
 * exceed `maxEntryBytes`, so a huge or bad value costs at most one partial walk. Values read back
 * as `JSON.parse(JSON.stringify(value))` would, deep-frozen.
 *
 * What is accepted (decided here, documented in docs/api.md):
 * - `null`, booleans, strings, finite numbers (`-0` is stored as `0`, as JSON does), arrays, and
 *   plain objects (prototype `Object.prototype` or `null`) with string keys — nested freely, shared
 *   sub-objects allowed (stored once per occurrence);
 * - a `Uint8Array` (including `Buffer`) as the WHOLE value: stored as raw bytes, read back as a
 *   plain `Uint8Array`.
 *
 * What is rejected with `SerializationError` naming the JSON path (`$.a[3].b`):
 * - `undefined` anywhere (as a property value, array element or sparse-array hole): JSON would
 *   silently drop or rewrite it, so the value read back would differ from the value put;
 * - functions, symbols (as values or as property keys), BigInt, NaN and ±Infinity;
 * - cycles;
 * - non-plain objects: Date, Map, Set, RegExp, class instances, boxed primitives, and any typed
 *   array / ArrayBuffer / DataView other than a top-level `Uint8Array` (JSON would turn them into
 *   `{}` or strings — a silent change of type).
 */
import { SerializationError, ValueTooLarge } from "../errors.js"
import type { CacheValue } from "../types.js"
import { deepFreeze } from "./freeze.js"
import { decodePacked } from "./packed-reader.js"
import { PackedWriter, WalkAbort } from "./packed-writer.js"

/** Tag byte: the payload is UTF-8 JSON text (the form before `TAG_PACKED`; still read, never written). */
export const TAG_JSON = 0
/** Tag byte: the payload is the raw bytes of a `Uint8Array` value. */
export const TAG_BYTES = 1
/** Tag byte: the packed form of a JSON-like value (`packed-format.ts`): what JSON values are stored as. */
export const TAG_PACKED = 2

/** Default largest serialized value (TierCacheOptions.maxEntryBytes): 8 MiB. */
export const DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024

const decoder = new TextDecoder("utf-8", { fatal: true })

/**
 * Validates and serializes `value` for `key` (the key only names the value in errors).
 *
 * @returns the stored form: tag byte + packed form, or tag byte + a copy of the bytes.
 * @throws SerializationError for values that cannot be stored faithfully (see the module doc).
 * @throws ValueTooLarge when the stored form would exceed `maxEntryBytes`.
 */
export function serializeValue(key: string, value: unknown, maxEntryBytes: number = DEFAULT_MAX_ENTRY_BYTES): Uint8Array {
  if (value instanceof Uint8Array) {
    const size = value.byteLength + 1
    if (size > maxEntryBytes) throw new ValueTooLarge({ key, bytes: size, limit: maxEntryBytes })
    const out = new Uint8Array(size)
    out[0] = TAG_BYTES
    out.set(value, 1)
    return out
  }
  const writer = new PackedWriter(maxEntryBytes)
  try {
    writer.write(value)
  } catch (e) {
    if (!(e instanceof WalkAbort)) {
      // A getter that throws, or nesting deep enough to overflow the stack: still a typed error.
      const reason = e instanceof RangeError ? "the value is nested too deeply" : `reading the value threw: ${(e as Error)?.message ?? String(e)}`
      throw new SerializationError({ key, path: writer.pathOf(), reason })
    }
    if (e.tooLarge) {
      // The walk stopped early; the exact size is unknown, report the lower bound reached.
      throw new ValueTooLarge({ key, bytes: writer.bytesSoFar, limit: maxEntryBytes })
    }
    throw new SerializationError({ key, path: e.path, reason: e.reason })
  }
  const out = writer.finish(TAG_PACKED)
  if (out.length > maxEntryBytes) throw new ValueTooLarge({ key, bytes: out.length, limit: maxEntryBytes })
  return out
}

/**
 * Decodes a stored form back into a value: JSON values come back deep-frozen, bytes as a fresh
 * `Uint8Array` the caller owns.
 *
 * @throws SerializationError when the bytes are not a stored form this module wrote (unknown tag,
 * malformed packed form, invalid UTF-8 or JSON) — tiers verify integrity, so this signals a bug,
 * not disk corruption.
 */
export function deserializeValue(key: string, bytes: Uint8Array): CacheValue {
  if (bytes.length === 0) throw new SerializationError({ key, path: "", reason: "stored form is empty" })
  const tag = bytes[0]
  if (tag === TAG_BYTES) return bytes.slice(1)
  try {
    if (tag === TAG_PACKED) return decodePacked(bytes)
    if (tag === TAG_JSON) return deepFreeze(JSON.parse(decoder.decode(bytes.subarray(1))) as CacheValue)
  } catch (cause) {
    throw new SerializationError({ key, path: "", reason: `stored form is corrupt: ${(cause as Error).message}` })
  }
  throw new SerializationError({ key, path: "", reason: `stored form has unknown tag ${tag}` })
}
