/** L1, the hot tier: see `l1-cache.ts`. */
export { L1Cache } from "./l1-cache.js"
export type { L1CacheOptions, L1OwnerOptions, L1PolicyOptions, L1SetOptions } from "./l1-cache.js"
export { FrequencySketch } from "./frequency-sketch.js"
export type { FrequencySketchOptions } from "./frequency-sketch.js"
export { HillClimber, DEFAULT_CLIMBER } from "./hill-climber.js"
export type { HillClimberOptions } from "./hill-climber.js"
export { hashKey } from "./hash-key.js"
