/**
 * The prefetch engine: learns each agent's key sequence online and says what to prefetch next.
 *
 * Per demand access (`observe`) it
 *  1. settles outcomes: a pending prefetch of this key is now "used" (so is a copy waiting past its
 *     window, if this demand hit it); the agent's prefetches past their useful window count as
 *     window misses for the throttle, and their completed copies wait for a late demand
 *     (waiting-prefetches.ts) until evicted; the agent's shadow predictions are verified
 *     (PredictionLedger);
 *  2. updates the models: the agent's own order-1..k Markov table, its kind's shared workflow
 *     n-gram table (same contexts, shared by every agent of the kind), and the stride detector —
 *     all over interned, agent-templated key ids;
 *  3. predicts: best successor per table with PPM-style fallback from order k down to 1, chained
 *     `lookahead` steps deep, plus stride continuations; keeps those above the agent's threshold;
 *  4. gates (the throttle): returns them only when the agent's recent shadow precision (or its
 *     kind's, for a new agent) is at least `gateTarget`. The threshold itself rises while the real
 *     accuracy of issued prefetches (used within the window) is below `accuracyTarget` and relaxes
 *     when it recovers; and each model of a kind (agent / kind / stride) has its own threshold,
 *     driven by its final outcomes (used before eviction or not) against `sourceAccuracyTarget`.
 *
 * The engine is synchronous and does no I/O. The caller (Prefetcher, or the offline simulator)
 * checks residency, applies the budget, issues the loads and reports back through
 * `recordIssued` / `recordCompleted` / `recordEvicted`.
 */
import type { PrefetchStats } from "../api.js"
import type { AccuracyWindow } from "./accuracy-window.js"
import { generaliseKey, instantiateKey } from "./agent-template.js"
import { ContextTable, contextHash, type SuccessorGuess } from "./context-table.js"
import { AgentKeys } from "./agent-keys.js"
import { BehaviourClusters } from "./behaviour-clusters.js"
import { BufferViews } from "./buffer-views.js"
import { SIGNATURE_DIMS } from "./behaviour-signature.js"
import { AgentModel, AgentState, KindState, SOURCE_INDEX, type Pending } from "./engine-state.js"
import { resolveEngineOptions, type Prediction, type PredictionSource, type PrefetchEngineOptions, type ResolvedOptions, type ServedBy } from "./engine-options.js"
import { KeyInterner } from "./key-interner.js"
import { formatNumberedKey } from "./numbered-key.js"
import { PrefetchCounters, toPrefetchStats } from "./prefetch-metrics.js"
import type { StrideGuess } from "./stride-detector.js"
import { TemplateMemo } from "./template-memo.js"
import { WaitingPrefetches, type WaitingPrefetch } from "./waiting-prefetches.js"

export type { Prediction, PredictionSource, PrefetchEngineOptions, ServedBy } from "./engine-options.js"

/** Threshold step of the accuracy throttle, and its ceiling (above the best Markov confidence 32/33). */
const THRESHOLD_STEP = 0.01
const THRESHOLD_CEILING = 0.99
/** While throttled up, the threshold relaxes one step per this many accesses without outcomes (a probe). */
const RELAX_EVERY = 64
/** Pseudo-order that keeps stem→delta contexts apart from key contexts in the kind table. */
const STEM_ORDER = 7
/** Kind-level deltas are learnt within ±this (farther jumps are repositioning, not a pattern). */
const MAX_KIND_DELTA = 64
/** Deltas are stored as successor ids offset by this (successor ids must be >= 0). */
const DELTA_BIAS = 1 << 20
/** Observations of a (stem, shape) context before the kind's view caps an agent's stride. */
const KIND_STRIDE_EVIDENCE = 4
/** The successor id standing for "a jump beyond ±MAX_KIND_DELTA" (never predicted). */
const FAR_DELTA = DELTA_BIAS + MAX_KIND_DELTA + 1
/** Marks a stem class in the shape history (key ids stay below 2^30). */
const SHAPE_STEM_BIT = 1 << 30
/** Candidate slots per access (agent + kind chains, stride continuations). */
const MAX_CANDIDATES = 16
/** Agent models allocated together (one buffer); the spares wait in the pool. */
const MODEL_BATCH = 16

