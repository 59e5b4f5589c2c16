/**
 * Values for generated ops: deterministic (same key, size and version → same value) so replays
 * and tests are reproducible, and realistically compressible (agent state is mostly text).
 */
import type { JsonValue } from "../types.js"
import { Prng } from "./prng.js"

const WORDS = ["agent", "tool", "result", "plan", "step", "file", "error", "patch", "test", "search", "note", "state", "token", "context", "retry", "done"]

/**
 * A JSON agent-state object whose `JSON.stringify` length is at least `size` bytes and at most
 * ~260 bytes more: a few fixed fields plus a `messages` array of word text.
 */
export function makeStateValue(size: number, seed: number): JsonValue {
  const rng = new Prng(seed)
  const messages: string[] = []
  const header = { v: seed >>> 0, step: rng.int(1000), messages }
  let length = JSON.stringify(header).length
  while (length < size) {
    let text = ""
    const target = Math.min(size - length, 64 + rng.int(192))
    while (text.length < target) text += (text === "" ? "" : " ") + WORDS[rng.int(WORDS.length)]
    length += text.length + 2 + (messages.length > 0 ? 1 : 0) // quotes, and a comma after the first
    messages.push(text)
  }
  return header
}

/** Raw bytes of exactly `size` bytes: text-like (about 3:1 compressible), deterministic in `seed`. */
export function makeBytesValue(size: number, seed: number): Uint8Array {
  const rng = new Prng(seed)
  const out = new Uint8Array(size)
  let i = 0
  while (i < size) {
    const w = WORDS[rng.int(WORDS.length)]
    for (let j = 0; j < w.length && i < size; j++) out[i++] = w.charCodeAt(j)
    if (i < size) out[i++] = 32
  }
  return out
}
