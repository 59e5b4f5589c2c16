/**
 * Edges of the stored form (src/values/serialize.ts): `false` survives the round trip, objects
 * with an anonymous custom prototype and values whose reading throws a non-Error or overflows the
 * stack are all refused with a SerializationError that says why.
 */
import { describe, expect, it } from "vitest"
import { SerializationError } from "../../src/errors.js"
import { deserializeValue, serializeValue, TAG_PACKED } from "../../src/values/index.js"
import { FLAG_ASCII_POOL, T_FALSE } from "../../src/values/packed-format.js"

function refusal(value: unknown): SerializationError {
  try {
    serializeValue("k", value)
  } catch (e) {
    expect(e).toBeInstanceOf(SerializationError)
    return e as SerializationError
  }
  throw new Error("expected a SerializationError")
}

describe("serializeValue edges", () => {
  it("round-trips booleans, false included, at the root and nested", () => {
    for (const value of [false, true, { ok: false, list: [true, false] }]) {
      expect(deserializeValue("k", serializeValue("k", value))).toEqual(value)
    }
    // tag, flags (empty pool: ASCII), pool length 0, no shapes, T_FALSE
    expect([...serializeValue("k", false)]).toEqual([TAG_PACKED, FLAG_ASCII_POOL, 0, 0, T_FALSE])
  })

  it("refuses an object whose prototype has no constructor name", () => {
    const anonymous = Object.create(Object.create(null)) as object
    const err = refusal({ inner: anonymous })
    expect(err.path).toBe("$.inner")
    expect(err.reason).toContain("an object with a custom prototype")
  })

  it("refuses a value whose getter throws a non-Error, quoting what was thrown", () => {
    const value = {
      get boom(): number {
        throw "not an Error"
      },
    }
    const err = refusal(value)
    expect(err.reason).toBe("reading the value threw: not an Error")
  })

  it("refuses a value nested deeper than the stored form allows", () => {
    let deep: unknown = 0
    for (let i = 0; i < 200_000; i++) deep = [deep]
    const err = refusal(deep)
    expect(err.reason).toBe("the value is nested too deeply (more than 1000 levels)")
    expect(err.message).toContain("cannot store k: the value is nested too deeply")
  })
})
