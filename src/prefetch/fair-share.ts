/**
 * Max-min fair shares of a byte budget among agents (water-filling). An agent asking for less than
 * an equal share gets what it asks; the rest is split equally among the others, repeatedly. A
 * flooding agent therefore never gets more than the budget minus everyone else's (bounded) demand,
 * and every other agent keeps min(its demand, its fair share) — the bound the L1 per-owner quotas
 * enforce (src/tiers/l1).
 *
 * Optional weights give an agent a proportionally larger share (e.g. by priority).
 */
export interface ShareDemand {
  readonly owner: string
  /** Bytes the owner would hold if unconstrained (e.g. its recent working set). */
  readonly demand: number
  /** Relative weight (default 1). */
  readonly weight?: number
}

/** Allocations per owner, summing to at most `capacity`. O(n log n). */
export function fairShares(capacity: number, demands: readonly ShareDemand[]): Map<string, number> {
  if (!(capacity >= 0)) throw new RangeError(`capacity must be >= 0, got ${capacity}`)
  const out = new Map<string, number>()
  const order = demands
    .map((d) => ({ owner: d.owner, demand: Math.max(0, d.demand), weight: d.weight ?? 1 }))
    .filter((d) => {
      if (!(d.weight > 0)) throw new RangeError(`weight of ${d.owner} must be > 0`)
      return true
    })
    // Satisfy the smallest demand-per-weight first: those are the ones below the water level.
    .sort((a, b) => a.demand / a.weight - b.demand / b.weight)
  let left = capacity
  let weightLeft = order.reduce((s, d) => s + d.weight, 0)
  for (const d of order) {
    const share = weightLeft > 0 ? (left * d.weight) / weightLeft : 0
    const grant = Math.min(d.demand, share)
    out.set(d.owner, grant)
    left -= grant
    weightLeft -= d.weight
  }
  return out
}
