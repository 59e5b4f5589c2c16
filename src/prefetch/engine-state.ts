/**
 * The mutable state the prefetch engine keeps per agent, per kind and per issued prefetch.
 * Everything an agent owns is allocated at registration and fixed in size.
 */
import { AccuracyWindow } from "./accuracy-window.js"
import { ContextTable } from "./context-table.js"
import type { PredictionSource } from "./engine-options.js"
import { PredictionLedger } from "./prediction-ledger.js"
import { PrefetchCounters } from "./prefetch-metrics.js"
import { SeenFilter } from "./seen-filter.js"
import { StrideDetector } from "./stride-detector.js"

/** Index of each prediction source in the per-source arrays. */
export const SOURCE_INDEX: Readonly<Record<PredictionSource, number>> = { agent: 0, kind: 1, stride: 2 }

/** A kind's shared model and track record. */
export class KindState {
  readonly precision = new AccuracyWindow()
  readonly accuracy = new AccuracyWindow()
  readonly counters = new PrefetchCounters()
  threshold: number
  agents = 0
  /** Demand accesses by the kind's agents, and the access count at its last outcome (for the probe). */
  accesses = 0
  lastOutcomeAt = 0
  /**
   * The same throttle per predicting model (indexed by SOURCE_INDEX): a model whose prefetches go
   * unused — typically stride continuations past the end of a run — is held to a higher threshold
   * without starving the kind's accurate models.
   */
  readonly sourceAccuracy = [new AccuracyWindow(), new AccuracyWindow(), new AccuracyWindow()]
  readonly sourceThreshold: Float64Array
  /** Candidates each model had dropped by its threshold since its last outcome (for the probe). */
  readonly sourceBlocked = new Float64Array(3)
  constructor(
    readonly name: string,
    readonly table: ContextTable,
    baseThreshold: number,
  ) {
    this.threshold = baseThreshold
    this.sourceThreshold = new Float64Array(3).fill(baseThreshold)
  }
}

/** An issued prefetch awaiting its outcome. */
export interface Pending {
  readonly key: string
  readonly source: PredictionSource
  readonly agent: AgentState
  readonly bytes: number
  readonly deadline: number
  completed: boolean
  resolved: boolean
}

/** One agent's model, history and record. All of its memory is fixed at registration. */
export class AgentState {
  readonly table: ContextTable
  readonly stride = new StrideDetector()
  /** Private templates this agent has touched (a kind prediction of one it has not is dropped). */
  readonly seen = new SeenFilter()
  /** Last key ids, most recent first; -1 = none. */
  readonly history = new Int32Array(3).fill(-1)
  /** Shape of the last two keys (stem class for numbered keys, else the key id), most recent first. */
  readonly shapes = new Int32Array(2).fill(-1)
  readonly ledger: PredictionLedger
  readonly precision = new AccuracyWindow()
  readonly accuracy = new AccuracyWindow()
  readonly counters = new PrefetchCounters()
  /** Issued, unresolved prefetches in issue order (deadlines are monotone, so expiry checks the head). */
  readonly pending: Pending[] = []
  pendingHead = 0
  accesses = 0
  threshold: number
  lastOutcomeAt = 0
  ended = false
  constructor(
    readonly id: string,
    readonly kind: KindState,
    contexts: number,
    ledgerSize: number,
    baseThreshold: number,
  ) {
    this.table = new ContextTable(contexts)
    this.ledger = new PredictionLedger(ledgerSize)
    this.threshold = baseThreshold
  }
}
