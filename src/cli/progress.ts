/**
 * A one-line progress bar on stderr, drawn only when stderr is a TTY (pipes, CI logs and `--json`
 * consumers see nothing). Redraws at most every 100 ms so it costs nothing measurable.
 */
import type { WriteStream } from "node:tty"

export interface Progress {
  /** Reports `done` of `total` units. Cheap to call on every operation. */
  update(done: number): void
  /** Clears the bar. */
  finish(): void
}

const NO_PROGRESS: Progress = { update() {}, finish() {} }
const REDRAW_MS = 100
const BAR_WIDTH = 30

/** A bar for `total` units labelled `label`, or a no-op when `stream` is not a TTY. */
export function createProgress(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!(stream as WriteStream).isTTY || total <= 0) return NO_PROGRESS
  const started = Date.now()
  let lastDraw = 0
  return {
    update(done: number): void {
      const now = Date.now()
      if (now - lastDraw < REDRAW_MS && done < total) return
      lastDraw = now
      const frac = Math.min(1, done / total)
      const filled = Math.round(frac * BAR_WIDTH)
      const elapsed = (now - started) / 1000
      const eta = frac > 0 ? elapsed / frac - elapsed : 0
      stream.write(
        `\r${label} [${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}] ${(frac * 100).toFixed(0).padStart(3)} %` +
          `  ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}  eta ${eta.toFixed(0)} s `,
      )
    },
    finish(): void {
      stream.write("\r\x1b[2K")
    },
  }
}
