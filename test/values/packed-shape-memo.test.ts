/**
 * The packed reader remembers the compiled builders of recent forms by shape position (so a form
 * with the same shapes in the same order skips the signature substring and Map lookup). Forms
 * whose shapes differ at a position — same signature length, other keys; other order; more or
 * fewer shapes; a non-ASCII pool — must still get their own shapes.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { deserializeValue, serializeValue } from "../../src/values/index.js"

const roundTrip = (v: unknown) => deserializeValue("k", serializeValue("k", v))

describe("packed reader: shapes remembered by position", () => {
  it("alternating forms whose shapes differ at a position with the same signature length read back exactly", () => {
    const a = { items: [{ ab: 1, cd: "x" }, { ab: 2, cd: "y" }], tag: { ef: true } }
    const b = { items: [{ ab: 1, ce: "x" }, { ab: 2, ce: "y" }], tag: { eg: false } } // same lengths, other keys
    const c = { tag: { ef: true }, items: [{ cd: "z", ab: 3 }] } // other order of shapes and keys
    const d = { items: [{ ab: 1, cd: "x" }] } // fewer shapes
    const e = { items: [{ ab: 1, cd: "é" }, { ab: 2, cd: "ü" }], tag: { ef: true } } // UTF-8 pool
    for (let round = 0; round < 5; round++) {
      for (const v of [a, b, c, d, e, a, a, b, b]) expect(roundTrip(v)).toEqual(v)
    }
    expect(Object.keys((roundTrip(b) as typeof b).items[0])).toEqual(["ab", "ce"])
    expect(Object.keys((roundTrip(c) as typeof c).items[0])).toEqual(["cd", "ab"])
  })

  it("random sequences of objects with overlapping key sets read back exactly, frozen", () => {
    const keys = fc.constantFrom("a", "b", "c", "ab", "ba", "x1", "x2", "__proto__")
    const obj = fc.dictionary(keys, fc.oneof(fc.integer(), fc.string({ maxLength: 3 })), { maxKeys: 4 })
    const value = fc.array(fc.oneof(obj, fc.record({ o: obj, p: obj })), { maxLength: 5 })
    fc.assert(
      fc.property(fc.array(value, { minLength: 2, maxLength: 8 }), (values) => {
        for (let round = 0; round < 3; round++) {
          for (const v of values) {
            const back = roundTrip(v)
            expect(back).toEqual(JSON.parse(JSON.stringify(v)))
            expect(Object.isFrozen(back)).toBe(true)
          }
        }
      }),
      { numRuns: 300 }
    )
  })
})