export class PrefetchEngine {
  private readonly opts: ResolvedOptions
  private readonly interner: KeyInterner
  private readonly memo = new TemplateMemo()
  /** The interner epoch the models' handles belong to (see resetModels). */
  private modelEpoch = 0
  /** Cleared models of ended agents and unused batch spares (see takeModel). */
  private readonly modelPool: AgentModel[] = []
  private readonly clusters: BehaviourClusters
  private readonly clusterKinds: KindState[] = []
  private readonly unitSignature = new Float64Array(SIGNATURE_DIMS)
  private readonly agents = new Map<string, AgentState>()
  private readonly kinds = new Map<string, KindState>()
  private readonly pending = new Map<string, Pending>()
  /** Completed prefetches past their useful window, still resident and unread. */
  private readonly waiting: WaitingPrefetches
  private readonly global = new PrefetchCounters()
  private readonly bySource: Record<PredictionSource, { issued: number; used: number }> = {
    agent: { issued: 0, used: 0 },
    kind: { issued: 0, used: 0 },
    stride: { issued: 0, used: 0 },
  }
  private readonly hitTier: Record<ServedBy, boolean>
  // Scratch space reused by every prediction (no allocation per access).
  private readonly guess: SuccessorGuess = { id: -1, count: 0, total: 0 }
  private readonly strideGuess: StrideGuess = { stem: -1, last: 0, delta: 0, confirmations: 0, prevContext: 0 }
  private readonly candKeys: string[] = new Array<string>(MAX_CANDIDATES).fill("")
  /** Interned id of each candidate's template, -1 when the key was never seen (stride extrapolation). */
  private readonly candIds = new Int32Array(MAX_CANDIDATES)
  private readonly candConf = new Float64Array(MAX_CANDIDATES)
  private readonly candSource: PredictionSource[] = new Array<PredictionSource>(MAX_CANDIDATES).fill("agent")
  private readonly candBytes = new Float64Array(MAX_CANDIDATES)
  private candCount = 0

  constructor(options: PrefetchEngineOptions = {}) {
    this.opts = resolveEngineOptions(options)
    this.interner = new KeyInterner(this.opts.maxInternedKeys)
    this.waiting = new WaitingPrefetches(this.opts.waitingLimit)
    this.hitTier = { l1: false, l2: false, l3: false, load: false, miss: false }
    for (const t of this.opts.hitTiers) this.hitTier[t] = true
    this.clusters = new BehaviourClusters(this.opts.maxClusters, this.opts.clusterSimilarity)
  }

  /** The resolved configuration (for reports). */
  get options(): Readonly<ResolvedOptions> {
    return this.opts
  }

  /**
   * Registers an agent (idempotent). An agent with a kind starts from the kind's shared model; an
   * agent without one uses the default kind. Observing an unregistered agent registers it.
   */
  registerAgent(agentId: string, kind?: string): void {
    if (this.agents.has(agentId)) return
    const k = this.kindState(kind ?? this.opts.defaultKind)
    k.agents++
    const agent = new AgentState(agentId, k, this.takeModel(), k.threshold)
    if (kind === undefined && this.opts.clusterAfter > 0) agent.signature = agent.model.signature
    this.agents.set(agentId, agent)
  }

  /**
   * A cleared model for a new agent: a recycled one, else one of a fresh batch. Models are
   * allocated MODEL_BATCH at a time in one buffer, so registering an agent costs a pop, not a
   * dozen typed-array allocations (one registration in MODEL_BATCH pays for the batch).
   */
  private takeModel(): AgentModel {
    const recycled = this.modelPool.pop()
    if (recycled !== undefined) return recycled
    const ledgerSize = this.opts.maxPredictions * this.opts.verifyWindow
    const bytes = AgentModel.bytesFor(this.opts.agentContexts, ledgerSize)
    const views = BufferViews.allocate(bytes * MODEL_BATCH)
    for (let i = MODEL_BATCH - 1; i >= 1; i--) this.modelPool.push(new AgentModel(this.opts.agentContexts, ledgerSize, views, i * bytes))
    return new AgentModel(this.opts.agentContexts, ledgerSize, views, 0)
  }

  private kindState(name: string): KindState {
    let k = this.kinds.get(name)
    if (k !== undefined) return k
    if (this.kinds.size >= this.opts.maxKinds && name !== this.opts.defaultKind) return this.kindState(this.opts.defaultKind)
    k = new KindState(name, new ContextTable(this.opts.kindContexts), this.opts.threshold)
    this.kinds.set(name, k)
    return k
  }

