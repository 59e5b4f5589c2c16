/**
 * Compiles TLA+ expressions (tree-sitter-tlaplus syntax nodes) into closures, once, before the
 * search starts. Names are resolved at compile time to frame slots, state-variable indices,
 * constants or operator definitions; zero-argument operators that do not depend on the state are
 * evaluated once and cached (TLC does the same). Anything outside the supported subset is a
 * `semantic` CheckerError with line:column, raised at compile time rather than mid-search.
 *
 * Action semantics (primes, assignment, UNCHANGED) live in actions.ts.
 */
import { CheckerError, EvalError, type SourceLoc } from "./errors.js"
import { namedKids, type Node } from "./parser.js"
import { bounds, choose, functionConstructor, quantifier, setFilter, setMap, type Bound } from "./compile-binders.js"
import { except } from "./compile-except.js"
import { caseExpr, infix, prefix } from "./compile-operators.js"
import { stdlibCall } from "./compile-stdlib.js"
import * as op from "./operators.js"
import { Layout, Scope, type Ctx, type Expr, type Frame, type Local, type Mode, type Act } from "./scope.js"
import {
  BooleanSet,
  EmptySet,
  FcnSet,
  IntSet,
  FcnValue,
  makeSet,
  NatSet,
  RecordSet,
  StringSet,
  TupleValue,
  type Value
} from "./values.js"

/** A module-level operator definition (also function definitions `f[x \in S] == e`). */
export interface OpDef {
  readonly name: string
  readonly params: string[]
  /** The definition body. */
  readonly body: Node
  readonly file: string
  /** For `f[x \in S] == e`: the quantifier bounds. */
  readonly fnBounds?: Node[]
  readonly compiled: Partial<Record<Mode, { expr?: Expr; act?: Act; layout: Layout; compiling: boolean; actCompiling?: boolean }>>
  usesState: boolean
  actionLevel?: "yes" | "no" | "computing"
  cache?: Value
}

/** Everything the compiler needs to resolve names. */
export interface ModuleEnv {
  readonly defs: Map<string, OpDef>
  readonly vars: string[]
  readonly varIndex: Map<string, number>
  /** Constants with a value from the cfg. */
  readonly constValues: Map<string, Value>
  /** Constants replaced by a definition (`C <- Def`). */
  readonly constSubst: Map<string, OpDef>
  readonly declaredConstants: Set<string>
  readonly stdModules: Set<string>
}

const STD_MODULES = new Set(["Naturals", "Integers", "FiniteSets", "Sequences", "TLC"])

/** Compiles expressions of one loaded model. */
export class Compiler {
  /** The definition whose body is being compiled (for dependency tracking). */
  private current: OpDef | undefined
  /**
   * Bumped whenever compiled code reads something that can vary between evaluations (a state
   * variable, a primed variable, a frame slot, a state-dependent definition). A subexpression
   * whose compilation leaves it unchanged is constant and is evaluated once (on first use).
   */
  private dynamic = 0
  /** Set by actions.ts: compiles an operator body as an action. */
  actionCompiler?: (node: Node, scope: Scope) => Act

  /**
   * Receives warnings about constructs whose result may differ from TLC's (see CHOOSE).
   * Defaults to stderr; replaceable by embedders and tests.
   */
  onWarning: (message: string) => void = (m) => process.stderr.write(`Warning: ${m}\n`)

  constructor(readonly env: ModuleEnv) {}

  /** Reports a warning. */
  warn(message: string): void {
    this.onWarning(message)
  }

  /** A semantic error at a node. */
  error(n: Node, scope: Scope, msg: string): never {
    throw new CheckerError("semantic", msg, scope.loc(n))
  }

  /** The per-mode entry of a definition; its layout starts with one slot per parameter. */
  private entryFor(def: OpDef, mode: Mode): NonNullable<OpDef["compiled"][Mode]> {
    let entry = def.compiled[mode]
    if (!entry) {
      entry = { layout: new Layout(), compiling: false }
      for (let i = 0; i < def.params.length; i++) entry.layout.alloc()
      def.compiled[mode] = entry
    }
    return entry
  }

  /** A scope for a definition's body with its parameters bound to slots 0..n-1. */
  private bodyScope(def: OpDef, mode: Mode, layout: Layout): Scope {
    const scope = new Scope(def.file, mode, layout)
    def.params.forEach((p, i) => scope.declare(p, { kind: "slot", slot: i }))
    return scope
  }

