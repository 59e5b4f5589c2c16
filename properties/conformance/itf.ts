/**
 * Reading ITF traces (the Apalache / Quint trace format that `tla-check --itf` and `--simulate`
 * write) into plain JavaScript values: `{"#bigint": "3"}` → 3, `{"#set": [...]}` → array,
 * `{"#map": [[k, v], ...]}` → object keyed by the model value's name, a model value
 * `{"#unserializable": "None"}` → the string "None", records → objects.
 */
import { readFileSync } from "node:fs"

export type ItfValue = number | string | boolean | ItfValue[] | { [k: string]: ItfValue }

export interface ItfState {
  /** The action that produced this state, as the checker labels it (e.g. "Put(k1)"); index 0 is the initial state. */
  readonly action: string
  readonly index: number
  readonly vars: Record<string, ItfValue>
}

export interface ItfTrace {
  readonly file: string
  readonly states: ItfState[]
}

export function decodeItf(v: unknown): ItfValue {
  if (v === null || typeof v !== "object") return v as ItfValue
  if (Array.isArray(v)) return v.map(decodeItf)
  const o = v as Record<string, unknown>
  if ("#bigint" in o) return Number(o["#bigint"])
  if ("#unserializable" in o) return String(o["#unserializable"])
  if ("#set" in o) return (o["#set"] as unknown[]).map(decodeItf)
  if ("#tup" in o) return (o["#tup"] as unknown[]).map(decodeItf)
  if ("#map" in o) {
    const out: Record<string, ItfValue> = {}
    for (const [k, val] of o["#map"] as [unknown, unknown][]) out[String(decodeItf(k))] = decodeItf(val)
    return out
  }
  const out: Record<string, ItfValue> = {}
  for (const [k, val] of Object.entries(o)) if (k !== "#meta") out[k] = decodeItf(val)
  return out
}

export function readItf(file: string): ItfTrace {
  const json = JSON.parse(readFileSync(file, "utf8")) as { states: Record<string, unknown>[] }
  const states = json.states.map((s, i) => {
    const meta = (s["#meta"] ?? {}) as { index?: number; action?: string }
    const vars: Record<string, ItfValue> = {}
    for (const [k, v] of Object.entries(s)) if (k !== "#meta") vars[k] = decodeItf(v)
    return { action: meta.action ?? (i === 0 ? "Initial predicate" : "?"), index: meta.index ?? i, vars }
  })
  return { file, states }
}

/** "Put(k1)" → { name: "Put", args: ["k1"] }. */
export function parseAction(label: string): { name: string; args: string[] } {
  const m = /^(\w+)(?:\((.*)\))?$/.exec(label.trim())
  if (m === null) throw new Error(`cannot parse action label "${label}"`)
  return { name: m[1], args: m[2] === undefined || m[2] === "" ? [] : m[2].split(",").map((a) => a.trim()) }
}
