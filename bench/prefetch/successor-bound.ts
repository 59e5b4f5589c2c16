/**
 * How predictable is a per-agent access stream at all? An oracle-ish upper bound for successor
 * (first-order Markov) prefetching, measured against the misses of an exact LRU at one capacity.
 *
 * Every LRU miss is classified:
 * - cold: the first access to the key by anyone (no history can predict it; a prefetcher could
 *   only guess it from a template);
 * - private first touch: an agent's first access to one of its own `<agentId>:…` keys — usually a
 *   file being created, which a prefetch could not load;
 * - repeat: the key was accessed before (by anyone).
 * and, for the misses that are not private first touches, whether the key (agent-templated) was
 * seen following the agent's previous key before — learnt from all agents so far:
 * - top-2: among the two most frequent successors (prefetching both, each free and on time);
 * - confident: the most frequent successor with count / (total + 1) >= `threshold` (what a
 *   thresholded predictor would issue).
 * "Bound hit" is the LRU hit ratio plus every top-2-predictable miss turned into a hit, with no
 * pollution: no successor predictor of this family can do better at this capacity.
 */
import { generaliseKey } from "../../src/prefetch/agent-template.js"

export interface SuccessorBound {
  readonly capacity: number
  readonly accesses: number
  readonly misses: number
  readonly cold: number
  readonly privateFirstTouch: number
  readonly repeat: number
  readonly top2Predictable: number
  readonly confidentPredictable: number
  readonly hitLru: number
  /** Hit ratio if every top-2-predictable miss were a hit. */
  readonly boundHitTop2: number
  /** Hit ratio if every confidently predictable miss were a hit. */
  readonly boundHitConfident: number
}

/** Most frequent successors per context: a small count map per context. */
class Successors {
  private readonly byContext = new Map<string, Map<string, number>>()
  add(context: string, next: string): void {
    let m = this.byContext.get(context)
    if (m === undefined) this.byContext.set(context, (m = new Map()))
    m.set(next, (m.get(next) ?? 0) + 1)
  }
  /** The two most frequent successors (ties: first seen) and the context's total. */
  top2(context: string): { first?: string; firstCount: number; second?: string; total: number } {
    const m = this.byContext.get(context)
    const out: { first?: string; firstCount: number; second?: string; total: number } = { firstCount: 0, total: 0 }
    if (m === undefined) return out
    let secondCount = 0
    for (const [k, n] of m) {
      out.total += n
      if (n > out.firstCount) {
        out.second = out.first
        secondCount = out.firstCount
        out.first = k
        out.firstCount = n
      } else if (n > secondCount) {
        out.second = k
        secondCount = n
      }
    }
    return out
  }
}

export function successorBound(keys: readonly string[], agents: readonly string[], capacity: number, threshold = 0.6): SuccessorBound {
  const lru = new Map<string, true>()
  const seen = new Set<string>()
  const touchedBy = new Map<string, Set<string>>()
  const previous = new Map<string, string>()
  const succ = new Successors()
  let misses = 0
  let cold = 0
  let privateFirstTouch = 0
  let top2Predictable = 0
  let confidentPredictable = 0
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]
    const agent = agents[i]
    let touched = touchedBy.get(agent)
    if (touched === undefined) touchedBy.set(agent, (touched = new Set()))
    const hit = lru.delete(key)
    lru.set(key, true)
    if (lru.size > capacity) lru.delete(lru.keys().next().value!)
    const template = generaliseKey(key, agent)
    const prev = previous.get(agent)
    if (!hit) {
      misses++
      const isPrivate = key.startsWith(`${agent}:`)
      if (!seen.has(key)) cold++
      if (isPrivate && !touched.has(key)) {
        privateFirstTouch++
      } else if (prev !== undefined) {
        const t = succ.top2(generaliseKey(prev, agent))
        if (t.first === template || t.second === template) top2Predictable++
        if (t.first === template && t.firstCount / (t.total + 1) >= threshold) confidentPredictable++
      }
    }
    if (prev !== undefined) succ.add(generaliseKey(prev, agent), template)
    previous.set(agent, key)
    seen.add(key)
    touched.add(key)
  }
  const n = keys.length
  return {
    capacity,
    accesses: n,
    misses,
    cold,
    privateFirstTouch,
    repeat: misses - cold,
    top2Predictable,
    confidentPredictable,
    hitLru: 1 - misses / n,
    boundHitTop2: 1 - (misses - top2Predictable) / n,
    boundHitConfident: 1 - (misses - confidentPredictable) / n,
  }
}