  /** Compiles an operator's body as an expression for a mode (once) and returns its entry. */
  ensureCompiled(def: OpDef, mode: Mode): NonNullable<OpDef["compiled"][Mode]> {
    const entry = this.entryFor(def, mode)
    if (entry.expr || entry.compiling) return entry
    entry.compiling = true
    const saved = this.current
    this.current = def
    try {
      const scope = this.bodyScope(def, mode, entry.layout)
      entry.expr = def.fnBounds ? functionConstructor(this, def.fnBounds, def.body, scope) : this.expr(def.body, scope)
    } finally {
      entry.compiling = false
      this.current = saved
      if (saved && def.usesState) saved.usesState = true
    }
    return entry
  }

  /** Compiles an operator's body as an action for a mode (once) and returns its entry. */
  ensureAction(def: OpDef, mode: Mode): NonNullable<OpDef["compiled"][Mode]> {
    const entry = this.entryFor(def, mode)
    if (entry.act || entry.actCompiling || !this.actionCompiler) return entry
    entry.actCompiling = true
    const saved = this.current
    this.current = def
    try {
      entry.act = this.actionCompiler(def.body, this.bodyScope(def, mode, entry.layout))
    } finally {
      entry.actCompiling = false
      this.current = saved
    }
    return entry
  }

  /** Marks the definition being compiled as depending on the state. */
  markState(): void {
    this.dynamic++
    if (this.current) this.current.usesState = true
  }

  /** Compiles a value-level expression; constant subexpressions are evaluated once. */
  expr(n: Node, scope: Scope): Expr {
    const before = this.dynamic
    const e = this.exprInner(n, scope)
    if (this.dynamic !== before || CHEAP_NODES.has(n.type)) return e
    let cached: Value | undefined
    return (c, f) => (cached === undefined ? (cached = e(c, f)) : cached)
  }

