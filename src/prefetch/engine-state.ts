/**
 * The mutable state the prefetch engine keeps per agent, per kind and per issued prefetch.
 * Everything an agent owns is allocated at registration and fixed in size.
 */
import { AccuracyWindow } from "./accuracy-window.js"
import { AgentKeys } from "./agent-keys.js"
import { ContextTable } from "./context-table.js"
import type { PredictionSource } from "./engine-options.js"
import { PredictionLedger } from "./prediction-ledger.js"
import { PrefetchCounters } from "./prefetch-metrics.js"
import { SeenFilter } from "./seen-filter.js"
import { StrideDetector } from "./stride-detector.js"
import { BehaviourSignature } from "./behaviour-signature.js"
import { BufferViews } from "./buffer-views.js"

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

/**
 * The fixed-size arrays of one agent's model. Allocating them (several ArrayBuffers) is the most
 * expensive part of registering an agent, so the engine recycles the model of an ended agent for
 * the next one (cleared first): with churn, agents come and go all the time.
 */
export class AgentModel {
  readonly table: ContextTable
  readonly stride: StrideDetector
  /** Private templates this agent has touched (a kind prediction of one it has not is dropped). */
  readonly seen: SeenFilter
  /** The agent's own spelling of its private templates. */
  readonly keys: AgentKeys
  readonly ledger: PredictionLedger
  /** Shape of the last two keys (stem class for numbered keys, else the key id), most recent first. */
  readonly shapes: Int32Array
  /** The behaviour signature (used while the agent is unlabelled and not yet clustered). */
  readonly signature: BehaviourSignature
  /** Bytes of the buffer region all of the above live in. */
  readonly byteSize: number

  /**
   * @param views where to live (default: a buffer of its own); the engine packs a batch of models
   *   into one buffer and one set of views, each model at its own zeroed region
   * @param byteOffset a multiple of 8
   */
  constructor(contexts: number, ledgerSize: number, views?: BufferViews, byteOffset = 0) {
    // Doubles first (8-byte alignment), then the 4- and 2-byte arrays: an agent's state is a few
    // adjacent cache lines instead of a dozen allocations scattered over the heap.
    const ledgerAt = byteOffset + StrideDetector.byteSize
    const tableAt = ledgerAt + PredictionLedger.bytesFor(ledgerSize)
    const seenAt = tableAt + ContextTable.bytesFor(contexts)
    const keysAt = seenAt + SeenFilter.byteSize
    const shapesAt = keysAt + AgentKeys.arrayBytes
    const signatureAt = shapesAt + 2 * 4
    this.byteSize = AgentModel.bytesFor(contexts, ledgerSize)
    const v = views ?? BufferViews.allocate(this.byteSize)
    this.stride = new StrideDetector(v, byteOffset)
    this.ledger = new PredictionLedger(ledgerSize, v, ledgerAt)
    this.table = new ContextTable(contexts, v, tableAt)
    this.seen = new SeenFilter(v, seenAt)
    this.keys = new AgentKeys(v, keysAt)
    this.shapes = new Int32Array(v.buffer, shapesAt, 2).fill(-1)
    this.signature = new BehaviourSignature(v, signatureAt)
  }

  /** Bytes of one model's buffer region (a multiple of 8, so models can be packed back to back). */
  static bytesFor(contexts: number, ledgerSize: number): number {
    const n = StrideDetector.byteSize + PredictionLedger.bytesFor(ledgerSize) + ContextTable.bytesFor(contexts) + SeenFilter.byteSize + AgentKeys.arrayBytes + 2 * 4 + BehaviourSignature.byteSize
    return Math.ceil(n / 8) * 8
  }

  clear(): void {
    this.forgetKeys()
    this.signature.clear()
  }

  /**
   * Forgets everything that refers to interned key handles or stem ids (all but the behaviour
   * signature, which holds shape hashes): after the interner starts a new epoch.
   */
  forgetKeys(): void {
    this.table.clear()
    this.stride.clear()
    this.seen.clear()
    this.keys.clear()
    this.ledger.clear()
    this.shapes.fill(-1)
  }
}

/** One agent's model, history and record. All of its memory is fixed at registration. */
export class AgentState {
  readonly table: ContextTable
  readonly stride: StrideDetector
  readonly seen: SeenFilter
  readonly keys: AgentKeys
  readonly ledger: PredictionLedger
  /**
   * Last three key ids, most recent first (-1 = none). Plain fields rather than a typed array in the
   * model's buffer: every access reads and shifts them, and the agent object is already in cache by
   * then, where a view would cost its own object and the buffer's line.
   */
  h0 = -1
  h1 = -1
  h2 = -1
  /** Shape of the last two keys (a typed array: a stem class is 2^30 + stem, beyond a small integer field). */
  readonly shapes: Int32Array
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
  /** The shared model it learns into and predicts from; an unlabelled agent moves to its cluster's. */
  kind: KindState
  /** Behaviour signature of an unlabelled agent until it is clustered (undefined otherwise). */
  signature: BehaviourSignature | undefined = undefined
  constructor(
    readonly id: string,
    kind: KindState,
    readonly model: AgentModel,
    baseThreshold: number,
  ) {
    this.kind = kind
    this.table = model.table
    this.stride = model.stride
    this.seen = model.seen
    this.keys = model.keys
    this.ledger = model.ledger
    this.shapes = model.shapes
    this.threshold = baseThreshold
  }
}
