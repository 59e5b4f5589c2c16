/**
 * TLA+ values as tla-check represents them.
 *
 * Representation is canonical so that structural equality, ordering and hashing agree with TLA+
 * equality: a function whose domain is `1..n` is always a {@link TupleValue} (so `<<1, 0>>` and
 * `[i \in 1..2 |-> ...]` are the same value), every other function is a {@link FcnValue} with keys
 * sorted by {@link compare} (so a record equals a function over the same strings), and an enumerated
 * set keeps its elements sorted and unique. Values are immutable; composite values cache their hash.
 *
 * Primitive values are JS primitives: integers are `number`, booleans `boolean`, strings `string`.
 */
import { EvalError } from "./errors.js"

/** Discriminates composite values without `instanceof` chains on the hot path. */
export const enum Kind {
  Model = 3,
  Tuple = 4,
  Fcn = 5,
  Set = 6
}

/** Any TLA+ value. */
export type Value = number | boolean | string | ModelValue | TupleValue | FcnValue | SetLike

/** A TLC model value: equal only to itself. Interned by name, so `===` is equality. */
export class ModelValue {
  declare readonly kind: Kind.Model
  /** Fingerprint lanes, computed once by fingerprint.ts. */
  declare h1: number
  declare h2: number
  declare hashed: boolean
  private static readonly interned = new Map<string, ModelValue>()
  private constructor(readonly name: string) {
    this.kind = Kind.Model
    this.h1 = 0
    this.h2 = 0
    this.hashed = false
  }
  static of(name: string): ModelValue {
    let mv = ModelValue.interned.get(name)
    if (!mv) {
      mv = new ModelValue(name)
      ModelValue.interned.set(name, mv)
    }
    return mv
  }
}

/*
 * Hot value classes do not extend a base class. tsx (esbuild keepNames) redefines each class's
 * `name`, and V8 then constructs a *derived* class on a slow path: measured 5x slower checking
 * overall. Each class declares its fields (`declare`, assigned in the constructor: field
 * initialisers cost a call per allocation), including the cached 64-bit hash as two 32-bit lanes.
 */

/** A function with domain `1..n` (tuples, sequences, and any such function). */
export class TupleValue {
  declare readonly kind: Kind.Tuple
  declare readonly items: Value[]
  declare h1: number
  declare h2: number
  declare hashed: boolean
  constructor(items: Value[]) {
    this.kind = Kind.Tuple
    this.items = items
    this.h1 = 0
    this.h2 = 0
    this.hashed = false
  }
}

/** A function whose domain is not of the form `1..n`; keys sorted by {@link compare}, never empty. */
export class FcnValue {
  declare readonly kind: Kind.Fcn
  declare readonly keys: Value[]
  declare readonly vals: Value[]
  declare h1: number
  declare h2: number
  declare hashed: boolean
  constructor(keys: Value[], vals: Value[]) {
    this.kind = Kind.Fcn
    this.keys = keys
    this.vals = vals
    this.h1 = 0
    this.h2 = 0
    this.hashed = false
  }
}

/**
 * A set. Enumerated sets are {@link SetValue}; intervals, unions, SUBSET, `[S -> T]`, record sets,
 * `Seq(S)` and the infinite standard sets are lazy so that membership tests (TypeOK) never
 * enumerate them.
 */
export interface SetLike {
  readonly kind: Kind.Set
  h1: number
  h2: number
  hashed: boolean
  /** Membership test without enumerating when possible. */
  has(v: Value): boolean
  /** The elements, sorted by {@link compare} and unique; computed once. */
  elems(): Value[]
  /** Number of elements. */
  size(): number
}

/** Base of the lazy sets that are rarely built on the hot path (see the note above). */
abstract class LazySet implements SetLike {
  declare readonly kind: Kind.Set
  declare h1: number
  declare h2: number
  declare hashed: boolean
  private declare cached: Value[] | undefined
  constructor() {
    this.kind = Kind.Set
    this.h1 = 0
    this.h2 = 0
    this.hashed = false
    this.cached = undefined
  }
  abstract has(v: Value): boolean
  /** Enumerates the elements, sorted and unique. */
  protected abstract enumerate(): Value[]
  size(): number {
    return this.elems().length
  }
  elems(): Value[] {
    if (this.cached === undefined) this.cached = this.enumerate()
    return this.cached
  }
}

