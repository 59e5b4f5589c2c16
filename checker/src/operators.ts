/**
 * The standard operators on values (Naturals/Integers, sets, functions, Sequences, FiniteSets, TLC),
 * with TLC's semantics and errors. Every function takes the source location of the construct so a
 * failure names the line and column in the spec.
 */
import { EvalError, type SourceLoc } from "./errors.js"
import {
  describeKind,
  EmptyTuple,
  fcnIndex,
  fcnKeys,
  fcnValues,
  formatValue,
  IntervalSet,
  isFcn,
  isSet,
  Kind,
  makeFcn,
  makeSet,
  SetValue,
  sortUnique,
  TupleValue,
  UnionSet,
  valueEquals,
  type FcnValue,
  type SetLike,
  type Value
} from "./values.js"

/** Raises an evaluation error at `loc`. */
export function fail(loc: SourceLoc, msg: string): never {
  throw new EvalError(msg, loc)
}

/** The value as an integer, or an error. */
export function int(v: Value, loc: SourceLoc): number {
  if (typeof v !== "number") fail(loc, `expected an integer but got ${describeKind(v)}: ${formatValue(v)}`)
  return v
}

/** The value as a boolean, or an error. */
export function bool(v: Value, loc: SourceLoc): boolean {
  if (typeof v !== "boolean") fail(loc, `expected a boolean but got ${describeKind(v)}: ${formatValue(v)}`)
  return v
}

/** The value as a set, or an error. */
export function set(v: Value, loc: SourceLoc): SetLike {
  if (!isSet(v)) fail(loc, `expected a set but got ${describeKind(v)}: ${formatValue(v)}`)
  return v
}

/** The value as a function (tuple, record or function), or an error. */
export function fcn(v: Value, loc: SourceLoc): TupleValue | FcnValue {
  if (!isFcn(v)) fail(loc, `expected a function but got ${describeKind(v)}: ${formatValue(v)}`)
  return v
}

/** The value as a sequence, or an error. */
export function seq(v: Value, loc: SourceLoc): TupleValue {
  if (typeof v !== "object" || v.kind !== Kind.Tuple) fail(loc, `expected a sequence but got ${describeKind(v)}: ${formatValue(v)}`)
  return v as TupleValue
}

function kindClass(v: Value): number {
  switch (typeof v) {
    case "number":
      return 1
    case "boolean":
      return 0
    case "string":
      return 2
  }
  return v.kind === Kind.Fcn ? Kind.Tuple : v.kind
}

/**
 * `a = b` as TLC evaluates it: a model value is unequal to anything else; comparing values of
 * different kinds otherwise is an error (TLC rejects it too).
 */
export function equals(a: Value, b: Value, loc: SourceLoc): boolean {
  if (a === b) return true
  const ka = kindClass(a)
  const kb = kindClass(b)
  if (ka !== kb) {
    if (ka === Kind.Model || kb === Kind.Model) return false
    fail(loc, `cannot compare ${describeKind(a)} ${formatValue(a)} with ${describeKind(b)} ${formatValue(b)}`)
  }
  return valueEquals(a, b)
}

/** `f[x]`. */
export function apply(fv: Value, arg: Value, loc: SourceLoc): Value {
  const f = fcn(fv, loc)
  const i = fcnIndex(f, arg)
  if (i < 0) fail(loc, `${formatValue(arg)} is not in the domain of ${formatValue(fv)}`)
  return f.kind === Kind.Tuple ? f.items[i] : f.vals[i]
}

/** `r.field`. */
export function field(rv: Value, name: string, loc: SourceLoc): Value {
  const f = fcn(rv, loc)
  const i = fcnIndex(f, name)
  if (i < 0) fail(loc, `the record ${formatValue(rv)} has no field ${name}`)
  return f.kind === Kind.Tuple ? f.items[i] : f.vals[i]
}

/** `a \div b`: rounds toward minus infinity. */
export function div(a: number, b: number, loc: SourceLoc): number {
  if (b === 0) fail(loc, "division by zero")
  return Math.floor(a / b)
}

/** `a % b`: in 0..b-1 for b > 0, as TLC. */
export function mod(a: number, b: number, loc: SourceLoc): number {
  if (b <= 0) fail(loc, `the modulus must be positive, got ${b}`)
  const r = a % b
  return r < 0 ? r + b : r
}

/** `a ^ b`. */
export function pow(a: number, b: number, loc: SourceLoc): number {
  if (b < 0) fail(loc, "negative exponent")
  return a ** b
}

