/**
 * ITF (Informal Trace Format, used by Apalache and Quint) encoding of traces.
 *
 * Encoding: integers `{"#bigint": "3"}`; booleans and strings as JSON; sets `{"#set": [...]}`;
 * sequences and tuples (every function with domain 1..n) as arrays; records (functions whose domain
 * is a set of strings) as objects; other functions `{"#map": [[k, v], ...]}`; TLC model values
 * `{"#unserializable": "<name>"}` (ITF's escape for values it has no type for).
 */
import { writeFileSync } from "node:fs"
import { isRecord, Kind, type FcnValue, type ModelValue, type SetLike, type TupleValue, type Value } from "./values.js"

/** JSON value of the ITF encoding. */
export type ItfValue = boolean | string | ItfValue[] | { [key: string]: ItfValue }

/** Encodes one value. */
export function toItf(v: Value): ItfValue {
  switch (typeof v) {
    case "number":
      return { "#bigint": String(v) }
    case "boolean":
    case "string":
      return v
  }
  switch (v.kind) {
    case Kind.Model:
      return { "#unserializable": (v as ModelValue).name }
    case Kind.Tuple:
      return (v as TupleValue).items.map(toItf)
    case Kind.Fcn: {
      const f = v as FcnValue
      if (isRecord(f)) {
        const o: { [key: string]: ItfValue } = {}
        f.keys.forEach((k, i) => (o[k as string] = toItf(f.vals[i])))
        return o
      }
      return { "#map": f.keys.map((k, i) => [toItf(k), toItf(f.vals[i])]) }
    }
    default:
      return { "#set": (v as SetLike).elems().map(toItf) }
  }
}

/** Metadata recorded in the trace's `#meta`. */
export interface ItfMeta {
  readonly source: string
  readonly description: string
  readonly [key: string]: unknown
}

/** Builds the ITF document for a trace. */
export function traceToItf(vars: string[], trace: Value[][], meta: ItfMeta, actions?: string[] | null): object {
  return {
    "#meta": { format: "ITF", "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html", ...meta },
    vars,
    states: trace.map((s, index) => {
      // `action` names the step that produced the state (`Initial predicate` for the first).
      const o: Record<string, unknown> = { "#meta": actions?.[index] ? { index, action: actions[index] } : { index } }
      vars.forEach((name, i) => (o[name] = toItf(s[i])))
      return o
    })
  }
}

/** Writes an ITF file. */
export function writeItf(file: string, vars: string[], trace: Value[][], meta: ItfMeta, actions?: string[] | null): void {
  writeFileSync(file, JSON.stringify(traceToItf(vars, trace, meta, actions), null, 1) + "\n")
}

