/**
 * The delta codec: how a branch is stored relative to the value it was forked from.
 *
 * A delta is one kind byte followed by a payload:
 * - `FULL` (0): the branch value itself (value-bytes.ts form). Used when the value changed type
 *   (JSON ↔ bytes) or when a delta would not be smaller.
 * - `JSON_OPS` (1): UTF-8 JSON of the structural ops (json-diff.ts). The default for JSON values:
 *   bench/branches measured it smaller than a byte delta of the serialized text once both are
 *   compressed, see docs/branches.md.
 * - `BYTES` (2): copy/insert byte delta (byte-delta.ts) of the serialized forms. Used for
 *   `Uint8Array` values, and for JSON when the caller asks for the `"bytes"` strategy.
 *
 * Deltas are compressed and content-addressed by the content store, not here.
 */
import type { CacheValue, JsonValue } from "../types.js"
import { applyBytes, diffBytes } from "./byte-delta.js"
import { applyJsonOps, diffJson, type JsonOp } from "./json-diff.js"
import { decodeValue, encodeValue } from "./value-bytes.js"

export const DELTA_FULL = 0
export const DELTA_JSON_OPS = 1
export const DELTA_BYTES = 2

/**
 * How JSON branches are encoded: `"structural"` (path ops), `"bytes"` (byte delta of the serialized
 * text), or `"smallest"` (compute both, keep the smaller raw payload; costs a second diff per put).
 */
export type DeltaStrategy = "structural" | "bytes" | "smallest"

/** The fork base in both forms: decoded (for structural ops) and serialized (for byte deltas). */
export interface DeltaBase {
  readonly value: CacheValue
  readonly bytes: Uint8Array
}

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: true })

function withKind(kind: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 1)
  out[0] = kind
  out.set(payload, 1)
  return out
}

/** A `FULL` delta: the serialized value itself (needs no base to decode). */
export function encodeFull(valueBytes: Uint8Array): Uint8Array {
  return withKind(DELTA_FULL, valueBytes)
}

/** Encodes `target` relative to `base`. `targetBytes` is `encodeValue(target)` when the caller has it. */
export function encodeDelta(
  base: DeltaBase,
  target: CacheValue,
  strategy: DeltaStrategy = "structural",
  targetBytes: Uint8Array = encodeValue(target)
): Uint8Array {
  const full = encodeFull(targetBytes)
  const baseIsBytes = base.value instanceof Uint8Array
  const targetIsBytes = target instanceof Uint8Array
  if (baseIsBytes !== targetIsBytes) return full
  let best = full
  const consider = (candidate: Uint8Array): void => {
    if (candidate.length < best.length) best = candidate
  }
  if (!targetIsBytes && strategy !== "bytes") {
    const ops = diffJson(base.value as JsonValue, target as JsonValue)
    consider(withKind(DELTA_JSON_OPS, encoder.encode(JSON.stringify(ops))))
  }
  if (targetIsBytes || strategy !== "structural") consider(withKind(DELTA_BYTES, diffBytes(base.bytes, targetBytes)))
  return best
}

/** Rebuilds the branch value from its fork base and a delta made by {@link encodeDelta}. */
export function decodeDelta(base: DeltaBase, delta: Uint8Array): CacheValue {
  const payload = delta.subarray(1)
  switch (delta[0]) {
    case DELTA_FULL:
      return decodeValue(payload)
    case DELTA_JSON_OPS: {
      const ops = JSON.parse(decoder.decode(payload)) as JsonOp[]
      return applyJsonOps(base.value as JsonValue, ops)
    }
    case DELTA_BYTES:
      return decodeValue(applyBytes(base.bytes, payload))
    default:
      throw new Error(`unknown delta kind ${delta[0]}`)
  }
}

/** The delta kind byte, for stats and tests. */
export function deltaKind(delta: Uint8Array): number {
  return delta[0]
}
