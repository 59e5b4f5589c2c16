/**
 * Running real TLC (tla2tools.jar) on a model and reading its summary, so tla-check's figures can
 * be compared with TLC's wherever TLC is available (`TLA2TOOLS_JAR`).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, dirname, join } from "node:path"

/** TLC's figures for one run, parsed from its output. */
export interface TlcFacts {
  readonly outcome: string
  readonly generated: number | null
  readonly distinct: number | null
  readonly depth: number | null
  readonly traceLength: number | null
  readonly exitCode: number | null
}

/** Parses TLC's console output (and exit code) into {@link TlcFacts}. */
export function parseTlcOutput(text: string, exitCode: number | null): TlcFacts {
  const counts = /([\d,]+) states generated, ([\d,]+) distinct states found/.exec(text)
  const depth = /The depth of the complete state graph search is (\d+)/.exec(text)
  const inv = /Error: Invariant (\w+) is violated/.exec(text)
  const num = (s: string | undefined) => (s === undefined ? null : Number(s.replace(/,/g, "")))
  const stateLines = text.match(/^State \d+:/gm)
  let outcome = "error"
  if (inv) outcome = `violation:${inv[1]}`
  else if (/Error: Deadlock reached/.test(text)) outcome = "deadlock"
  else if (/Model checking completed\. No error has been found/.test(text)) outcome = "ok"
  return {
    outcome,
    generated: num(counts?.[1]),
    distinct: num(counts?.[2]),
    depth: outcome === "ok" ? num(depth?.[1]) : null,
    traceLength: outcome === "ok" || !stateLines ? null : stateLines.length,
    exitCode
  }
}

/**
 * Runs TLC with one worker on `spec` with `cfg`, the way the golden figures were produced.
 * The spec's directory and the cfg's directory are on TLC's module path (for MC*.tla files).
 */
export function runTlc(jar: string, spec: string, cfg: string, java = "java"): TlcFacts {
  const meta = mkdtempSync(join(tmpdir(), "tlc-meta-"))
  try {
    const r = spawnSync(
      java,
      [
        "-XX:+UseParallelGC",
        `-DTLA-Library=${dirname(spec)}`,
        "-cp",
        jar,
        "tlc2.TLC",
        "-workers",
        "1",
        "-cleanup",
        "-noGenerateSpecTE",
        "-metadir",
        meta,
        "-config",
        cfg,
        basename(spec)
      ],
      { cwd: dirname(spec), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }
    )
    if (r.error) throw r.error
    return parseTlcOutput(`${r.stdout}\n${r.stderr}`, r.status)
  } finally {
    rmSync(meta, { recursive: true, force: true })
  }
}
