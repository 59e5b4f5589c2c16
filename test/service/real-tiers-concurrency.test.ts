/**
 * The real tiers (L1Cache, L2Store, L3 on disk) under concurrent puts, invalidates, reads and
 * prefetches with tiny budgets, checked against the write history exactly as the fake-tier
 * interleaving test does: a read returns a miss or a value whose write began before the read ended
 * and was not superseded by a write acknowledged before the read began. Then a reopen must find
 * the newest acknowledged state of every key.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createTierCache } from "../../src/index.js"

const KEYS = ["a", "b", "c", "d"]
type Op = { kind: "put" | "invalidate" | "get" | "prefetch"; key: string; size: number; barrier: boolean }
const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom("put" as const, "put" as const, "invalidate" as const, "get" as const, "get" as const, "prefetch" as const),
  key: fc.constantFrom(...KEYS),
  size: fc.integer({ min: 0, max: 1500 }),
  barrier: fc.boolean(),
})

interface Write {
  key: string
  id: number | undefined
  startedAt: number
  ackedAt: number
}

describe("real tiers under concurrency", () => {
  it("never lie, and a reopen finds the newest acknowledged state", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), fc.boolean(), async (ops, withLoader) => {
        const dir = mkdtempSync(join(tmpdir(), "tc-real-conc-"))
        const source = new Map<string, { id: number; pad: string }>()
        const options = {
          dir,
          l1: { maxBytes: 2048, maxEntries: 2 },
          l2: { maxBytes: 2500, compressThreshold: 512 },
          l3: { maxBytes: withLoader ? 4000 : 1 << 22, fsync: false },
          load: withLoader ? async (key: string) => source.get(key) : undefined,
        }
        const cache = await createTierCache(options)
        let clock = 0
        let next = 1
        const writes: Write[] = []
        const failures: string[] = []
        const run = async (op: Op) => {
          const startedAt = ++clock
          if (op.kind === "put" || op.kind === "invalidate") {
            const id = op.kind === "put" ? next++ : undefined
            const w: Write = { key: op.key, id, startedAt, ackedAt: Infinity }
            writes.push(w)
            const value = id === undefined ? undefined : { id, pad: "z".repeat(op.size) }
            await (value === undefined ? cache.invalidate(op.key) : cache.put(op.key, value))
            w.ackedAt = ++clock
            const newestAcked = writes.filter((x) => x.key === op.key && x.ackedAt !== Infinity).sort((x, y) => y.startedAt - x.startedAt)[0]
            if (newestAcked === w) {
              if (value === undefined) source.delete(op.key)
              else source.set(op.key, value)
            }
            return
          }
          if (op.kind === "prefetch") return void (await cache.prefetch(op.key))
          const got = (await cache.get(op.key)) as { id: number } | undefined
          if (got === undefined) return
          const w = writes.find((x) => x.key === op.key && x.id === got.id)
          if (w === undefined) return void failures.push(`get(${op.key}) returned id ${got.id}, never written`)
          const newer = writes.find((x) => x.key === op.key && x.startedAt > w.startedAt && x.ackedAt < startedAt)
          if (newer !== undefined) failures.push(`get(${op.key}) returned id ${got.id}; a newer write was acknowledged before the read began`)
        }
        try {
          const started: Promise<void>[] = []
          for (const op of ops) {
            if (op.barrier) await Promise.all(started)
            started.push(run(op))
          }
          await Promise.all(started)
          await cache.close()
          if (!withLoader) {
            const again = await createTierCache(options)
            for (const key of KEYS) {
              const last = writes.filter((w) => w.key === key).sort((x, y) => y.startedAt - x.startedAt)[0]
              const got = (await again.get(key)) as { id: number } | undefined
              if (got?.id !== last?.id) failures.push(`after reopen ${key} is ${got?.id}, newest acknowledged ${last?.id}`)
            }
            await again.close()
          }
        } finally {
          rmSync(dir, { recursive: true, force: true })
        }
        expect(failures).toEqual([])
      }),
      { numRuns: 60 },
    )
  })
})
