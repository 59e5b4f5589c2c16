/**
 * Conformance: replays a behaviour of spec/TierCoherency.tla on the real implementation, one spec
 * action at a time, through the hierarchy function of the same name (DESIGN.md, spec ↔ code), and
 * after every step compares an abstraction of the implementation's state with the spec state.
 *
 * Control: L3 reads are held until the spec's FillComplete / PrefetchComplete releases them, so a
 * fill is in flight exactly as long as the spec's `fill[k]` record; the loader reads the test's
 * backing store. Capacity moves the spec allows at any time (Demote, Evict) are forced on the
 * tiers exactly as an eviction would make them.
 *
 * Abstraction (spec variable ← implementation):
 *   l1[k]     ← the value L1 holds for k (values are `{ v: <spec version> }`)
 *   l2[k]     ← the value in L2's bytes
 *   InL3(k)   ← L3's index holds a live entry; its blob decodes to l3[k].ver
 *   fill[k]   ← an L3 read of k is held in flight
 *   lastRead  ← what the step's read returned (FillResult / read value)
 *   store[k]  ← the test's backing store, which Put and Invalidate update as the user's save path
 * `ver` and `epoch` are internal counters with no observable counterpart (the implementation's
 * version numbers also count loads); they are checked through their consequences.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { FillResult } from "../../src/hierarchy/key-flights.js"
import type { Hierarchy } from "../../src/hierarchy/hierarchy.js"
import type { HierarchyL3 } from "../../src/hierarchy/types.js"
import { createTierCache } from "../../src/index.js"
import { St } from "../../src/lifecycle/transition-table.js"
import type { TierCacheClient } from "../../src/service/facade.js"
import { L1Cache } from "../../src/tiers/l1/index.js"
import { L2Store } from "../../src/tiers/l2/index.js"
import { openL3 } from "../../src/tiers/l3/index.js"
import type { CacheValue } from "../../src/types.js"
import { deserializeValue } from "../../src/values/serialize.js"
import { interceptL3 } from "../harness.js"
import { type ItfState, type ItfTrace, type ItfValue, parseAction } from "./itf.js"

const NONE = "None"

type Rec = Record<string, ItfValue>

/** A step whose implementation state did not match the spec state. */
export class ConformanceMismatch extends Error {}

function specVersion(v: CacheValue | undefined): number | typeof NONE {
  if (v === undefined) return NONE
  const n = (v as { v?: unknown }).v
  if (typeof n !== "number") throw new ConformanceMismatch(`the implementation produced a value the replay never wrote: ${JSON.stringify(v)}`)
  return n
}

interface Held {
  release: () => void
}

export interface ReplayStats {
  steps: number
  actions: Record<string, number>
}