/** A finite set given by its sorted, unique elements. */
export class SetValue implements SetLike {
  declare readonly kind: Kind.Set
  declare h1: number
  declare h2: number
  declare hashed: boolean
  private declare readonly sorted: Value[]
  constructor(sorted: Value[]) {
    this.kind = Kind.Set
    this.h1 = 0
    this.h2 = 0
    this.hashed = false
    this.sorted = sorted
  }
  elems(): Value[] {
    return this.sorted
  }
  size(): number {
    return this.sorted.length
  }
  has(v: Value): boolean {
    const a = this.sorted
    let lo = 0
    let hi = a.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const c = compare(a[mid], v)
      if (c === 0) return true
      if (c < 0) lo = mid + 1
      else hi = mid - 1
    }
    return false
  }
}

/** `lo..hi`. */
export class IntervalSet implements SetLike {
  declare readonly kind: Kind.Set
  declare h1: number
  declare h2: number
  declare hashed: boolean
  declare readonly lo: number
  declare readonly hi: number
  private declare cached: Value[] | undefined
  constructor(lo: number, hi: number) {
    this.kind = Kind.Set
    this.h1 = 0
    this.h2 = 0
    this.hashed = false
    this.lo = lo
    this.hi = hi
    this.cached = undefined
  }
  has(v: Value): boolean {
    return typeof v === "number" && v >= this.lo && v <= this.hi
  }
  size(): number {
    return this.hi >= this.lo ? this.hi - this.lo + 1 : 0
  }
  elems(): Value[] {
    if (this.cached === undefined) {
      const out: Value[] = []
      for (let i = this.lo; i <= this.hi; i++) out.push(i)
      this.cached = out
    }
    return this.cached
  }
}

/** `SUBSET base`. */
export class PowerSet extends LazySet {
  constructor(readonly base: SetLike) {
    super()
  }
  has(v: Value): boolean {
    if (!isSet(v)) return false
    for (const e of v.elems()) if (!this.base.has(e)) return false
    return true
  }
  override size(): number {
    return 2 ** this.base.size()
  }
  protected enumerate(): Value[] {
    const base = this.base.elems()
    if (base.length > 24) throw new EvalError(`SUBSET of a set with ${base.length} elements is too large to enumerate`)
    const out: Value[] = []
    const n = base.length
    for (let mask = 0; mask < 1 << n; mask++) {
      const sub: Value[] = []
      for (let i = 0; i < n; i++) if (mask & (1 << i)) sub.push(base[i])
      out.push(new SetValue(sub))
    }
    return sortUnique(out)
  }
}

/** `[dom -> rng]`. */
export class FcnSet extends LazySet {
  constructor(
    readonly dom: SetLike,
    readonly rng: SetLike
  ) {
    super()
  }
  has(v: Value): boolean {
    if (typeof v !== "object" || (v.kind !== Kind.Tuple && v.kind !== Kind.Fcn)) return false
    let vals: Value[]
    if (v.kind === Kind.Tuple) {
      vals = (v as TupleValue).items
      // The domain must be exactly 1..n.
      if (this.dom.size() !== vals.length) return false
      for (let i = 1; i <= vals.length; i++) if (!this.dom.has(i)) return false
    } else {
      const keys = (v as FcnValue).keys
      const dom = this.dom.elems()
      if (keys !== dom) {
        if (keys.length !== dom.length) return false
        for (let i = 0; i < keys.length; i++) if (compare(keys[i], dom[i]) !== 0) return false
      }
      vals = (v as FcnValue).vals
    }
    for (let i = 0; i < vals.length; i++) if (!this.rng.has(vals[i])) return false
    return true
  }
  override size(): number {
    return this.rng.size() ** this.dom.size()
  }
  protected enumerate(): Value[] {
    const keys = this.dom.elems()
    const rng = this.rng.elems()
    const total = rng.length ** keys.length
    if (total > 5_000_000) throw new EvalError(`[S -> T] with ${total} functions is too large to enumerate`)
    const out: Value[] = []
    const idx = new Array<number>(keys.length).fill(0)
    if (keys.length > 0 && rng.length === 0) return []
    for (;;) {
      out.push(makeFcn(keys, idx.map((i) => rng[i])))
      let p = keys.length - 1
      while (p >= 0 && ++idx[p] === rng.length) idx[p--] = 0
      if (p < 0) break
    }
    return sortUnique(out)
  }
}

/** `[f1 : S1, ..., fn : Sn]`; fields sorted. */
export class RecordSet extends LazySet {
  constructor(
    readonly fields: string[],
    readonly sets: SetLike[]
  ) {
    super()
  }
  has(v: Value): boolean {
    if (typeof v !== "object" || v.kind !== Kind.Fcn) return false
    const f = v as FcnValue
    if (f.keys.length !== this.fields.length) return false
    for (let i = 0; i < this.fields.length; i++) {
      if (f.keys[i] !== this.fields[i] || !this.sets[i].has(f.vals[i])) return false
    }
    return true
  }
  protected enumerate(): Value[] {
    const sets = this.sets.map((s) => s.elems())
    const out: Value[] = []
    const idx = new Array<number>(sets.length).fill(0)
    if (sets.some((s) => s.length === 0)) return []
    for (;;) {
      out.push(new FcnValue(this.fields, idx.map((i, j) => sets[j][i])))
      let p = sets.length - 1
      while (p >= 0 && ++idx[p] === sets[p].length) idx[p--] = 0
      if (p < 0) break
    }
    return sortUnique(out)
  }
}

