/**
 * Benchmark values: agent-state JSON objects whose serialized form is ~4 KiB, each different
 * (ids, numbers, text drawn from a seeded generator) and about as compressible as real agent
 * state (repeated field names, natural-language-ish text).
 */
const WORDS = "plan read file tool call result error retry summary context user asked answer next step done check value".split(" ")

function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One agent-state object; its JSON is padded with messages until it reaches `targetBytes`. */
export function agentState(index: number, targetBytes = 4096): Record<string, unknown> {
  const rnd = prng(index + 1)
  const sentence = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(" ")
  const state: { agent: string; step: number; goal: string; scores: number[]; messages: { role: string; text: string; tokens: number }[] } = {
    agent: `agent-${index}`,
    step: Math.floor(rnd() * 1e6),
    goal: sentence(12),
    scores: Array.from({ length: 16 }, () => Math.round(rnd() * 1e4) / 100),
    messages: []
  }
  while (JSON.stringify(state).length < targetBytes - 120) {
    state.messages.push({ role: rnd() < 0.5 ? "user" : "assistant", text: sentence(8 + Math.floor(rnd() * 10)), tokens: Math.floor(rnd() * 500) })
  }
  return state
}

const utf8 = new TextEncoder()

/** Serialized (UTF-8 JSON) forms of `count` distinct ~4 KiB states. */
export function serializedStates(count: number, targetBytes = 4096): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => utf8.encode(JSON.stringify(agentState(i, targetBytes))))
}
