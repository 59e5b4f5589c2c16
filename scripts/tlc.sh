#!/usr/bin/env bash
# Run the real TLC model checker on every model of models/manifest.json and check each outcome.
#
#   TLA2TOOLS_JAR=/path/to/tla2tools.jar scripts/tlc.sh [ModelName ...]
#
# Without TLA2TOOLS_JAR (or if it is not a file) it prints a skip message and exits 0: TLC is not
# installable from the registries this project uses, so it is an optional cross-check (`make tlc`),
# not part of `make test`.
#
# For every model it asserts the manifest's `expect` (ok / deadlock / violation:<Invariant>), and,
# when models/crosscheck/expected.json has figures for the model, that TLC's numbers equal them:
# generated / distinct / depth for ok models, the counterexample length for the others. Those are
# the figures tla-check and the Python brute force (models/crosscheck/) produce, so a pass here
# means all three agree.
#
# TLC is run as in ../shared/tla-golden/README.md: one worker, from a scratch folder holding copies
# of the spec and the cfg (TLC resolves -config relative to the spec's folder, so copying both side
# by side keeps paths unambiguous). Exit status: 0 all as expected, 1 a mismatch, 2 a usage error.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
manifest="$root/models/manifest.json"
expected="$root/models/crosscheck/expected.json"

if [[ -z "${TLA2TOOLS_JAR:-}" || ! -f "${TLA2TOOLS_JAR:-}" ]]; then
  echo "tlc: skipped - set TLA2TOOLS_JAR to the path of tla2tools.jar to run real TLC on models/manifest.json"
  exit 0
fi
if ! command -v java >/dev/null 2>&1; then
  echo "tlc: TLA2TOOLS_JAR is set but java is not on PATH" >&2
  exit 2
fi
jar="$(cd "$(dirname "$TLA2TOOLS_JAR")" && pwd)/$(basename "$TLA2TOOLS_JAR")"

# One tab-separated line per model: name, spec, config, expect, and the cross-checked figures
# (generated, distinct, depth, traceLength; "-" where unknown).
rows="$(node -e '
  const fs = require("fs")
  const [manifestPath, expectedPath, ...only] = process.argv.slice(1)
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"))
  const figures = fs.existsSync(expectedPath) ? JSON.parse(fs.readFileSync(expectedPath, "utf8")) : []
  for (const m of manifest) {
    if (only.length > 0 && !only.includes(m.name)) continue
    const f = figures.find((r) => r.name === m.name) ?? {}
    const v = (x) => (x === undefined || x === null ? "-" : String(x))
    console.log([m.name, m.spec, m.config, m.expect, v(f.generated), v(f.distinct), v(f.depth), v(f.traceLength)].join("\t"))
  }
' "$manifest" "$expected" "$@")" || { echo "tlc: cannot read $manifest" >&2; exit 2; }
if [[ -z "$rows" ]]; then
  echo "tlc: no model matches: $*" >&2
  exit 2
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

failures=0
printf '%-32s %-28s %-28s %10s %9s %6s %6s  %s\n' model expect got generated distinct depth trace verdict
while IFS=$'\t' read -r name spec config expect want_gen want_dist want_depth want_trace; do
  work="$scratch/$name"
  mkdir -p "$work/meta"
  specfile="$(basename "$spec")"
  cp "$root/$spec" "$work/$specfile"
  cp "$root/$config" "$work/$name.cfg"
  log="$work/tlc.out"
  (cd "$work" && java -XX:+UseParallelGC -cp "$jar" tlc2.TLC -workers 1 -cleanup -noGenerateSpecTE \
      -metadir "$work/meta" -config "$name.cfg" "$specfile") >"$log" 2>&1
  code=$?

  case "$code" in
    0) got="ok" ;;
    11) got="deadlock" ;;
    12) inv="$(sed -n 's/^Error: Invariant \([A-Za-z0-9_]*\) is violated\.$/\1/p' "$log" | head -n 1)"
        got="violation:${inv:-?}" ;;
    *) got="error(exit $code)" ;;
  esac
  gen="$(sed -n 's/^\([0-9]*\) states generated, \([0-9]*\) distinct states found.*/\1/p' "$log" | tail -n 1)"
  dist="$(sed -n 's/^\([0-9]*\) states generated, \([0-9]*\) distinct states found.*/\2/p' "$log" | tail -n 1)"
  depth="$(sed -n 's/^The depth of the complete state graph search is \([0-9]*\)\..*/\1/p' "$log" | tail -n 1)"
  trace="$(sed -n 's/^State \([0-9]*\):.*/\1/p' "$log" | sort -n | tail -n 1)"

  verdict="as expected"
  if [[ "$got" != "$expect" ]]; then
    verdict="WRONG OUTCOME (log: see below)"
  elif [[ "$got" == "ok" ]]; then
    for pair in "generated:$gen:$want_gen" "distinct:$dist:$want_dist" "depth:$depth:$want_depth"; do
      IFS=: read -r what have want <<<"$pair"
      if [[ "$want" != "-" && "$have" != "$want" ]]; then verdict="$what $have != cross-checked $want"; fi
    done
  elif [[ "$want_trace" != "-" && "$trace" != "$want_trace" ]]; then
    verdict="trace length $trace != cross-checked $want_trace"
  fi
  printf '%-32s %-28s %-28s %10s %9s %6s %6s  %s\n' "$name" "$expect" "$got" "${gen:--}" "${dist:--}" \
    "${depth:--}" "${trace:--}" "$verdict"
  if [[ "$verdict" != "as expected" ]]; then
    failures=$((failures + 1))
    sed 's/^/    | /' "$log" | tail -n 40
  fi
done <<<"$rows"

if ((failures > 0)); then
  echo "tlc: $failures model(s) not as expected"
  exit 1
fi
echo "tlc: every model as expected"