/** Replays one trace; throws ConformanceMismatch naming the step, the action and both states. */
export async function replayTierCoherency(trace: ItfTrace, stats: ReplayStats): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tc-conf-"))
  const store = new Map<string, number>()
  const held = new Map<string, Held>()
  const pendingPuts: Promise<unknown>[] = []
  let realL3: HierarchyL3 | undefined
  const cache: TierCacheClient = await createTierCache({
    dir,
    latencySampleEvery: 1,
    load: async (key) => (store.has(key) ? { v: store.get(key)! } : undefined),
    tierFactory: async (sinks) => {
      const l3 = await openL3({ dir, maxBytes: 1 << 24, fsync: false })
      realL3 = l3
      const gated = interceptL3(l3, {
        // Held reads: the real read runs when the spec's Fill/PrefetchComplete releases it.
        get: (key) =>
          new Promise((resolve, reject) => {
            held.set(key, { release: () => l3.get(key).then(resolve, reject) })
          }),
        put: (key, bytes, version) => {
          const p = l3.put(key, bytes, version)
          pendingPuts.push(p)
          return p
        },
      })
      return {
        l1: new L1Cache<CacheValue>({ maxBytes: 1 << 24, maxEntries: 64, onEvict: sinks.onL1Evict, onPrefetchUsed: sinks.onPrefetchUsed }),
        l2: new L2Store({ maxBytes: 1 << 24, onEvict: sinks.onL2Evict }),
        l3: gated,
      }
    },
  })
  const h: Hierarchy = cache.hierarchy
  const readers = new Map<string, Promise<FillResult>>()
  const prefetches = new Map<string, Promise<boolean>>()

  const settle = async () => {
    await Promise.allSettled(pendingPuts.splice(0))
    await new Promise((r) => setImmediate(r))
  }
  const release = async (k: string) => {
    const g = held.get(k)
    if (g === undefined) throw new ConformanceMismatch(`no L3 read of ${k} is in flight in the implementation`)
    held.delete(k)
    g.release()
  }

  try {
    for (let i = 1; i < trace.states.length; i++) {
      const pre = trace.states[i - 1].vars
      const post = trace.states[i].vars
      const { name, args } = parseAction(trace.states[i].action)
      const k = args[0]
      stats.steps++
      stats.actions[name] = (stats.actions[name] ?? 0) + 1
      let lastRead: { key: string; val: number | typeof NONE } | typeof NONE | undefined // undefined = this step answers no read
      switch (name) {
        case "Read": {
          const v = await h.read(k)
          lastRead = { key: k, val: specVersion(v) }
          break
        }
        case "Put":
          store.set(k, post.ver as number)
          await cache.put(k, { v: post.ver as number })
          break
        case "Invalidate":
          store.delete(k)
          await cache.invalidate(k)
          break
        case "FillStart":
          readers.set(k, h.fillStart(k, undefined, false))
          break
        case "FillComplete": {
          await release(k)
          const r = await readers.get(k)!
          readers.delete(k)
          if (prefetches.has(k)) await prefetches.get(k)
          prefetches.delete(k)
          lastRead = r.stale ? undefined : { key: k, val: specVersion(r.value) }
          break
        }
        case "PrefetchStart":
          prefetches.set(k, h.prefetchStart(k, undefined))
          await new Promise((r) => setImmediate(r))
          break
        case "PrefetchComplete":
          await release(k)
          await prefetches.get(k)
          prefetches.delete(k)
          break
        case "Promote":
          h.promote(k, false)
          break
        case "Demote":
          if ((pre.l1 as Rec)[k] !== NONE && (post.l1 as Rec)[k] === NONE) {
            const value = h.l1.peek(k)!
            const version = h.l1.versionOf(k)
            h.l1.delete(k)
            h.demote(St.L1_DEMAND, k, value, undefined, version)
          } else {
            const stored = h.l2.get(k)!
            h.l2.delete(k)
            h.demote(St.L2, k, undefined, stored.bytes, stored.version)
          }
          await settle()
          break
        case "Evict":
          if ((pre.l1 as Rec)[k] !== NONE && (post.l1 as Rec)[k] === NONE) h.l1.delete(k)
          else if ((pre.l2 as Rec)[k] !== NONE && (post.l2 as Rec)[k] === NONE) h.l2.delete(k)
          else await realL3!.delete(k, realL3!.versionOf(k))
          h.evict(k)
          break
        case "Crash":
          h.crash()
          held.clear() // reads in flight die with the process
          readers.clear()
          prefetches.clear()
          break
        default:
          throw new ConformanceMismatch(`step ${i}: the replayer has no mapping for action ${name}`)
      }
      await compare(i, trace.states[i], lastRead)
    }
  } finally {
    for (const g of held.values()) g.release()
    held.clear()
    await cache.close().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  }

  async function compare(i: number, state: ItfState, lastRead: { key: string; val: number | typeof NONE } | typeof NONE | undefined): Promise<void> {
    const spec = state.vars
    const impl: Record<string, Record<string, ItfValue>> = { l1: {}, l2: {}, inL3: {}, fill: {} }
    const specAbs: Record<string, Record<string, ItfValue>> = { l1: {}, l2: {}, inL3: {}, fill: {} }
    for (const key of Object.keys(spec.l1 as Rec)) {
      impl.l1[key] = specVersion(h.l1.peek(key))
      impl.l2[key] = h.l2.has(key) ? specVersion(deserializeValue(key, h.l2.get(key)!.bytes)) : NONE
      impl.inL3[key] = realL3!.has(key) ? specVersion(await realL3!.get(key).then((s) => (s === undefined ? undefined : deserializeValue(key, s.bytes)))) : NONE
      impl.fill[key] = held.has(key)
      specAbs.l1[key] = (spec.l1 as Rec)[key]
      specAbs.l2[key] = (spec.l2 as Rec)[key]
      const r3 = (spec.l3 as Rec)[key]
      specAbs.inL3[key] = r3 !== NONE && (r3 as Rec).live === true ? (r3 as Rec).ver : NONE
      specAbs.fill[key] = (spec.fill as Rec)[key] !== NONE
    }
    const specRead = spec.lastRead === "NoRead" ? undefined : { key: (spec.lastRead as Rec).key as string, val: (spec.lastRead as Rec).val as number | typeof NONE }
    const implRead = lastRead === NONE ? undefined : lastRead
    const same = JSON.stringify(impl) === JSON.stringify(specAbs) && JSON.stringify(implRead) === JSON.stringify(specRead)
    if (!same) {
      throw new ConformanceMismatch(
        `${trace.file}\nstep ${i} (${state.action}) diverged\n  spec: ${JSON.stringify({ ...specAbs, lastRead: specRead ?? "NoRead" })}\n  impl: ${JSON.stringify({ ...impl, lastRead: implRead ?? "NoRead" })}`,
      )
    }
  }
}
