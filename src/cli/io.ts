/**
 * Where a command writes. Commands never touch `process.stdout` directly so tests can run them
 * in-process and capture exactly what a user would see.
 */
export interface CliIo {
  /** Results: the summary table or the one JSON object. */
  out(text: string): void
  /** Diagnostics: errors, notices. */
  err(text: string): void
  /** Progress bars go here, and only when it is a TTY. */
  readonly progressStream: NodeJS.WriteStream
}

/** The real terminal. */
export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  progressStream: process.stderr,
}