  /**
   * Feeds one demand access and returns what to prefetch (possibly nothing). `bytes` is the value's
   * size when known (used for byte budgets and wasted-bytes accounting). A write (`isWrite`) teaches
   * the models like a read, but is never a miss, and it makes a pending prefetch of the key unused
   * (the prefetched copy was overwritten before anyone read it).
   */
  observe(agentId: string, key: string, servedBy: ServedBy, bytes = 0, isWrite = false): readonly Prediction[] {
    let agent = this.agents.get(agentId)
    if (agent === undefined) {
      this.registerAgent(agentId)
      agent = this.agents.get(agentId)!
    }
    const now = ++agent.accesses
    const hit = isWrite || this.hitTier[servedBy]
    const id = this.templateIdOf(key, agent)
    if (this.interner.epoch !== this.modelEpoch) this.resetModels()
    const template = this.interner.keyAt(id)
    if (!isWrite) {
      agent.counters.accesses++
      this.global.accesses++
    }

    // 1. Outcomes.
    const p = this.pending.get(key)
    if (p !== undefined && !p.resolved) {
      if (isWrite) this.resolveUnused(p, "overwritten")
      else this.resolveUsed(p, hit && p.completed)
    } else if (this.waiting.size !== 0) {
      const w = this.waiting.take(key)
      // A late demand that hits used the waiting copy; one that misses proves it was gone.
      if (w !== undefined) this.settleWaiting(w, !isWrite && hit, isWrite ? "overwritten" : "other")
    }
    if (!hit) {
      agent.counters.misses++
      agent.kind.counters.misses++
      this.global.misses++
    }
    this.expirePending(agent, now)
    const correct = agent.ledger.resolve(id, template, now)
    for (let i = 0; i < correct; i++) this.recordPrecision(agent, true)
    for (let i = agent.ledger.wrong; i > 0; i--) this.recordPrecision(agent, false)
    this.relaxThreshold(agent, now)

    // 2. Models.
    if (bytes > 0) this.interner.recordBytes(id, bytes)
    if (this.interner.isTemplate(id)) {
      agent.seen.add(id)
      agent.keys.note(id, key)
    }
    if (agent.signature !== undefined) this.describe(agent, id)
    // Writes extend the context but are never learnt as successors: prefetching a key that is
    // about to be overwritten is pure waste, so the models only ever predict reads.
    for (let order = 1; !isWrite && order <= this.opts.maxOrder && (order === 1 ? agent.h0 : order === 2 ? agent.h1 : agent.h2) >= 0; order++) {
      const ctx = contextHash(order, agent.h0, agent.h1, agent.h2)
      agent.table.update(ctx, id)
      agent.kind.table.update(ctx, id)
    }
    agent.h2 = agent.h1
    agent.h1 = agent.h0
    agent.h0 = id

    // 3. Predictions.
    this.candCount = 0
    const threshold = this.thresholdOf(agent)
    // Candidates are kept as templates (no string building per candidate); only the returned
    // ones are instantiated for the agent.
    this.markovChain(agent, agent.table, "agent", template, threshold)
    this.markovChain(agent, agent.kind.table, "kind", template, threshold)
    this.strideCandidates(agent, id, threshold, isWrite)
    const stemOfId = this.interner.stemOf(id)
    agent.shapes[1] = agent.shapes[0]
    agent.shapes[0] = stemOfId >= 0 ? stemOfId | SHAPE_STEM_BIT : id
    if (this.opts.sourceThrottle) this.applySourceThresholds(agent.kind)
    if (this.candCount === 0) return NO_PREDICTIONS
    const out = this.topCandidates(agent, now)
    agent.counters.predictions += out.length
    this.global.predictions += out.length

    // 4. Gate.
    if (!this.gateOpen(agent)) {
      agent.counters.throttled += out.length
      this.global.throttled += out.length
      return NO_PREDICTIONS
    }
    return out
  }

  /**
   * The interned id of `key`'s template for `agent` (`agent-17:notes` → id of `{agent}:notes`).
   * The memo answers repeat accesses without rebuilding and rehashing the template; its answer is
   * checked for this agent (see TemplateMemo).
   */
  private templateIdOf(key: string, agent: AgentState): number {
    // A key that does not contain the agent's id is its own template: one lookup in the interner.
    // (The memo only holds keys that did: on a stream with a large shared key universe, memoising
    // shared keys cost two more big-map operations per new key and cleared the memo every
    // `capacity` keys, evicting the private templates it exists for.)
    if (key.indexOf(agent.id) < 0) return this.interner.intern(key)
    const memoised = this.memo.get(key)
    // A memoised template is valid only for an agent that spelt it this way itself (AgentKeys).
    if (memoised >= 0 && this.interner.isLive(memoised) && this.interner.isTemplate(memoised) && agent.keys.keyOf(memoised) === key) return memoised
    const id = this.interner.intern(generaliseKey(key, agent.id))
    this.memo.set(key, id)
    return id
  }

  /**
   * The interner was cleared (a new epoch: see KeyInterner): every handle and stem id the models
   * hold is void, so every model forgets what it learnt — the agents' own tables, histories,
   * spellings, ledgers and stride streams, and the kinds' and clusters' shared tables. Counters,
   * throttles, pending prefetches (by key string) and behaviour signatures (by shape hash) survive.
   * Rare by construction: once per `maxInternedKeys` distinct stems, or per ~2^30 new keys.
   */
  private resetModels(): void {
    this.modelEpoch = this.interner.epoch
    this.memo.clear()
    for (const agent of this.agents.values()) {
      agent.model.forgetKeys()
      agent.h0 = agent.h1 = agent.h2 = -1
    }
    for (const k of this.kinds.values()) k.table.clear()
    for (const k of this.clusterKinds) k.table.clear()
  }

