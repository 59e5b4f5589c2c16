/**
 * The serialized form of a branch value: one tag byte, then UTF-8 JSON or the raw bytes.
 *
 * Validation happens here, before anything is stored: `JSON.stringify` would silently turn NaN into
 * null and drop functions or `undefined`, and the branch read back would differ from what the agent
 * put — the cache would lie. So every non-JSON value is refused with `SerializationError` naming the
 * path.
 */
import { SerializationError } from "../errors.js"
import type { CacheValue, JsonValue } from "../types.js"

export const TAG_JSON = 0x4a // "J"
export const TAG_BYTES = 0x42 // "B"

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: true })

/**
 * Throws `SerializationError` unless `value` is a `Uint8Array` or plain JSON data (finite numbers,
 * strings, booleans, null, arrays, plain objects, no cycles).
 */
export function assertCacheValue(key: string, value: unknown): asserts value is CacheValue {
  if (value instanceof Uint8Array) return
  const stack = new Set<object>()
  const walk = (v: unknown, path: string): void => {
    switch (typeof v) {
      case "string":
      case "boolean":
        return
      case "number":
        if (!Number.isFinite(v)) throw new SerializationError({ key, path, reason: `non-finite number ${v}` })
        return
      case "object": {
        if (v === null) return
        if (stack.has(v)) throw new SerializationError({ key, path, reason: "cycle" })
        const proto = Object.getPrototypeOf(v)
        const isArray = Array.isArray(v)
        if (!isArray && proto !== Object.prototype && proto !== null) {
          throw new SerializationError({ key, path, reason: `not a plain object (${v.constructor?.name ?? "unknown"})` })
        }
        stack.add(v)
        if (isArray) (v as unknown[]).forEach((x, i) => walk(x, `${path}[${i}]`))
        else for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], `${path}.${k}`)
        stack.delete(v)
        return
      }
      default:
        throw new SerializationError({ key, path, reason: `a ${typeof v} is not JSON data` })
    }
  }
  walk(value, "")
}

/** Tag + payload. The caller has validated `value` with {@link assertCacheValue}. */
export function encodeValue(value: CacheValue): Uint8Array {
  if (value instanceof Uint8Array) {
    const out = new Uint8Array(value.length + 1)
    out[0] = TAG_BYTES
    out.set(value, 1)
    return out
  }
  const text = encoder.encode(JSON.stringify(value))
  const out = new Uint8Array(text.length + 1)
  out[0] = TAG_JSON
  out.set(text, 1)
  return out
}

/** Inverse of {@link encodeValue}; throws on an unknown tag or invalid UTF-8 / JSON. */
export function decodeValue(bytes: Uint8Array): CacheValue {
  if (bytes.length === 0) throw new Error("empty value bytes")
  if (bytes[0] === TAG_BYTES) return bytes.slice(1)
  if (bytes[0] === TAG_JSON) return JSON.parse(decoder.decode(bytes.subarray(1))) as JsonValue
  throw new Error(`unknown value tag 0x${bytes[0].toString(16)}`)
}
