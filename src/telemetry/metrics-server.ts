/**
 * A minimal Prometheus scrape endpoint: `GET /metrics` on 127.0.0.1 (never on all interfaces — the
 * metrics name keys' tiers and sizes, which is nobody else's business).
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import type { CacheMetrics } from "./metrics.js"

export interface MetricsServer {
  /** The bound port (useful when 0 was asked for). */
  readonly port: number
  readonly url: string
  close(): Promise<void>
}

/** Serves `metrics` on `http://127.0.0.1:<port>/metrics`; port 0 picks a free one. */
export async function serveMetrics(metrics: CacheMetrics, port: number, host = "127.0.0.1"): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url !== "/metrics" && req.url !== "/")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found; try /metrics\n")
      return
    }
    metrics.text().then(
      (body) => res.writeHead(200, { "content-type": metrics.contentType }).end(body),
      (err: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`${String(err)}\n`),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, host, () => {
      server.off("error", reject)
      resolve()
    })
  })
  const bound = (server.address() as AddressInfo).port
  return {
    port: bound,
    url: `http://${host}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
