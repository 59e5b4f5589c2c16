/**
 * Running a module built by wasm-emit.ts (one exported i32 function, one exported memory):
 * instantiating it lazily, once per process, and growing its memory to what a call needs. Shared
 * by L2's LZ4 decoder and encoder, which each keep one instance for the process's life.
 */
import { type FunctionModule, moduleBytes } from "./wasm-emit.js"

/** The part of the WebAssembly JS API used here (the project's `lib` has no DOM typings). */
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { readonly exports: unknown }
}

const PAGE = 65536

/** An instantiated module: its function, its memory and a byte view of that memory. */
export interface WasmFunction<F> {
  readonly run: F
  readonly memory: WasmMemory
  /** A view of the whole memory; replaced when the memory grows (growing detaches the old buffer). */
  bytes: Uint8Array
}

/**
 * A getter for the module's one instance: built on the first call, `null` where WebAssembly is
 * unavailable (e.g. `node --jitless`; looked up at that first call, so tests can stub it).
 */
export function lazyWasmFunction<F>(m: FunctionModule): () => WasmFunction<F> | null {
  let instance: WasmFunction<F> | null | undefined
  return () => {
    if (instance !== undefined) return instance
    const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly
    if (api === undefined) return (instance = null)
    const exports = new api.Instance(new api.Module(moduleBytes(m))).exports as Record<string, unknown>
    const memory = exports[m.memoryName] as WasmMemory
    return (instance = { run: exports[m.functionName] as F, memory, bytes: new Uint8Array(memory.buffer) })
  }
}

/** Grows the instance's memory to at least `needed` bytes (WebAssembly memory never shrinks). */
export function ensureWasmMemory(w: WasmFunction<unknown>, needed: number): void {
  if (w.bytes.length >= needed) return
  w.memory.grow(Math.ceil((needed - w.bytes.length) / PAGE))
  w.bytes = new Uint8Array(w.memory.buffer)
}
