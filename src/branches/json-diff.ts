/**
 * Structural JSON diff: a list of path-based operations that turns a base document into a target.
 *
 * Why structural (and not only a byte delta of the serialized text): an agent's branch changes a few
 * fields of a large state object; the ops name exactly those fields, so the delta is proportional to
 * what changed, independent of where the serializer happens to place it. The ops also preserve object
 * key order, so `JSON.stringify(applyJsonOps(base, diffJson(base, x))) === JSON.stringify(x)` — the
 * reconstructed branch hashes and serializes exactly like the value the agent put.
 *
 * Apply is copy-on-write: containers on a changed path are cloned, every untouched subtree is shared
 * with the base (the base itself is never modified; it may be frozen).
 */
import type { JsonValue } from "../types.js"
import { jsonEqual } from "./json-equal.js"

/** One step of a path: an object key or an array index. */
export type PathStep = string | number
export type JsonPath = readonly PathStep[]

/**
 * The operations, encoded as short tuples because they are what is stored:
 * - `[0, path, value]` set: replace the value at `path` (an object key, an array index, or the root `[]`).
 * - `[1, path]` delete: remove the object key named by the last step of `path`.
 * - `[2, path, index, removeCount, inserted]` splice: on the array at `path`.
 * - `[3, path, keys]` order: reorder the object at `path` to exactly `keys`.
 */
export type JsonOp =
  | readonly [0, JsonPath, JsonValue]
  | readonly [1, JsonPath]
  | readonly [2, JsonPath, number, number, readonly JsonValue[]]
  | readonly [3, JsonPath, readonly string[]]

type JsonObject = { readonly [k: string]: JsonValue }
type MutableObject = { [k: string]: JsonValue }

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k)
const isObject = (v: JsonValue): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v)

/** The operations that turn `base` into `target` (empty when they are equal, key order included). */
export function diffJson(base: JsonValue, target: JsonValue): JsonOp[] {
  const ops: JsonOp[] = []
  diffInto(base, target, [], ops)
  return ops
}

function diffInto(a: JsonValue, b: JsonValue, path: PathStep[], ops: JsonOp[]): void {
  if (a === b) return
  if (Array.isArray(a) && Array.isArray(b)) return diffArray(a, b, path, ops)
  if (isObject(a) && isObject(b)) return diffObject(a, b, path, ops)
  ops.push([0, path.slice(), b])
}

function diffObject(a: JsonObject, b: JsonObject, path: PathStep[], ops: JsonOp[]): void {
  const aKeys = Object.keys(a)
  const bKeys = Object.keys(b)
  let structureChanged = false
  for (const k of aKeys) {
    if (!hasOwn(b, k)) {
      ops.push([1, [...path, k]])
      structureChanged = true
    }
  }
  for (const k of bKeys) {
    path.push(k)
    if (hasOwn(a, k)) diffInto(a[k], b[k], path, ops)
    else {
      ops.push([0, path.slice(), b[k]])
      structureChanged = true
    }
    path.pop()
  }
  // Key order after the deletes and appends above, as the engine will lay it out (integer-like keys
  // always come first in JS objects, so simulate rather than compute by hand).
  const expected = structureChanged ? simulatedKeyOrder(aKeys, b) : aKeys
  if (!sameSequence(expected, bKeys)) ops.push([3, path.slice(), bKeys])
}

function simulatedKeyOrder(aKeys: readonly string[], b: JsonObject): string[] {
  const probe: Record<string, true> = Object.create(null)
  for (const k of aKeys) if (hasOwn(b, k)) probe[k] = true
  for (const k of Object.keys(b)) probe[k] = true
  return Object.keys(probe)
}

function sameSequence(x: readonly string[], y: readonly string[]): boolean {
  if (x.length !== y.length) return false
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false
  return true
}

/**
 * Arrays: strip the common prefix and suffix, then pair up the middle elements. When the middle
 * lengths differ, the pairing is aligned at the start or at the end of the middle — whichever leaves
 * more pairs already equal — and the surplus becomes one splice. This handles the usual agent edits
 * (append, insert or drop one run, modify items in place) with ops proportional to the change, in
 * linear time (no LCS).
 */
function diffArray(a: readonly JsonValue[], b: readonly JsonValue[], path: PathStep[], ops: JsonOp[]): void {
  const min = Math.min(a.length, b.length)
  let prefix = 0
  while (prefix < min && jsonEqual(a[prefix], b[prefix])) prefix++
  let suffix = 0
  while (suffix < min - prefix && jsonEqual(a[a.length - 1 - suffix], b[b.length - 1 - suffix])) suffix++
  const aMid = a.length - prefix - suffix
  const bMid = b.length - prefix - suffix
  const pairs = Math.min(aMid, bMid)
  const surplus = bMid - aMid
  if (surplus === 0) {
    for (let i = 0; i < pairs; i++) diffElement(a, b, prefix + i, prefix + i, path, ops)
    return
  }
  if (pairs === 0) {
    ops.push([2, path.slice(), prefix, aMid, b.slice(prefix, prefix + bMid)])
    return
  }
  let equalAtStart = 0
  let equalAtEnd = 0
  for (let i = 0; i < pairs; i++) {
    if (jsonEqual(a[prefix + i], b[prefix + i])) equalAtStart++
    if (jsonEqual(a[prefix + aMid - pairs + i], b[prefix + bMid - pairs + i])) equalAtEnd++
  }
  if (equalAtStart >= equalAtEnd) {
    // Pairs keep their indices; the surplus is at the end of the middle (splice last).
    for (let i = 0; i < pairs; i++) diffElement(a, b, prefix + i, prefix + i, path, ops)
    ops.push(surplus > 0
      ? [2, path.slice(), prefix + pairs, 0, b.slice(prefix + pairs, prefix + bMid)]
      : [2, path.slice(), prefix + pairs, -surplus, []])
  } else {
    // Surplus at the start of the middle: splice first, so later indices are the target's.
    ops.push(surplus > 0
      ? [2, path.slice(), prefix, 0, b.slice(prefix, prefix + surplus)]
      : [2, path.slice(), prefix, -surplus, []])
    const aStart = prefix + aMid - pairs
    const bStart = prefix + bMid - pairs
    for (let i = 0; i < pairs; i++) diffElement(a, b, aStart + i, bStart + i, path, ops)
  }
}

