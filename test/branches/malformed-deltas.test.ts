/**
 * Deltas and value bytes that do not fit their base — corrupt storage, a delta applied to the
 * wrong base, a truncated blob — are refused with an error that says why, never turned into a
 * plausible wrong value. Also the equality the structural diff relies on.
 */
import { describe, expect, it } from "vitest"
import { applyBytes, ByteDeltaMismatch, diffBytes } from "../../src/branches/byte-delta.js"
import { decodeDelta, encodeDelta, deltaKind, DELTA_JSON_OPS, type DeltaBase } from "../../src/branches/delta.js"
import { applyJsonOps, DeltaMismatch, diffJson, type JsonOp } from "../../src/branches/json-diff.js"
import { jsonEqual } from "../../src/branches/json-equal.js"
import { decodeValue, encodeValue } from "../../src/branches/value-bytes.js"
import type { CacheValue, JsonValue } from "../../src/types.js"

const baseOf = (value: CacheValue): DeltaBase => ({ value, bytes: encodeValue(value) })

describe("applyJsonOps refuses ops that do not fit the base", () => {
  const base: JsonValue = { list: [1, 2, 3], obj: { a: 1, b: 2 }, n: 5 }
  it.each<[string, JsonOp[], string]>([
    ["a delete at the root", [[1, []]], "delete at the root"],
    ["a splice past the array's end", [[2, ["list"], 2, 5, []]], "splice outside the array"],
    ["a splice starting past the end", [[2, ["list"], 4, 0, [9]]], "splice outside the array"],
    ["a splice on an object", [[2, ["obj"], 0, 0, [9]]], "splice outside the array"],
    ["a reorder of an array", [[3, ["list"], ["0"]]], "reorder of an array"],
    ["a reorder naming a missing key", [[3, ["obj"], ["a", "zz"]]], "reorder names missing key zz"],
    ["a path through a number", [[0, ["n", "x"], 1]], "path runs through a non-container"],
    ["an index past an array's end", [[0, ["list", 7, "x"], 1]], "no index 7"],
    ["a string step into an array", [[0, ["list", "0", "x"], 1]], "no index 0"],
    ["a missing key on the path", [[0, ["nope", "x"], 1]], "no key nope"],
    ["a numeric step into an object", [[0, ["obj", 0, "x"], 1]], "no key 0"],
    ["a write of a numeric step on an object", [[0, ["obj", 0], 1]], "index 0 on an object"],
    ["a write past an array's end + 1", [[0, ["list", 9], 1]], "no index 9"],
    ["a delete of a missing key", [[1, ["obj", "zz"]]], "no key zz to delete"],
    ["a delete inside an array", [[1, ["list", 0]]], "no key 0 to delete"],
  ])("%s", (_name, ops, reason) => {
    const before = structuredClone(base)
    let error: unknown
    try {
      applyJsonOps(base, ops)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DeltaMismatch)
    expect((error as Error).message).toBe(`delta does not apply to this base: ${reason}`)
    expect(base).toEqual(before) // the base is never modified, even half-way
  })

  it("a root replacement followed by ops on the new root applies in order", () => {
    const out = applyJsonOps({ old: true }, [
      [0, [], { a: [1] }],
      [2, ["a"], 1, 0, [2, 3]],
      [0, ["a", 0], 0],
    ])
    expect(out).toEqual({ a: [0, 2, 3] })
  })

  it("several ops through one container copy it once and leave the base untouched", () => {
    const base: JsonValue = { deep: { x: 1, y: 2, z: 3 }, other: [1] }
    const ops = diffJson(base, { deep: { x: 10, y: 20 }, other: [1] })
    expect(ops.length).toBeGreaterThan(1)
    const out = applyJsonOps(base, ops)
    expect(out).toEqual({ deep: { x: 10, y: 20 }, other: [1] })
    expect(base).toEqual({ deep: { x: 1, y: 2, z: 3 }, other: [1] })
    expect((out as { other: unknown }).other).toBe((base as { other: unknown }).other) // untouched subtree shared
  })

  it("a key-order change alone is recorded and replayed", () => {
    const base: JsonValue = { a: 1, b: 2, c: 3 }
    const target: JsonValue = { c: 3, a: 1, b: 2 }
    const out = applyJsonOps(base, diffJson(base, target))
    expect(Object.keys(out as object)).toEqual(["c", "a", "b"])
    // same keys, different count: a key was removed and one added at the end
    const other: JsonValue = { a: 1, b: 2, d: 4 }
    expect(applyJsonOps(base, diffJson(base, other))).toEqual(other)
    expect(Object.keys(applyJsonOps(base, diffJson(base, other)) as object)).toEqual(["a", "b", "d"])
  })
})

