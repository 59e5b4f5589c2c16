/**
 * The stored form of a value, shared by every tier below L1 and by size accounting:
 *
 *   byte 0 = tag (`TAG_JSON` or `TAG_BYTES`), then either UTF-8 JSON text or the raw bytes.
 *
 * `serializeValue` validates and encodes in ONE walk of the value (no `JSON.stringify` after a
 * separate validation pass), builds the JSON text itself, and aborts as soon as the text is
 * certain to exceed `maxEntryBytes`, so a huge or bad value costs at most one partial walk.
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

/** Tag byte: the payload is UTF-8 JSON text. */
export const TAG_JSON = 0
/** Tag byte: the payload is the raw bytes of a `Uint8Array` value. */
export const TAG_BYTES = 1

/** Default largest serialized value (TierCacheOptions.maxEntryBytes): 8 MiB. */
export const DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: true })

/** Thrown inside the walk to unwind quickly; converted to the public error at the top. */
class WalkAbort {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly tooLarge: boolean,
  ) {}
}

/**
 * One recursive walk: validates and appends JSON text to `out.text`.
 *
 * The path string is built only when an error is reported (`pathOf`), so a valid value costs no
 * path allocations. `ancestors` holds the objects on the current path (cycle detection; shared
 * non-cyclic sub-objects are fine).
 */
class JsonWriter {
  text = ""
  private readonly ancestors: object[] = []
  private readonly steps: (string | number)[] = []

  constructor(private readonly limit: number) {}

  write(value: unknown): void {
    switch (typeof value) {
      case "string":
        this.append(JSON.stringify(value))
        return
      case "number":
        if (!Number.isFinite(value)) this.fail(`${value} is not a finite number (JSON cannot hold it)`)
        this.append(Object.is(value, -0) ? "0" : String(value))
        return
      case "boolean":
        this.append(value ? "true" : "false")
        return
      case "undefined":
        this.fail("undefined is not storable (use null, or omit the property)")
        return
      case "function":
        this.fail("a function is not storable")
        return
      case "symbol":
        this.fail("a symbol is not storable")
        return
      case "bigint":
        this.fail("a BigInt is not storable (store it as a string)")
        return
      case "object":
        if (value === null) this.append("null")
        else if (Array.isArray(value)) this.writeArray(value)
        else this.writeObject(value)
        return
    }
  }

  private writeArray(value: unknown[]): void {
    this.enter(value)
    this.append("[")
    for (let i = 0; i < value.length; i++) {
      if (i > 0) this.append(",")
      this.steps.push(i)
      if (!(i in value)) this.fail("a sparse array hole is not storable (it would read back as null)")
      this.write(value[i])
      this.steps.pop()
    }
    this.append("]")
    this.leave()
  }

  private writeObject(value: object): void {
    const proto = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null) {
      this.fail(`${describeObject(value)} is not a plain object (only JSON-like objects and a top-level Uint8Array are storable)`)
    }
    if (Object.getOwnPropertySymbols(value).some((s) => Object.prototype.propertyIsEnumerable.call(value, s))) {
      this.fail("symbol-keyed properties are not storable")
    }
    this.enter(value)
    this.append("{")
    let first = true
    for (const k of Object.keys(value)) {
      if (!first) this.append(",")
      first = false
      this.steps.push(k)
      this.append(JSON.stringify(k))
      this.append(":")
      this.write((value as Record<string, unknown>)[k])
      this.steps.pop()
    }
    this.append("}")
    this.leave()
  }

  private enter(value: object): void {
    if (this.ancestors.includes(value)) this.fail("a cycle (the value contains itself)")
    this.ancestors.push(value)
  }

  private leave(): void {
    this.ancestors.pop()
  }

  /**
   * Appends text and aborts once the UTF-16 length alone proves the UTF-8 size exceeds the limit
   * (each UTF-16 code unit is at least one UTF-8 byte; +1 for the tag byte).
   */
  private append(s: string): void {
    this.text += s
    if (this.text.length + 1 > this.limit) throw new WalkAbort(this.pathOf(), "", true)
  }

  private fail(reason: string): never {
    throw new WalkAbort(this.pathOf(), reason, false)
  }

  /** The JSON path of the position being written, e.g. `$.a[3].b`. */
  pathOf(): string {
    let p = "$"
    for (const s of this.steps) p += typeof s === "number" ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`
    return p
  }
}

function describeObject(value: object): string {
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} (a Uint8Array is storable only as the whole value)`
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === "string" && name !== "" ? `a ${name}` : "an object with a custom prototype"
}

/**
 * Validates and serializes `value` for `key` (the key only names the value in errors).
 *
 * @returns the stored form: tag byte + UTF-8 JSON, or tag byte + a copy of the bytes.
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
  const writer = new JsonWriter(maxEntryBytes)
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
      throw new ValueTooLarge({ key, bytes: writer.text.length + 1, limit: maxEntryBytes })
    }
    throw new SerializationError({ key, path: e.path, reason: e.reason })
  }
  const body = encoder.encode(writer.text)
  const size = body.length + 1
  if (size > maxEntryBytes) throw new ValueTooLarge({ key, bytes: size, limit: maxEntryBytes })
  const out = new Uint8Array(size)
  out[0] = TAG_JSON
  out.set(body, 1)
  return out
}

/**
 * Decodes a stored form back into a value: JSON values come back deep-frozen, bytes as a fresh
 * `Uint8Array` the caller owns.
 *
 * @throws SerializationError when the bytes are not a stored form this module wrote (unknown tag,
 * invalid UTF-8 or JSON) — tiers verify integrity, so this signals a bug, not disk corruption.
 */
export function deserializeValue(key: string, bytes: Uint8Array): CacheValue {
  if (bytes.length === 0) throw new SerializationError({ key, path: "", reason: "stored form is empty" })
  const tag = bytes[0]
  if (tag === TAG_BYTES) return bytes.slice(1)
  if (tag !== TAG_JSON) throw new SerializationError({ key, path: "", reason: `stored form has unknown tag ${tag}` })
  try {
    return deepFreeze(JSON.parse(decoder.decode(bytes.subarray(1))) as CacheValue)
  } catch (cause) {
    throw new SerializationError({ key, path: "", reason: `stored form is not valid JSON: ${(cause as Error).message}` })
  }
}
