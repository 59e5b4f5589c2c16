/**
 * Fault injection on the disk tier.
 *
 * 1. Write faults (EIO, ENOSPC, torn writes, failed fsync / rename) during puts and invalidates:
 *    every failure is a typed StorageError, reads never return a value that was not written, and
 *    after the disk heals and the cache reopens every acknowledged put is still there (nothing
 *    acknowledged is lost; a failed put may or may not have landed — it was never acknowledged).
 * 2. Corruption of stored blobs on disk (bit flips, truncation, deletion): reads return the right
 *    value or a miss, never corrupt bytes, and the damaged blob is quarantined.
 */
import { readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import { blobPath, hashBytes } from "../src/tiers/l3/index.js"
import type { CacheValue } from "../src/types.js"
import { serializeValue } from "../src/values/serialize.js"
import { CI_RUNS, PROPERTY_TIMEOUT_MS, runs } from "./config.js"
import { FaultyFs, prng, type WriteFault } from "./faulty-fs.js"
import { openHarness, tempDir } from "./harness.js"
import { sameValue, show } from "./oracle.js"

const KEYS = ["f0", "f1", "f2"] as const
const MISS = Symbol("miss")
type Allowed = (CacheValue | typeof MISS)[]

const writeOpArb = fc.record({
  kind: fc.constantFrom("put", "put", "put", "get", "invalidate"),
  key: fc.constantFrom(...KEYS),
  n: fc.nat(1_000_000),
  pad: fc.constantFrom(0, 200, 5000),
})

const totals = { writeRuns: 0, injected: 0, failedOps: 0, ackedChecked: 0, corruptRuns: 0, corrupted: 0, quarantined: 0 }

function isAllowed(allowed: Allowed | undefined, got: CacheValue | undefined): boolean {
  if (got === undefined) return true
  return (allowed ?? []).some((a) => a !== MISS && sameValue(a, got))
}

describe("fault injection on L3", () => {
  afterAll(() => {
    console.log("faults:", totals)
    expect(totals.injected).toBeGreaterThan(CI_RUNS)
    expect(totals.failedOps).toBeGreaterThan(0)
    expect(totals.corrupted).toBeGreaterThan(CI_RUNS)
    expect(totals.quarantined).toBeGreaterThan(0)
  })

  it("write faults: typed errors, no invented values, nothing acknowledged lost after reopen", async () => {
    const faultSet = fc.subarray<WriteFault>(["eio", "enospc", "torn", "sync", "rename"], { minLength: 1 })
    await fc.assert(
      fc.asyncProperty(fc.array(writeOpArb, { minLength: 4, maxLength: 25 }), faultSet, fc.integer(), async (ops, faults, seed) => {
        totals.writeRuns++
        const dir = tempDir("tc-fault-")
        const fs = new FaultyFs(faults, 0.15, prng(seed))
        // Per key: values a read may return (the newest acknowledged, plus failed writes after it).
        const allowed = new Map<string, Allowed>()
        /** Per key: whether the last acknowledged write still stands with no failed write after it. */
        const clean = new Map<string, boolean>()
        fs.armed = false // opening on a failing disk is a StorageError too; here faults start after open
        let cache = await openHarness({ dir, fs, l1Entries: 2, l2Bytes: 256 })
        fs.armed = true
        for (const op of ops) {
          if (op.kind === "get") {
            const got = await cache.get(op.key).catch((e: { _tag?: string }) => {
              if (e._tag !== "StorageError") throw e
              return undefined
            })
            if (!isAllowed(allowed.get(op.key), got)) throw new Error(`get(${op.key}) returned ${show(got)}, never written there`)
            continue
          }
          const value: CacheValue = { n: op.n, pad: "z".repeat(op.pad) }
          try {
            if (op.kind === "put") await cache.put(op.key, value)
            else await cache.invalidate(op.key)
            allowed.set(op.key, op.kind === "put" ? [value] : [MISS])
            clean.set(op.key, true)
          } catch (e) {
            if ((e as { _tag?: string })._tag !== "StorageError") throw new Error(`${op.kind}(${op.key}) failed with ${String(e)}, not a StorageError`)
            totals.failedOps++
            allowed.set(op.key, [...(allowed.get(op.key) ?? [MISS]), op.kind === "put" ? value : MISS])
            clean.set(op.key, false)
          }
        }
        totals.injected += fs.injected
        await cache.close().catch(() => undefined)
        fs.armed = false
        cache = await openHarness({ dir, fs })
        for (const key of KEYS) {
          const got = await cache.get(key)
          const a = allowed.get(key) ?? [MISS]
          if (clean.get(key) === true) {
            totals.ackedChecked++
            const want = a[0] === MISS ? undefined : a[0]
            if (!sameValue(got, want)) throw new Error(`after reopen get(${key}) returned ${show(got)}; acknowledged ${show(want)}`)
          } else if (got === undefined ? !a.includes(MISS) : !isAllowed(a, got)) {
            throw new Error(`after reopen get(${key}) returned ${show(got)}; allowed: ${a.map((v) => (v === MISS ? "<miss>" : show(v))).join(", ")}`)
          }
        }
        await cache.close()
        rmSync(dir, { recursive: true, force: true })
      }),
      runs(CI_RUNS),
    )
  }, PROPERTY_TIMEOUT_MS)

  it("corrupted, truncated or missing blobs are never returned", async () => {
    const damageArb = fc.constantFrom("flip", "truncate", "delete")
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.constantFrom(...KEYS), n: fc.nat(1000), pad: fc.constantFrom(0, 100, 3000), damage: damageArb, bit: fc.nat() }), { minLength: 1, maxLength: 6 }),
        async (items) => {
          totals.corruptRuns++
          const dir = tempDir("tc-corrupt-")
          const want = new Map<string, CacheValue>()
          let cache = await openHarness({ dir })
          for (const it of items) {
            const value: CacheValue = { n: it.n, pad: "q".repeat(it.pad) }
            await cache.put(it.key, value)
            want.set(it.key, value)
          }
          await cache.close()
          // Damage the blob of each item's key on disk (memory tiers are gone: the cache reopens).
          // Each blob file once: items of one key, or keys with equal values, share a blob, and two
          // identical bit flips would restore it.
          const damagedFiles = new Set<string>()
          for (const it of items) {
            const file = join(dir, blobPath(hashBytes(serializeValue(it.key, want.get(it.key)!))))
            if (damagedFiles.has(file)) continue
            damagedFiles.add(file)
            let bytes: Buffer
            try {
              bytes = readFileSync(file)
            } catch {
              continue // no blob file for this value (nothing to damage)
            }
            totals.corrupted++
            if (it.damage === "delete") unlinkSync(file)
            else if (it.damage === "truncate") truncateSync(file, Math.max(0, bytes.length - 1 - (it.bit % Math.max(1, bytes.length - 1))))
            else {
              // Flip one bit after the format byte: same size, so only the BLAKE3 check can see it.
              const at = 1 + (it.bit % Math.max(1, bytes.length - 1))
              bytes[at] ^= 1 << (it.bit % 8)
              writeFileSync(file, bytes)
            }
          }
          cache = await openHarness({ dir })
          for (const [key, value] of want) {
            const damaged = items.some((i) => i.key === key)
            const got = await cache.get(key)
            if (got !== undefined && !sameValue(got, value)) throw new Error(`get(${key}) returned corrupt data ${show(got)}, stored ${show(value)}`)
            if (damaged && got !== undefined) throw new Error(`get(${key}) returned a value from a damaged blob`)
          }
          totals.quarantined += cache.stats().l3.quarantined
          await cache.close()
          rmSync(dir, { recursive: true, force: true })
        },
      ),
      runs(CI_RUNS),
    )
  }, PROPERTY_TIMEOUT_MS)
})