  /**
   * Folds an access of an unlabelled agent into its behaviour signature; once the signature has
   * `clusterAfter` accesses, assigns the agent to its behaviour cluster and moves it to the
   * cluster's shared model (the signature is then released).
   */
  private describe(agent: AgentState, id: number): void {
    const sig = agent.signature!
    sig.add(this.interner.shapeOf(id))
    if (sig.observed < this.opts.clusterAfter) return
    sig.normaliseInto(this.unitSignature)
    const a = this.clusters.assign(this.unitSignature)
    if (a.cluster === this.clusterKinds.length) {
      this.clusterKinds.push(new KindState(`${CLUSTER_PREFIX}${a.cluster}`, new ContextTable(this.opts.kindContexts), this.opts.threshold))
    }
    const target = this.clusterKinds[a.cluster]
    agent.kind.agents--
    target.agents++
    agent.kind = target
    agent.signature = undefined
  }

  /** The behaviour cluster (`cluster-<i>`) an agent was assigned to; undefined before (or without) clustering. */
  clusterOf(agentId: string): string | undefined {
    const a = this.agents.get(agentId)
    return a !== undefined && a.kind.name.startsWith(CLUSTER_PREFIX) && this.clusterKinds.includes(a.kind) ? a.kind.name : undefined
  }

  /** Behaviour clusters founded so far. */
  get clusterCount(): number {
    return this.clusters.size
  }

  /** The threshold in force: the agent's own once it has a record, else its kind's. */
  private thresholdOf(agent: AgentState): number {
    return agent.accuracy.samples >= this.opts.minSamples ? agent.threshold : Math.max(agent.threshold, agent.kind.threshold)
  }

  private gateOpen(agent: AgentState): boolean {
    const w = agent.precision.samples >= this.opts.minSamples ? agent.precision : agent.kind.precision
    return w.samples >= this.opts.minSamples && w.rate >= this.opts.gateTarget
  }

  /** Walks the Markov chain `lookahead` steps from the agent's history, PPM-style per step. */
  private markovChain(agent: AgentState, table: ContextTable, source: PredictionSource, currentTemplate: string, threshold: number): void {
    let h0 = agent.h0
    let h1 = agent.h1
    let h2 = agent.h2
    let confidence = 1
    for (let step = 0; step < this.opts.lookahead; step++) {
      const c = this.bestOverOrders(table, h0, h1, h2)
      if (c === 0) return
      confidence *= c
      if (confidence < threshold) return
      const nextId = this.guess.id
      const next = this.interner.keyAt(nextId)
      // A private key this agent never touched most likely does not exist yet: don't prefetch it.
      const exists = !this.interner.isTemplate(nextId) || agent.seen.mayContain(nextId)
      if (next !== currentTemplate && exists) this.addCandidate(next, nextId, confidence, source, this.interner.bytesOf(nextId))
      h2 = h1
      h1 = h0
      h0 = nextId
    }
  }

  /**
   * PPM-style fallback: tries every order from the longest available down to 1 and keeps the most
   * confident successor (a long context wins ties). Leaves the winner in `this.guess`; returns its
   * confidence count / (total + 1), or 0 when no context is known. The +1 makes a transition seen
   * once worth 1/2, twice 2/3, n times n/(n+1).
   */
  private bestOverOrders(table: ContextTable, h0: number, h1: number, h2: number): number {
    let bestConf = 0
    let bestId = -1
    const g = this.guess
    for (let order = this.opts.maxOrder; order >= 1; order--) {
      if ((order === 3 && h2 < 0) || (order === 2 && h1 < 0) || h0 < 0) continue
      if (!table.best(contextHash(order, h0, h1, h2), g)) continue
      // A successor whose key was evicted from the interner is forgotten, never mistaken for the
      // key that now holds its slot (see KeyInterner).
      if (!this.interner.isLive(g.id)) continue
      const conf = g.count / (g.total + 1)
      if (conf > bestConf) {
        bestConf = conf
        bestId = g.id
      }
    }
    g.id = bestId
    return bestConf
  }

