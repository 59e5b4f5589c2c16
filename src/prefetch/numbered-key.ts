/**
 * Numbered keys for the stride detector: a key is split around its LAST run of decimal digits into
 * stem (prefix + suffix) and number, so `repo:x:file-12.py` → stem `repo:x:file-#.py`, number 12.
 * Plain integer keys (block numbers) are the special case of an empty prefix and suffix.
 */

/** Digit runs longer than this are not treated as numbers (they would lose precision as doubles). */
export const MAX_DIGITS = 15

export interface NumberedKey {
  readonly prefix: string
  readonly suffix: string
  readonly value: number
  /** Digit count when the run had leading zeros (zero-padded formatting is preserved), else 0. */
  readonly padWidth: number
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57
}

/** Where `key`'s last run of digits ends (exclusive), or 0 when it has no digit. */
export function lastDigitRunEnd(key: string): number {
  let end = key.length
  while (end > 0 && !isDigit(key.charCodeAt(end - 1))) end--
  return end
}

/** Where the digit run ending at `end` starts. */
export function digitRunStart(key: string, end: number): number {
  let start = end
  while (start > 0 && isDigit(key.charCodeAt(start - 1))) start--
  return start
}

/** Splits `key` around its last digit run, or returns undefined when it has none (or a too-long one). */
export function parseNumberedKey(key: string): NumberedKey | undefined {
  const end = lastDigitRunEnd(key)
  if (end === 0) return undefined
  const start = digitRunStart(key, end)
  const digits = end - start
  if (digits > MAX_DIGITS) return undefined
  const text = key.slice(start, end)
  return {
    prefix: key.slice(0, start),
    suffix: key.slice(end),
    value: Number(text),
    padWidth: digits > 1 && text.charCodeAt(0) === 48 ? digits : 0,
  }
}

/** Formats `value` back into the stem; undefined for negative or non-integer values. */
export function formatNumberedKey(prefix: string, suffix: string, value: number, padWidth: number): string | undefined {
  if (value < 0 || !Number.isSafeInteger(value)) return undefined
  const digits = padWidth > 0 ? String(value).padStart(padWidth, "0") : String(value)
  return prefix + digits + suffix
}