  private exprInner(n: Node, scope: Scope): Expr {
    const loc = scope.loc(n)
    switch (n.type) {
      case "parentheses":
        return this.expr(namedKids(n)[0], scope)
      case "label":
        return this.expr(n.childForFieldName("expression")!, scope)
      case "nat_number": {
        const v = Number(n.text)
        return () => v
      }
      case "string": {
        const v = parseString(n.text)
        return () => v
      }
      case "boolean": {
        const v = n.text === "TRUE"
        return () => v
      }
      case "boolean_set":
        return () => BooleanSet
      case "nat_number_set":
        return () => NatSet
      case "int_number_set":
        return () => IntSet
      case "string_set":
        return () => StringSet
      case "identifier_ref":
        return this.reference(n, n.text, [], scope)
      case "bound_op": {
        const name = n.childForFieldName("name")!
        const args = n.childrenForFieldName("parameter").filter((c) => c.isNamed)
        return this.reference(name, name.text, args, scope)
      }
      case "bound_infix_op":
        return infix(this, n, scope)
      case "bound_prefix_op":
        return prefix(this, n, scope)
      case "bound_postfix_op":
        return this.postfix(n, scope)
      case "conj_list":
      case "disj_list": {
        const items = namedKids(n).map((item) => this.expr(namedKids(item).at(-1)!, scope))
        return n.type === "conj_list" ? andAll(items, loc) : orAll(items, loc)
      }
      case "if_then_else": {
        const cond = this.expr(n.childForFieldName("if")!, scope)
        const th = this.expr(n.childForFieldName("then")!, scope)
        const el = this.expr(n.childForFieldName("else")!, scope)
        return (c, f) => (op.bool(cond(c, f), loc) ? th(c, f) : el(c, f))
      }
      case "case":
        return caseExpr(this, n, scope)
      case "let_in":
        return this.letIn(n, scope, (body, s) => this.expr(body, s))
      case "bounded_quantification":
        return quantifier(this, n, scope)
      case "choose":
        return choose(this, n, scope)
      case "finite_set_literal": {
        const items = namedKids(n).map((k) => this.expr(k, scope))
        if (items.length === 0) return () => EmptySet
        return (c, f) => makeSet(items.map((e) => e(c, f)))
      }
      case "set_map":
        return setMap(this, n, scope)
      case "set_filter":
        return setFilter(this, n, scope)
      case "set_of_functions": {
        const [d, r] = namedKids(n).filter((k) => k.type !== "maps_to")
        const dom = this.expr(d, scope)
        const rng = this.expr(r, scope)
        return (c, f) => new FcnSet(op.set(dom(c, f), loc), op.set(rng(c, f), loc))
      }
      case "set_of_records": {
        const kids = namedKids(n)
        const fields: string[] = []
        const sets: Expr[] = []
        for (let i = 0; i < kids.length; i += 2) {
          fields.push(kids[i].text)
          sets.push(this.expr(kids[i + 1], scope))
        }
        const order = fields.map((_, i) => i).sort((a, b) => (fields[a] < fields[b] ? -1 : 1))
        const sortedFields = order.map((i) => fields[i])
        return (c, f) =>
          new RecordSet(
            sortedFields,
            order.map((i) => op.set(sets[i](c, f), loc))
          )
      }
      case "record_literal": {
        const kids = namedKids(n).filter((k) => k.type !== "all_map_to")
        const fields: string[] = []
        const vals: Expr[] = []
        for (let i = 0; i < kids.length; i += 2) {
          fields.push(kids[i].text)
          vals.push(this.expr(kids[i + 1], scope))
        }
        // Sort the fields once; every record built here shares one keys array.
        const order = fields.map((_, i) => i).sort((a, b) => (fields[a] < fields[b] ? -1 : fields[a] > fields[b] ? 1 : 0))
        const keys = order.map((i) => fields[i])
        if (new Set(keys).size !== keys.length) this.error(n, scope, "a record literal names a field twice")
        const sortedVals = order.map((i) => vals[i])
        return (c, f) => {
          const out: Value[] = new Array(sortedVals.length)
          for (let i = 0; i < sortedVals.length; i++) out[i] = sortedVals[i](c, f)
          return new FcnValue(keys, out)
        }
      }
      case "record_value": {
        const [rec, fieldNode] = namedKids(n)
        const r = this.expr(rec, scope)
        const name = fieldNode.text
        return (c, f) => op.field(r(c, f), name, loc)
      }
      case "tuple_literal": {
        const items = namedKids(n)
          .filter((k) => k.type !== "langle_bracket" && k.type !== "rangle_bracket")
          .map((k) => this.expr(k, scope))
        return (c, f) => new TupleValue(items.map((e) => e(c, f)))
      }
      case "function_literal": {
        const kids = namedKids(n)
        const bounds = kids.filter((k) => k.type === "quantifier_bound")
        return functionConstructor(this, bounds, kids.at(-1)!, scope)
      }
      case "function_evaluation": {
        const [fn, ...args] = namedKids(n)
        const fe = this.expr(fn, scope)
        const ae = args.map((a) => this.expr(a, scope))
        if (ae.length === 1) {
          const a0 = ae[0]
          return (c, f) => op.apply(fe(c, f), a0(c, f), loc)
        }
        return (c, f) => op.apply(fe(c, f), new TupleValue(ae.map((e) => e(c, f))), loc)
      }
      case "except":
        return except(this, n, scope)
      case "prev_func_val": {
        const at = scope.lookup("@")
        if (!at || at.kind !== "slot") this.error(n, scope, "@ used outside an EXCEPT clause")
        this.dynamic++
        const slot = at.slot
        return (_c, f) => f[slot]!
      }
      case "unbounded_quantification":
        return this.error(n, scope, "unbounded quantifiers (\\A x : P, \\E x : P) cannot be evaluated; bound the variable with \\in")
      default:
        return this.error(n, scope, `unsupported construct: ${n.type} (${JSON.stringify(n.text.slice(0, 40))})`)
    }
  }

  /** Compiles a name, optionally applied to arguments. */
  reference(n: Node, name: string, args: Node[], scope: Scope): Expr {
    const loc = scope.loc(n)
    const local = scope.lookup(name)
    if (local) return this.localReference(n, local, args, scope)
    const vi = this.env.varIndex.get(name)
    if (vi !== undefined) {
      if (args.length) this.error(n, scope, `variable ${name} cannot take arguments`)
      this.markState()
      if (scope.mode === "init") {
        return (c) => {
          const v = c.nxt[vi]
          if (v === undefined) throw new EvalError(`variable ${name} is read before the initial predicate assigns it`, loc)
          return v
        }
      }
      return (c) => c.cur[vi]
    }
    // cfg assignments and substitutions override definitions of the same name, as in TLC.
    if (this.env.constValues.has(name)) {
      if (args.length) this.error(n, scope, `constant ${name} cannot take arguments`)
      const v = this.env.constValues.get(name)!
      return () => v
    }
    const def = this.env.constSubst.get(name) ?? this.env.defs.get(name)
    if (def) return this.call(n, def, args, scope)
    if (this.env.declaredConstants.has(name)) this.error(n, scope, `constant ${name} has no value in the cfg`)
    const builtin = stdlibCall(this, n, name, args, scope)
    if (builtin) return builtin
    return this.error(n, scope, `unknown identifier ${name}`)
  }

