/** Writing benchmark results: `bench/results/<name>.json`, always with machine facts and the command. */
import { mkdirSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { machineFacts, type MachineFacts } from "./machine.js"

/** `bench/results` of this repository. */
export const RESULTS_DIR = resolve(import.meta.dirname, "..", "results")

export interface ResultFile<T> {
  readonly name: string
  readonly command: string
  readonly machine: MachineFacts
  readonly results: T
}

/** The command line of this process, as someone would retype it. */
export function commandLine(): string {
  const script = process.argv[1]?.replace(`${resolve(import.meta.dirname, "..", "..")}/`, "") ?? ""
  const flags = process.execArgv.filter((a) => a !== "--import" && a !== "tsx")
  return ["node", ...flags, "--import tsx", script, ...process.argv.slice(2)].join(" ")
}

/** Writes `results` to `<dir>/<name>.json` (default dir bench/results) and returns the path. */
export function writeResults<T>(name: string, results: T, dir: string = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}.json`)
  const body: ResultFile<T> = { name, command: commandLine(), machine: machineFacts(), results }
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`)
  return file
}
