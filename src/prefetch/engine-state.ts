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
import type { BehaviourSignature } from "./behaviour-signature.js"

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
  constructor(
    readonly name: string,
    readonly table: ContextTable,
    baseThreshold: number,
  ) {
    this.threshold = baseThreshold
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
  /** Last key ids, most recent first; -1 = none. */
  readonly history: Int32Array
  /** Shape of the last two keys (stem class for numbered keys, else the key id), most recent first. */
  readonly shapes: Int32Array
  /** Bytes of the one buffer all of the above live in. */
  readonly byteSize: number

  constructor(contexts: number, ledgerSize: number) {
    // One buffer, doubles first (8-byte alignment), then the 4-byte arrays: an agent's state is a
    // few adjacent cache lines instead of a dozen allocations scattered over the heap.
    const ledgerAt = StrideDetector.byteSize
    const tableAt = ledgerAt + PredictionLedger.bytesFor(ledgerSize)
    const seenAt = tableAt + ContextTable.bytesFor(contexts)
    const keysAt = seenAt + SeenFilter.byteSize
    const historyAt = keysAt + AgentKeys.arrayBytes
    this.byteSize = historyAt + 5 * 4
    const buffer = new ArrayBuffer(this.byteSize)
    this.stride = new StrideDetector(buffer, 0)
    this.ledger = new PredictionLedger(ledgerSize, buffer, ledgerAt)
    this.table = new ContextTable(contexts, buffer, tableAt)
    this.seen = new SeenFilter(buffer, seenAt)
    this.keys = new AgentKeys(buffer, keysAt)
    this.history = new Int32Array(buffer, historyAt, 3).fill(-1)
    this.shapes = new Int32Array(buffer, historyAt + 12, 2).fill(-1)
  }

  clear(): void {
    this.table.clear()
    this.stride.clear()
    this.seen.clear()
    this.keys.clear()
    this.ledger.clear()
    this.history.fill(-1)
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
  readonly history: Int32Array
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
    this.history = model.history
    this.shapes = model.shapes
    this.threshold = baseThreshold
  }
}