  private localReference(n: Node, local: Local, args: Node[], scope: Scope): Expr {
    this.dynamic++
    if (local.kind === "slot") {
      if (args.length) this.error(n, scope, `${n.text} is not an operator`)
      const slot = local.slot
      return (_c, f) => f[slot]!
    }
    if (local.kind === "let0") {
      if (args.length) this.error(n, scope, `${n.text} takes no arguments`)
      const { slot, body } = local
      return (c, f) => {
        let v = f[slot]
        if (v === undefined) f[slot] = v = body(c, f)
        return v
      }
    }
    if (args.length !== local.paramSlots.length) {
      this.error(n, scope, `${n.text} expects ${local.paramSlots.length} arguments, got ${args.length}`)
    }
    const argExprs = args.map((a) => this.expr(a, scope))
    const slots = local.paramSlots
    const holder = local
    return (c, f) => {
      const vals = argExprs.map((e) => e(c, f))
      const saved = slots.map((s) => f[s])
      for (let i = 0; i < slots.length; i++) f[slots[i]] = vals[i]
      try {
        return holder.body!(c, f)
      } finally {
        for (let i = 0; i < slots.length; i++) f[slots[i]] = saved[i]
      }
    }
  }

  /** A call of a module-level operator. */
  call(n: Node, def: OpDef, args: Node[], scope: Scope): Expr {
    if (args.length !== def.params.length) {
      this.error(n, scope, `${def.name} expects ${def.params.length} arguments, got ${args.length}`)
    }
    const mode = scope.mode
    const entry = this.ensureCompiled(def, mode)
    if (def.usesState && this.current) this.current.usesState = true
    // A recursive call (still compiling) or a state-dependent definition is not constant.
    if (def.usesState || entry.compiling) this.dynamic++
    if (args.length === 0) {
      if (!entry.compiling && !def.usesState) {
        return (c) => {
          if (def.cache === undefined) def.cache = entry.expr!(c, new Array(entry.layout.size))
          return def.cache
        }
      }
      return (c) => entry.expr!(c, new Array(entry.layout.size))
    }
    const argExprs = args.map((a) => this.expr(a, scope))
    if (argExprs.length === 1) {
      const a0 = argExprs[0]
      return (c, f) => {
        const nf: Frame = new Array(entry.layout.size)
        nf[0] = a0(c, f)
        return entry.expr!(c, nf)
      }
    }
    return (c, f) => {
      const nf: Frame = new Array(entry.layout.size)
      for (let i = 0; i < argExprs.length; i++) nf[i] = argExprs[i](c, f)
      return entry.expr!(c, nf)
    }
  }

  private postfix(n: Node, scope: Scope): Expr {
    const loc = scope.loc(n)
    const sym = n.childForFieldName("symbol")!.type
    if (sym !== "prime") return this.error(n, scope, `unsupported postfix operator ${n.childForFieldName("symbol")!.text}`)
    const vi = this.primedVar(n, scope)
    const name = this.env.vars[vi]
    this.markState()
    return (c) => {
      const v = c.nxt[vi]
      if (v === undefined) throw new EvalError(`${name}' is read before the action assigns it`, loc)
      return v
    }
  }

  /** The variables of `UNCHANGED e` (a variable, a tuple of them, or a definition of one). */
  unchangedVars(n: Node, scope: Scope): number[] {
    if (scope.mode === "init") this.error(n, scope, "UNCHANGED cannot appear in the initial predicate or an invariant")
    return this.subscriptVars(n.childForFieldName("rhs")!, scope)
  }

  /** The variables of a subscript or UNCHANGED target: a variable, a tuple of them, or a definition of one. */
  subscriptVars(target: Node, scope: Scope): number[] {
    const vars: number[] = []
    const collect = (m: Node) => {
      while (m.type === "parentheses") m = namedKids(m)[0]
      if (m.type === "tuple_literal") {
        for (const k of namedKids(m)) if (k.type !== "langle_bracket" && k.type !== "rangle_bracket") collect(k)
        return
      }
      if (m.type === "identifier_ref" && !scope.lookup(m.text)) {
        const vi = this.env.varIndex.get(m.text)
        if (vi !== undefined) {
          vars.push(vi)
          return
        }
        const def = this.env.defs.get(m.text)
        if (def && def.params.length === 0) {
          collect(def.body)
          return
        }
      }
      this.error(m, scope, "expected a variable, a tuple of variables, or a definition of one (UNCHANGED and _v subscripts)")
    }
    collect(target)
    return vars
  }

  /** `UNCHANGED e` evaluated as a boolean once the primed variables are assigned. */
  unchangedExpr(n: Node, scope: Scope): Expr {
    const loc = scope.loc(n)
    const vars = this.unchangedVars(n, scope)
    this.markState()
    return (c) => {
      for (const v of vars) {
        const nv = c.nxt[v]
        if (nv === undefined) throw new EvalError(`${this.env.vars[v]}' is read before the action assigns it`, loc)
        if (!op.equals(nv, c.cur[v], loc)) return false
      }
      return true
    }
  }

