/**
 * 64-bit fingerprints of values and states, computed as two independent 32-bit lanes with
 * murmur3-style mixing (`Math.imul`, no BigInt on the hot path). The input is the canonical value
 * structure (see values.ts), so equal values always get equal fingerprints. Composite values cache
 * their fingerprint, which makes hashing a successor cheap when most of it is shared with its parent.
 */
import { Kind, type FcnValue, type ModelValue, type SetLike, type TupleValue, type Value } from "./values.js"

const C1 = 0xcc9e2d51
const C2 = 0x1b873593

function mix(h: number, k: number): number {
  k = Math.imul(k, C1)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, C2)
  h ^= k
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h
}

/** Output of {@link hashValue}: the lanes of the last hash computed (avoids allocating a pair). */
export const lanes = { h1: 0, h2: 0 }

const stringCache = new Map<string, [number, number]>()

function hashString(s: string): void {
  let c = stringCache.get(s)
  if (!c) {
    let a = 0x5bd1e995 ^ s.length
    let b = 0x27d4eb2f ^ s.length
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i)
      a = mix(a, ch)
      b = mix(b, ch ^ 0x9e3779b9)
    }
    c = [fmix(a ^ 0x53), fmix(b ^ 0x53)]
    if (stringCache.size < 100_000) stringCache.set(s, c)
  }
  lanes.h1 = c[0]
  lanes.h2 = c[1]
}

function hashArray(tag: number, items: Value[], a: number, b: number): void {
  a = mix(a ^ tag, items.length)
  b = mix(b ^ (tag * 31), items.length ^ 0x7f4a7c15)
  for (let i = 0; i < items.length; i++) {
    hashValue(items[i])
    a = mix(a, lanes.h1)
    b = mix(b, lanes.h2)
  }
  lanes.h1 = a
  lanes.h2 = b
}

/** Hashes `v` into {@link lanes}. */
export function hashValue(v: Value): void {
  switch (typeof v) {
    case "number":
      lanes.h1 = fmix(mix(0x11, v | 0) ^ ((v / 4294967296) | 0))
      lanes.h2 = fmix(mix(0x2f, ~(v | 0)) ^ 0x1234567)
      return
    case "boolean":
      lanes.h1 = v ? 0x6a09e667 : 0x3c6ef372
      lanes.h2 = v ? 0x510e527f : 0x1f83d9ab
      return
    case "string":
      hashString(v)
      return
  }
  if (v.kind === Kind.Model) {
    const mv = v as ModelValue
    if (!mv.hashed) {
      hashString("\u0000mv:" + mv.name)
      mv.h1 = lanes.h1
      mv.h2 = lanes.h2
      mv.hashed = true
    }
    lanes.h1 = mv.h1
    lanes.h2 = mv.h2
    return
  }
  const c = v as TupleValue | FcnValue | SetLike
  if (c.hashed) {
    lanes.h1 = c.h1
    lanes.h2 = c.h2
    return
  }
  let a: number
  let b: number
  if (v.kind === Kind.Tuple) {
    hashArray(Kind.Tuple, (v as TupleValue).items, 0x9747b28c, 0x85ebca77)
    a = lanes.h1
    b = lanes.h2
  } else if (v.kind === Kind.Fcn) {
    const f = v as FcnValue
    hashArray(Kind.Fcn, f.keys, 0x9747b28c, 0x85ebca77)
    const ka = lanes.h1
    const kb = lanes.h2
    hashArray(Kind.Fcn, f.vals, ka, kb)
    a = lanes.h1
    b = lanes.h2
  } else {
    hashArray(Kind.Set, (v as SetLike).elems(), 0x2545f491, 0x4f1bbcdc)
    a = lanes.h1
    b = lanes.h2
  }
  c.h1 = fmix(a)
  c.h2 = fmix(b ^ 0x165667b1)
  c.hashed = true
  lanes.h1 = c.h1
  lanes.h2 = c.h2
}

/** Fingerprints a state (one value per variable) into {@link lanes}. */
export function hashState(state: Value[]): void {
  let a = 0x243f6a88
  let b = 0x13198a2e
  for (let i = 0; i < state.length; i++) {
    hashValue(state[i])
    a = mix(a, lanes.h1)
    b = mix(b, lanes.h2)
  }
  lanes.h1 = fmix(a)
  lanes.h2 = fmix(b)
}
