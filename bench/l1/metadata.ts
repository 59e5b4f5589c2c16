/**
 * L1 metadata bytes per entry beyond the key and value objects:
 * - formula: typed arrays (slots, sketch, shadows) / entries + measured Map<string, slot> bytes
 *   per entry + 16 bytes for the two pointer slots in the key and value arrays;
 * - end to end: heap + ArrayBuffer growth from building a full L1 of pre-made keys and values.
 * Needs `node --expose-gc`.
 */
import { L1Cache } from "../../src/tiers/l1/index.js"
import type { Fixture } from "./fixtures.js"

const gc = (): void => (globalThis as { gc?: () => void }).gc!()

function used(): number {
  gc()
  gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

export interface MetadataResult {
  readonly entries: number
  readonly slots: number
  readonly slotArrayBytesPerEntry: number
  readonly sketchBytesPerEntry: number
  readonly shadowBytesPerEntry: number
  readonly mapBytesPerEntry: number
  readonly arrayPointerBytesPerEntry: number
  readonly formulaBytesPerEntry: number
  /** The formula without the 16 pointer bytes: typed arrays + Map (how issue 2's closing note counted, 72.5 B then). */
  readonly typedArraysAndMapBytesPerEntry: number
  readonly measuredBytesPerEntry: number
}

export function measureMetadata(f: Fixture): MetadataResult {
  const n = f.keys.length
  // Map<string, number> with existing keys: what the index costs per entry.
  let base = used()
  let map: Map<string, number> | undefined = new Map()
  for (let i = 0; i < n; i++) map.set(f.keys[i], i + 3)
  const mapBytes = used() - base
  if (map.size !== n) throw new Error("map size")
  map = undefined

  base = used()
  let cache: L1Cache<{ readonly id: number }> | undefined = new L1Cache({ maxBytes: n * 1024, maxEntries: n })
  for (let i = 0; i < n; i++) cache.set(f.keys[i], f.values[i], 64, i)
  // One eviction starts the shadows, which are part of the footprint.
  cache.set("one-more", f.values[0], 64, n)
  const measured = used() - base
  const fp = cache.footprint()
  const size = cache.size
  cache = undefined

  const slotArray = fp.slotArrayBytes / size
  const sketch = fp.sketchBytes / size
  const shadow = fp.shadowBytes / size
  const mapPer = mapBytes / n
  const pointers = 16
  return {
    entries: size,
    slots: fp.slots,
    slotArrayBytesPerEntry: round(slotArray),
    sketchBytesPerEntry: round(sketch),
    shadowBytesPerEntry: round(shadow),
    mapBytesPerEntry: round(mapPer),
    arrayPointerBytesPerEntry: pointers,
    formulaBytesPerEntry: round(slotArray + sketch + shadow + mapPer + pointers),
    typedArraysAndMapBytesPerEntry: round(slotArray + sketch + shadow + mapPer),
    measuredBytesPerEntry: round(measured / size),
  }
}

const round = (x: number): number => Math.round(x * 10) / 10
