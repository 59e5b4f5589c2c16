/**
 * Compile-time scopes and the runtime shapes compiled code runs on.
 *
 * Each top-level operator body is compiled once per mode into closures over a flat frame
 * (`Value[]`): parameters, bound variables, and LET definitions each get a slot index at compile
 * time, so evaluation never looks a name up.
 */
import type { Node } from "./parser.js"
import type { SourceLoc } from "./errors.js"
import type { Value } from "./values.js"

/**
 * Evaluation context. `cur` is the state being explored. `nxt` holds the variables an action (or,
 * in init mode, the initial predicate) has assigned so far; `undefined` means not yet assigned.
 */
export interface Ctx {
  cur: Value[]
  nxt: (Value | undefined)[]
  /** How many entries of `nxt` are assigned. */
  assigned: number
  /** The outermost action definition being taken (names trace steps), and its frame (its arguments). */
  actName?: string
  actFrame?: Frame
  actArity?: number
}

/** A frame of local slots. */
export type Frame = (Value | undefined)[]

/** A compiled expression. */
export type Expr = (c: Ctx, f: Frame) => Value

/** A compiled action: calls `k` once per way the action can be satisfied, with `c.nxt` assigned. */
export type Act = (c: Ctx, f: Frame, k: () => void) => void

/**
 * `state`: unprimed variables read the current state and `x'` reads the assigned successor value.
 * `init`: compiling the initial predicate; unprimed variables are the ones being assigned.
 */
export type Mode = "state" | "init"

/** The frame layout of one compiled operator body. */
export class Layout {
  size = 0
  alloc(): number {
    return this.size++
  }
}

/** What a local name refers to. */
export type Local =
  | { readonly kind: "slot"; readonly slot: number }
  | { readonly kind: "let0"; readonly slot: number; readonly body: Expr; readonly node: Node }
  | { readonly kind: "letop"; readonly paramSlots: number[]; body: Expr | undefined; readonly node: Node }

/** A lexical scope inside one operator body. */
export class Scope {
  private readonly names = new Map<string, Local>()
  constructor(
    readonly file: string,
    readonly mode: Mode,
    readonly layout: Layout,
    readonly parent?: Scope
  ) {}

  /** A nested scope sharing the frame layout. */
  child(): Scope {
    return new Scope(this.file, this.mode, this.layout, this)
  }

  /** Declares a bound variable and returns its slot. */
  bind(name: string): number {
    const slot = this.layout.alloc()
    this.names.set(name, { kind: "slot", slot })
    return slot
  }

  /** Declares a local of any kind. */
  declare(name: string, local: Local): void {
    this.names.set(name, local)
  }

  lookup(name: string): Local | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const l = s.names.get(name)
      if (l) return l
    }
    return undefined
  }

  /** Location of a node in this scope's file (1-based). */
  loc(n: Node): SourceLoc {
    return { file: this.file, line: n.startPosition.row + 1, column: n.startPosition.column + 1 }
  }
}
