/**
 * A tiny Bloom filter of the private (agent-templated) keys an agent has touched.
 *
 * The kind model knows that agents of a kind read `{agent}:summary` after `{agent}:notes`, but a new
 * agent's `summary` does not exist until that agent writes it; prefetching it would only cost a
 * failed load. So a templated prediction is kept only if this agent has touched that template
 * before. 512 bits, two probes: with the ~10–50 private keys an agent has, false positives are
 * well under 1 %, and a false positive costs one pointless load, never a wrong value.
 */
import { BufferViews } from "./buffer-views.js"

const BITS = 512
const WORDS = BITS / 32

export class SeenFilter {
  private readonly words: Int32Array
  /** Index of the filter's first word in `words`. */
  private readonly base: number

  static readonly byteSize = WORDS * 4

  /** @param views where to live (default: own); `byteOffset` a multiple of 4, the region zeroed */
  constructor(views?: BufferViews, byteOffset = 0) {
    this.words = (views ?? BufferViews.allocate(SeenFilter.byteSize)).i32
    this.base = byteOffset >> 2
  }

  add(id: number): void {
    const a = probe1(id)
    const b = probe2(id)
    this.words[this.base + (a >>> 5)] |= 1 << (a & 31)
    this.words[this.base + (b >>> 5)] |= 1 << (b & 31)
  }

  mayContain(id: number): boolean {
    const a = probe1(id)
    const b = probe2(id)
    return (this.words[this.base + (a >>> 5)] & (1 << (a & 31))) !== 0 && (this.words[this.base + (b >>> 5)] & (1 << (b & 31))) !== 0
  }

  clear(): void {
    this.words.fill(0, this.base, this.base + WORDS)
  }
}

function probe1(id: number): number {
  return Math.imul(id, 0x9e3779b1) >>> 23 // top 9 bits: 0..511
}

function probe2(id: number): number {
  return Math.imul(id ^ 0x5bd1e995, 0x85ebca6b) >>> 23
}
