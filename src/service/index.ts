/** The public faces of the cache: the Promise facade and the Effect service. */
export { createTierCache, TierCacheClient, type CreateTierCacheOptions } from "./facade.js"
export { TierCacheAgentView } from "./agent-view.js"
export { TierCache, isTierCacheError, type TierCacheEffectOps, type TierCacheAgentEffectView } from "./tier-cache.js"
export { CacheEvents, type AgentEndListener, type L1EvictListener, type Unsubscribe } from "./cache-events.js"
