/**
 * Compiling the binding constructs: quantifier bounds, \A / \E, CHOOSE, set map and filter, and
 * function constructors. Bound names get frame slots; iteration over intervals never materialises
 * them.
 */
import type { Compiler } from "./compiler.js"
import type { SourceLoc } from "./errors.js"
import * as op from "./operators.js"
import { namedKids, type Node } from "./parser.js"
import type { Ctx, Expr, Frame, Scope } from "./scope.js"
import { compare, IntervalSet, Kind, makeFcn, makeSet, SetValue, TupleValue, formatValue, type SetLike, type Value } from "./values.js"

/** A bound-variable pattern with its set: `x \in S` or `<<a, b>> \in S`. */
export interface Bound {
  readonly slots: number[]
  /** True for a tuple pattern `<<a, b>>`. */
  readonly tuple: boolean
  readonly set: Expr
  readonly loc: SourceLoc
}

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

/** Compiles the `quantifier_bound` nodes, declaring their names in `scope`. */
export function bounds(comp: Compiler, nodes: Node[], scope: Scope): Bound[] {
  const out: Bound[] = []
  for (const b of nodes) {
    const intros = b.childrenForFieldName("intro").filter((x) => x.isNamed)
    const setNode = b.childForFieldName("set")!
    // The set is evaluated outside the scope of the names being bound.
    const set = comp.expr(setNode, scope)
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

export function quantifier(comp: Compiler, n: Node, scope: Scope): Expr {
  const loc = scope.loc(n)
  const isForall = n.childForFieldName("quantifier")!.type === "forall"
  const inner = scope.child()
  const bs = bounds(comp, 
    n.childrenForFieldName("bound").filter((b) => b.type === "quantifier_bound"),
    inner
  )
  const body = comp.expr(n.childForFieldName("expression")!, inner)
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

export function choose(comp: Compiler, n: Node, scope: Scope): Expr {
  const loc = scope.loc(n)
  const setNode = n.childForFieldName("set")
  if (!setNode) return comp.error(n, scope, "unbounded CHOOSE cannot be evaluated; use CHOOSE x \\in S : P")
  const set = comp.expr(setNode, scope)
  const inner = scope.child()
  const intro = n.childForFieldName("intro")!
  if (intro.type !== "identifier") return comp.error(intro, scope, "CHOOSE over a tuple pattern is not supported")
  const slot = inner.bind(intro.text)
  const body = comp.expr(n.childForFieldName("expression")!, inner)
  let warned = false
  return (c, f) => {
    const s = op.set(set(c, f), loc)
    let found: Value | undefined
    // CHOOSE picks the first satisfying element in tla-check's canonical order. TLC agrees on
    // integers but orders strings and model values by first appearance in the spec, so when
    // several of those satisfy the predicate TLC may pick another one: warn once per CHOOSE.
    let others = 0
    forEachElem(s, (v) => {
      f[slot] = v
      if (!op.bool(body(c, f), loc)) return true
      if (found === undefined) found = v
      else others++
      return !warned && typeof v !== "number" && others === 0
    })
    if (found === undefined) op.fail(loc, "CHOOSE found no element satisfying the predicate")
    if (others > 0 && !warned) {
      warned = true
      comp.warn(
        `${loc.file}:${loc.line}:${loc.column}: CHOOSE has several witnesses that are strings or model values; ` +
          "tla-check picks the first by name, TLC the first by appearance in the spec, so results can differ from TLC"
      )
    }
    return found
  }
}

export function setMap(comp: Compiler, n: Node, scope: Scope): Expr {
  const inner = scope.child()
  const bs = bounds(comp, n.childrenForFieldName("generator").filter((g) => g.type === "quantifier_bound"), inner)
  const map = comp.expr(n.childForFieldName("map")!, inner)
  return (c, f) => {
    const out: Value[] = []
    forEachBinding(bs, c, f, () => {
      out.push(map(c, f))
      return true
    })
    return makeSet(out)
  }
}

export function setFilter(comp: Compiler, n: Node, scope: Scope): Expr {
  const loc = scope.loc(n)
  const inner = scope.child()
  const [b] = bounds(comp, [n.childForFieldName("generator")!], inner)
  const pred = comp.expr(n.childForFieldName("filter")!, inner)
  const one = [b]
  return (c, f) => {
    const out: Value[] = []
    if (!b.tuple) {
      const slot = b.slots[0]
      forEachElem(op.set(b.set(c, f), loc), (v) => {
        f[slot] = v
        if (op.bool(pred(c, f), loc)) out.push(v)
        return true
      })
    } else {
      forEachBinding(one, c, f, () => {
        if (op.bool(pred(c, f), loc)) out.push(new TupleValue(b.slots.map((x) => f[x]!)))
        return true
      })
    }
    // Elements come out in the set's canonical order, so the result is already sorted.
    return new SetValue(out)
  }
}

/** `[x \in S, y \in T |-> e]` (also the body of `f[x \in S] == e`). */
export function functionConstructor(comp: Compiler, boundNodes: Node[], bodyNode: Node, scope: Scope): Expr {
  const inner = scope.child()
  const bs = bounds(comp, boundNodes, inner)
  const body = comp.expr(bodyNode, inner)
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

