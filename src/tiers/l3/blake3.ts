/**
 * BLAKE3-256 as lowercase hex, on the fastest backend that loads.
 *
 * Every L3 hit hashes the whole value to verify it, so the hash is on the read path. hash-wasm's
 * WASM BLAKE3 is about 8–10× faster than @noble/hashes' pure-JS one for 4 KiB (measured by
 * bench/l2l3/l3-hit.ts) but needs an asynchronous WebAssembly instantiation first. So:
 * - hashing starts on @noble and switches to WASM once it has loaded (the load starts when this
 *   module is imported; `openL3` awaits {@link blake3Ready}, so a store never hashes on the slow
 *   path after it is open);
 * - if WASM cannot load (no WebAssembly, instantiation refused by a policy, …), @noble stays.
 * Both compute standard BLAKE3 (test/tiers/l3/blake3.test.ts checks they agree, and on published
 * digests), so hashes already on disk stay valid whichever backend wrote them.
 */
import { blake3 } from "@noble/hashes/blake3.js"
import { createBLAKE3, type IHasher } from "hash-wasm"
import { bytesToHex } from "./record.js"

/** A synchronous BLAKE3-256 → lowercase hex function, and which implementation it runs. */
export interface Blake3Hex {
  readonly backend: "wasm" | "noble"
  readonly hex: (bytes: Uint8Array) => string
}

/** The pure-JS backend: always available. */
export const nobleBlake3: Blake3Hex = { backend: "noble", hex: (bytes) => bytesToHex(blake3(bytes)) }

/**
 * A BLAKE3 hex function on WASM from `create` (default hash-wasm's `createBLAKE3`), or
 * {@link nobleBlake3} when creating it fails. Never rejects.
 */
export async function loadBlake3(create: () => Promise<IHasher> = () => createBLAKE3()): Promise<Blake3Hex> {
  let hasher: IHasher
  try {
    hasher = await create()
  } catch {
    return nobleBlake3
  }
  // One hasher, reused: init/update/digest run synchronously, so two hashes never interleave.
  let broken = false
  const hex = (bytes: Uint8Array): string => {
    if (!broken) {
      try {
        hasher.init()
        hasher.update(bytes)
        return hasher.digest("hex")
      } catch {
        // A WASM fault (e.g. memory growth refused) must not turn a read into an untyped throw.
        broken = true
      }
    }
    return nobleBlake3.hex(bytes)
  }
  return { backend: "wasm", hex }
}

let current: Blake3Hex = nobleBlake3
const loaded: Promise<Blake3Hex> = loadBlake3().then((b) => (current = b))

/** Resolves once the WASM backend is in use, or known to be unavailable. Never rejects. */
export function blake3Ready(): Promise<Blake3Hex> {
  return loaded
}

/** Which backend {@link blake3Hex} runs on right now. */
export function blake3Backend(): Blake3Hex["backend"] {
  return current.backend
}

/** BLAKE3-256 of `bytes` as lowercase hex (WASM when loaded, else pure JS; same digest). */
export function blake3Hex(bytes: Uint8Array): string {
  return current.hex(bytes)
}
