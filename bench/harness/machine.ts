/**
 * Facts about the machine a benchmark ran on, stored next to every result: numbers from a 2-core
 * shared VM and a 16-core workstation are not comparable, and the file should say which it was.
 */
import { execFileSync } from "node:child_process"
import { cpus, freemem, loadavg, totalmem, type as osType, release } from "node:os"

export interface MachineFacts {
  readonly cpuModel: string
  readonly cores: number
  readonly node: string
  readonly v8: string
  readonly platform: string
  readonly arch: string
  readonly os: string
  readonly totalMemBytes: number
  readonly freeMemBytes: number
  /** 1-minute load average when the facts were taken: > cores means the numbers are suspect. */
  readonly loadAvg1: number
  readonly gitCommit: string | undefined
  readonly date: string
}

export function machineFacts(): MachineFacts {
  const cpu = cpus()
  let gitCommit: string | undefined
  try {
    gitCommit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
  } catch {
    gitCommit = undefined
  }
  return {
    cpuModel: cpu[0]?.model.trim() ?? "unknown",
    cores: cpu.length,
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    os: `${osType()} ${release()}`,
    totalMemBytes: totalmem(),
    freeMemBytes: freemem(),
    loadAvg1: Number(loadavg()[0].toFixed(2)),
    gitCommit,
    date: new Date().toISOString(),
  }
}
