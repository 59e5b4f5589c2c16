/**
 * Deep equality of JSON-like values, used by the structural diff to find unchanged subtrees.
 * Object key order is ignored here (the diff records order separately, see json-diff.ts).
 */
import type { JsonValue } from "../types.js"

/** True when `a` and `b` hold the same JSON data (key order of objects ignored). */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false
  const aIsArray = Array.isArray(a)
  if (aIsArray !== Array.isArray(b)) return false
  if (aIsArray) {
    const x = a as readonly JsonValue[]
    const y = b as readonly JsonValue[]
    if (x.length !== y.length) return false
    for (let i = 0; i < x.length; i++) if (!jsonEqual(x[i], y[i])) return false
    return true
  }
  const x = a as { readonly [k: string]: JsonValue }
  const y = b as { readonly [k: string]: JsonValue }
  const xKeys = Object.keys(x)
  if (xKeys.length !== Object.keys(y).length) return false
  for (const k of xKeys) {
    if (!Object.prototype.hasOwnProperty.call(y, k) || !jsonEqual(x[k], y[k])) return false
  }
  return true
}
