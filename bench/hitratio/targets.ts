/** The hit-ratio targets (points of hit %). */
export const TARGETS = {
  /** Mean over cells of max(0, best of seven − ours). */
  meanRegret: 1,
  /** Worst cell's best of seven − ours. */
  maxRegret: 5,
  /** No cell may be more than this many points below LRU. */
  belowLru: 1,
}

/** Cache sizes of every cell, as % of the trace's unique keys (ANCHORS.md). */
export const SIZE_PCTS = [1, 5, 10] as const

/**
 * The quick subset (`run.ts --quick`, and the perf gate's hit-ratio figures): small traces that
 * cover the policy's hard cases (recency, loops, scans, the agent trace).
 */
export const QUICK_TRACES = [
  "agent_miniswe_gemini3pro_swebv",
  "corda_vaultservice",
  "lirs_cpp",
  "lirs_gli",
  "lirs_multi1",
  "lirs_ps",
  "cache2k_web07",
  "adaptsize_request",
] as const
