import { describe, expect, it } from "vitest"
import { InvalidKey, SerializationError, ValueTooLarge } from "../../src/errors.js"
import { checkKey, deepFreeze, deserializeValue, serializeValue, TAG_BYTES, TAG_JSON, TAG_PACKED, validateKey } from "../../src/values/index.js"

function serializationError(value: unknown): SerializationError {
  try {
    serializeValue("k", value, 1 << 20)
  } catch (e) {
    expect(e).toBeInstanceOf(SerializationError)
    return e as SerializationError
  }
  throw new Error(`expected a SerializationError for ${String(value)}`)
}

describe("validateKey", () => {
  it("accepts ordinary keys up to the limit", () => {
    expect(checkKey("a", 4)).toBeUndefined()
    expect(checkKey("abcd", 4)).toBeUndefined()
    expect(checkKey("agent-1:scratch.py", 1024)).toBeUndefined()
  })
  it.each([
    ["", "empty"],
    ["abcde", "at most 4"],
    ["a\u0000b", "NUL"],
    [42, "must be a string"],
    [undefined, "must be a string"],
  ])("rejects %j with InvalidKey (%s)", (key, reason) => {
    const err = checkKey(key, 4)
    expect(err).toBeInstanceOf(InvalidKey)
    expect(err?._tag).toBe("InvalidKey")
    expect(err?.reason).toContain(reason)
    expect(() => validateKey(key, 4)).toThrow(InvalidKey)
  })
})

