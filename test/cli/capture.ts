/** A CliIo that records what a command printed (progress goes to a non-TTY sink, so it stays silent). */
import { Writable } from "node:stream"
import type { CliIo } from "../../src/cli/io.js"

export interface CapturedIo extends CliIo {
  readonly stdout: string
  readonly stderr: string
}

export function capture(): CapturedIo {
  let stdout = ""
  let stderr = ""
  const sink = new Writable({ write: (_c, _e, cb) => cb() }) as unknown as NodeJS.WriteStream
  return {
    out: (t) => void (stdout += t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => void (stderr += t.endsWith("\n") ? t : `${t}\n`),
    progressStream: sink,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
  }
}
