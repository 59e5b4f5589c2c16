/**
 * The prefetch engine's public types and options, with their defaults (see prefetch-engine.ts).
 */
import { DEFAULT_CAPACITY } from "./key-interner.js"

/** Where a demand access was served from (the hierarchy's access hook reports this). */
export type ServedBy = "l1" | "l2" | "l3" | "load" | "miss"

/** Which model produced a prediction. */
export type PredictionSource = "agent" | "kind" | "stride"

export interface Prediction {
  readonly key: string
  readonly confidence: number
  readonly source: PredictionSource
  /** Last observed size of the key (or of the key it was extrapolated from); 0 when unknown. */
  readonly bytes: number
}

export interface PrefetchEngineOptions {
  /** Longest Markov context (1–3). Default 3. */
  readonly maxOrder?: number
  /** Context slots of each agent's own table (rounded up to a power of two). Default 256. */
  readonly agentContexts?: number
  /** Context slots of each kind's shared table. Default 16384. */
  readonly kindContexts?: number
  /** Base confidence threshold in (0, 1). Default 0.6 (a transition seen twice, never contradicted). */
  readonly threshold?: number
  /** Predictions returned per access, best first. Default 2. */
  readonly maxPredictions?: number
  /** Markov steps predicted ahead (chained; confidence multiplies). Default 2. */
  readonly lookahead?: number
  /** Stride continuations predicted (n+d, n+2d, …). Default 2. */
  readonly strideDegree?: number
  /** A shadow prediction is correct if the agent demands the key within this many of its accesses. Default 8. */
  readonly verifyWindow?: number
  /** An issued prefetch not demanded within this many accesses of its agent is unused. Default 32. */
  readonly usefulWindow?: number
  /** Completed prefetches kept waiting for a late demand after their useful window (see waiting-prefetches.ts). Default 4096. */
  readonly waitingLimit?: number
  /** Minimum recent shadow precision for an agent (or kind) to prefetch at all. Default 0.7. */
  readonly gateTarget?: number
  /** Real accuracy below which the agent's threshold rises. Default 0.8. */
  readonly accuracyTarget?: number
  /** Throttle each predicting model (agent / kind / stride) of a kind on its own accuracy too. Default true. */
  readonly sourceThrottle?: boolean
  /** Final accuracy (used before eviction) below which a model’s own threshold rises. Default 0.5. */
  readonly sourceAccuracyTarget?: number
  /** Outcomes needed before an agent's own record replaces its kind's. Default 16. */
  readonly minSamples?: number
  /** Tiers whose service counts as a hit for coverage. Default ["l1"]. */
  readonly hitTiers?: readonly ServedBy[]
  /** Kind of agents registered without one. Default "default". */
  readonly defaultKind?: string
  /** Distinct kinds kept; further kinds share the default kind's model. Default 64. */
  readonly maxKinds?: number
  /**
   * Behavioural clustering of unlabelled agents: after this many accesses, an agent registered
   * without a kind is assigned to the nearest behaviour cluster (each cluster has its own shared
   * model). 0 disables clustering: unlabelled agents then all share the default kind. Default 0.
   */
  readonly clusterAfter?: number
  /** Most behaviour clusters kept. Default 8. */
  readonly maxClusters?: number
  /** Cosine similarity at which an agent joins a cluster instead of founding one. Default 0.75. */
  readonly clusterSimilarity?: number
  /**
   * Most distinct (templated) keys the engine's key interner holds, rounded up to a power of two.
   * Past it the least recently re-accessed keys are evicted (CLOCK) and what the models learnt
   * about them is forgotten; memory for keys is then fixed (~200–260 bytes a key, see
   * docs/prefetch.md). Default 2^20.
   */
  readonly maxInternedKeys?: number
  /** Called when an issued prefetch resolves (for tracing and analysis; keep it cheap). */
  readonly onOutcome?: (key: string, agentId: string, source: PredictionSource, used: boolean) => void
}

export interface ResolvedOptions {
  readonly maxOrder: number
  readonly agentContexts: number
  readonly kindContexts: number
  readonly threshold: number
  readonly maxPredictions: number
  readonly lookahead: number
  readonly strideDegree: number
  readonly verifyWindow: number
  readonly usefulWindow: number
  readonly waitingLimit: number
  readonly gateTarget: number
  readonly accuracyTarget: number
  readonly minSamples: number
  readonly sourceThrottle: boolean
  readonly sourceAccuracyTarget: number
  readonly hitTiers: readonly ServedBy[]
  readonly defaultKind: string
  readonly maxKinds: number
  readonly clusterAfter: number
  readonly maxClusters: number
  readonly maxInternedKeys: number
  readonly clusterSimilarity: number
  readonly onOutcome: ((key: string, agentId: string, source: PredictionSource, used: boolean) => void) | undefined
}

/** Options with every default applied. */
export function resolveEngineOptions(o: PrefetchEngineOptions): ResolvedOptions {
  const maxOrder = Math.min(3, Math.max(1, Math.floor(o.maxOrder ?? 3)))
  const threshold = o.threshold ?? 0.6
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`threshold must be in (0, 1), got ${threshold}`)
  return {
    maxOrder,
    agentContexts: o.agentContexts ?? 256,
    kindContexts: o.kindContexts ?? 16384,
    threshold,
    maxPredictions: Math.max(1, o.maxPredictions ?? 2),
    lookahead: Math.max(1, o.lookahead ?? 2),
    strideDegree: Math.max(0, o.strideDegree ?? 2),
    verifyWindow: Math.max(1, o.verifyWindow ?? 8),
    usefulWindow: Math.max(1, o.usefulWindow ?? 32),
    waitingLimit: Math.max(0, o.waitingLimit ?? 4096),
    gateTarget: o.gateTarget ?? 0.7,
    accuracyTarget: o.accuracyTarget ?? 0.8,
    minSamples: Math.max(1, o.minSamples ?? 16),
    sourceThrottle: o.sourceThrottle ?? true,
    sourceAccuracyTarget: o.sourceAccuracyTarget ?? 0.5,
    hitTiers: o.hitTiers ?? ["l1"],
    defaultKind: o.defaultKind ?? "default",
    maxKinds: Math.max(1, o.maxKinds ?? 64),
    clusterAfter: Math.max(0, Math.floor(o.clusterAfter ?? 0)),
    maxClusters: Math.max(1, Math.floor(o.maxClusters ?? 8)),
    clusterSimilarity: o.clusterSimilarity ?? 0.75,
    maxInternedKeys: Math.max(16, Math.floor(o.maxInternedKeys ?? DEFAULT_CAPACITY)),
    onOutcome: o.onOutcome,
  }
}