describe("applyBytes refuses malformed byte deltas", () => {
  const base = new TextEncoder().encode("the quick brown fox jumps over the lazy dog, again and again")
  const target = new TextEncoder().encode("the quick brown fox jumps over the lazy cat, again and again!")
  it("round-trips a real delta (the malformed ones below are edits of such deltas)", () => {
    expect(applyBytes(base, diffBytes(base, target))).toEqual(target)
  })

  it.each<[string, number[], string]>([
    ["an empty delta", [], "truncated varint"],
    ["a varint cut short", [0x80], "truncated varint"],
    ["a varint longer than 7 bytes", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], "varint too long"],
    ["a literal longer than the target", [2, 3 * 2, 1, 2, 3], "op overruns the target length"],
    ["a literal cut short", [4, 4 * 2, 1, 2], "truncated literal"],
    ["a copy outside the base", [4, 4 * 2 + 1, 100], "copy outside the base"],
    ["ops that stop short of the target length", [5, 2 * 2, 1, 2], "rebuilt 2 of 5 bytes"],
  ])("%s", (_name, delta, reason) => {
    expect(() => applyBytes(base, Uint8Array.from(delta))).toThrow(new ByteDeltaMismatch(reason))
    expect(() => applyBytes(base, Uint8Array.from(delta))).toThrow(`byte delta does not apply: ${reason}`)
  })
})

describe("delta and value framing", () => {
  it("decodeDelta refuses an unknown delta kind", () => {
    const base = baseOf({ list: Array.from({ length: 40 }, (_, i) => ({ i, text: "entry " + i })) })
    const delta = encodeDelta(base, { list: [{ i: -1, text: "new" }, ...(base.value as { list: JsonValue[] }).list] }, "structural")
    expect(deltaKind(delta)).toBe(DELTA_JSON_OPS)
    const bad = delta.slice()
    bad[0] = 9
    expect(() => decodeDelta(base, bad)).toThrow("unknown delta kind 9")
  })

  it("decodeValue refuses empty bytes and an unknown tag", () => {
    expect(() => decodeValue(new Uint8Array(0))).toThrow("empty value bytes")
    expect(() => decodeValue(Uint8Array.of(0x7f, 1, 2))).toThrow("unknown value tag 0x7f")
  })

  it("decodeValue returns a bytes value as a copy, not a view of the stored bytes", () => {
    const stored = encodeValue(Uint8Array.of(1, 2, 3))
    const out = decodeValue(stored) as Uint8Array
    expect(out).toEqual(Uint8Array.of(1, 2, 3))
    stored[1] = 99
    expect(out[0]).toBe(1)
  })
})

describe("jsonEqual", () => {
  it.each<[string, JsonValue, JsonValue, boolean]>([
    ["equal nested values, key order ignored", { a: [1, { b: null }], c: "x" }, { c: "x", a: [1, { b: null }] }, true],
    ["arrays of different lengths", [1, 2], [1, 2, 3], false],
    ["arrays differing in one element", [1, [2, 3]], [1, [2, 4]], false],
    ["an array and an object", [], {}, false],
    ["an object and null", { a: 1 }, null, false],
    ["objects with different key counts", { a: 1 }, { a: 1, b: 2 }, false],
    ["objects with the same count, different keys", { a: 1, b: 2 }, { a: 1, c: 2 }, false],
    ["a number and its string", 1, "1", false],
  ])("%s", (_name, a, b, want) => {
    expect(jsonEqual(a, b)).toBe(want)
    expect(jsonEqual(b, a)).toBe(want)
  })
})
