import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { applyBytes, ByteDeltaMismatch, diffBytes } from "../../src/branches/byte-delta.js"
import { DELTA_BYTES, DELTA_FULL, DELTA_JSON_OPS, decodeDelta, encodeDelta, type DeltaBase } from "../../src/branches/delta.js"
import { applyJsonOps, DeltaMismatch, diffJson } from "../../src/branches/json-diff.js"
import { assertCacheValue, decodeValue, encodeValue } from "../../src/branches/value-bytes.js"
import { SerializationError } from "../../src/errors.js"
import type { CacheValue, JsonValue } from "../../src/types.js"

const baseOf = (value: CacheValue): DeltaBase => ({ value, bytes: encodeValue(value) })

/**
 * A target derived from `base` by a few random edits (set / delete / insert / append / remove), the
 * shape of a real branch: mostly the base, a little changed. `choices` drive where each edit lands.
 */
function mutate(base: JsonValue, choices: readonly number[], fresh: readonly JsonValue[]): JsonValue {
  const root = structuredClone(base) as JsonValue
  let holder: { v: JsonValue } = { v: root }
  choices.forEach((c, i) => {
    let parent: any = holder
    let slot: string | number = "v"
    // Descend a few levels following the choice digits.
    for (let d = c; d > 0; d = Math.floor(d / 7)) {
      const node = parent[slot]
      if (node === null || typeof node !== "object") break
      const keys: (string | number)[] = Array.isArray(node) ? node.map((_: unknown, j: number) => j) : Object.keys(node)
      if (keys.length === 0) break
      parent = node
      slot = keys[d % keys.length]
    }
    const value = structuredClone(fresh[i % fresh.length])
    const node = parent[slot]
    switch (c % 5) {
      case 0: parent[slot] = value; break
      case 1: if (Array.isArray(node)) node.push(value); else parent[slot] = value; break
      case 2: if (Array.isArray(node) && node.length > 0) node.splice(c % node.length, 1); break
      case 3: if (Array.isArray(node)) node.splice(c % (node.length + 1), 0, value); break
      case 4:
        if (node !== null && typeof node === "object" && !Array.isArray(node)) {
          const ks = Object.keys(node)
          if (ks.length > 0 && c % 2 === 0) delete node[ks[c % ks.length]]
          else node[`k${c}`] = value
        }
        break
    }
  })
  return holder.v
}

const jsonArb = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>
const editedPair = fc
  .tuple(jsonArb, fc.array(fc.nat({ max: 5000 }), { minLength: 1, maxLength: 6 }), fc.array(jsonArb, { minLength: 1, maxLength: 3 }))
  .map(([base, choices, fresh]) => [base, mutate(base, choices, fresh)] as const)

describe("structural JSON diff", () => {
  it("round-trips random pairs exactly (key order included) and never mutates the base", () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(jsonArb, jsonArb), editedPair), ([base, target]) => {
        const frozenText = JSON.stringify(base)
        const ops = diffJson(base, target)
        const rebuilt = applyJsonOps(base, JSON.parse(JSON.stringify(ops)))
        // JSON equality (-0 and 0 are the same JSON number), key order included.
        expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(target))
        expect(JSON.parse(JSON.stringify(rebuilt))).toEqual(JSON.parse(JSON.stringify(target)))
        expect(JSON.stringify(base)).toBe(frozenText)
      }),
      { numRuns: 400 }
    )
  })

  it("is empty for equal values and names only the changed field", () => {
    const base = { a: 1, b: { c: [1, 2, 3], d: "x" } }
    expect(diffJson(base, structuredClone(base))).toEqual([])
    expect(diffJson(base, { a: 1, b: { c: [1, 2, 3], d: "y" } })).toEqual([[0, ["b", "d"], "y"]])
  })

  it("encodes an append and an in-place change of a long array as two small ops", () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ id: i, text: `item ${i}` }))
    const target = items.map((x) => (x.id === 50 ? { ...x, text: "changed" } : x)).concat([{ id: 200, text: "new" }])
    const ops = diffJson(items, target)
    expect(ops).toEqual([[0, [50, "text"], "changed"], [2, [], 200, 0, [{ id: 200, text: "new" }]]])
  })

  it("preserves key order changes and keys named __proto__", () => {
    const base = JSON.parse('{"a":1,"b":2,"__proto__":{"x":1}}') as JsonValue
    const target = JSON.parse('{"b":2,"__proto__":{"x":2},"a":1,"1":true}') as JsonValue
    const rebuilt = applyJsonOps(base, diffJson(base, target))
    expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(target))
    expect(Object.getPrototypeOf(rebuilt)).toBe(Object.prototype)
  })

  it("rejects ops that do not fit the base", () => {
    expect(() => applyJsonOps({ a: 1 }, [[1, ["zz"]]])).toThrow(DeltaMismatch)
    expect(() => applyJsonOps([1], [[2, [], 5, 0, []]])).toThrow(DeltaMismatch)
    expect(() => applyJsonOps(3, [[0, ["a"], 1]])).toThrow(DeltaMismatch)
  })
})

