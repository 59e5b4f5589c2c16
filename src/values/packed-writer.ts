/**
 * Writes the packed stored form (layout in `packed-format.ts`) while validating the value, in ONE
 * walk: nothing is stringified or copied first, and the walk stops as soon as the form is certain
 * to exceed the size limit, so a huge or bad value costs at most one partial walk.
 *
 * What is accepted and what is rejected is decided in `serialize.ts`'s module doc; this file only
 * enforces it. The JSON path of an error (`$.a[3].b`) is built only when an error is reported.
 */
import { FLAG_ASCII_POOL, T_ARRAY, T_FALSE, T_FLOAT, T_INT, T_JSON_STRING, T_NULL, T_OBJECT, T_STRING, T_TRUE } from "./packed-format.js"

/** Thrown inside the walk to unwind quickly; `serialize.ts` converts it to the public error. */
export class WalkAbort {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly tooLarge: boolean,
  ) {}
}

const encoder = new TextEncoder()

/**
 * Deepest nesting of arrays / objects accepted. The reader is recursive (that is what makes it
 * fast), so the writer must not accept a value the reader cannot rebuild on a smaller stack
 * (a worker thread, a get issued from deep in the caller's own recursion). Measured on the
 * default stack: both overflow near 3,400 levels; 1,000 leaves room, and no agent state nests
 * anywhere near it.
 */
export const MAX_NESTING = 1000
const INT32_MIN = -0x80000000
const INT32_MAX = 0x7fffffff

/** The walk's output, growing by doubling; plus the string pool and the shape table being built. */
export class PackedWriter {
  private body = new Uint8Array(256)
  private length = 0
  /** String values in walk order (their text goes to the pool after the shapes'). */
  private pool = ""
  private readonly shapeIds = new Map<string, number>()
  private readonly shapes: string[] = []
  /** Lower bound of the finished form's size: body + pool (≥ 1 byte per UTF-16 unit) + tag. */
  private floor = 2
  private readonly ancestors: object[] = []
  private readonly steps: (string | number)[] = []
  private readonly floatView = new DataView(new ArrayBuffer(8))

  constructor(private readonly limit: number) {}

  write(value: unknown): void {
    switch (typeof value) {
      case "string":
        this.writeString(value)
        return
      case "number":
        if (!Number.isFinite(value)) this.fail(`${value} is not a finite number (JSON cannot hold it)`)
        this.writeNumber(value)
        return
      case "boolean":
        this.byte(value ? T_TRUE : T_FALSE)
        return
      case "undefined":
        this.fail("undefined is not storable (use null, or omit the property)")
        return
      case "function":
        this.fail("a function is not storable")
        return
      case "symbol":
        this.fail("a symbol is not storable")
        return
      case "bigint":
        this.fail("a BigInt is not storable (store it as a string)")
        return
      case "object":
        if (value === null) this.byte(T_NULL)
        else if (Array.isArray(value)) this.writeArray(value)
        else this.writeObject(value)
        return
    }
  }

  /** The finished form: tag, flags, header, pool, body. */
  finish(tag: number): Uint8Array {
    let text = ""
    for (const s of this.shapes) text += s
    text += this.pool
    const pool = encoder.encode(text)
    const header: number[] = [tag, pool.length === text.length ? FLAG_ASCII_POOL : 0]
    pushVarint(header, pool.length)
    pushVarint(header, this.shapes.length)
    for (const s of this.shapes) pushVarint(header, s.length)
    const out = new Uint8Array(header.length + pool.length + this.length)
    out.set(header, 0)
    out.set(pool, header.length)
    out.set(this.body.subarray(0, this.length), header.length + pool.length)
    return out
  }

  /** The lower bound of the form's size reached so far (reported when the walk stops early). */
  get bytesSoFar(): number {
    return this.floor
  }

  private writeString(s: string): void {
    // UTF-8 cannot carry a lone surrogate; JSON text can (as an escape), so such a string goes
    // through the pool as its JSON text. Rare: only malformed UTF-16 takes this path.
    const text = s.isWellFormed() ? s : JSON.stringify(s)
    this.byte(text === s ? T_STRING : T_JSON_STRING)
    this.varint(text.length)
    this.pool += text
    this.grow(text.length)
  }

  private writeNumber(n: number): void {
    if (Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX) {
      this.byte(T_INT)
      this.varint(((n << 1) ^ (n >> 31)) >>> 0) // zigzag; -0 becomes 0, as in JSON
      return
    }
    this.byte(T_FLOAT)
    this.floatView.setFloat64(0, n, true)
    for (let i = 0; i < 8; i++) this.byte(this.floatView.getUint8(i))
  }

  private writeArray(value: unknown[]): void {
    this.enter(value)
    this.byte(T_ARRAY)
    this.varint(value.length)
    for (let i = 0; i < value.length; i++) {
      this.steps.push(i)
      if (!(i in value)) this.fail("a sparse array hole is not storable (it would read back as null)")
      this.write(value[i])
      this.steps.pop()
    }
    this.leave()
  }

  private writeObject(value: object): void {
    const proto = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null) {
      this.fail(`${describeObject(value)} is not a plain object (only JSON-like objects and a top-level Uint8Array are storable)`)
    }
    if (Object.getOwnPropertySymbols(value).some((s) => Object.prototype.propertyIsEnumerable.call(value, s))) {
      this.fail("symbol-keyed properties are not storable")
    }
    this.enter(value)
    const keys = Object.keys(value)
    this.byte(T_OBJECT)
    this.varint(this.shapeOf(keys))
    for (const k of keys) {
      this.steps.push(k)
      this.write((value as Record<string, unknown>)[k])
      this.steps.pop()
    }
    this.leave()
  }

  /** The index of this key list in the value's shape table (added on first sight). */
  private shapeOf(keys: string[]): number {
    const signature = JSON.stringify(keys)
    let id = this.shapeIds.get(signature)
    if (id === undefined) {
      id = this.shapes.length
      this.shapes.push(signature)
      this.shapeIds.set(signature, id)
      this.grow(signature.length)
    }
    return id
  }

  private enter(value: object): void {
    if (this.ancestors.length >= MAX_NESTING) this.fail(`the value is nested too deeply (more than ${MAX_NESTING} levels)`)
    if (this.ancestors.includes(value)) this.fail("a cycle (the value contains itself)")
    this.ancestors.push(value)
  }

  private leave(): void {
    this.ancestors.pop()
  }

  private byte(b: number): void {
    if (this.length === this.body.length) {
      const bigger = new Uint8Array(this.body.length * 2)
      bigger.set(this.body)
      this.body = bigger
    }
    this.body[this.length++] = b
    this.grow(1)
  }

  private varint(n: number): void {
    while (n >= 0x80) {
      this.byte((n & 0x7f) | 0x80)
      n = Math.floor(n / 128)
    }
    this.byte(n)
  }

  /** Adds to the size floor and stops the walk once the limit is certainly exceeded. */
  private grow(bytes: number): void {
    this.floor += bytes
    if (this.floor > this.limit) throw new WalkAbort(this.pathOf(), "", true)
  }

  private fail(reason: string): never {
    throw new WalkAbort(this.pathOf(), reason, false)
  }

  /** The JSON path of the position being written, e.g. `$.a[3].b`. */
  pathOf(): string {
    let p = "$"
    for (const s of this.steps) p += typeof s === "number" ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`
    return p
  }
}

function pushVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
}

function describeObject(value: object): string {
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} (a Uint8Array is storable only as the whole value)`
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === "string" && name !== "" ? `a ${name}` : "an object with a custom prototype"
}
