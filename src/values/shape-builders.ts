/**
 * Builders of frozen objects, one per shape (key list) of the packed form: what makes decoding a
 * packed object about as cheap as running an object literal.
 *
 * A shape seen for the second time gets a constructor compiled for it, e.g. for
 * `["role","text","tokens"]`:
 *
 *   (r) => Object.freeze({ "role": r.value(), "text": r.value(), "tokens": r.value() })
 *
 * V8 creates such an object with its final hidden class at once (no transition per property) and
 * the property values are read in key order, which is the body's order. The first sighting uses
 * the generic builder (assign each key): a shape that occurs once (a dictionary keyed by ids, say)
 * is never compiled. Compiled builders are kept for at most `MAX_COMPILED` shapes per process;
 * after that new shapes stay generic, so hostile or dictionary-like data cannot grow the cache.
 *
 * The code is generated from the key list only, each key written as a JSON string literal (valid
 * JS for every string); `__proto__`, which a literal would take as the prototype, goes through
 * the generic builder. Nothing from a value's content ever reaches generated code. Where the
 * runtime forbids code generation (`--disallow-code-generation-from-strings`) every shape uses
 * the generic builder: slower, same values.
 */
import type { CacheValue, JsonValue } from "../types.js"

/** What a builder reads property values from (the packed reader). */
export interface ValueSource {
  value(): CacheValue
}

/** Builds one frozen object of a shape from the next values of the source. */
export type ShapeBuilder = (source: ValueSource) => CacheValue

/** Most compiled shapes kept per process. */
export const MAX_COMPILED = 4096
/** Shapes with more keys than this are not compiled (V8 would make such objects dictionaries). */
const MAX_COMPILED_KEYS = 64
/** Sightings remembered for not-yet-compiled shapes before the memory is cleared. */
const MAX_SIGHTINGS = 16_384

const compiled = new Map<string, ShapeBuilder>()
const compiledSignatures = new WeakMap<ShapeBuilder, string>()
const seenOnce = new Set<string>()

/**
 * The builder for a shape given by its signature (the JSON text of its key array).
 *
 * @throws SyntaxError / TypeError when the signature is not a JSON array of strings (a corrupt
 * form; the caller reports it as such).
 */
export function builderFor(signature: string): ShapeBuilder {
  const hit = compiled.get(signature)
  if (hit !== undefined) return hit
  const keys = parseKeys(signature)
  if (compiled.size < MAX_COMPILED && keys.length <= MAX_COMPILED_KEYS && !keys.includes("__proto__")) {
    if (seenOnce.has(signature) && codegenAllowed) {
      seenOnce.delete(signature)
      const builder = compileBuilder(keys)
      if (builder !== undefined) {
        // Kept for the process's life: a flat copy, since `signature` is usually a slice of one
        // form's whole string pool and would keep that pool alive.
        const key = flatCopy(signature)
        compiled.set(key, builder)
        compiledSignatures.set(builder, key)
        return builder
      }
    }
    if (seenOnce.size >= MAX_SIGHTINGS) seenOnce.clear()
    seenOnce.add(signature)
  }
  return genericBuilder(keys)
}

/**
 * The signature of a builder `builderFor` returned, when it is a compiled one (which `builderFor`
 * returns for that signature for good), as a string that holds no other memory; `undefined` for
 * a generic builder.
 */
export function compiledSignatureOf(builder: ShapeBuilder): string | undefined {
  return compiledSignatures.get(builder)
}

/** A copy of `text` that is its own string (not a slice or concatenation holding a larger one). */
function flatCopy(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string
}

/** How many shapes have a compiled builder (tests and diagnostics). */
export function compiledShapeCount(): number {
  return compiled.size
}

function parseKeys(signature: string): string[] {
  const keys: unknown = JSON.parse(signature)
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string")) throw new TypeError("a shape is not a list of keys")
  return keys as string[]
}

/** False once the runtime refused to compile (`node --disallow-code-generation-from-strings`). */
let codegenAllowed = true

/** The compiled builder, or undefined when code generation is disallowed (all shapes stay generic). */
function compileBuilder(keys: readonly string[]): ShapeBuilder | undefined {
  const fields = keys.map((k) => `${JSON.stringify(k)}: r.value()`).join(", ")
  try {
    return new Function("r", `return Object.freeze({ ${fields} })`) as ShapeBuilder
  } catch {
    codegenAllowed = false
    return undefined
  }
}

/** Assigns the keys one by one (defining `__proto__` as an own property, as JSON.parse does). */
function genericBuilder(keys: readonly string[]): ShapeBuilder {
  return (r) => {
    const o: Record<string, JsonValue> = {}
    for (const k of keys) {
      if (k === "__proto__") Object.defineProperty(o, k, { value: r.value(), enumerable: true, writable: true, configurable: true })
      else o[k] = r.value() as JsonValue
    }
    return Object.freeze(o)
  }
}
