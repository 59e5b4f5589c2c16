#!/usr/bin/env node
/**
 * `tiercache` — the command-line entry point. Dispatches to a subcommand and maps failures to
 * one-line messages and exit codes: 2 bad arguments, 3 unreadable/malformed input, 1 anything else.
 */
import { realpathSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { UsageError } from "./args.js"
import { MAIN_HELP } from "./help.js"
import { processIo, type CliIo } from "./io.js"
import { replayCommand } from "./replay.js"
import { simulateCommand } from "./simulate.js"

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
export const EXIT_BAD_INPUT = 3

/** Runs the CLI with `argv` (without node and script). Resolves the exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.out(MAIN_HELP)
        return command === undefined ? EXIT_USAGE : EXIT_OK
      case "replay":
        return replayCommand(rest, io)
      case "simulate":
        return await simulateCommand(rest, io)
      default:
        throw new UsageError(`unknown command "${command}" (commands: simulate, replay; see tiercache --help)`)
    }
  } catch (err) {
    return reportFailure(err, io)
  }
}

function reportFailure(err: unknown, io: CliIo): number {
  if (err instanceof UsageError) {
    io.err(`tiercache: ${err.message}`)
    return EXIT_USAGE
  }
  const tagged = err as { _tag?: string; message?: string }
  // Input files: the trace reader's TraceFormatError names file and line already.
  if (tagged?._tag === "TraceFormatError") {
    io.err(`tiercache: ${oneLine(tagged.message ?? String(err))}`)
    return EXIT_BAD_INPUT
  }
  const what = tagged?._tag !== undefined ? `${tagged._tag}: ` : ""
  io.err(`tiercache: ${what}${oneLine(err instanceof Error ? err.message : String(err))}`)
  if (process.env.TIERCACHE_DEBUG) io.err(String((err as Error)?.stack ?? err))
  return EXIT_FAILURE
}

function oneLine(text: string): string {
  return text.split("\n")[0]
}

/** True when this module is the process entry (`node --import tsx src/cli/main.ts`, or the bin symlink). */
function isEntryPoint(): boolean {
  if (process.argv[1] === undefined) return false
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isEntryPoint()) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
}
