/**
 * Compiles actions (Init and Next) with TLC's semantics.
 *
 * An action is compiled into a generator `act(ctx, frame, k)` that calls `k` once for every way the
 * action can hold, with `ctx.nxt` holding the assigned variables. Conjuncts run left to right: the
 * first `x' = e` or `x' \in S` on an unassigned `x'` assigns it (`\in` branches), and later
 * mentions of `x'` test the value already assigned. Disjuncts, `\E`, `\A`, `=>`, IF, CASE, LET and
 * calls of definitions are processed structurally (TLC's getNextStates); any other conjunct is a
 * guard. Once every variable is assigned, remaining conjuncts are plain booleans. In init mode the
 * same rules apply to the unprimed variables.
 *
 * Guards and assignments in a conjunction run inline; only nested actions allocate a continuation.
 */
import { Compiler, forEachBinding, forEachElem, type Bound, type OpDef } from "./compiler.js"
import type { Value } from "./values.js"
import type { SourceLoc } from "./errors.js"
import * as op from "./operators.js"
import { namedKids, type Node } from "./parser.js"
import type { Act, Ctx, Expr, Frame, Scope } from "./scope.js"

/** One compiled conjunct. */
type Step =
  | { readonly kind: "guard"; readonly expr: Expr; readonly loc: SourceLoc }
  | { readonly kind: "assign"; readonly v: number; readonly expr: Expr; readonly loc: SourceLoc }
  | { readonly kind: "member"; readonly v: number; readonly set: Expr; readonly loc: SourceLoc }
  | { readonly kind: "act"; readonly act: Act; readonly boolean?: Expr; readonly loc?: SourceLoc }

/** Compiles actions on top of an expression {@link Compiler}. */
export class ActionCompiler {
  constructor(readonly comp: Compiler) {
    comp.actionCompiler = (node, scope) => this.act(node, scope)
  }

  /** Compiles `n` as an action. */
  act(n: Node, scope: Scope): Act {
    return toAct(this.step(n, scope))
  }

  private globalDef(name: string, scope: Scope): OpDef | undefined {
    if (scope.lookup(name) || this.comp.env.constValues.has(name)) return undefined
    return this.comp.env.constSubst.get(name) ?? this.comp.env.defs.get(name)
  }

  /** The variable an `x' = e` / `x' \in S` (or, in init mode, `x = e`) would assign, if any. */
  private target(lhs: Node, scope: Scope): number | undefined {
    while (lhs.type === "parentheses") lhs = namedKids(lhs)[0]
    if (scope.mode === "init") {
      if (lhs.type !== "identifier_ref" || scope.lookup(lhs.text)) return undefined
      return this.comp.env.varIndex.get(lhs.text)
    }
    if (lhs.type === "bound_postfix_op" && lhs.childForFieldName("symbol")!.type === "prime") {
      return this.comp.primedVar(lhs, scope)
    }
    return undefined
  }

  private guard(n: Node, scope: Scope): Step {
    return { kind: "guard", expr: this.comp.expr(n, scope), loc: scope.loc(n) }
  }

  /** Compiles one conjunct or action expression into a {@link Step}. */
  step(n: Node, scope: Scope): Step {
    const s = this.structural(n, scope)
    if (s.kind !== "act") return s
    return { kind: "act", act: s.act, boolean: this.lazyBoolean(n, scope), loc: scope.loc(n) }
  }

  /**
   * The same action evaluated as one boolean, used once every variable is assigned (TLC then
   * stops branching and just tests the remaining conjuncts, in Next and in Init alike).
   * Compiled on first use.
   */
  private lazyBoolean(n: Node, scope: Scope): Expr {
    let compiled: Expr | undefined
    return (c, f) => (compiled ??= this.comp.expr(n, scope))(c, f)
  }