/** `S \cup T`, kept lazy so that a membership test (common in TypeOK) never enumerates. */
export class UnionSet implements SetLike {
  declare readonly kind: Kind.Set
  declare h1: number
  declare h2: number
  declare hashed: boolean
  declare readonly a: SetLike
  declare readonly b: SetLike
  private declare cached: Value[] | undefined
  constructor(a: SetLike, b: SetLike) {
    this.kind = Kind.Set
    this.h1 = 0
    this.h2 = 0
    this.hashed = false
    this.a = a
    this.b = b
    this.cached = undefined
  }
  has(v: Value): boolean {
    return this.a.has(v) || this.b.has(v)
  }
  size(): number {
    return this.elems().length
  }
  elems(): Value[] {
    if (this.cached === undefined) this.cached = sortUnique(this.a.elems().concat(this.b.elems()))
    return this.cached
  }
}

/** An infinite set that supports membership only (`Nat`, `Int`, `STRING`, `Seq(S)`). */
export class InfiniteSet extends LazySet {
  constructor(
    readonly label: string,
    private readonly test: (v: Value) => boolean
  ) {
    super()
  }
  has(v: Value): boolean {
    return this.test(v)
  }
  protected enumerate(): Value[] {
    throw new EvalError(`cannot enumerate the infinite set ${this.label}`)
  }
}

/** `Seq(S)`: all finite sequences over S (membership only). */
export function seqSet(base: SetLike): InfiniteSet {
  return new InfiniteSet("Seq(S)", (v) => {
    if (typeof v !== "object" || v.kind !== Kind.Tuple) return false
    for (const x of (v as TupleValue).items) if (!base.has(x)) return false
    return true
  })
}

export const NatSet = new InfiniteSet("Nat", (v) => typeof v === "number" && v >= 0)
export const IntSet = new InfiniteSet("Int", (v) => typeof v === "number")
export const StringSet = new InfiniteSet("STRING", (v) => typeof v === "string")
export const EmptySet = new SetValue([])
export const EmptyTuple = new TupleValue([])
export const BooleanSet = new SetValue([false, true])

/** True when `v` is a set (enumerated or lazy). */
export function isSet(v: Value): v is SetLike {
  return typeof v === "object" && v.kind === Kind.Set
}

/** True when `v` is a function (tuple, record or general function). */
export function isFcn(v: Value): v is TupleValue | FcnValue {
  return typeof v === "object" && (v.kind === Kind.Tuple || v.kind === Kind.Fcn)
}

function rank(v: Value): number {
  switch (typeof v) {
    case "boolean":
      return 0
    case "number":
      return 1
    case "string":
      return 2
    default:
      return v.kind
  }
}

/** A total order on values, used to keep sets and function domains canonical. */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  switch (ra) {
    case 0:
      return (a ? 1 : 0) - (b ? 1 : 0)
    case 1:
      return (a as number) - (b as number)
    case 2:
      return (a as string) < (b as string) ? -1 : 1
    case Kind.Model:
      return (a as ModelValue).name < (b as ModelValue).name ? -1 : (a as ModelValue).name > (b as ModelValue).name ? 1 : 0
    case Kind.Tuple:
      return compareArrays((a as TupleValue).items, (b as TupleValue).items)
    case Kind.Fcn: {
      const fa = a as FcnValue
      const fb = b as FcnValue
      return compareArrays(fa.keys, fb.keys) || compareArrays(fa.vals, fb.vals)
    }
    default:
      return compareArrays((a as SetLike).elems(), (b as SetLike).elems())
  }
}

function compareArrays(a: Value[], b: Value[]): number {
  if (a === b) return 0
  if (a.length !== b.length) return a.length - b.length
  for (let i = 0; i < a.length; i++) {
    const c = compare(a[i], b[i])
    if (c !== 0) return c
  }
  return 0
}

/** TLA+ equality (structural on the canonical representation). */
export function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object") return false
  if (a.kind !== b.kind) return false
  if (a.kind === Kind.Model) return false
  const ha = a as TupleValue | FcnValue | SetLike
  const hb = b as TupleValue | FcnValue | SetLike
  if (ha.hashed && hb.hashed && (ha.h1 !== hb.h1 || ha.h2 !== hb.h2)) return false
  return compare(a, b) === 0
}

