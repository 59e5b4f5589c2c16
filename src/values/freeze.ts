/**
 * Deep freezing of decoded JSON values: L1 hands out the live object it holds (no copy on a hit), so
 * the object must be immutable, or one agent's mutation would silently change what every other
 * agent reads — the cache would lie.
 */

/**
 * Freezes `value` and everything reachable from it, returns it.
 *
 * An object that is already frozen is taken to be deeply frozen and not walked again: that is what
 * makes this cheap on shared sub-objects and safe on cycles. It is meant for values this library
 * decoded itself (fresh from `JSON.parse`); do not rely on it to finish freezing a structure whose
 * top is frozen and whose children are not. Typed arrays are skipped: a typed array with elements
 * cannot be frozen (the hierarchy copies bytes values instead; see docs/api.md).
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value
  Object.freeze(value)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i])
  } else {
    for (const k of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[k])
  }
  return value
}