describe("byte delta", () => {
  const bytesArb = fc.uint8Array({ maxLength: 600 })
  it("round-trips random and edited byte arrays", () => {
    const edited = fc.tuple(bytesArb, fc.nat(), fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 40 })).map(([b, at, ins, del]) => {
      const p = b.length === 0 ? 0 : at % b.length
      const out = new Uint8Array(b.length - Math.min(del, b.length - p) + ins.length)
      out.set(b.subarray(0, p))
      out.set(ins, p)
      out.set(b.subarray(p + Math.min(del, b.length - p)), p + ins.length)
      return [b, out] as const
    })
    fc.assert(
      fc.property(fc.oneof(fc.tuple(bytesArb, bytesArb), edited), ([base, target]) => {
        expect(applyBytes(base, diffBytes(base, target))).toEqual(target)
      }),
      { numRuns: 400 }
    )
  })

  it("is small for a small edit of a large buffer", () => {
    let seed = 12345
    const base = new Uint8Array(64 * 1024).map(() => {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5 // xorshift32: aperiodic test bytes
      return seed & 0xff
    })
    const target = base.slice()
    target[30_000] ^= 0xff
    expect(diffBytes(base, target).length).toBeLessThan(24)
  })

  it("rejects truncated or foreign deltas", () => {
    const base = new Uint8Array(100).fill(7)
    const delta = diffBytes(base, new Uint8Array(100).fill(7))
    expect(() => applyBytes(base, delta.subarray(0, delta.length - 1))).toThrow(ByteDeltaMismatch)
    expect(() => applyBytes(new Uint8Array(10), delta)).toThrow(ByteDeltaMismatch)
  })
})

describe("delta codec", () => {
  it("round-trips every strategy for random JSON and bytes", () => {
    const valueArb = fc.oneof(jsonArb, fc.uint8Array({ maxLength: 200 })) as fc.Arbitrary<CacheValue>
    fc.assert(
      fc.property(fc.oneof(fc.tuple(valueArb, valueArb), editedPair), fc.constantFrom("structural", "bytes", "smallest" as const), ([b, t], strategy) => {
        const base = baseOf(b)
        const rebuilt = decodeDelta(base, encodeDelta(base, t, strategy))
        expect(encodeValue(rebuilt)).toEqual(encodeValue(t))
      }),
      { numRuns: 300 }
    )
  })

  it("picks the kind that fits the values", () => {
    const doc = { list: Array.from({ length: 100 }, (_, i) => `entry number ${i}`) }
    const edited = { list: doc.list.map((x, i) => (i === 3 ? "changed" : x)) }
    expect(encodeDelta(baseOf(doc), edited)[0]).toBe(DELTA_JSON_OPS)
    const bytes = new Uint8Array(4096).map((_, i) => i * 7)
    const bytes2 = bytes.slice()
    bytes2[9] = 1
    expect(encodeDelta(baseOf(bytes), bytes2)[0]).toBe(DELTA_BYTES)
    expect(encodeDelta(baseOf(doc), bytes2)[0]).toBe(DELTA_FULL)
  })
})

describe("value bytes", () => {
  it("refuses values that JSON would silently change", () => {
    const cyclic: any = { a: 1 }
    cyclic.self = cyclic
    for (const bad of [{ a: NaN }, { f: () => 1 }, [undefined], cyclic, new Date(0), { n: 1n }]) {
      expect(() => assertCacheValue("k", bad)).toThrow(SerializationError)
    }
    expect(() => assertCacheValue("k", { a: [1, "x", null, true, { b: 2 }] })).not.toThrow()
  })

  it("round-trips JSON and bytes", () => {
    const bytes = new Uint8Array([1, 2, 3])
    expect(decodeValue(encodeValue(bytes))).toEqual(bytes)
    expect(decodeValue(encodeValue({ a: [1, "é"] }))).toEqual({ a: [1, "é"] })
  })
})
