/** The `--help` texts. Kept together so the README/docs can be checked against them. */

export const MAIN_HELP = `tiercache — a multi-tier cache for AI-agent state

Usage:
  tiercache simulate [options]     run the agent workload against a real TierCache
  tiercache replay FILE [options]  replay an access trace through L1 (or exact LRU)
  tiercache --help | <command> --help

Exit codes: 0 ok, 1 runtime failure, 2 bad arguments, 3 unreadable or malformed input file.`

export const SIMULATE_HELP = `Usage: tiercache simulate [options]

Runs the seeded multi-agent workload against a real TierCache (L1 → L2 → L3 on disk) and prints a
summary: hit ratio, per-tier hits and latency percentiles, prefetch figures, peak memory.

Options:
  --agents N           concurrent agents (default 850)
  --ops N              operations to run (default 60000; accepts 6e4 and 60_000)
  --seed S             workload seed (default 1); same seed, same operation stream
  --prefetch on|off    learned prefetching (default on)
  --dir PATH           L3 folder (default: a fresh temp folder, removed afterwards)
  --l1 BYTES           L1 budget (default 32MiB; units: 65536, 64KiB, 16MiB, 1GiB)
  --l2 BYTES           L2 budget (default 64MiB)
  --l3 BYTES           L3 budget (default 1GiB)
  --concurrency N      operations in flight at once, one per agent at most (default 64)
  --fsync on|off       fsync L3 writes before acknowledging (default on)
  --json               print exactly one JSON object on stdout instead of the table
  --report FILE.html   write a self-contained HTML report with plots
  --metrics-port P     serve Prometheus metrics on http://127.0.0.1:P/metrics while running
                       (0 picks a free port; the address is printed on stderr)
  --metrics-linger S   keep serving metrics S seconds after the run (default 0)
  -h, --help           this text`

export const REPLAY_HELP = `Usage: tiercache replay FILE [options]

Replays a gzip'd or plain access trace (one request per line: "key", "key size" or
"agent key") through L1 alone or exact LRU: cold start, every request counted, one shared cache.

Options:
  --format F           keys | keys-sizes | agent-keys (default: detected from the first lines)
  --size N             capacity: entries, or bytes with --units bytes (64MiB) 
  --size-pct P         capacity as P % of the unique keys (or unique bytes) (default 5)
  --units U            entries | bytes (default: bytes for keys-sizes traces, else entries;
                       use --units entries to compare with ANCHORS.md, which ignores sizes)
  --policy P           tiercache (L1's adaptive W-TinyLFU) | lru (lru-cache) (default tiercache)
  --prefetch on|off    learned prefetching on the replayed stream (default off)
  --limit N            replay only the first N requests
  --json               print exactly one JSON object on stdout
  -h, --help           this text`
