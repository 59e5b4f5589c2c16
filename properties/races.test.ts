/**
 * Races: puts, reads, getIfPresent, invalidates and prefetches on a few keys are issued
 * concurrently while fc.scheduler releases every L3 completion and every loader result in an order
 * fast-check chooses. Checked on every read, against the spec's NoStaleRead: a read returns a miss
 * or the value of a put of that key that is no older than every write of the key acknowledged
 * before the read began. After quiescence each key holds exactly its last write (NoResurrection).
 */
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import type { CacheValue } from "../src/types.js"
import { CI_RUNS, runs } from "./config.js"
import { openHarness, scheduledL3 } from "./harness.js"
import { show } from "./oracle.js"

const KEYS = ["x", "y", "z"] as const
type OpKind = "put" | "get" | "getIfPresent" | "invalidate" | "prefetch"
interface Op {
  readonly kind: OpKind
  readonly key: string
  /** Pad length: some values overflow the tiny L1/L2 and force demotions. */
  readonly pad: number
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom<OpKind>("put", "put", "get", "get", "getIfPresent", "invalidate", "prefetch"),
  key: fc.constantFrom(...KEYS),
  pad: fc.constantFrom(0, 0, 300, 900),
})

interface Write {
  readonly idx: number
  readonly key: string
  readonly kind: "put" | "invalidate"
}

/** Distinct release orders seen (labels of scheduled completions, in release order). */
const interleavings = new Set<string>()
let scenarios = 0
let readsChecked = 0

async function scenario(s: fc.Scheduler, ops: readonly Op[], withLoader: boolean): Promise<void> {
  scenarios++
  const writes: Write[] = []
  const ackedMax = new Map<string, number>()
  /** The loader's source: the newest issued write of each key (a user that saves before putting). */
  const source = new Map<string, CacheValue>()
  const cache = await openHarness({
    wrapL3: (l3) => scheduledL3(l3, (p, label) => s.schedule(p, label)),
    load: withLoader ? (key) => s.schedule(Promise.resolve(source.get(key)), `load(${key})`) : undefined,
  })
  const failures: string[] = []

  const checkRead = (op: string, key: string, got: CacheValue | undefined, ackedAtStart: number) => {
    readsChecked++
    if (got === undefined) return
    const idx = (got as { w?: number }).w
    const w = typeof idx === "number" ? writes[idx] : undefined
    if (w === undefined || w.key !== key || w.kind !== "put") failures.push(`${op}(${key}) returned ${show(got)}, which no put of ${key} wrote`)
    else if (idx! < ackedAtStart) failures.push(`${op}(${key}) returned write #${idx}, but write #${ackedAtStart} of ${key} was acknowledged before the read began`)
  }

  const issue = (op: Op): Promise<unknown> => {
    const ackedAtStart = ackedMax.get(op.key) ?? -1
    switch (op.kind) {
      case "put":
      case "invalidate": {
        const idx = writes.length
        writes.push({ idx, key: op.key, kind: op.kind })
        const value: CacheValue = { w: idx, pad: "p".repeat(op.pad) }
        if (op.kind === "put") source.set(op.key, value)
        else source.delete(op.key)
        const p = op.kind === "put" ? cache.put(op.key, value) : cache.invalidate(op.key)
        return p.then(() => {
          if ((ackedMax.get(op.key) ?? -1) < idx) ackedMax.set(op.key, idx)
        })
      }
      case "get":
        return cache.get(op.key).then((v) => checkRead("get", op.key, v, ackedAtStart))
      case "getIfPresent":
        checkRead("getIfPresent", op.key, cache.getIfPresent(op.key), ackedAtStart)
        return Promise.resolve()
      case "prefetch":
        return cache.prefetch(op.key)
    }
  }

  // Issuing is scheduled too, so new operations interleave with completions of earlier ones.
  const all = ops.map((op, i) => s.schedule(Promise.resolve(), `issue#${i}`).then(() => issue(op)))
  const settled = await s.waitFor(Promise.allSettled(all))
  for (const r of settled) if (r.status === "rejected") failures.push(`an operation failed: ${String(r.reason)}`)

  // Quiescence: every key holds exactly its last write.
  for (const key of KEYS) {
    const last = [...writes].reverse().find((w) => w.key === key)
    const got = await s.waitFor(cache.get(key))
    const want = last === undefined || last.kind === "invalidate" ? undefined : last.idx
    const gotIdx = got === undefined ? undefined : (got as { w: number }).w
    if (gotIdx !== want) failures.push(`after quiescence get(${key}) returned ${show(got)}; its last write was ${last === undefined ? "none" : `#${last.idx} (${last.kind})`}`)
  }
  interleavings.add(s.report().map((r) => r.label).join("|"))
  await cache.close()
  if (failures.length > 0) throw new Error(`${failures.join("\n")}\nscheduler: ${s.report().map((r) => r.label).join(" → ")}`)
}

describe("races under fc.scheduler", () => {
  afterAll(() => {
    console.log(`races: ${scenarios} scenarios, ${readsChecked} reads checked, ${interleavings.size} distinct interleavings`)
    expect(interleavings.size).toBeGreaterThan(CI_RUNS)
  })
  it("no stale read and no resurrection: L3 completions reordered, no loader", async () => {
    await fc.assert(fc.asyncProperty(fc.scheduler(), fc.array(opArb, { minLength: 3, maxLength: 14 }), (s, ops) => scenario(s, ops, false)), runs(CI_RUNS))
  })
  it("no stale read and no resurrection: L3 completions and slow loads reordered", async () => {
    await fc.assert(fc.asyncProperty(fc.scheduler(), fc.array(opArb, { minLength: 3, maxLength: 14 }), (s, ops) => scenario(s, ops, true)), runs(CI_RUNS))
  })
})
