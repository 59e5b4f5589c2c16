/**
 * `[f EXCEPT ![a].b = e, ...]`: nested paths of function applications and record fields, with `@`
 * bound to the old value at the path. A key outside the domain leaves the function unchanged.
 */
import type { Compiler } from "./compiler.js"
import * as op from "./operators.js"
import { namedKids, type Node } from "./parser.js"
import type { Ctx, Expr, Frame, Scope } from "./scope.js"
import { fcnIndex, fcnWithIndex, formatValue, isFcn, Kind, TupleValue, type Value } from "./values.js"

export function except(comp: Compiler, n: Node, scope: Scope): Expr {
  const loc = scope.loc(n)
  const base = comp.expr(n.childForFieldName("expr_to_update")!, scope)
  type PathStep = { field?: string; key?: Expr[] }
  const updates: { path: PathStep[]; value: Expr; atSlot: number }[] = []
  for (const u of namedKids(n).filter((k) => k.type === "except_update")) {
    const spec = namedKids(u).find((k) => k.type === "except_update_specifier")!
    const path: PathStep[] = []
    for (const s of namedKids(spec)) {
      if (s.type === "except_update_record_field") path.push({ field: namedKids(s)[0].text })
      else if (s.type === "except_update_fn_appl") path.push({ key: namedKids(s).map((k) => comp.expr(k, scope)) })
      else comp.error(s, scope, `unsupported EXCEPT path: ${s.type}`)
    }
    const inner = scope.child()
    const atSlot = inner.bind("@")
    updates.push({ path, value: comp.expr(u.childForFieldName("new_val")!, inner), atSlot })
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