  /**
   * Stride candidates from two sources: the agent's own confirmed stream (n + d, n + 2d, …), and the
   * kind's learnt delta for this stem — "after reading `repo:p3:file-#`, agents of this kind read
   * the same stem at +1" — which predicts a new agent's sequential read from its first access.
   */
  private strideCandidates(agent: AgentState, id: number, threshold: number, isWrite: boolean): void {
    const stem = this.interner.stemOf(id)
    if (stem < 0 || this.opts.strideDegree === 0) return
    const value = this.interner.numberOf(id)
    const g = this.strideGuess
    // The kind's delta is learnt per (stem, shape of the two previous keys): "the 2nd file read
    // after the plan" and "a file read after the notes" are different situations.
    const stemContext = contextHash(STEM_ORDER, stem, agent.shapes[0], agent.shapes[1])
    const confirmed = agent.stride.observe(stem, value, g, stemContext)
    // The step just taken on this stream is credited to the context of the stream's previous
    // access — where it would have been predicted. A far jump is learnt too (as FAR_DELTA), so the
    // last read of a burst counts against "+1" instead of being invisible.
    if (!isWrite && g.stem === stem && g.last === value && g.delta !== 0 && g.prevContext !== 0) {
      agent.kind.table.update(g.prevContext, Math.abs(g.delta) <= MAX_KIND_DELTA ? g.delta + DELTA_BIAS : FAR_DELTA)
    }
    g.stem = -1
    const pad = this.interner.padWidthOf(id)
    const bytes = this.interner.bytesOf(id)
    if (confirmed) {
      let confidence = g.confirmations / (g.confirmations + 1)
      // Where the kind has seen this situation often enough, its record of how often the stride
      // continued here caps the stream's own confidence (the 5th read of a 5-read burst).
      if (Math.abs(g.delta) <= MAX_KIND_DELTA) {
        const kindView = agent.kind.table.confidenceOf(stemContext, g.delta + DELTA_BIAS, KIND_STRIDE_EVIDENCE)
        if (kindView >= 0) confidence = Math.min(confidence, kindView)
      }
      if (confidence >= threshold) {
        // The i-th step ahead is as likely as i consecutive correct steps: confidence^i.
        let c = confidence
        for (let i = 1; i <= this.opts.strideDegree && c >= threshold; i++, c *= confidence) {
          if (!this.numberedCandidate(agent, stem, g.last + i * g.delta, pad, c, "stride", bytes)) break
        }
      }
    }
    const kg = this.guess
    if (agent.kind.table.best(stemContext, kg) && kg.id !== FAR_DELTA) {
      const confidence = kg.count / (kg.total + 1)
      if (confidence >= threshold) this.numberedCandidate(agent, stem, value + (kg.id - DELTA_BIAS), pad, confidence, "kind", bytes)
    }
  }

  /**
   * Adds the key numbered `value` on `stem` as a candidate, if it may exist: a shared key always
   * may, a private template only if this agent has touched it. Known keys are found by number (no
   * string is built); only a never-seen shared key is spelt out. Returns false when `value` is not
   * a valid key number (negative or not a safe integer).
   */
  private numberedCandidate(agent: AgentState, stem: number, value: number, pad: number, confidence: number, source: PredictionSource, bytes: number): boolean {
    if (value < 0 || !Number.isSafeInteger(value)) return false
    const id = this.interner.numberedId(stem, value, pad)
    const s = this.interner.stem(stem)
    if (id >= 0) {
      if (!s.isTemplate || agent.seen.mayContain(id)) this.addCandidate(this.interner.keyAt(id), id, confidence, source, bytes)
    } else if (!s.isTemplate) {
      this.addCandidate(formatNumberedKey(s.prefix, s.suffix, value, pad)!, -1, confidence, source, bytes)
    }
    return true
  }

  private addCandidate(key: string, id: number, confidence: number, source: PredictionSource, bytes: number): void {
    for (let i = 0; i < this.candCount; i++) {
      if (this.candKeys[i] === key) {
        if (confidence > this.candConf[i]) {
          this.candConf[i] = confidence
          this.candSource[i] = source
        }
        return
      }
    }
    if (this.candCount === MAX_CANDIDATES) return
    const i = this.candCount++
    this.candKeys[i] = key
    this.candIds[i] = id
    this.candConf[i] = confidence
    this.candSource[i] = source
    this.candBytes[i] = bytes
  }

  /**
   * The best `maxPredictions` candidates, most confident first (selection over ≤ 16 entries), each
   * also written to the agent's shadow ledger (as its template) for verification.
   */
  private topCandidates(agent: AgentState, now: number): Prediction[] {
    const out: Prediction[] = []
    const n = Math.min(this.opts.maxPredictions, this.candCount)
    for (let taken = 0; taken < n; taken++) {
      let best = -1
      for (let i = 0; i < this.candCount; i++) {
        if (this.candConf[i] >= 0 && (best < 0 || this.candConf[i] > this.candConf[best])) best = i
      }
      const template = this.candKeys[best]
      const id = this.candIds[best]
      const key = (id >= 0 && this.interner.isTemplate(id) ? agent.keys.keyOf(id) : undefined) ?? instantiateKey(template, agent.id)
      out.push({ key, confidence: this.candConf[best], source: this.candSource[best], bytes: this.candBytes[best] })
      this.candConf[best] = -1
      if (!agent.ledger.has(id, template) && agent.ledger.add(id, template, now + this.opts.verifyWindow)) this.recordPrecision(agent, false)
    }
    return out
  }

