/**
 * Edges of the stored form (src/values/serialize.ts): `false` survives the round trip, objects
 * with an anonymous custom prototype and values whose reading throws a non-Error or overflows the
 * stack are all refused with a SerializationError that says why.
 */
import { describe, expect, it } from "vitest"
import { SerializationError } from "../../src/errors.js"
import { deserializeValue, serializeValue } from "../../src/values/index.js"

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
    expect(new TextDecoder().decode(serializeValue("k", false).subarray(1))).toBe("false")
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

  it("refuses a value nested deeply enough to overflow the stack", () => {
    let deep: unknown = 0
    for (let i = 0; i < 200_000; i++) deep = [deep]
    const err = refusal(deep)
    expect(err.reason).toBe("the value is nested too deeply")
    expect(err.message).toContain("cannot store k: the value is nested too deeply")
  })
})
