/** Incompressible bytes (xorshift), deterministic per seed: test data that deflate cannot shrink. */
export function randomBytes(length: number, seed = 1): Uint8Array {
  let x = seed * 2654435761 || 1
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}
