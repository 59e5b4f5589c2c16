/**
 * Opens the HTML report in headless Chromium and checks that it renders its charts with no console
 * errors and no network requests; saves a screenshot to bench/results/report-screenshot.png.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { chromium, type Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { writeReport } from "../../src/telemetry/report/render-report.js"
import { syntheticReport } from "./synthetic-report.js"
import { runSimulation, SIMULATION_DEFAULTS } from "../../src/cli/simulate-engine.js"
import { writeSimulationReport } from "../../src/cli/simulate.js"

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
const haveChromium = existsSync(CHROMIUM)
// CI installs chromium (.ci/run); only a developer machine without it may skip.
const skip = !haveChromium && !process.env.CI
if (!haveChromium && process.env.CI) throw new Error(`chromium not found at ${CHROMIUM} (CI must install it: apt-get install chromium)`)

const SCREENSHOT = resolve(import.meta.dirname, "../../bench/results/report-screenshot.png")

describe.skipIf(skip)(`HTML report in headless Chromium${skip ? ` (skipped: no chromium at ${CHROMIUM} and not CI)` : ""}`, () => {
  let browser: Browser
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tiercache-report-"))
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    })
  })
  afterAll(async () => {
    await browser?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it("renders every chart with data points, no console errors, no network", async () => {
    const file = join(dir, "report.html")
    const data = syntheticReport()
    writeReport(file, data)
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const problems: string[] = []
    const requests: string[] = []
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`)
    })
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`))
    page.on("request", (r) => requests.push(r.url()))
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" })

    // Hit ratio: four series, each with one point per sample.
    const hitPoints = await page.$$eval("#chart-hit-ratio g.series", (gs) =>
      gs.map((g) => [g.getAttribute("data-series"), g.querySelectorAll("circle.pt").length, g.querySelector("polyline") !== null]))
    expect(hitPoints).toEqual(["overall", "L1", "L2", "L3"].map((n) => [n, data.samples.length, true]))

    // One latency histogram per level, each with non-empty bars of visible height.
    for (const h of data.latency) {
      const bars = await page.$$eval(`#chart-latency-${h.level} rect.bar`, (rs) =>
        rs.map((r) => r.getBoundingClientRect().height))
      expect(bars).toHaveLength(h.counts.length)
      expect(bars.filter((height) => height > 0).length).toBe(h.counts.filter((c) => c > 0).length)
    }

    // Prefetch accuracy and memory: lines with a point per sample, drawn inside the chart box.
    expect(await page.$$eval('#chart-prefetch g.series[data-series="accuracy"] circle.pt', (cs) => cs.length)).toBe(data.samples.length)
    expect(await page.$$eval("#chart-memory g.series", (gs) => gs.map((g) => g.querySelectorAll("circle.pt").length)))
      .toEqual([data.samples.length, data.samples.length])
    const inside = await page.$$eval("svg.chart", (svgs) =>
      svgs.every((svg) => {
        const box = svg.getBoundingClientRect()
        return [...svg.querySelectorAll("circle.pt")].every((c) => {
          const b = c.getBoundingClientRect()
          return b.left >= box.left - 1 && b.right <= box.right + 1 && b.top >= box.top - 1 && b.bottom <= box.bottom + 1
        })
      }))
    expect(inside).toBe(true)

    // The summary table is there.
    expect(await page.textContent("table.summary")).toContain("hit ratio")

    expect(problems).toEqual([])
    expect(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([])

    mkdirSync(resolve(SCREENSHOT, ".."), { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: true })
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000)
    await page.close()
  })

  it("renders the report of a real short simulation", async () => {
    const run = await runSimulation({ ...SIMULATION_DEFAULTS, agents: 20, ops: 800, fsync: false, l1Bytes: 128 * 1024, l2Bytes: 128 * 1024 })
    const file = join(dir, "simulation.html")
    writeSimulationReport(file, run, "tiercache simulate --agents 20 --ops 800")
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const problems: string[] = []
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(m.text())
    })
    page.on("pageerror", (e) => problems.push(e.message))
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" })
    const points = await page.$$eval("#chart-hit-ratio circle.pt", (cs) => cs.length)
    expect(points).toBe(4 * run.samples.length)
    expect(run.samples.length).toBeGreaterThanOrEqual(50)
    expect(await page.$$eval("#chart-latency-l1 rect.bar", (rs) => rs.filter((r) => r.getBoundingClientRect().height > 0).length)).toBeGreaterThan(0)
    expect(await page.$$eval('#chart-prefetch g.series[data-series="accuracy"] circle.pt', (cs) => cs.length)).toBe(run.samples.length)
    expect(await page.$$eval("#chart-memory circle.pt", (cs) => cs.length)).toBe(2 * run.samples.length)
    expect(problems).toEqual([])
    await page.close()
  })
})
