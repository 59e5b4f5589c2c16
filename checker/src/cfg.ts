/**
 * Reader for TLC model configuration files (`.cfg`).
 *
 * Supported: CONSTANT(S) with `N = 3`, `C = {a, b}` (bare names are model values), `C = C`
 * (a model value named like the constant), `C <- Def` (substitution by a definition);
 * INIT, NEXT, SPECIFICATION, INVARIANT(S), CHECK_DEADLOCK. PROPERTY, CONSTRAINT, SYMMETRY, VIEW and
 * the other TLC sections are rejected with a clear error rather than ignored.
 */
import { CheckerError } from "./errors.js"
import { BooleanSet, makeSet, ModelValue, type Value } from "./values.js"

/** One CONSTANT assignment. */
export type CfgConstant =
  | { readonly name: string; readonly kind: "value"; readonly value: Value; readonly line: number }
  | { readonly name: string; readonly kind: "subst"; readonly def: string; readonly line: number }

/** The parsed configuration. */
export interface ModelConfig {
  readonly file: string
  readonly constants: CfgConstant[]
  init?: string
  next?: string
  specification?: string
  readonly invariants: string[]
  /** Line of each name given in INIT, NEXT, SPECIFICATION or INVARIANT(S), for error messages. */
  readonly lines: Map<string, number>
  checkDeadlock: boolean
}

interface Token {
  readonly text: string
  readonly line: number
  readonly column: number
  readonly kind: "ident" | "number" | "string" | "punct"
}

function tokenize(file: string, src: string): Token[] {
  const out: Token[] = []
  let line = 1
  let col = 1
  let i = 0
  const advance = (n: number) => {
    for (let k = 0; k < n; k++) {
      if (src[i] === "\n") {
        line++
        col = 1
      } else col++
      i++
    }
  }
  while (i < src.length) {
    const c = src[i]
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      advance(1)
      continue
    }
    if (src.startsWith("\\*", i)) {
      while (i < src.length && src[i] !== "\n") advance(1)
      continue
    }
    if (src.startsWith("(*", i)) {
      const end = src.indexOf("*)", i + 2)
      if (end < 0) throw new CheckerError("config", "unterminated comment", { file, line, column: col })
      advance(end + 2 - i)
      continue
    }
    const start = { line, column: col }
    const ident = /^[A-Za-z0-9_]+/.exec(src.slice(i, i + 200))
    if (ident) {
      const text = ident[0]
      out.push({ text, ...start, kind: /^[0-9]+$/.test(text) ? "number" : "ident" })
      advance(text.length)
      continue
    }
    if (c === '"') {
      const end = src.indexOf('"', i + 1)
      if (end < 0) throw new CheckerError("config", "unterminated string", { file, ...start })
      out.push({ text: src.slice(i + 1, end), ...start, kind: "string" })
      advance(end + 1 - i)
      continue
    }
    if (src.startsWith("<-", i)) {
      out.push({ text: "<-", ...start, kind: "punct" })
      advance(2)
      continue
    }
    if ("{},=-".includes(c)) {
      out.push({ text: c, ...start, kind: "punct" })
      advance(1)
      continue
    }
    throw new CheckerError("config", `unexpected character ${JSON.stringify(c)}`, { file, ...start })
  }
  return out
}

const SECTIONS = new Set([
  "CONSTANT", "CONSTANTS", "INIT", "NEXT", "SPECIFICATION", "INVARIANT", "INVARIANTS", "PROPERTY",
  "PROPERTIES", "CONSTRAINT", "CONSTRAINTS", "ACTION_CONSTRAINT", "ACTION_CONSTRAINTS", "SYMMETRY",
  "VIEW", "CHECK_DEADLOCK", "POSTCONDITION", "ALIAS"
])

/** Parses the text of a `.cfg` file. */
export function parseCfg(file: string, src: string): ModelConfig {
  const toks = tokenize(file, src)
  const cfg: ModelConfig = { file, constants: [], invariants: [], lines: new Map(), checkDeadlock: true }
  let p = 0
  const fail = (t: Token | undefined, msg: string): never => {
    throw new CheckerError("config", msg, t ? { file, line: t.line, column: t.column } : { file, line: 1, column: 1 })
  }
  const isSection = (t: Token | undefined) => t !== undefined && t.kind === "ident" && SECTIONS.has(t.text)
  const ident = (): string => {
    const t = toks[p]
    if (!t || t.kind !== "ident" || SECTIONS.has(t.text)) fail(t, "expected a name")
    p++
    if (!cfg.lines.has(t.text)) cfg.lines.set(t.text, t.line)
    return t.text
  }
  const value = (): Value => {
    const t = toks[p++]
    if (!t) return fail(t, "expected a value")
    if (t.kind === "number") return Number(t.text)
    if (t.kind === "string") return t.text
    if (t.text === "-") return fail(t, "a cfg cannot give a negative number; build it in the spec")
    if (t.text === "{") {
      const elems: Value[] = []
      if (toks[p]?.text === "}") {
        p++
        return makeSet(elems)
      }
      for (;;) {
        elems.push(value())
        const sep = toks[p++]
        if (sep?.text === "}") break
        if (sep?.text !== ",") fail(sep, "expected ',' or '}' in a set")
      }
      return makeSet(elems)
    }
    if (t.kind === "ident") {
      if (t.text === "TRUE") return true
      if (t.text === "FALSE") return false
      if (t.text === "BOOLEAN") return BooleanSet
      return ModelValue.of(t.text)
    }
    return fail(t, `unexpected ${JSON.stringify(t.text)}`)
  }
  while (p < toks.length) {
    const t = toks[p++]
    if (t.kind !== "ident" || !SECTIONS.has(t.text)) fail(t, `unexpected ${JSON.stringify(t.text)}; expected a section keyword`)
    switch (t.text) {
      case "CONSTANT":
      case "CONSTANTS":
        while (p < toks.length && !isSection(toks[p])) {
          const nameTok = toks[p]
          const name = ident()
          const op = toks[p++]
          if (op?.text === "=") cfg.constants.push({ name, kind: "value", value: value(), line: nameTok.line })
          else if (op?.text === "<-") cfg.constants.push({ name, kind: "subst", def: ident(), line: nameTok.line })
          else fail(op, `expected '=' or '<-' after constant ${name}`)
        }
        break
      case "INIT":
        cfg.init = ident()
        break
      case "NEXT":
        cfg.next = ident()
        break
      case "SPECIFICATION":
        cfg.specification = ident()
        break
      case "INVARIANT":
      case "INVARIANTS":
        while (p < toks.length && !isSection(toks[p])) cfg.invariants.push(ident())
        break
      case "CHECK_DEADLOCK": {
        const v = toks[p++]
        if (v?.text !== "TRUE" && v?.text !== "FALSE") fail(v, "CHECK_DEADLOCK expects TRUE or FALSE")
        cfg.checkDeadlock = v.text === "TRUE"
        break
      }
      default:
        fail(t, `the cfg section ${t.text} is not supported by tla-check`)
    }
  }
  return cfg
}
