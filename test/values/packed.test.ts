/**
 * The packed stored form (src/values/packed-*.ts): every JSON value reads back as JSON would give
 * it (same key order, -0 → 0, lone surrogates kept), deep-frozen, through both the generic and the
 * compiled shape builders; the bytes are deterministic; a damaged form is refused with a
 * SerializationError and nothing else; anything the writer accepts, the reader can decode.
 */
import { spawnSync } from "node:child_process"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { SerializationError } from "../../src/errors.js"
import { repoRoot } from "../../src/traces/read-trace.js"
import { deserializeValue, serializeValue, TAG_PACKED } from "../../src/values/index.js"
import { MAX_NESTING } from "../../src/values/packed-writer.js"
import { compiledShapeCount } from "../../src/values/shape-builders.js"

const roundTrip = (v: unknown) => deserializeValue("k", serializeValue("k", v))

function expectDeepFrozen(v: unknown): void {
  if (v === null || typeof v !== "object") return
  expect(Object.isFrozen(v)).toBe(true)
  for (const child of Object.values(v)) expectDeepFrozen(child)
}

/** JSON values with awkward keys and strings mixed in (unicode, lone surrogates, integer-like keys). */
const awkwardJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue(),
    fc.string({ unit: "binary" }),
    fc.dictionary(fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom("0", "7", "42", "-1", "01", "constructor", "toString")), tie("value"), { maxKeys: 6 }),
    fc.array(tie("value"), { maxLength: 6 }),
    fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE)),
  ),
})).value

describe("packed stored form", () => {
  it("reads back every JSON value as JSON.parse(JSON.stringify(value)) would, deep-frozen, on first and later sightings", () => {
    fc.assert(
      fc.property(awkwardJson, (v) => {
        const expected = JSON.stringify(v)
        const stored = serializeValue("k", v)
        expect(stored[0]).toBe(TAG_PACKED)
        for (let i = 0; i < 3; i++) {
          // the first decode of a new shape uses the generic builder, the second compiles it
          const back = deserializeValue("k", stored)
          expect(JSON.stringify(back)).toBe(expected)
          expect(back).toEqual(JSON.parse(expected))
          expectDeepFrozen(back)
        }
      }),
      { numRuns: 400 },
    )
  })

  it("is deterministic: equal values give equal bytes", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(serializeValue("k", JSON.parse(JSON.stringify(v)))).toEqual(serializeValue("k", v))
      }),
    )
  })

  it("keeps `__proto__` an own property, as JSON.parse does, without touching the prototype", () => {
    const v = JSON.parse('{"a":1,"__proto__":{"polluted":true},"b":[{"__proto__":2}]}') as Record<string, unknown>
    for (let i = 0; i < 3; i++) {
      const back = roundTrip(v) as Record<string, unknown>
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype)
      expect(Object.keys(back)).toEqual(["a", "__proto__", "b"])
      expect(Object.getOwnPropertyDescriptor(back, "__proto__")?.value).toEqual({ polluted: true })
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect(JSON.stringify(back)).toBe(JSON.stringify(v))
    }
  })

  it("keeps numbers exact across the int32 / float boundary", () => {
    const numbers = [0, -0, 1, -1, 127, 128, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 0.1, 1e308, 5e-324]
    expect(roundTrip(numbers)).toEqual(numbers.map((n) => (Object.is(n, -0) ? 0 : n)))
    expect(Object.is((roundTrip([-0]) as number[])[0], 0)).toBe(true)
  })

  it("writes each shape once: many objects of one shape cost their values, not their keys", () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ role: "user", text: `message ${i}`, tokens: i }))
    const packed = serializeValue("k", rows).length
    const json = JSON.stringify(rows).length
    expect(packed).toBeLessThan(json * 0.6)
  })

  it("compiles a shape on its second sighting only, so one-off shapes (dictionaries) are never compiled", () => {
    const unique = `once-${Date.now()}-${Math.random()}`
    const before = compiledShapeCount()
    roundTrip({ [unique]: 1 })
    expect(compiledShapeCount()).toBe(before)
    roundTrip({ [unique]: 2 })
    expect(compiledShapeCount()).toBe(before + 1)
    roundTrip({ [unique]: 3 })
    expect(compiledShapeCount()).toBe(before + 1)
  })

  it("decodes anything the writer accepts, up to the deepest nesting it accepts (MAX_NESTING)", () => {
    const nest = (depth: number, leaf: (inner: unknown) => unknown) => {
      let v: unknown = 0
      for (let i = 0; i < depth; i++) v = leaf(v)
      return v
    }
    for (const leaf of [(inner: unknown) => [inner], (inner: unknown) => ({ a: inner }), (inner: unknown) => ({ a: inner, b: "x" })]) {
      expect(() => serializeValue("k", nest(MAX_NESTING + 1, leaf))).toThrow(/nested too deeply/)
      // walk the decoded value down to its leaf (JSON.stringify itself could overflow here)
      let back = roundTrip(nest(MAX_NESTING, leaf)) as unknown
      let depth = 0
      while (typeof back === "object" && back !== null) {
        back = Array.isArray(back) ? back[0] : (back as { a: unknown }).a
        depth++
      }
      expect([depth, back]).toEqual([MAX_NESTING, 0])
    }
  })

  it("refuses a damaged form with a SerializationError, never another error or a hang", () => {
    fc.assert(
      fc.property(awkwardJson, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat(), (v, flips, cut) => {
        const stored = serializeValue("k", v)
        const damaged = stored.slice()
        for (const [at, b] of flips) damaged[1 + (at % (damaged.length - 1))] = b
        for (const form of [damaged, stored.subarray(0, 1 + (cut % (stored.length - 1))), new Uint8Array([...stored, 0])]) {
          try {
            deserializeValue("k", form)
          } catch (e) {
            expect(e).toBeInstanceOf(SerializationError)
          }
        }
      }),
      { numRuns: 400 },
    )
  })

  it("refuses trailing bytes and truncation of a known form", () => {
    const stored = serializeValue("k", { a: [1, "two", 3.5] })
    expect(() => deserializeValue("k", new Uint8Array([...stored, 0]))).toThrow(SerializationError)
    for (let n = 1; n < stored.length; n++) expect(() => deserializeValue("k", stored.subarray(0, n))).toThrow(SerializationError)
  })
})

describe("packed stored form without code generation", () => {
  it("decodes with the generic builders when the runtime forbids `new Function`", () => {
    // A child Node with code generation from strings disabled: every value must still read back.
    const script = `
      import { serializeValue, deserializeValue } from "./src/values/serialize.ts"
      const v = { rows: Array.from({ length: 5 }, (_, i) => ({ role: "user", text: "t" + i, n: i })), meta: { a: 1 } }
      const stored = serializeValue("k", v)
      for (let i = 0; i < 3; i++) {
        const back = deserializeValue("k", stored)
        if (JSON.stringify(back) !== JSON.stringify(v) || !Object.isFrozen(back.rows[4])) throw new Error("mismatch")
      }
      let blocked = false
      try { new Function("return 1") } catch { blocked = true }
      console.log(blocked ? "ok, codegen blocked" : "codegen was not blocked")
    `
    const r = spawnSync(process.execPath, ["--disallow-code-generation-from-strings", "--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", cwd: repoRoot() })
    expect(r.stderr).toBe("")
    expect(r.stdout.trim()).toBe("ok, codegen blocked")
  })
})