  /** Drops the candidates below their model's own throttled threshold (in place, order kept). */
  private applySourceThresholds(kind: KindState): void {
    const t = kind.sourceThreshold
    let kept = 0
    for (let i = 0; i < this.candCount; i++) {
      const s = SOURCE_INDEX[this.candSource[i]]
      if (this.candConf[i] < t[s]) {
        // The probe: a model held back this many times without any outcome gets a step back.
        if (++kind.sourceBlocked[s] >= RELAX_EVERY) {
          kind.sourceBlocked[s] = 0
          t[s] = Math.max(this.opts.threshold, t[s] - THRESHOLD_STEP)
        }
        continue
      }
      if (kept !== i) {
        this.candKeys[kept] = this.candKeys[i]
        this.candConf[kept] = this.candConf[i]
        this.candSource[kept] = this.candSource[i]
        this.candBytes[kept] = this.candBytes[i]
      }
      kept++
    }
    this.candCount = kept
  }

  private recordPrecision(agent: AgentState, correct: boolean): void {
    agent.precision.record(correct)
    agent.kind.precision.record(correct)
  }

  /** Real-accuracy throttle: raise the threshold while issued prefetches go unused, relax when they are used. */
  private recordAccuracy(agent: AgentState, used: boolean): void {
    agent.lastOutcomeAt = agent.accesses
    agent.accuracy.record(used)
    const kind = agent.kind
    kind.accuracy.record(used)
    kind.lastOutcomeAt = kind.accesses
    agent.threshold = this.adjust(agent.threshold, agent.accuracy)
    kind.threshold = this.adjust(kind.threshold, kind.accuracy)
  }

  /**
   * The per-model throttle learns from final outcomes (used at any time before eviction, or not),
   * not from the useful window: a model whose copies are read late but read (long-range shared
   * keys in a large cache) is not held back, one whose copies are evicted unread is.
   */
  private recordSourceOutcome(kind: KindState, source: PredictionSource, used: boolean): void {
    if (!this.opts.sourceThrottle) return
    const s = SOURCE_INDEX[source]
    kind.sourceAccuracy[s].record(used)
    kind.sourceBlocked[s] = 0
    kind.sourceThreshold[s] = this.adjust(kind.sourceThreshold[s], kind.sourceAccuracy[s], this.opts.sourceAccuracyTarget)
  }

  /**
   * An integral controller: every outcome moves the threshold one small step up while recent
   * accuracy is below target and one step down (never below the base) while it is at or above.
   * Accuracy then settles near the target with as much coverage as that target allows.
   */
  private adjust(threshold: number, w: AccuracyWindow, target = this.opts.accuracyTarget): number {
    if (w.samples < this.opts.minSamples) return threshold
    if (w.rate < target) return Math.min(THRESHOLD_CEILING, threshold + THRESHOLD_STEP)
    return Math.max(this.opts.threshold, threshold - THRESHOLD_STEP)
  }

  /**
   * A throttled-up agent or kind that has produced no outcomes for a while (nothing passes its
   * threshold any more) gets a step back: a probe, so a throttle can never latch shut.
   */
  private relaxThreshold(agent: AgentState, now: number): void {
    if (agent.threshold > this.opts.threshold && now - agent.lastOutcomeAt >= RELAX_EVERY) {
      agent.threshold = Math.max(this.opts.threshold, agent.threshold - THRESHOLD_STEP)
      agent.lastOutcomeAt = now
    }
    const kind = agent.kind
    kind.accesses++
    if (kind.threshold > this.opts.threshold && kind.accesses - kind.lastOutcomeAt >= RELAX_EVERY) {
      kind.threshold = Math.max(this.opts.threshold, kind.threshold - THRESHOLD_STEP)
      kind.lastOutcomeAt = kind.accesses
    }

  }

  private resolveUsed(p: Pending, timely: boolean): void {
    p.resolved = true
    this.bySource[p.source].used++
    this.opts.onOutcome?.(p.key, p.agent.id, p.source, true)
    this.pending.delete(p.key)
    countUsed(p.agent.counters, timely)
    countUsed(p.agent.kind.counters, timely)
    countUsed(this.global, timely)
    this.recordAccuracy(p.agent, true)
    this.recordSourceOutcome(p.agent.kind, p.source, true)
  }

  private resolveUnused(p: Pending, reason: UnusedReason = "other"): void {
    p.resolved = true
    this.opts.onOutcome?.(p.key, p.agent.id, p.source, false)
    if (this.pending.get(p.key) === p) this.pending.delete(p.key)
    countUnused([p.agent.counters, p.agent.kind.counters, this.global], p.completed ? p.bytes : 0, reason)
    if (!p.agent.ended) this.recordAccuracy(p.agent, false)
    this.recordSourceOutcome(p.agent.kind, p.source, false)
  }

