/**
 * Key validation: the first thing every operation does, so a bad key fails before any tier is touched.
 */
import { InvalidKey } from "../errors.js"

/** Default longest key, in UTF-16 code units (TierCacheOptions.maxKeyLength). */
export const DEFAULT_MAX_KEY_LENGTH = 1024

/**
 * Returns `undefined` when `key` is acceptable, else the `InvalidKey` describing why.
 *
 * Returning (not throwing) keeps the check usable from both the Promise and the Effect paths without
 * a try/catch. Rules: a string, non-empty, at most `maxKeyLength` UTF-16 code units, no NUL
 * character (NUL is reserved as an internal separator and breaks many external stores).
 */
export function checkKey(key: unknown, maxKeyLength: number): InvalidKey | undefined {
  if (typeof key !== "string") return new InvalidKey({ key, reason: `a key must be a string, got ${typeof key}` })
  if (key.length === 0) return new InvalidKey({ key, reason: "a key must not be empty" })
  if (key.length > maxKeyLength) {
    return new InvalidKey({ key, reason: `a key is at most ${maxKeyLength} characters, this one has ${key.length}` })
  }
  if (key.indexOf("\u0000") !== -1) return new InvalidKey({ key, reason: "a key must not contain a NUL character" })
  return undefined
}

/** Throws `InvalidKey` unless `key` is acceptable (see {@link checkKey}). */
export function validateKey(key: unknown, maxKeyLength: number): asserts key is string {
  const error = checkKey(key, maxKeyLength)
  if (error !== undefined) throw error
}
