/**
 * Compiling infix and prefix operators (arithmetic, comparison, sets, logic, sequences' \o, TLC's
 * :> and @@) and CASE.
 */
import type { Compiler } from "./compiler.js"
import * as op from "./operators.js"
import { namedKids, type Node } from "./parser.js"
import type { Expr, Scope } from "./scope.js"
import { domainOf, IntervalSet, PowerSet, type Value } from "./values.js"

export function infix(comp: Compiler, n: Node, scope: Scope): Expr {
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
    const sets = parts.map((p) => comp.expr(p, scope))
    return (c, f) => op.cartesian(sets.map((s) => op.set(s(c, f), loc)))
  }
  const l = comp.expr(lhsNode, scope)
  const r = comp.expr(rhsNode, scope)
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
      if (!comp.env.stdModules.has("Sequences")) comp.error(n, scope, "\\o needs EXTENDS Sequences")
      return (c, f) => op.concat(l(c, f), r(c, f), loc)
    case "map_to":
      if (!comp.env.stdModules.has("TLC")) comp.error(n, scope, ":> needs EXTENDS TLC")
      return (c, f) => op.singleton(l(c, f), r(c, f))
    case "compose":
      if (!comp.env.stdModules.has("TLC")) comp.error(n, scope, "@@ needs EXTENDS TLC")
      return (c, f) => op.merge(op.fcn(l(c, f), loc), op.fcn(r(c, f), loc))
    default:
      return comp.error(n, scope, `unsupported operator ${JSON.stringify(n.childForFieldName("symbol")!.text)}`)
  }
}

export function prefix(comp: Compiler, n: Node, scope: Scope): Expr {
  const loc = scope.loc(n)
  const sym = n.childForFieldName("symbol")!.type
  const rhs = n.childForFieldName("rhs")!
  if (sym === "unchanged") return comp.unchangedExpr(n, scope)
  const r = comp.expr(rhs, scope)
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
      return comp.error(n, scope, `unsupported operator ${JSON.stringify(n.childForFieldName("symbol")!.text)} (temporal and ENABLED operators are not evaluated)`)
  }
}

export function caseExpr(comp: Compiler, n: Node, scope: Scope): Expr {
  const loc = scope.loc(n)
  const arms: { guard: Expr; value: Expr }[] = []
  let other: Expr | undefined
  for (const k of namedKids(n)) {
    if (k.type === "case_arm") {
      const [g, v] = namedKids(k).filter((x) => x.type !== "case_arrow")
      arms.push({ guard: comp.expr(g, scope), value: comp.expr(v, scope) })
    } else if (k.type === "other_arm") {
      const [v] = namedKids(k).filter((x) => x.type !== "case_arrow")
      other = comp.expr(v, scope)
    }
  }
  return (c, f) => {
    for (const arm of arms) if (op.bool(arm.guard(c, f), loc)) return arm.value(c, f)
    if (other) return other(c, f)
    return op.fail(loc, "no CASE arm is true and there is no OTHER")
  }
}