  /**
   * Moves a completed, unread prefetch to the waiting set (its copy is still in the cache): it is
   * no longer the agent's pending work, but a later demand hit still counts it used.
   */
  private toWaiting(p: Pending): void {
    p.resolved = true
    if (this.pending.get(p.key) === p) this.pending.delete(p.key)
    const pushedOut = this.waiting.add({
      key: p.key,
      kind: p.agent.kind,
      agentId: p.agent.id,
      source: p.source,
      bytes: p.bytes,
      counters: [p.agent.counters, p.agent.kind.counters, this.global],
    })
    if (pushedOut !== undefined) this.settleWaiting(pushedOut, false, "other")
  }

  private settleWaiting(w: WaitingPrefetch, used: boolean, reason: UnusedReason): void {
    this.opts.onOutcome?.(w.key, w.agentId, w.source, used)
    this.recordSourceOutcome(w.kind, w.source, used)
    if (!used) {
      countUnused(w.counters, w.bytes, reason)
      return
    }
    this.bySource[w.source].used++
    for (const c of w.counters) {
      c.used++
      c.timely++
      c.usedAfterWindow++
    }
  }

  /**
   * The useful window of `p` passed without a demand: the throttle counts a failure now (it needs
   * prompt feedback). A completed copy then waits for a late demand; an incomplete one is dropped.
   */
  private expire(p: Pending): void {
    p.agent.counters.windowMisses++
    p.agent.kind.counters.windowMisses++
    this.global.windowMisses++
    if (!p.completed || this.opts.waitingLimit === 0) {
      this.resolveUnused(p)
      return
    }
    this.recordAccuracy(p.agent, false)
    this.toWaiting(p)
  }

  private expirePending(agent: AgentState, now: number): void {
    const q = agent.pending
    while (agent.pendingHead < q.length && (q[agent.pendingHead].resolved || q[agent.pendingHead].deadline < now)) {
      const p = q[agent.pendingHead++]
      if (!p.resolved) this.expire(p)
    }
    // Compact once the consumed prefix dominates (amortised O(1)).
    if (agent.pendingHead > 32 && agent.pendingHead * 2 > q.length) {
      q.splice(0, agent.pendingHead)
      agent.pendingHead = 0
    }
  }

  /**
   * True when a prefetch of `key` is issued and not yet resolved (callers dedupe with this). A copy
   * waiting past its window is not pending: it is resident (callers skip resident keys anyway),
   * and if the cache dropped it without telling us it may be prefetched again.
   */
  isPending(key: string): boolean {
    return this.pending.has(key)
  }

  /** The caller issued a prefetch of `key` on behalf of `agentId` (`source`: the model that predicted it). */
  recordIssued(agentId: string, key: string, bytes: number, source: PredictionSource = "agent"): void {
    const agent = this.agents.get(agentId)
    if (agent === undefined || this.pending.has(key)) return
    // Issued again while a copy was waiting: the caller found it not resident, so it was evicted unreported.
    const stale = this.waiting.size !== 0 ? this.waiting.take(key) : undefined
    if (stale !== undefined) this.settleWaiting(stale, false, "evicted")
    this.bySource[source].issued++
    const p: Pending = { key, source, agent, bytes, deadline: agent.accesses + this.opts.usefulWindow, completed: false, resolved: false }
    this.pending.set(key, p)
    agent.pending.push(p)
    agent.counters.issued++
    agent.kind.counters.issued++
    this.global.issued++
  }

  /** A prefetch finished: `loaded` false means nothing was installed (not found, failed, cancelled). */
  recordCompleted(key: string, loaded: boolean, bytes?: number): void {
    const p = this.pending.get(key)
    if (p === undefined || p.resolved) return
    if (!loaded) {
      this.resolveUnused(p, "other")
      return
    }
    p.completed = true
    if (bytes !== undefined) (p as { bytes: number }).bytes = bytes
  }

  /** The prefetched copy of `key` left the cache; if it was never demanded it was wasted. */
  recordEvicted(key: string): void {
    const p = this.pending.get(key)
    if (p !== undefined) {
      if (p.completed && !p.resolved) this.resolveUnused(p, "evicted")
      return
    }
    if (this.waiting.size === 0) return
    const w = this.waiting.take(key)
    if (w !== undefined) this.settleWaiting(w, false, "evicted")
  }

  /**
   * Ends an agent: its model and history are released (its kind's shared model keeps what it
   * learnt). Its completed prefetches of shared keys stay resident for any agent to use, so they
   * wait (as past their window); the others — still in flight, or of its own private keys, which
   * end with it — count as unused. Returns the keys of those so the caller can cancel any still in
   * flight.
   */
  endAgent(agentId: string): string[] {
    const agent = this.agents.get(agentId)
    if (agent === undefined) return []
    agent.ended = true
    const open: string[] = []
    for (let i = agent.pendingHead; i < agent.pending.length; i++) {
      const p = agent.pending[i]
      if (p.resolved) continue
      if (p.completed && this.opts.waitingLimit > 0 && !isPrivateTo(p.key, agentId)) {
        this.toWaiting(p)
      } else {
        open.push(p.key)
        this.resolveUnused(p)
      }
    }
    agent.kind.agents--
    this.agents.delete(agentId)
    // Every ended model goes back to the pool (models share batch buffers, so dropping some would
    // not free memory while a sibling lives): model memory = peak concurrent agents, in batches.
    agent.model.clear()
    this.modelPool.push(agent.model)
    return open
  }

