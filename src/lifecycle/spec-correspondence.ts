/**
 * How the entry machine corresponds to spec/TierCoherency.tla (used by test/lifecycle/spec.test.ts
 * and docs): which spec action each machine event stands for, and which spec per-key configuration
 * each machine state stands for.
 *
 * The machine tracks the FASTEST place holding a key's current version; the spec tracks every tier
 * at once (`l1[k]`, `l2[k]`, `l3[k]` with tombstones, `fill[k]` with a waiting reader or not).
 */
import type { EventName } from "./transition-table.js"

/** Spec actions (in `Next`) each machine event implements. */
export const EVENT_TO_SPEC_ACTIONS: Readonly<Record<EventName, readonly string[]>> = {
  READ_MISS: ["FillStart"],
  PREFETCH: ["PrefetchStart", "Promote"],
  FILL_OK: ["FillComplete", "PrefetchComplete"],
  FILL_STALE: ["FillComplete", "PrefetchComplete"],
  PROMOTE: ["Read", "Promote"],
  DEMOTE: ["Demote"],
  EVICT: ["Evict"],
  INVALIDATE: ["Invalidate"],
  PUT: ["Put"],
  USE: ["Read"],
  CRASH_DURABLE: ["Crash"],
  CRASH_VOLATILE: ["Crash"],
}

/** The spec's per-key view, abstracted: which tiers hold the key and what is in flight. */
export interface SpecKeyView {
  /** `l1[k] # None` */
  readonly l1: boolean
  /** `l2[k] # None` */
  readonly l2: boolean
  /** `l3[k]`: none, a live record, or a tombstone (`live = FALSE`). */
  readonly l3: "none" | "live" | "tombstone"
  /** `fill[k]`: none, a fill with a waiting reader, or a prefetch (`reader = FALSE`). */
  readonly fill: "none" | "reader" | "prefetch"
}

/**
 * The machine state a spec per-key configuration corresponds to. L1 residency wins (whether it
 * was prefetched is below the spec's abstraction: `l1` stands for both `l1.*` states), then an
 * in-flight fill, then L2, L3, a tombstone; nothing anywhere is `absent` (the machine's `evicted`
 * is `absent` with history).
 */
export function machineStateOf(v: SpecKeyView): string {
  if (v.l1) return "l1"
  if (v.fill === "reader") return "loading.demand"
  if (v.fill === "prefetch") return "loading.prefetch"
  if (v.l2) return "l2"
  if (v.l3 === "live") return "l3"
  if (v.l3 === "tombstone") return "invalidated"
  return "absent"
}

/** Spec variables the correspondence reads. */
export const SPEC_VARIABLES = ["l1", "l2", "l3", "fill"] as const
