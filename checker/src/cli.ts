/**
 * The `tla-check` command line: argument parsing, running a check or a simulation, printing, and
 * exit codes (0 ok, 12 invariant violated, 11 deadlock, 2 error in the spec/cfg, 1 bad usage).
 */
import { mkdirSync } from "node:fs"
import { checkModel } from "./bfs.js"
import { CheckerError, EvalError, formatLoc } from "./errors.js"
import { writeItf } from "./itf.js"
import { loadModel } from "./model.js"
import { EXIT, exitCodeFor, formatReport, jsonReport } from "./report.js"
import { simulate } from "./simulate.js"

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
}

const USAGE = `usage: tla-check <Spec.tla> [--config Model.cfg] [--itf trace.itf.json] [--json]
                 [--no-deadlock] [--max-states N]
       tla-check <Spec.tla> [--config Model.cfg] --simulate N --depth D [--seed S] [--itf-dir DIR] [--json]`

interface CliArgs {
  spec: string
  config?: string
  itf?: string
  json: boolean
  noDeadlock: boolean
  maxStates?: number
  simulate?: number
  depth: number
  seed: number
  itfDir?: string
}

function parseArgs(argv: string[]): CliArgs | string {
  const a: Partial<CliArgs> & { json: boolean; noDeadlock: boolean; depth: number; seed: number } = {
    json: false,
    noDeadlock: false,
    depth: 100,
    seed: 1
  }
  const int = (flag: string, v: string | undefined): number | string => {
    if (v === undefined || !/^\d+$/.test(v)) return `${flag} expects a non-negative integer`
    return Number(v)
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const val = argv[i + 1]
    const take = (): string | undefined => {
      i++
      return val
    }
    switch (arg) {
      case "--config":
      case "-config":
        if (!val) return `${arg} expects a file`
        a.config = take()
        break
      case "--itf":
        if (!val) return "--itf expects a file"
        a.itf = take()
        break
      case "--itf-dir":
        if (!val) return "--itf-dir expects a directory"
        a.itfDir = take()
        break
      case "--json":
        a.json = true
        break
      case "--no-deadlock":
      case "-deadlock":
        a.noDeadlock = true
        break
      case "--max-states":
      case "--simulate":
      case "--depth":
      case "--seed": {
        const n = int(arg, take())
        if (typeof n === "string") return n
        if (arg === "--max-states") a.maxStates = n
        else if (arg === "--simulate") a.simulate = n
        else if (arg === "--depth") a.depth = n
        else a.seed = n
        break
      }
      case "-h":
      case "--help":
        return ""
      default:
        if (arg.startsWith("-")) return `unknown option ${arg}`
        if (a.spec) return `unexpected argument ${arg}`
        a.spec = arg
    }
  }
  if (!a.spec) return "missing the spec file"
  if (a.itfDir && a.simulate === undefined) return "--itf-dir is only used with --simulate"
  return a as CliArgs
}

/** Runs tla-check with `argv` (without the node/script prefix); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv)
  if (args === "") {
    io.out(USAGE)
    return EXIT.ok
  }
  if (typeof args === "string") {
    io.err(`tla-check: ${args}\n${USAGE}`)
    return EXIT.usage
  }
  try {
    const model = await loadModel(args.spec, args.config)
    if (args.simulate !== undefined) {
      if (args.itfDir) mkdirSync(args.itfDir, { recursive: true })
      const r = simulate(model, {
        runs: args.simulate,
        depth: args.depth,
        seed: args.seed,
        itfDir: args.itfDir,
        checkDeadlock: args.noDeadlock ? false : undefined
      })
      if (args.json) io.out(JSON.stringify(r.summary))
      else io.out(r.text)
      return r.exitCode
    }
    const result = checkModel(model, {
      checkDeadlock: args.noDeadlock ? false : undefined,
      maxStates: args.maxStates,
      onProgress: (p) =>
        io.err(
          `Progress(${p.depth}) after ${Math.round(p.wallMs / 1000)}s: ${p.generated} states generated, ` +
            `${p.distinct} distinct states found, ${p.left} states left on queue.`
        )
    })
    if (args.itf && result.trace) {
      writeItf(args.itf, model.vars, result.trace, {
        source: model.specFile,
        description: result.outcome === "violation" ? `invariant ${result.violated} violated` : "deadlock reached"
      }, result.traceActions)
    }
    if (args.json) io.out(JSON.stringify(jsonReport(model, result, args.itf && result.trace ? { itf: args.itf } : {})))
    else io.out(formatReport(model, result))
    return exitCodeFor(result)
  } catch (e) {
    return reportError(e, args, io)
  }
}

function reportError(e: unknown, args: CliArgs, io: CliIo): number {
  let message: string
  let code: number = EXIT.specError
  if (e instanceof CheckerError) {
    message = e.message
    if (e.kind === "usage") code = EXIT.usage
  } else if (e instanceof EvalError) {
    message = e.loc ? `${formatLoc(e.loc)}: ${e.message}` : e.message
  } else if (e instanceof RangeError && /call stack/.test(e.message)) {
    message = "evaluation recursed too deeply (an unbounded RECURSIVE operator or recursive function?)"
  } else throw e
  if (args.json) io.out(JSON.stringify({ spec: args.spec, outcome: "error", error: message, exitCode: code }))
  io.err(`Error: ${message}`)
  return code
}
