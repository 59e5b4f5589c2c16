/**
 * The operators of the standard modules that are called by name: Cardinality, IsFiniteSet (FiniteSets);
 * Seq, Len, Append, Head, Tail, SubSeq (Sequences); Print, PrintT, Assert, ToString (TLC); Nat, Int.
 * Each is available only when its module is extended, as in TLC.
 */
import type { Compiler } from "./compiler.js"
import * as op from "./operators.js"
import type { Node } from "./parser.js"
import type { Expr, Scope } from "./scope.js"
import { formatValue, InfiniteSet, IntSet, NatSet, seqSet } from "./values.js"

export function stdlibCall(comp: Compiler, n: Node, name: string, args: Node[], scope: Scope): Expr | undefined {
  const loc = scope.loc(n)
  const has = (m: string) => comp.env.stdModules.has(m)
  const a = args.map((x) => comp.expr(x, scope))
  const arity = (k: number) => {
    if (a.length !== k) comp.error(n, scope, `${name} expects ${k} argument(s), got ${a.length}`)
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
      return (c, f) => !(op.set(a[0](c, f), loc) instanceof InfiniteSet)
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

