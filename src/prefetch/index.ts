/** Learned prefetching: per-agent online models, cross-agent kind models, throttled scheduling. */
export { Prefetcher, type PrefetcherOptions } from "./prefetcher.js"
export { PrefetchEngine, type Prediction, type PredictionSource, type PrefetchEngineOptions, type ServedBy } from "./prefetch-engine.js"
export { PrefetchScheduler, type PrefetchDone, type SubmitResult } from "./prefetch-scheduler.js"
export { PrefetchBudget, type BudgetDecision, type PrefetchBudgetOptions } from "./prefetch-budget.js"
export type { PrefetchTarget } from "./prefetch-target.js"
export { PrefetchCounters, toPrefetchStats } from "./prefetch-metrics.js"
export { AGENT_PLACEHOLDER, generaliseKey, instantiateKey } from "./agent-template.js"
export { fairShares, type ShareDemand } from "./fair-share.js"