  private structural(n: Node, scope: Scope): Step {
    const loc = scope.loc(n)
    switch (n.type) {
      case "parentheses":
        return this.step(namedKids(n)[0], scope)
      case "label":
        return this.step(n.childForFieldName("expression")!, scope)
      case "step_expr_or_stutter": {
        // [A]_v is A \/ UNCHANGED v.
        const [a, sub] = namedKids(n)
        const act = this.act(a, scope)
        const stutter = this.keep(this.comp.subscriptVars(sub, scope), loc)
        return { kind: "act", act: (c, f, k) => (act(c, f, k), stutter(c, f, k)) }
      }
      case "step_expr_no_stutter": {
        // <<A>>_v is A /\ v' # v.
        const [a, sub] = namedKids(n).filter((x) => x.type !== "langle_bracket" && x.type !== "rangle_bracket_sub")
        const vars = this.comp.subscriptVars(sub, scope)
        const changed: Expr = (c) => vars.some((v) => !op.equals(c.nxt[v]!, c.cur[v], loc))
        return { kind: "act", act: chain([{ kind: "act", act: this.act(a, scope) }, { kind: "guard", expr: changed, loc }]) }
      }
      case "conj_list":
        return this.conjunction(
          namedKids(n).map((item) => namedKids(item).at(-1)!),
          scope
        )
      case "disj_list":
        return this.disjunction(
          namedKids(n).map((item) => namedKids(item).at(-1)!),
          scope
        )
      case "bound_infix_op": {
        const sym = n.childForFieldName("symbol")!.type
        const lhs = n.childForFieldName("lhs")!
        const rhs = n.childForFieldName("rhs")!
        if (sym === "land") return this.conjunction(flatten(n, "land"), scope)
        if (sym === "lor") return this.disjunction(flatten(n, "lor"), scope)
        if (sym === "implies") {
          const cond = this.comp.expr(lhs, scope)
          const then = this.act(rhs, scope)
          return { kind: "act", act: (c, f, k) => (op.bool(cond(c, f), loc) ? then(c, f, k) : k()) }
        }
        if (sym === "eq" || sym === "in") {
          const v = this.target(lhs, scope)
          if (v !== undefined) {
            return sym === "eq"
              ? { kind: "assign", v, expr: this.comp.expr(rhs, scope), loc }
              : { kind: "member", v, set: this.comp.expr(rhs, scope), loc }
          }
        }
        return this.guard(n, scope)
      }
      case "bound_prefix_op":
        if (n.childForFieldName("symbol")!.type === "unchanged") return this.unchanged(n, scope)
        return this.guard(n, scope)
      case "bounded_quantification": {
        const inner = scope.child()
        const bs = this.comp.bounds(
          n.childrenForFieldName("bound").filter((b) => b.type === "quantifier_bound"),
          inner
        )
        const body = this.act(n.childForFieldName("expression")!, inner)
        if (n.childForFieldName("quantifier")!.type === "forall") return { kind: "act", act: forallAct(bs, body) }
        return {
          kind: "act",
          act: (c, f, k) => {
            forEachBinding(bs, c, f, () => {
              body(c, f, k)
              return true
            })
          }
        }
      }
      case "if_then_else": {
        const cond = this.comp.expr(n.childForFieldName("if")!, scope)
        const th = this.act(n.childForFieldName("then")!, scope)
        const el = this.act(n.childForFieldName("else")!, scope)
        return { kind: "act", act: (c, f, k) => (op.bool(cond(c, f), loc) ? th(c, f, k) : el(c, f, k)) }
      }
      case "case": {
        const arms: { guard: Expr; act: Act }[] = []
        let other: Act | undefined
        for (const arm of namedKids(n)) {
          const parts = namedKids(arm).filter((x) => x.type !== "case_arrow")
          if (arm.type === "case_arm") arms.push({ guard: this.comp.expr(parts[0], scope), act: this.act(parts[1], scope) })
          else if (arm.type === "other_arm") other = this.act(parts[0], scope)
        }
        return {
          kind: "act",
          act: (c, f, k) => {
            for (const arm of arms) if (op.bool(arm.guard(c, f), loc)) return arm.act(c, f, k)
            if (other) return other(c, f, k)
            op.fail(loc, "no CASE arm is true and there is no OTHER")
          }
        }
      }
      case "let_in":
        return { kind: "act", act: this.comp.letIn(n, scope, (body, s) => this.act(body, s), true) }
      case "identifier_ref":
      case "bound_op": {
        const nameNode = n.type === "identifier_ref" ? n : n.childForFieldName("name")!
        const def = this.globalDef(nameNode.text, scope)
        if (!def) return this.guard(n, scope)
        const args = n.type === "identifier_ref" ? [] : n.childrenForFieldName("parameter").filter((c) => c.isNamed)
        return { kind: "act", act: this.callAction(n, def, args, scope) }
      }
      default:
        return this.guard(n, scope)
    }
  }

  private callAction(n: Node, def: OpDef, args: Node[], scope: Scope): Act {
    if (args.length !== def.params.length) {
      this.comp.error(n, scope, `${def.name} expects ${def.params.length} arguments, got ${args.length}`)
    }
    const entry = this.comp.ensureAction(def, scope.mode)
    const argExprs = args.map((a) => this.comp.expr(a, scope))
    const name = def.name
    const arity = def.params.length
    return (c, f, k) => {
      const nf: Frame = new Array(entry.layout.size)
      for (let i = 0; i < argExprs.length; i++) nf[i] = argExprs[i](c, f)
      if (c.actName !== undefined) return entry.act!(c, nf, k)
      // The outermost action taken names the step in traces; its arguments are slots 0..n-1.
      c.actName = name
      c.actFrame = nf
      c.actArity = arity
      try {
        entry.act!(c, nf, k)
      } finally {
        c.actName = undefined
        c.actFrame = undefined
      }
    }
  }

