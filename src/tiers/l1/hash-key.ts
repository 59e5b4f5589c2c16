/**
 * A 32-bit hash of a cache key (a signed int32: V8 keeps those unboxed, so storing and passing
 * hashes on the hit path never allocates a HeapNumber), computed once per key when it enters L1 (or misses) and then kept
 * in the slot's `hashes` entry, so a hit never re-hashes the string.
 *
 * FNV-1a over UTF-16 code units, finished with MurmurHash3's fmix32 avalanche: FNV alone mixes
 * the high bits poorly, and the frequency sketch takes its row indices from several bit ranges of
 * the hash. Not cryptographic; see the admission jitter in `l1-cache.ts` for the hash-flooding guard.
 */
export function hashKey(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return mix32(h)
}

/** MurmurHash3 fmix32 (int32 result): every input bit affects every output bit. */
export function mix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}