/** Sorts and removes duplicates in place; returns the array. */
export function sortUnique(a: Value[]): Value[] {
  if (a.length < 2) return a
  let allInts = true
  for (const x of a) if (typeof x !== "number") allInts = false
  if (allInts) (a as number[]).sort((x, y) => x - y)
  else a.sort(compare)
  let w = 1
  for (let i = 1; i < a.length; i++) {
    if (compare(a[i], a[w - 1]) !== 0) a[w++] = a[i]
  }
  a.length = w
  return a
}

/** Builds a set from arbitrary elements. */
export function makeSet(elems: Value[]): SetValue {
  return new SetValue(sortUnique(elems))
}

/**
 * Builds a function from keys sorted by {@link compare} (unique) and their values; yields a
 * tuple when the keys are exactly `1..n` (including the empty function).
 */
export function makeFcn(sortedKeys: Value[], vals: Value[]): TupleValue | FcnValue {
  let isTuple = true
  for (let i = 0; i < sortedKeys.length; i++) {
    if (sortedKeys[i] !== i + 1) {
      isTuple = false
      break
    }
  }
  return isTuple ? new TupleValue(vals) : new FcnValue(sortedKeys, vals)
}

/** `DOMAIN f`. */
export function domainOf(f: TupleValue | FcnValue): SetLike {
  return f.kind === Kind.Tuple ? new IntervalSet(1, f.items.length) : new SetValue(f.keys)
}

/** Index of `key` in the function's domain, or -1. */
export function fcnIndex(f: TupleValue | FcnValue, key: Value): number {
  if (f.kind === Kind.Tuple) {
    return typeof key === "number" && key >= 1 && key <= f.items.length && Number.isInteger(key) ? key - 1 : -1
  }
  const keys = f.keys
  // Strings and (interned) model values are equal exactly when identical: a short linear scan
  // beats a binary search through compare().
  if (keys.length <= 16 && (typeof key === "string" || (typeof key === "object" && key.kind === Kind.Model))) {
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return i
    return -1
  }
  let lo = 0
  let hi = keys.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const c = compare(keys[mid], key)
    if (c === 0) return mid
    if (c < 0) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

/** The values of a function in domain order. */
export function fcnValues(f: TupleValue | FcnValue): Value[] {
  return f.kind === Kind.Tuple ? f.items : f.vals
}

/** The domain of a function as an array in canonical order. */
export function fcnKeys(f: TupleValue | FcnValue): Value[] {
  if (f.kind === Kind.Fcn) return f.keys
  const out: Value[] = []
  for (let i = 1; i <= f.items.length; i++) out.push(i)
  return out
}

/** A copy of `f` with the value at domain index `i` replaced. */
export function fcnWithIndex(f: TupleValue | FcnValue, i: number, v: Value): TupleValue | FcnValue {
  if (f.kind === Kind.Tuple) {
    const items = f.items.slice()
    items[i] = v
    return new TupleValue(items)
  }
  const vals = f.vals.slice()
  vals[i] = v
  return new FcnValue(f.keys, vals)
}

/** True when every key is a string: the function prints as a record. */
export function isRecord(f: FcnValue): boolean {
  for (const k of f.keys) if (typeof k !== "string") return false
  return true
}

/** Renders a value the way TLC prints it in traces. */
export function formatValue(v: Value): string {
  switch (typeof v) {
    case "number":
      return String(v)
    case "boolean":
      return v ? "TRUE" : "FALSE"
    case "string":
      return JSON.stringify(v)
  }
  switch (v.kind) {
    case Kind.Model:
      return (v as ModelValue).name
    case Kind.Tuple:
      return `<<${(v as TupleValue).items.map(formatValue).join(", ")}>>`
    case Kind.Fcn: {
      const f = v as FcnValue
      if (isRecord(f)) return `[${f.keys.map((k, i) => `${k as string} |-> ${formatValue(f.vals[i])}`).join(", ")}]`
      return `(${f.keys.map((k, i) => `${formatValue(k)} :> ${formatValue(f.vals[i])}`).join(" @@ ")})`
    }
    default: {
      const s = v as SetLike
      if (s instanceof InfiniteSet) return s.label
      return `{${s.elems().map(formatValue).join(", ")}}`
    }
  }
}

/** A short description of a value's kind for error messages. */
export function describeKind(v: Value): string {
  switch (typeof v) {
    case "number":
      return "an integer"
    case "boolean":
      return "a boolean"
    case "string":
      return "a string"
  }
  switch (v.kind) {
    case Kind.Model:
      return "a model value"
    case Kind.Tuple:
      return "a sequence"
    case Kind.Fcn:
      return "a function"
    default:
      return "a set"
  }
}