  private conjunction(items: Node[], scope: Scope): Step {
    const steps = items.map((i) => this.step(i, scope))
    return { kind: "act", act: chain(steps) }
  }

  private disjunction(items: Node[], scope: Scope): Step {
    const acts = items.map((i) => this.act(i, scope))
    return {
      kind: "act",
      act: (c, f, k) => {
        for (let i = 0; i < acts.length; i++) acts[i](c, f, k)
      }
    }
  }

  private unchanged(n: Node, scope: Scope): Step {
    return { kind: "act", act: this.keep(this.comp.unchangedVars(n, scope), scope.loc(n)) }
  }

  /** `x' = x` for each variable, as a conjunction (UNCHANGED and the stutter of `[A]_v`). */
  private keep(vars: number[], loc: SourceLoc): Act {
    return chain(vars.map((v) => ({ kind: "assign", v, expr: (c: Ctx) => c.cur[v], loc }) as Step))
  }
}

function flatten(n: Node, sym: string): Node[] {
  const out: Node[] = []
  const walk = (m: Node) => {
    if (m.type === "bound_infix_op" && m.childForFieldName("symbol")!.type === sym) {
      walk(m.childForFieldName("lhs")!)
      walk(m.childForFieldName("rhs")!)
    } else out.push(m)
  }
  walk(n)
  return out
}

/** Turns a single step into an action. */
function toAct(s: Step): Act {
  return s.kind === "act" ? s.act : chain([s])
}

/**
 * Chains conjuncts left to right. Built from the last conjunct backwards so each step calls the
 * rest of the chain directly; guards and assignments need no closure allocation at run time.
 */
function chain(steps: Step[]): Act {
  let rest: Act = (_c, _f, k) => k()
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]
    const next = rest
    switch (s.kind) {
      case "guard": {
        const { expr, loc } = s
        rest = (c, f, k) => {
          if (op.bool(expr(c, f), loc)) next(c, f, k)
        }
        break
      }
      case "assign": {
        const { v, expr, loc } = s
        rest = (c, f, k) => {
          const val = expr(c, f)
          const cur = c.nxt[v]
          if (cur === undefined) {
            c.nxt[v] = val
            c.assigned++
            next(c, f, k)
            c.assigned--
            c.nxt[v] = undefined
          } else if (op.equals(cur, val, loc)) next(c, f, k)
        }
        break
      }
      case "member": {
        const { v, set, loc } = s
        rest = (c, f, k) => {
          const sv = op.set(set(c, f), loc)
          const cur = c.nxt[v]
          if (cur === undefined) {
            c.assigned++
            forEachElem(sv, (x) => {
              c.nxt[v] = x
              next(c, f, k)
              return true
            })
            c.assigned--
            c.nxt[v] = undefined
          } else if (sv.has(cur)) next(c, f, k)
        }
        break
      }
      case "act": {
        const { act, boolean, loc } = s
        const last = i === steps.length - 1
        const run: Act = last ? act : (c, f, k) => act(c, f, () => next(c, f, k))
        if (i === 0 || !boolean) rest = run
        else {
          // Once every variable is assigned, TLC evaluates the remaining conjuncts as plain
          // booleans: a \E or \/ there no longer yields one successor per witness.
          rest = (c, f, k) => {
            if (c.assigned === c.nxt.length) {
              if (op.bool(boolean(c, f), loc!)) next(c, f, k)
            } else run(c, f, k)
          }
        }
        break
      }
    }
  }
  return rest
}

/**
 * `\A x \in S : A` as an action: the conjunction of A for every x, taken in order (TLC's
 * semantics). Bindings are enumerated first; each instance restores its binding when it resumes.
 */
function forallAct(bs: Bound[], body: Act): Act {
  return (c, f, k) => {
    const bindings: Value[][] = []
    const slots = bs.flatMap((b) => b.slots)
    forEachBinding(bs, c, f, () => {
      bindings.push(slots.map((s) => f[s]!))
      return true
    })
    const run = (i: number): void => {
      if (i === bindings.length) return k()
      const saved = slots.map((s) => f[s])
      slots.forEach((s, j) => (f[s] = bindings[i][j]))
      body(c, f, () => run(i + 1))
      slots.forEach((s, j) => (f[s] = saved[j]))
    }
    run(0)
  }
}
