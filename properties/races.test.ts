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
import { CI_RUNS, PROPERTY_TIMEOUT_MS, runs } from "./config.js"
import { openHarness, scheduledL3 } from "./harness.js"
import { show } from "./oracle.js"
import { deserializeValue } from "../src/values/serialize.js"

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

type Invariant = "NoStaleRead" | "NoResurrection" | "TierVersionsNotNewerThanAck"

/** The write index a stored value carries, or undefined for a miss. */
function writeIndex(v: CacheValue | undefined): number | undefined {
  return v === undefined ? undefined : (v as { w: number }).w
}

async function scenario(s: fc.Scheduler, ops: readonly Op[], withLoader: boolean, invariant: Invariant): Promise<void> {
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
    if (invariant !== "NoStaleRead") return
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

  if (invariant === "NoResurrection") {
    // Quiescence: every key reads exactly its last write; no tier holds a superseded version.
    for (const key of KEYS) {
      const last = [...writes].reverse().find((w) => w.key === key)
      const got = await s.waitFor(cache.get(key))
      const want = last === undefined || last.kind === "invalidate" ? undefined : last.idx
      if (writeIndex(got) !== want) failures.push(`after quiescence get(${key}) returned ${show(got)}; its last write was ${last === undefined ? "none" : `#${last.idx} (${last.kind})`}`)
      for (const [tier, held] of await heldVersions(cache, key)) {
        if (last !== undefined && held < last.idx) failures.push(`${tier} holds write #${held} of ${key}, superseded by #${last.idx}`)
      }
    }
  }
  if (invariant === "TierVersionsNotNewerThanAck") {
    // Every tier holds only acknowledged writes of the key, none newer than the newest acknowledged one.
    for (const key of KEYS) {
      const newest = ackedMax.get(key) ?? -1
      for (const [tier, held] of await heldVersions(cache, key)) {
        if (held > newest || writes[held]?.kind !== "put" || writes[held].key !== key) failures.push(`${tier} holds write #${held} of ${key}; newest acknowledged is #${newest}`)
        if (newest >= 0 && writes[newest].kind === "invalidate") failures.push(`${tier} holds write #${held} of ${key} after its acknowledged invalidate #${newest}`)
      }
    }
  }
  interleavings.add(s.report().map((r) => r.label).join("|"))
  await s.waitFor(cache.close())
  if (failures.length > 0) throw new Error(`${failures.join("\n")}\nscheduler: ${s.report().map((r) => r.label).join(" → ")}`)
}

/** What each tier holds for `key`, as write indices (L1 value, L2 bytes, L3 blob). */
async function heldVersions(cache: Awaited<ReturnType<typeof openHarness>>, key: string): Promise<[string, number][]> {
  const h = cache.hierarchy
  const out: [string, number][] = []
  const v1 = writeIndex(h.l1.peek(key))
  if (v1 !== undefined) out.push(["L1", v1])
  const s2 = h.l2.has(key) ? h.l2.get(key) : undefined
  if (s2 !== undefined) out.push(["L2", writeIndex(deserializeValue(key, s2.bytes))!])
  return out
}

describe("races under fc.scheduler (invariants of spec/TierCoherency.tla)", () => {
  afterAll(() => {
    console.log(`races: ${scenarios} scenarios, ${readsChecked} reads checked, ${interleavings.size} distinct interleavings`)
    expect(interleavings.size).toBeGreaterThan(CI_RUNS)
  })
  const opsArb = fc.array(opArb, { minLength: 4, maxLength: 24, size: "+2" })
  for (const invariant of ["NoStaleRead", "NoResurrection", "TierVersionsNotNewerThanAck"] as const) {
    it(`${invariant}: L3 completions, slow loads and issues reordered by fc.scheduler`, async () => {
      await fc.assert(fc.asyncProperty(fc.scheduler(), opsArb, fc.boolean(), (s, ops, withLoader) => scenario(s, ops, withLoader, invariant)), runs(CI_RUNS))
    }, PROPERTY_TIMEOUT_MS)
  }
})