function diffElement(
  a: readonly JsonValue[], b: readonly JsonValue[], ai: number, bi: number, path: PathStep[], ops: JsonOp[]
): void {
  path.push(bi)
  diffInto(a[ai], b[bi], path, ops)
  path.pop()
}

/** Thrown by {@link applyJsonOps} when the ops do not fit the base (a corrupt or mismatched delta). */
export class DeltaMismatch extends Error {
  constructor(reason: string) {
    super(`delta does not apply to this base: ${reason}`)
    this.name = "DeltaMismatch"
  }
}

/** Applies `ops` to `base` without modifying it; untouched subtrees are shared with `base`. */
export function applyJsonOps(base: JsonValue, ops: readonly JsonOp[]): JsonValue {
  const cloned = new WeakSet<object>()
  let root = base
  for (const op of ops) {
    const path = op[1]
    if (path.length === 0) {
      if (op[0] === 0) {
        root = op[2]
        continue
      }
      if (op[0] === 1) throw new DeltaMismatch("delete at the root")
    }
    root = ownedCopy(root, cloned)
    // Walk to the container the op changes, cloning each container on the way the first time.
    const target = op[0] === 0 || op[0] === 1 ? path.length - 1 : path.length
    let node = root as MutableObject | JsonValue[]
    for (let i = 0; i < target; i++) {
      const step = path[i]
      const child = readStep(node, step)
      const copy = ownedCopy(child, cloned)
      writeStep(node, step, copy)
      node = copy as MutableObject | JsonValue[]
    }
    applyAt(node, op)
  }
  return root
}

function applyAt(node: MutableObject | JsonValue[], op: JsonOp): void {
  switch (op[0]) {
    case 0:
      writeStep(node, op[1][op[1].length - 1], op[2])
      return
    case 1: {
      const k = op[1][op[1].length - 1]
      if (Array.isArray(node) || typeof k !== "string" || !hasOwn(node, k)) throw new DeltaMismatch(`no key ${String(k)} to delete`)
      delete (node as MutableObject)[k]
      return
    }
    case 2:
      if (!Array.isArray(node) || op[2] > node.length || op[2] + op[3] > node.length) throw new DeltaMismatch("splice outside the array")
      node.splice(op[2], op[3], ...op[4])
      return
    case 3: {
      if (Array.isArray(node)) throw new DeltaMismatch("reorder of an array")
      const values = new Map<string, JsonValue>()
      for (const k of op[2]) {
        if (!hasOwn(node, k)) throw new DeltaMismatch(`reorder names missing key ${k}`)
        values.set(k, node[k])
      }
      for (const k of Object.keys(node)) delete node[k]
      for (const [k, v] of values) writeStep(node, k, v)
      return
    }
  }
}

function ownedCopy(value: JsonValue, cloned: WeakSet<object>): JsonValue {
  if (value === null || typeof value !== "object") throw new DeltaMismatch("path runs through a non-container")
  if (cloned.has(value)) return value
  let copy: JsonValue
  if (Array.isArray(value)) copy = value.slice()
  else {
    const o: MutableObject = {}
    for (const k of Object.keys(value)) writeStep(o, k, (value as JsonObject)[k])
    copy = o
  }
  cloned.add(copy as object)
  return copy
}

function readStep(node: MutableObject | JsonValue[], step: PathStep): JsonValue {
  if (Array.isArray(node)) {
    if (typeof step !== "number" || step < 0 || step >= node.length) throw new DeltaMismatch(`no index ${String(step)}`)
    return node[step]
  }
  if (typeof step !== "string" || !hasOwn(node, step)) throw new DeltaMismatch(`no key ${String(step)}`)
  return node[step]
}

/** Writes an own data property; defineProperty so a JSON key named `__proto__` stays a plain key. */
function writeStep(node: MutableObject | JsonValue[], step: PathStep, value: JsonValue): void {
  if (Array.isArray(node)) {
    if (typeof step !== "number" || step < 0 || step > node.length) throw new DeltaMismatch(`no index ${String(step)}`)
    node[step] = value
    return
  }
  if (typeof step !== "string") throw new DeltaMismatch(`index ${step} on an object`)
  Object.defineProperty(node, step, { value, writable: true, enumerable: true, configurable: true })
}
