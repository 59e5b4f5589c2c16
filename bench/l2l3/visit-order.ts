/** A fixed pseudo-random visiting order (an LCG), so every configuration of a benchmark reads the same keys in the same order. */
export function visitOrder(length: number, modulo: number, seed = 42): Uint32Array {
  const out = new Uint32Array(length)
  let x = seed
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    out[i] = (x >>> 8) % modulo
  }
  return out
}