describe("serializeValue / deserializeValue", () => {
  it.each([
    ["null", null],
    ["true", true],
    ["a number", 12.5],
    ["a string with unicode and a lone surrogate", "héllo ✓ \ud800 end"],
    ["nested objects and arrays", { a: [1, { b: "c", d: [true, null] }], "odd key": { "": 0 } }],
    ["an object with a null prototype", Object.assign(Object.create(null), { x: 1 })],
    ["an empty array", []],
  ])("round-trips %s", (_name, value) => {
    const bytes = serializeValue("k", value)
    expect(bytes[0]).toBe(TAG_PACKED)
    expect(deserializeValue("k", bytes)).toEqual(JSON.parse(JSON.stringify(value)))
  })

  it("still reads the JSON text form (TAG_JSON) that earlier versions wrote to L3", () => {
    const value = { z: 1, a: ["é", 0] }
    const legacy = new Uint8Array([TAG_JSON, ...new TextEncoder().encode(JSON.stringify(value))])
    const back = deserializeValue("k", legacy)
    expect(back).toEqual(value)
    expect(Object.isFrozen((back as { a: unknown }).a)).toBe(true)
  })

  it("stores bytes raw and reads back a private copy", () => {
    const raw = new Uint8Array([1, 2, 3, 255])
    const stored = serializeValue("k", raw)
    expect(stored[0]).toBe(TAG_BYTES)
    expect([...stored.subarray(1)]).toEqual([1, 2, 3, 255])
    raw[0] = 9 // the stored form is a copy
    const back = deserializeValue("k", stored) as Uint8Array
    expect([...back]).toEqual([1, 2, 3, 255])
    back[1] = 7 // and so is what is read back
    expect(stored[2]).toBe(2)
  })

  it("accepts shared (non-cyclic) sub-objects", () => {
    const shared = { s: 1 }
    expect(deserializeValue("k", serializeValue("k", { a: shared, b: [shared] }))).toEqual({ a: { s: 1 }, b: [{ s: 1 }] })
  })

  it("deep-freezes decoded JSON", () => {
    const back = deserializeValue("k", serializeValue("k", { a: { b: [1, { c: 2 }] } })) as { a: { b: [number, { c: number }] } }
    expect(Object.isFrozen(back)).toBe(true)
    expect(Object.isFrozen(back.a.b)).toBe(true)
    expect(Object.isFrozen(back.a.b[1])).toBe(true)
    expect(() => {
      ;(back.a.b[1] as { c: number }).c = 3
    }).toThrow(TypeError)
  })

  const cyclic: Record<string, unknown> = { a: { b: [0] } }
  ;((cyclic.a as Record<string, unknown>).b as unknown[]).push(cyclic)
  class Point {
    x = 1
  }
  const sparse = [1, , 3] // eslint-disable-line no-sparse-arrays
  it.each([
    ["a function", { a: [1, 2, 3, { b: () => 1 }] }, "$.a[3].b", "function"],
    ["a symbol value", { s: Symbol("x") }, "$.s", "symbol"],
    ["a symbol key", { [Symbol("x")]: 1 }, "$", "symbol"],
    ["undefined in an object", { a: undefined }, "$.a", "undefined"],
    ["undefined in an array", [1, undefined], "$[1]", "undefined"],
    ["a sparse array hole", sparse, "$[1]", "sparse"],
    ["undefined at the root", undefined, "$", "undefined"],
    ["a BigInt", { n: 1n }, "$.n", "BigInt"],
    ["NaN", { x: [NaN] }, "$.x[0]", "finite"],
    ["Infinity", Infinity, "$", "finite"],
    ["a cycle", cyclic, "$.a.b[1]", "cycle"],
    ["a Date", { when: new Date(0) }, "$.when", "Date"],
    ["a Map", { m: new Map() }, "$.m", "Map"],
    ["a class instance", { p: new Point() }, "$.p", "Point"],
    ["a nested Uint8Array", { bytes: new Uint8Array(2) }, "$.bytes", "whole value"],
    ["a Float64Array at the root", new Float64Array(2), "$", "Float64Array"],
    ["a quoted odd key", { "a b": { c: () => 0 } }, '$["a b"].c', "function"],
  ])("rejects %s with SerializationError naming the path", (_name, value, path, reason) => {
    const err = serializationError(value)
    expect(err._tag).toBe("SerializationError")
    expect(err.path).toBe(path)
    expect(err.reason).toContain(reason)
    expect(err.message).toContain(path)
  })

  it("does not mutate the rejected value", () => {
    const value = { keep: [1, 2], bad: () => 0 }
    serializationError(value)
    expect(Object.isFrozen(value)).toBe(false)
    expect(value.keep).toEqual([1, 2])
  })

  it("reports a getter that throws as a SerializationError", () => {
    const value = {
      get boom(): number {
        throw new Error("nope")
      },
    }
    const err = serializationError(value)
    expect(err.path).toBe("$.boom")
    expect(err.reason).toContain("nope")
  })

  it("rejects values above maxEntryBytes with ValueTooLarge (JSON and bytes), accepts the exact limit", () => {
    // tag, flags, pool length, shape count (no shapes), 98 pool bytes, T_STRING, length = 104 bytes
    const s = "x".repeat(98)
    expect(serializeValue("k", s, 104).length).toBe(104)
    expect(() => serializeValue("k", s, 103)).toThrow(ValueTooLarge)
    expect(serializeValue("k", new Uint8Array(99), 100).length).toBe(100)
    try {
      serializeValue("big", new Uint8Array(100), 100)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ValueTooLarge)
      expect((e as ValueTooLarge).bytes).toBe(101)
      expect((e as ValueTooLarge).limit).toBe(100)
    }
  })

  it("counts multi-byte UTF-8 when checking the size", () => {
    const s = "é".repeat(40) // 40 UTF-16 units, 80 UTF-8 bytes in the pool + 4 header + 2 token bytes = 86
    expect(serializeValue("k", s, 86).length).toBe(86)
    expect(() => serializeValue("k", s, 85)).toThrow(ValueTooLarge)
  })

  it("stops walking a huge value early", () => {
    const big = Array.from({ length: 200_000 }, (_, i) => ({ i, pad: "yyyyyyyyyy" }))
    let reads = 0
    const spy = new Proxy(big, {
      get(target, p, r) {
        if (typeof p === "string" && /^\d+$/.test(p)) reads++
        return Reflect.get(target, p, r)
      },
    })
    expect(() => serializeValue("k", spy, 1000)).toThrow(ValueTooLarge)
    expect(reads).toBeLessThan(100)
  })

  it("rejects stored forms it did not write", () => {
    expect(() => deserializeValue("k", new Uint8Array([]))).toThrow(SerializationError)
    expect(() => deserializeValue("k", new Uint8Array([7, 1]))).toThrow(SerializationError)
    expect(() => deserializeValue("k", new Uint8Array([TAG_JSON, 0x7b]))).toThrow(SerializationError)
  })
})

describe("deepFreeze", () => {
  it("freezes nested objects and leaves typed arrays alone", () => {
    const v = deepFreeze({ a: [{ b: 1 }], bytes: new Uint8Array(1) })
    expect(Object.isFrozen(v.a[0])).toBe(true)
    expect(Object.isFrozen(v.bytes)).toBe(false)
  })
})