  /** The variable index of `x'` (also `(x)'`), or an error for any other primed expression. */
  primedVar(n: Node, scope: Scope): number {
    if (scope.mode === "init") this.error(n, scope, "primed variables cannot appear in the initial predicate or an invariant")
    let inner = n.childForFieldName("lhs")!
    while (inner.type === "parentheses") inner = namedKids(inner)[0]
    const vi = inner.type === "identifier_ref" && !scope.lookup(inner.text) ? this.env.varIndex.get(inner.text) : undefined
    if (vi === undefined) this.error(n, scope, "only a state variable can be primed (x'); priming an expression is not supported")
    return vi
  }

  /** Compiles `quantifier_bound` nodes, declaring their names in `scope` (see compile-binders.ts). */
  bounds(nodes: Node[], scope: Scope): Bound[] {
    return bounds(this, nodes, scope)
  }

  /**
   * LET/IN: zero-argument definitions get a frame slot filled lazily on first use (reset on each
   * entry); definitions with parameters are closures over the frame. `compileBody` compiles the IN
   * part (as an expression or an action).
   */
  letIn<T extends Expr | Act>(n: Node, scope: Scope, compileBody: (body: Node, s: Scope) => T, isAct = false): T {
    const inner = scope.child()
    const lazySlots: number[] = []
    for (const d of n.childrenForFieldName("definitions")) {
      if (d.type === "operator_definition") {
        const name = d.childForFieldName("name")!.text
        const params = d.childrenForFieldName("parameter").filter((p) => p.isNamed)
        const body = d.childForFieldName("definition")!
        if (params.length === 0) {
          const slot = inner.layout.alloc()
          const bodyExpr = this.expr(body, inner.child())
          inner.declare(name, { kind: "let0", slot, body: bodyExpr, node: d })
          lazySlots.push(slot)
        } else {
          const defScope = inner.child()
          const paramSlots = params.map((p) => defScope.bind(p.text))
          const local: Local = { kind: "letop", paramSlots, body: undefined, node: d }
          inner.declare(name, local)
          local.body = this.expr(body, defScope)
        }
      } else if (d.type === "function_definition") {
        const name = d.childForFieldName("name")!.text
        const kids = namedKids(d)
        const bounds = kids.filter((k) => k.type === "quantifier_bound")
        const slot = inner.layout.alloc()
        const bodyExpr = functionConstructor(this, bounds, d.childForFieldName("definition")!, inner.child())
        inner.declare(name, { kind: "let0", slot, body: bodyExpr, node: d })
        lazySlots.push(slot)
      } else if (d.type !== "comment" && d.type !== "block_comment" && d.type !== "recursive_declaration") {
        this.error(d, scope, `unsupported LET definition: ${d.type}`)
      }
    }
    const body = compileBody(n.childForFieldName("expression")!, inner)
    const slots = lazySlots
    if (isAct) {
      const act = body as Act
      return ((c: Ctx, f: Frame, k: () => void) => {
        for (const s of slots) f[s] = undefined
        act(c, f, k)
      }) as T
    }
    const ex = body as Expr
    return ((c: Ctx, f: Frame) => {
      for (const s of slots) f[s] = undefined
      return ex(c, f)
    }) as T
  }

}

/** Node types not worth caching (literals are already constant closures). */
const CHEAP_NODES = new Set(["nat_number", "string", "boolean", "boolean_set", "nat_number_set", "int_number_set", "string_set", "identifier_ref"])

/** Conjunction of boolean expressions, left to right, short-circuiting. */
export function andAll(items: Expr[], loc: SourceLoc): Expr {
  return (c, f) => {
    for (let i = 0; i < items.length; i++) if (!op.bool(items[i](c, f), loc)) return false
    return true
  }
}

/** Disjunction of boolean expressions, left to right, short-circuiting. */
export function orAll(items: Expr[], loc: SourceLoc): Expr {
  return (c, f) => {
    for (let i = 0; i < items.length; i++) if (op.bool(items[i](c, f), loc)) return true
    return false
  }
}

function parseString(text: string): string {
  const body = text.slice(1, -1)
  return body.replace(/\\(.)/g, (_m, ch: string) => (ch === "n" ? "\n" : ch === "t" ? "\t" : ch === "r" ? "\r" : ch === "f" ? "\f" : ch))
}

export { STD_MODULES }
export { forEachBinding, forEachElem, type Bound } from "./compile-binders.js"
