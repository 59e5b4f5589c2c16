/** The agent workload generator (used by `tiercache simulate` and the benchmarks). */
export { AgentWorkload, sizeOfKey, type WorkloadOp, type WorkloadOpKind, type WorkloadOptions } from "./workload-generator.js"
export { CODER, DEFAULT_KINDS, PLANNER, RESEARCHER, type KindSpec, type Phase, type Step, type StepContext } from "./agent-kinds.js"
export { makeBytesValue, makeStateValue } from "./value-factory.js"
export { hashString, Prng } from "./prng.js"
export { ZipfSampler } from "./zipf.js"
