/**
 * tiercache — a formally specified, property-tested multi-tier cache for AI-agent state.
 *
 * Promise API:  `const cache = await createTierCache({ dir, l1, l2, l3, load })`
 * Effect API:   `TierCache` service, `TierCache.layer(options)`
 * See docs/api.md for the semantics (frozen values, private keys, write-through, misses).
 */
export { createTierCache, TierCacheClient, TierCacheAgentView, TierCache, isTierCacheError } from "./service/index.js"
export type { CreateTierCacheOptions, TierCacheEffectOps, TierCacheAgentEffectView, AgentEndListener, L1EvictListener, Unsubscribe } from "./service/index.js"
export type { AccessObserver, ServedBy } from "./hierarchy/types.js"
export type {
  AgentOptions,
  AgentView,
  BranchOps,
  CacheOps,
  CacheStats,
  LatencySummary,
  PrefetchStats,
  TierCacheHandle,
  TierStats,
} from "./api.js"
export type { BranchOptions, CacheValue, Compressor, JsonValue, L1Options, L2Options, L3Options, Loader, TierCacheOptions, Version } from "./types.js"
export {
  AccessDenied,
  BranchError,
  CacheClosed,
  InvalidKey,
  InvalidOptions,
  LoaderError,
  SerializationError,
  StorageError,
  ValueTooLarge,
  type TierCacheError,
} from "./errors.js"
export { CorruptBlock, createLz4Compressor, lz4Compressor, pakoCompressor, zlibCompressor } from "./tiers/l2/index.js"
export { cacheMetrics } from "./telemetry/metrics.js"
export { attachPrefetcher } from "./prefetch/attach.js"
