/** The hit-ratio targets (points of hit %). */
export const TARGETS = {
  /** Mean over cells of max(0, best of seven − ours). */
  meanRegret: 1,
  /** Worst cell's best of seven − ours. */
  maxRegret: 5,
  /** No cell may be more than this many points below LRU. */
  belowLru: 1,
}
