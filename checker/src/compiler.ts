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
import * as op from "./operators.js"
import { Layout, Scope, type Ctx, type Expr, type Frame, type Local, type Mode, type Act } from "./scope.js"
import {
  BooleanSet,
  domainOf,
  EmptySet,
  fcnIndex,
  FcnSet,
  fcnWithIndex,
  formatValue,
  IntervalSet,
  IntSet,
  isFcn,
  isSet,
  Kind,
  makeFcn,
  FcnValue,
  makeSet,
  NatSet,
  PowerSet,
  RecordSet,
  seqSet,
  SetValue,
  StringSet,
  TupleValue,
  compare,
  type SetLike,
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

/** A bound-variable pattern with its set: `x \in S` or `<<a, b>> \in S`. */
export interface Bound {
  readonly slots: number[]
  /** True for a tuple pattern `<<a, b>>`. */
  readonly tuple: boolean
  readonly set: Expr
  readonly loc: SourceLoc
}

const STD_MODULES = new Set(["Naturals", "Integers", "FiniteSets", "Sequences", "TLC"])

/** Iterates the elements of a set; `cb` returns false to stop early. Returns false if stopped. */
export function forEachElem(s: SetLike, cb: (v: Value) => boolean): boolean {
  if (s instanceof IntervalSet) {
    for (let i = s.lo; i <= s.hi; i++) if (!cb(i)) return false
    return true
  }
  const e = s.elems()
  for (let i = 0; i < e.length; i++) if (!cb(e[i])) return false
  return true
}

/**
 * Enumerates every binding of `bounds` into the frame, calling `cb` for each; `cb` returns false
 * to stop. Returns false when stopped early.
 */
export function forEachBinding(bounds: Bound[], c: Ctx, f: Frame, cb: () => boolean, i = 0): boolean {
  if (i === bounds.length) return cb()
  const b = bounds[i]
  const s = op.set(b.set(c, f), b.loc)
  return forEachElem(s, (v) => {
    if (b.tuple) {
      const t = v as TupleValue
      if (typeof v !== "object" || v.kind !== Kind.Tuple || t.items.length !== b.slots.length) {
        op.fail(b.loc, `${formatValue(v)} does not match a tuple of ${b.slots.length} names`)
      }
      for (let j = 0; j < b.slots.length; j++) f[b.slots[j]] = t.items[j]
    } else f[b.slots[0]] = v
    return forEachBinding(bounds, c, f, cb, i + 1)
  })
}

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

  constructor(readonly env: ModuleEnv) {}

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
      entry.expr = def.fnBounds ? this.functionConstructor(def.fnBounds, def.body, scope, def.body) : this.expr(def.body, scope)
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
        return this.infix(n, scope)
      case "bound_prefix_op":
        return this.prefix(n, scope)
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
        return this.caseExpr(n, scope)
      case "let_in":
        return this.letIn(n, scope, (body, s) => this.expr(body, s))
      case "bounded_quantification":
        return this.quantifier(n, scope)
      case "choose":
        return this.choose(n, scope)
      case "finite_set_literal": {
        const items = namedKids(n).map((k) => this.expr(k, scope))
        if (items.length === 0) return () => EmptySet
        return (c, f) => makeSet(items.map((e) => e(c, f)))
      }
      case "set_map":
        return this.setMap(n, scope)
      case "set_filter":
        return this.setFilter(n, scope)
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
        return this.functionConstructor(bounds, kids.at(-1)!, scope, n)
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
        return this.except(n, scope)
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
    const builtin = this.builtin(n, name, args, scope)
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

  private builtin(n: Node, name: string, args: Node[], scope: Scope): Expr | undefined {
    const loc = scope.loc(n)
    const has = (m: string) => this.env.stdModules.has(m)
    const a = args.map((x) => this.expr(x, scope))
    const arity = (k: number) => {
      if (a.length !== k) this.error(n, scope, `${name} expects ${k} argument(s), got ${a.length}`)
    }
    const seqs = has("Sequences")
    if ((name === "Nat" && (has("Naturals") || has("Integers"))) || (name === "Int" && has("Integers"))) {
      arity(0)
      return name === "Nat" ? () => NatSet : () => IntSet
    }
    if (has("FiniteSets")) {
      if (name === "Cardinality") {
        arity(1)
        return (c, f) => op.set(a[0](c, f), loc).size()
      }
      if (name === "IsFiniteSet") {
        arity(1)
        return (c, f) => {
          const s = op.set(a[0](c, f), loc)
          return !(s instanceof Object && s.constructor.name === "InfiniteSet")
        }
      }
    }
    if (seqs) {
      switch (name) {
        case "Seq":
          arity(1)
          return (c, f) => seqSet(op.set(a[0](c, f), loc))
        case "Len":
          arity(1)
          return (c, f) => op.seq(a[0](c, f), loc).items.length
        case "Append":
          arity(2)
          return (c, f) => op.append(op.seq(a[0](c, f), loc), a[1](c, f))
        case "Head":
          arity(1)
          return (c, f) => op.head(op.seq(a[0](c, f), loc), loc)
        case "Tail":
          arity(1)
          return (c, f) => op.tail(op.seq(a[0](c, f), loc), loc)
        case "SubSeq":
          arity(3)
          return (c, f) => op.subSeq(op.seq(a[0](c, f), loc), op.int(a[1](c, f), loc), op.int(a[2](c, f), loc), loc)
      }
    }
    if (has("TLC")) {
      switch (name) {
        case "Print":
          arity(2)
          return (c, f) => {
            process.stderr.write(formatValue(a[0](c, f)) + "\n")
            return a[1](c, f)
          }
        case "PrintT":
          arity(1)
          return (c, f) => {
            process.stderr.write(formatValue(a[0](c, f)) + "\n")
            return true
          }
        case "Assert":
          arity(2)
          return (c, f) => {
            if (!op.bool(a[0](c, f), loc)) op.fail(loc, `assertion failed: ${formatValue(a[1](c, f))}`)
            return true
          }
        case "ToString":
          arity(1)
          return (c, f) => formatValue(a[0](c, f))
      }
    }
    return undefined
  }

  private infix(n: Node, scope: Scope): Expr {
    const loc = scope.loc(n)
    const sym = n.childForFieldName("symbol")!.type
    const lhsNode = n.childForFieldName("lhs")!
    const rhsNode = n.childForFieldName("rhs")!
    // Left-nested chains of \X form one product, not nested pairs.
    if (sym === "times") {
      const parts: Node[] = []
      const collect = (m: Node) => {
        if (m.type === "bound_infix_op" && m.childForFieldName("symbol")!.type === "times") {
          collect(m.childForFieldName("lhs")!)
          parts.push(m.childForFieldName("rhs")!)
        } else parts.push(m)
      }
      collect(n)
      const sets = parts.map((p) => this.expr(p, scope))
      return (c, f) => op.cartesian(sets.map((s) => op.set(s(c, f), loc)))
    }
    const l = this.expr(lhsNode, scope)
    const r = this.expr(rhsNode, scope)
    const I = (v: Value) => op.int(v, loc)
    const S = (v: Value) => op.set(v, loc)
    const B = (v: Value) => op.bool(v, loc)
    switch (sym) {
      case "plus":
        return (c, f) => op.checked(I(l(c, f)) + I(r(c, f)), loc)
      case "minus":
        return (c, f) => op.checked(I(l(c, f)) - I(r(c, f)), loc)
      case "mul":
        return (c, f) => op.checked(I(l(c, f)) * I(r(c, f)), loc)
      case "div":
        return (c, f) => op.div(I(l(c, f)), I(r(c, f)), loc)
      case "mod":
        return (c, f) => op.mod(I(l(c, f)), I(r(c, f)), loc)
      case "pow":
        return (c, f) => op.checked(op.pow(I(l(c, f)), I(r(c, f)), loc), loc)
      case "lt":
        return (c, f) => I(l(c, f)) < I(r(c, f))
      case "gt":
        return (c, f) => I(l(c, f)) > I(r(c, f))
      case "leq":
        return (c, f) => I(l(c, f)) <= I(r(c, f))
      case "geq":
        return (c, f) => I(l(c, f)) >= I(r(c, f))
      case "dots_2":
        return (c, f) => new IntervalSet(I(l(c, f)), I(r(c, f)))
      case "eq":
        return (c, f) => op.equals(l(c, f), r(c, f), loc)
      case "neq":
        return (c, f) => !op.equals(l(c, f), r(c, f), loc)
      case "in":
        return (c, f) => {
          const v = l(c, f)
          return S(r(c, f)).has(v)
        }
      case "notin":
        return (c, f) => {
          const v = l(c, f)
          return !S(r(c, f)).has(v)
        }
      case "cup":
        return (c, f) => op.union(S(l(c, f)), S(r(c, f)))
      case "cap":
        return (c, f) => op.intersect(S(l(c, f)), S(r(c, f)))
      case "setminus":
        return (c, f) => op.minus(S(l(c, f)), S(r(c, f)))
      case "subseteq":
        return (c, f) => op.subseteq(S(l(c, f)), S(r(c, f)))
      case "supseteq":
        return (c, f) => op.subseteq(S(r(c, f)), S(l(c, f)))
      case "subset":
        return (c, f) => {
          const a = S(l(c, f))
          const b = S(r(c, f))
          return op.subseteq(a, b) && a.size() < b.size()
        }
      case "supset":
        return (c, f) => {
          const a = S(l(c, f))
          const b = S(r(c, f))
          return op.subseteq(b, a) && b.size() < a.size()
        }
      case "land":
        return (c, f) => B(l(c, f)) && B(r(c, f))
      case "lor":
        return (c, f) => B(l(c, f)) || B(r(c, f))
      case "implies":
        return (c, f) => !B(l(c, f)) || B(r(c, f))
      case "iff":
      case "equiv":
        return (c, f) => B(l(c, f)) === B(r(c, f))
      case "circ":
        if (!this.env.stdModules.has("Sequences")) this.error(n, scope, "\\o needs EXTENDS Sequences")
        return (c, f) => op.concat(l(c, f), r(c, f), loc)
      case "map_to":
        if (!this.env.stdModules.has("TLC")) this.error(n, scope, ":> needs EXTENDS TLC")
        return (c, f) => op.singleton(l(c, f), r(c, f))
      case "compose":
        if (!this.env.stdModules.has("TLC")) this.error(n, scope, "@@ needs EXTENDS TLC")
        return (c, f) => op.merge(op.fcn(l(c, f), loc), op.fcn(r(c, f), loc))
      default:
        return this.error(n, scope, `unsupported operator ${JSON.stringify(n.childForFieldName("symbol")!.text)}`)
    }
  }

  private prefix(n: Node, scope: Scope): Expr {
    const loc = scope.loc(n)
    const sym = n.childForFieldName("symbol")!.type
    const rhs = n.childForFieldName("rhs")!
    if (sym === "unchanged") return this.unchangedExpr(n, scope)
    const r = this.expr(rhs, scope)
    switch (sym) {
      case "lnot":
        return (c, f) => !op.bool(r(c, f), loc)
      case "negative":
        return (c, f) => -op.int(r(c, f), loc)
      case "powerset":
        return (c, f) => new PowerSet(op.set(r(c, f), loc))
      case "union":
        return (c, f) => op.bigUnion(op.set(r(c, f), loc), loc)
      case "domain":
        return (c, f) => domainOf(op.fcn(r(c, f), loc))
      default:
        return this.error(n, scope, `unsupported operator ${JSON.stringify(n.childForFieldName("symbol")!.text)} (temporal and ENABLED operators are not evaluated)`)
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
      this.error(m, scope, "UNCHANGED expects a variable, a tuple of variables, or a definition of one")
    }
    if (scope.mode === "init") this.error(n, scope, "UNCHANGED cannot appear in the initial predicate or an invariant")
    collect(n.childForFieldName("rhs")!)
    return vars
  }

  /** `UNCHANGED e` evaluated as a boolean once the primed variables are assigned. */
  private unchangedExpr(n: Node, scope: Scope): Expr {
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

  private caseExpr(n: Node, scope: Scope): Expr {
    const loc = scope.loc(n)
    const arms: { guard: Expr; value: Expr }[] = []
    let other: Expr | undefined
    for (const k of namedKids(n)) {
      if (k.type === "case_arm") {
        const [g, v] = namedKids(k).filter((x) => x.type !== "case_arrow")
        arms.push({ guard: this.expr(g, scope), value: this.expr(v, scope) })
      } else if (k.type === "other_arm") {
        const [v] = namedKids(k).filter((x) => x.type !== "case_arrow")
        other = this.expr(v, scope)
      }
    }
    return (c, f) => {
      for (const arm of arms) if (op.bool(arm.guard(c, f), loc)) return arm.value(c, f)
      if (other) return other(c, f)
      return op.fail(loc, "no CASE arm is true and there is no OTHER")
    }
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
        const bodyExpr = this.functionConstructor(bounds, d.childForFieldName("definition")!, inner.child(), d)
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

  /** Compiles the `quantifier_bound` nodes, declaring their names in `scope`. */
  bounds(nodes: Node[], scope: Scope): Bound[] {
    const out: Bound[] = []
    for (const b of nodes) {
      const intros = b.childrenForFieldName("intro").filter((x) => x.isNamed)
      const setNode = b.childForFieldName("set")!
      // The set is evaluated outside the scope of the names being bound.
      const set = this.expr(setNode, scope)
      const loc = scope.loc(b)
      for (const intro of intros) {
        if (intro.type === "tuple_of_identifiers") {
          const names = namedKids(intro).filter((x) => x.type === "identifier")
          out.push({ slots: names.map((x) => scope.bind(x.text)), tuple: true, set, loc })
        } else {
          out.push({ slots: [scope.bind(intro.text)], tuple: false, set, loc })
        }
      }
    }
    return out
  }

  private quantifier(n: Node, scope: Scope): Expr {
    const loc = scope.loc(n)
    const isForall = n.childForFieldName("quantifier")!.type === "forall"
    const inner = scope.child()
    const bs = this.bounds(
      n.childrenForFieldName("bound").filter((b) => b.type === "quantifier_bound"),
      inner
    )
    const body = this.expr(n.childForFieldName("expression")!, inner)
    if (bs.length === 1 && !bs[0].tuple) {
      const b = bs[0]
      const slot = b.slots[0]
      return (c, f) => {
        const s = op.set(b.set(c, f), b.loc)
        return forEachElem(s, (v) => {
          f[slot] = v
          return op.bool(body(c, f), loc) === isForall
        }) === isForall
      }
    }
    return (c, f) => forEachBinding(bs, c, f, () => op.bool(body(c, f), loc) === isForall) === isForall
  }

  private choose(n: Node, scope: Scope): Expr {
    const loc = scope.loc(n)
    const setNode = n.childForFieldName("set")
    if (!setNode) return this.error(n, scope, "unbounded CHOOSE cannot be evaluated; use CHOOSE x \\in S : P")
    const set = this.expr(setNode, scope)
    const inner = scope.child()
    const intro = n.childForFieldName("intro")!
    if (intro.type !== "identifier") return this.error(intro, scope, "CHOOSE over a tuple pattern is not supported")
    const slot = inner.bind(intro.text)
    const body = this.expr(n.childForFieldName("expression")!, inner)
    return (c, f) => {
      const s = op.set(set(c, f), loc)
      let found: Value | undefined
      // CHOOSE picks the first satisfying element in tla-check's canonical order (TLC's order
      // may differ; a spec whose behaviour depends on which witness is picked is not portable).
      forEachElem(s, (v) => {
        f[slot] = v
        if (op.bool(body(c, f), loc)) {
          found = v
          return false
        }
        return true
      })
      if (found === undefined) op.fail(loc, "CHOOSE found no element satisfying the predicate")
      return found
    }
  }

  private setMap(n: Node, scope: Scope): Expr {
    const inner = scope.child()
    const bs = this.bounds(n.childrenForFieldName("generator").filter((g) => g.type === "quantifier_bound"), inner)
    const map = this.expr(n.childForFieldName("map")!, inner)
    return (c, f) => {
      const out: Value[] = []
      forEachBinding(bs, c, f, () => {
        out.push(map(c, f))
        return true
      })
      return makeSet(out)
    }
  }

  private setFilter(n: Node, scope: Scope): Expr {
    const loc = scope.loc(n)
    const inner = scope.child()
    const bs = this.bounds([n.childForFieldName("generator")!], inner)
    const pred = this.expr(n.childForFieldName("filter")!, inner)
    const b = bs[0]
    return (c, f) => {
      const s = op.set(b.set(c, f), loc)
      const out: Value[] = []
      forEachBinding(bs, c, f, () => {
        if (op.bool(pred(c, f), loc)) out.push(b.tuple ? new TupleValue(b.slots.map((x) => f[x]!)) : f[b.slots[0]]!)
        return true
      })
      void s
      // Elements come out in the set's canonical order, so the result is already sorted.
      return new SetValue(out)
    }
  }

  /** `[x \in S, y \in T |-> e]` (also the body of `f[x \in S] == e`). */
  functionConstructor(boundNodes: Node[], bodyNode: Node, scope: Scope, at: Node): Expr {
    const inner = scope.child()
    const bs = this.bounds(boundNodes, inner)
    const body = this.expr(bodyNode, inner)
    void at
    if (bs.length === 1 && !bs[0].tuple) {
      const b = bs[0]
      const slot = b.slots[0]
      return (c, f) => {
        const s = op.set(b.set(c, f), b.loc)
        if (s instanceof IntervalSet && s.lo === 1) {
          const items: Value[] = []
          for (let i = 1; i <= s.hi; i++) {
            f[slot] = i
            items.push(body(c, f))
          }
          return new TupleValue(items)
        }
        const keys = s.elems()
        const vals: Value[] = new Array(keys.length)
        for (let i = 0; i < keys.length; i++) {
          f[slot] = keys[i]
          vals[i] = body(c, f)
        }
        return makeFcn(keys, vals)
      }
    }
    // Several bound variables: the domain is a set of tuples.
    return (c, f) => {
      const keys: Value[] = []
      const vals: Value[] = []
      forEachBinding(bs, c, f, () => {
        const key: Value[] = []
        for (const b of bs) {
          if (b.tuple) key.push(new TupleValue(b.slots.map((x) => f[x]!)))
          else key.push(f[b.slots[0]]!)
        }
        keys.push(new TupleValue(key))
        vals.push(body(c, f))
        return true
      })
      const order = keys.map((_, i) => i).sort((i, j) => compare(keys[i], keys[j]))
      return makeFcn(
        order.map((i) => keys[i]),
        order.map((i) => vals[i])
      )
    }
  }

  private except(n: Node, scope: Scope): Expr {
    const loc = scope.loc(n)
    const base = this.expr(n.childForFieldName("expr_to_update")!, scope)
    type PathStep = { field?: string; key?: Expr[] }
    const updates: { path: PathStep[]; value: Expr; atSlot: number }[] = []
    for (const u of namedKids(n).filter((k) => k.type === "except_update")) {
      const spec = namedKids(u).find((k) => k.type === "except_update_specifier")!
      const path: PathStep[] = []
      for (const s of namedKids(spec)) {
        if (s.type === "except_update_record_field") path.push({ field: namedKids(s)[0].text })
        else if (s.type === "except_update_fn_appl") path.push({ key: namedKids(s).map((k) => this.expr(k, scope)) })
        else this.error(s, scope, `unsupported EXCEPT path: ${s.type}`)
      }
      const inner = scope.child()
      const atSlot = inner.bind("@")
      updates.push({ path, value: this.expr(u.childForFieldName("new_val")!, inner), atSlot })
    }
    const keyOf = (p: PathStep, c: Ctx, f: Frame): Value =>
      p.field !== undefined ? p.field : p.key!.length === 1 ? p.key![0](c, f) : new TupleValue(p.key!.map((e) => e(c, f)))
    const update = (v: Value, u: (typeof updates)[number], keys: Value[], i: number, c: Ctx, f: Frame): Value => {
      if (i === keys.length) {
        f[u.atSlot] = v
        return u.value(c, f)
      }
      const fv = op.fcn(v, loc)
      const idx = fcnIndex(fv, keys[i])
      // [f EXCEPT ![k] = e] with k outside DOMAIN f is f itself.
      if (idx < 0) return v
      const old = fv.kind === Kind.Tuple ? fv.items[idx] : fv.vals[idx]
      const nv = update(old, u, keys, i + 1, c, f)
      return nv === old ? v : fcnWithIndex(fv, idx, nv)
    }
    return (c, f) => {
      let v = base(c, f)
      if (!isFcn(v)) op.fail(loc, `EXCEPT applied to ${formatValue(v)}, which is not a function`)
      for (const u of updates) {
        const keys = u.path.map((p) => keyOf(p, c, f))
        v = update(v, u, keys, 0, c, f)
      }
      return v
    }
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

export { STD_MODULES, isSet }
