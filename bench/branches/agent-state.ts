/**
 * Deterministic synthetic agent states for the branch benchmark: a ~64 KiB JSON object per agent
 * (goal, plan, conversation, tool calls, scratch memory), and speculative branches that each change
 * about 2 % of it the way an agent exploring an alternative does: rewrite a few messages and plan
 * steps, append a new tool call.
 */
import type { JsonValue } from "../../src/types.js"

/** xorshift32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let s = seed | 0 || 0x9e3779b9
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 0x1_0000_0000
  }
}

const WORDS = (
  "the agent plan step tool call result file test build error fix retry search query index cache " +
  "branch merge review patch diff context token model prompt answer summary check verify deploy " +
  "config option value key table row column user request response latency budget memory state"
).split(" ")

function sentence(r: () => number, words: number): string {
  const out: string[] = []
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(r() * WORDS.length)])
  // A per-sentence number keeps texts distinct across agents (no accidental cross-agent dedup).
  out.push(String(Math.floor(r() * 1e9)))
  return out.join(" ")
}

type Msg = { role: string; content: string; tokens: number }
type Step = { id: number; title: string; status: string }
type Tool = { name: string; args: { path: string; query: string }; result: string }
export interface AgentState {
  agentId: string
  goal: string
  plan: Step[]
  messages: Msg[]
  tools: Tool[]
  memory: Record<string, string>
}

/** A state whose serialized JSON is at least `targetBytes` (64 KiB by default). */
export function agentState(agent: number, targetBytes = 64 * 1024): AgentState {
  const r = rng(agent * 7919 + 1)
  const state: AgentState = {
    agentId: `agent-${agent}`,
    goal: sentence(r, 20),
    plan: Array.from({ length: 30 }, (_, id) => ({ id, title: sentence(r, 8), status: r() < 0.5 ? "done" : "todo" })),
    messages: [],
    tools: Array.from({ length: 20 }, (_, i) => ({
      name: `tool${i % 6}`,
      args: { path: `src/file${Math.floor(r() * 500)}.ts`, query: sentence(r, 5) },
      result: sentence(r, 40),
    })),
    memory: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`fact${i}`, sentence(r, 12)])),
  }
  let size = JSON.stringify(state).length
  while (size < targetBytes) {
    const m = { role: r() < 0.5 ? "user" : "assistant", content: sentence(r, 30 + Math.floor(r() * 40)), tokens: Math.floor(r() * 900) }
    state.messages.push(m)
    size += JSON.stringify(m).length + 1
  }
  return state
}

/**
 * Branch `b` of `state`: edits until about `fraction` of the serialized size has changed (rewritten
 * message contents, flipped plan steps, one appended tool call). Returns the branch and the number
 * of bytes of new content it carries.
 */
export function branchOf(state: AgentState, b: number, fraction = 0.02): { value: AgentState; changedBytes: number } {
  const r = rng(state.agentId.length * 131 + b * 104729 + Number(state.agentId.slice(6)) * 31)
  const value = structuredClone(state)
  const budget = JSON.stringify(state).length * fraction
  const call: Tool = { name: `alt${b}`, args: { path: `src/alt${b}.ts`, query: sentence(r, 5) }, result: sentence(r, 25) }
  value.tools.push(call)
  let changed = JSON.stringify(call).length
  const step = value.plan[Math.floor(r() * value.plan.length)]
  step.status = step.status === "done" ? "todo" : "done"
  changed += 4
  while (changed < budget) {
    const m = value.messages[Math.floor(r() * value.messages.length)]
    m.content = sentence(r, 20 + Math.floor(r() * 20))
    changed += m.content.length
  }
  return { value, changedBytes: changed }
}

/** Size of a value's JSON text in bytes (ASCII here, so length = bytes). */
export function jsonBytes(value: AgentState | JsonValue): number {
  return JSON.stringify(value).length
}