  /** Global prefetch statistics (all agents, including ended ones). */
  stats(): PrefetchStats {
    return toPrefetchStats(this.global)
  }

  /** Raw global counters (for reports). */
  counters(): Readonly<PrefetchCounters> {
    return this.global
  }

  /** Issued and used prefetches per predicting model (for reports). */
  sourceCounters(): Readonly<Record<PredictionSource, { readonly issued: number; readonly used: number }>> {
    return this.bySource
  }

  /** Statistics of one live agent, or undefined. */
  agentStats(agentId: string): PrefetchStats | undefined {
    const a = this.agents.get(agentId)
    return a === undefined ? undefined : toPrefetchStats(a.counters)
  }

  /** Statistics of one kind or behaviour cluster (all its agents, past and present), or undefined. */
  kindStats(kind: string): PrefetchStats | undefined {
    const k = this.kinds.get(kind) ?? this.clusterKinds.find((c) => c.name === kind)
    return k === undefined ? undefined : toPrefetchStats(k.counters)
  }

  /** The agent's current threshold and gate state (for tests and reports). */
  agentThrottle(agentId: string): { threshold: number; gateOpen: boolean; precision: number } | undefined {
    const a = this.agents.get(agentId)
    if (a === undefined) return undefined
    return { threshold: this.thresholdOf(a), gateOpen: this.gateOpen(a), precision: a.precision.rate }
  }

  /** A kind's threshold and each model's own throttled threshold (for tests and reports). */
  kindThrottle(kind: string): { threshold: number; sources: Record<PredictionSource, number> } | undefined {
    const k = this.kinds.get(kind)
    if (k === undefined) return undefined
    const t = k.sourceThreshold
    return { threshold: k.threshold, sources: { agent: t[SOURCE_INDEX.agent], kind: t[SOURCE_INDEX.kind], stride: t[SOURCE_INDEX.stride] } }
  }

  /**
   * Fixed model bytes per agent: the context table, the stride detector, the seen filter and the
   * shadow ledger ring. (Pending prefetches are bounded separately by the scheduler's budget.)
   */
  bytesPerAgent(): number {
    // The model's buffer region, plus the ledger's and the key spellings' pointer arrays (8 bytes a slot).
    const ledgerSize = this.opts.maxPredictions * this.opts.verifyWindow
    return AgentModel.bytesFor(this.opts.agentContexts, ledgerSize) + ledgerSize * 8 + (AgentKeys.byteSize - AgentKeys.arrayBytes)
  }

  /** Bytes of one kind's shared table. */
  bytesPerKind(): number {
    return new ContextTable(this.opts.kindContexts).byteSize
  }

  /** Ids of the live (registered, not ended) agents; a snapshot, safe to end agents while iterating. */
  agentIds(): string[] {
    return [...this.agents.keys()]
  }

  get agentCount(): number {
    return this.agents.size
  }

  /** Agent models allocated so far (live + pooled): peak concurrent agents, rounded up to a batch. */
  get modelsAllocated(): number {
    return this.agents.size + this.modelPool.length
  }

  /** Keys held by the interner (at most `maxInternedKeys`). */
  get internedKeys(): number {
    return this.interner.size
  }

  /** Interner statistics: keys held, stems, evictions, clears (epochs) and approximate bytes. */
  internerStats(): { keys: number; capacity: number; stems: number; evictions: number; epochs: number; bytes: number } {
    const i = this.interner
    return { keys: i.size, capacity: i.capacity, stems: i.stemCount, evictions: i.evictions, epochs: i.epoch, bytes: i.byteSize }
  }
}

const NO_PREDICTIONS: readonly Prediction[] = Object.freeze([])

/** Why an issued prefetch went unused, for the breakdown counters. */
type UnusedReason = "evicted" | "overwritten" | "other"

function countUnused(counters: readonly PrefetchCounters[], wastedBytes: number, reason: UnusedReason): void {
  for (const c of counters) {
    c.unused++
    c.wastedBytes += wastedBytes
    if (reason === "evicted") c.unusedEvicted++
    else if (reason === "overwritten") c.unusedOverwritten++
  }
}

/** True for `<agentId>:…` keys (they are invalidated when the agent ends). */
function isPrivateTo(key: string, agentId: string): boolean {
  return key.length > agentId.length && key.charCodeAt(agentId.length) === 58 && key.startsWith(agentId)
}

/** Name prefix of the shared models of behaviour clusters. */
const CLUSTER_PREFIX = "cluster-"

function countUsed(c: PrefetchCounters, timely: boolean): void {
  c.used++
  if (timely) c.timely++
}
