/**
 * A recent-success rate: an exponentially weighted mean of boolean outcomes. For the first
 * 1/alpha samples it is the exact running mean (so a handful of early outcomes are not
 * over-weighted), after that it forgets with weight alpha per sample. O(1), two numbers of state.
 */
export class AccuracyWindow {
  private mean = 0
  private n = 0

  /** @param alpha weight of the newest outcome once warmed up (1/32 ≈ "the last ~32 outcomes"). */
  constructor(private readonly alpha = 1 / 32) {}

  record(success: boolean): void {
    this.n++
    const a = Math.max(this.alpha, 1 / this.n)
    this.mean += a * ((success ? 1 : 0) - this.mean)
  }

  /** The recent success rate in [0, 1] (0 before any sample). */
  get rate(): number {
    return this.mean
  }

  /** Outcomes recorded so far. */
  get samples(): number {
    return this.n
  }
}