/** Checks that an integer result is exact in a JS number. */
export function checked(n: number, loc: SourceLoc): number {
  if (!Number.isSafeInteger(n)) fail(loc, `integer overflow (${n})`)
  return n
}

/** `S \cup T`. */
export function union(a: SetLike, b: SetLike): SetLike {
  // Lazy unless both sides are already enumerated: `x \in S \cup T` then never enumerates S or T.
  if (!(a instanceof SetValue) || !(b instanceof SetValue)) return new UnionSet(a, b)
  const ea = a.elems()
  const eb = b.elems()
  if (ea.length === 0) return b
  if (eb.length === 0) return a
  return makeSet(ea.concat(eb))
}

/** `S \cap T`. */
export function intersect(a: SetLike, b: SetLike): SetLike {
  return new SetValue(a.elems().filter((x) => b.has(x)))
}

/** `S \ T`. */
export function minus(a: SetLike, b: SetLike): SetLike {
  return new SetValue(a.elems().filter((x) => !b.has(x)))
}

/** `S \subseteq T`. */
export function subseteq(a: SetLike, b: SetLike): boolean {
  if (a instanceof IntervalSet && b instanceof IntervalSet) return a.size() === 0 || (a.lo >= b.lo && a.hi <= b.hi)
  for (const x of a.elems()) if (!b.has(x)) return false
  return true
}

/** `UNION S`. */
export function bigUnion(s: SetLike, loc: SourceLoc): SetLike {
  const out: Value[] = []
  for (const x of s.elems()) for (const y of set(x, loc).elems()) out.push(y)
  return makeSet(out)
}

/** `S \X T \X ...`. */
export function cartesian(sets: SetLike[]): SetLike {
  let acc: Value[][] = [[]]
  for (const s of sets) {
    const next: Value[][] = []
    for (const prefix of acc) for (const x of s.elems()) next.push([...prefix, x])
    acc = next
  }
  return makeSet(acc.map((t) => new TupleValue(t)))
}

/** `s \o t` (also concatenates strings, as TLC does). */
export function concat(a: Value, b: Value, loc: SourceLoc): Value {
  if (typeof a === "string" && typeof b === "string") return a + b
  const sa = seq(a, loc)
  const sb = seq(b, loc)
  if (sa.items.length === 0) return sb
  if (sb.items.length === 0) return sa
  return new TupleValue(sa.items.concat(sb.items))
}

/** `SubSeq(s, m, n)`. */
export function subSeq(s: TupleValue, m: number, n: number, loc: SourceLoc): TupleValue {
  if (m > n) return EmptyTuple
  if (m < 1 || n > s.items.length) fail(loc, `SubSeq(s, ${m}, ${n}) is out of range for a sequence of length ${s.items.length}`)
  return new TupleValue(s.items.slice(m - 1, n))
}

/** `Head(s)`. */
export function head(s: TupleValue, loc: SourceLoc): Value {
  if (s.items.length === 0) fail(loc, "Head of the empty sequence")
  return s.items[0]
}

/** `Tail(s)`. */
export function tail(s: TupleValue, loc: SourceLoc): TupleValue {
  if (s.items.length === 0) fail(loc, "Tail of the empty sequence")
  return new TupleValue(s.items.slice(1))
}

/** `Append(s, e)`. */
export function append(s: TupleValue, e: Value): TupleValue {
  const items = s.items.slice()
  items.push(e)
  return new TupleValue(items)
}

/** `a :> b`. */
export function singleton(k: Value, v: Value): Value {
  return makeFcn([k], [v])
}

/** `f @@ g`: f's values win where the domains overlap. */
export function merge(f: TupleValue | FcnValue, g: TupleValue | FcnValue): Value {
  const keys = fcnKeys(f).slice()
  const vals = fcnValues(f).slice()
  const gk = fcnKeys(g)
  const gv = fcnValues(g)
  for (let i = 0; i < gk.length; i++) {
    if (fcnIndex(f, gk[i]) < 0) {
      keys.push(gk[i])
      vals.push(gv[i])
    }
  }
  const order = keys.map((_, i) => i)
  const sortedKeys = sortUnique(keys.slice())
  order.sort((i, j) => sortedKeys.indexOf(keys[i]) - sortedKeys.indexOf(keys[j]))
  return makeFcn(
    order.map((i) => keys[i]),
    order.map((i) => vals[i])
  )
}
