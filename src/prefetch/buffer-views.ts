/**
 * Typed views over one ArrayBuffer, shared by every model component that lives in it.
 *
 * The engine packs a batch of agents' models into one buffer (engine-state.ts). If each component
 * made views of its own, every agent would own a dozen small view objects scattered over the heap,
 * and an access to an agent that has been idle for a while (850 agents interleave) would miss the
 * cache on each of them before reaching any data. Sharing four views per batch keeps those objects
 * few and hot; a component is then just a base offset into them.
 */
export class BufferViews {
  readonly i32: Int32Array
  readonly u8: Uint8Array
  readonly u16: Uint16Array
  readonly f64: Float64Array

  /** @param buffer byte length a multiple of 8 */
  constructor(readonly buffer: ArrayBuffer) {
    this.i32 = new Int32Array(buffer)
    this.u8 = new Uint8Array(buffer)
    this.u16 = new Uint16Array(buffer)
    this.f64 = new Float64Array(buffer)
  }

  /** Views over a fresh (zeroed) buffer of `bytes` bytes, rounded up to a multiple of 8. */
  static allocate(bytes: number): BufferViews {
    return new BufferViews(new ArrayBuffer(Math.ceil(bytes / 8) * 8))
  }
}
