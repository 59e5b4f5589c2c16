#!/usr/bin/env bash
# Tests of the tests: each mutant is a deliberately broken build (a one-line patch applied in a
# temporary copy of the repo). The property suite must FAIL on every mutant; a mutant that survives
# means the suite cannot see that bug, and this script fails.
#
#   scripts/mutants.sh            run every mutant
#   scripts/mutants.sh NAME       run one
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

# name | file | perl substitution | property tests that must catch it
mutants=(
  "fill-skips-version-check|src/hierarchy/hierarchy.ts|s/if \(f\.epoch !== token\) \{/if (false) {/|properties/races.test.ts"
  "invalidate-skips-l2|src/hierarchy/hierarchy.ts|s/this\.l2\.delete\(key\)\n(\s*)this\.toL2\.delete\(key\)\n(\s*)this\.demoting\.delete\(key\)\n(\s*)try/this.toL2.delete(key)\n\$2this.demoting.delete(key)\n\$3try/; s/if \(v2 >= 0 && v2 < version\) this\.l2\.delete\(key\)//|test/hierarchy/demotion.test.ts properties/model-based.test.ts properties/races.test.ts"
  "put-acks-before-durable|src/hierarchy/hierarchy.ts|s/const accepted = await this\.l3\.put\(key, stored, version\)/const accepted = true; void this.l3.put(key, stored, version)/|properties/crash.test.ts"
  "branch-read-skips-barrier|src/branches/superposition.ts|s/if \(live && \(value !== undefined [^)]*\)\) return value/if (true) return value/|properties/superposition.test.ts"
  "l3-skips-hash-check|src/tiers/l3/blob.ts|s/if \(hashBytes\(raw\) !== expected\.hash\) return \{ ok: false, reason: .BLAKE3 mismatch. \}//|properties/faults.test.ts"
  "packed-array-not-frozen|src/values/packed-reader.ts|s/return Object\.freeze\(a\)/return a/|test/values/packed.test.ts"
  "sketch-hit-takes-no-room|src/tiers/l1/frequency-sketch.ts|s/    this\.room--\n    this\.countSlot\(slot, 1\)/    this.countSlot(slot, 1)/|test/tiers/l1/policy-parts.test.ts"
  "close-keeps-getifpresent-fast|src/hierarchy/hierarchy.ts|s/    this\.closed = true\n    this\.noteDirectL1\(\)\n/    this.closed = true\n/|test/service/facade.test.ts"
  "direct-read-ignores-collapse-window|src/service/facade.ts|s/const l1 = this\.#superpositions\.noCollapseWindow \? hierarchy\.directL1 : undefined/const l1 = hierarchy.directL1/|test/branches/cache-integration.test.ts"
)

only=${1:-}
failed=0
ran=0
for m in "${mutants[@]}"; do
  IFS='|' read -r name file subst tests <<<"$m"
  [[ -n "$only" && "$only" != "$name" ]] && continue
  work=$(mktemp -d)
  cp -r "$root/src" "$root/properties" "$root/test" "$root/package.json" "$root/tsconfig.json" "$root/vitest.config.ts" "$work/"
  ln -s "$root/node_modules" "$work/node_modules"
  ln -s "$root/../shared" "$(dirname "$work")/shared" 2>/dev/null || true
  # Each `s/…/…/` of the patch (separated by "; s/") must change the file: a half-applied patch is
  # a weaker mutant that could survive for the wrong reason (it happened when the code it matched moved).
  applied=1
  rest="$subst"
  while [[ -n "$rest" ]]; do
    part=${rest%%; s/*}
    [[ "$part" == "$rest" ]] && rest="" || rest="s/${rest#*; s/}"
    before=$(md5sum "$work/$file" | cut -d' ' -f1)
    perl -0pi -e "$part" "$work/$file"
    after=$(md5sum "$work/$file" | cut -d' ' -f1)
    [[ "$before" == "$after" ]] && applied=0
  done
  ran=$((ran + 1))
  if [[ $applied -eq 0 ]]; then
    echo "MUTANT $name: a part of the patch did not apply to $file (update scripts/mutants.sh)"
    failed=$((failed + 1))
  elif (cd "$work" && PROPS_SCALE="${MUTANT_SCALE:-1}" timeout 600 npx vitest run $tests >"$work/out.log" 2>&1); then
    echo "MUTANT $name: SURVIVED — the suite passed on a broken build"
    failed=$((failed + 1))
  else
    why=$(grep -m1 -E "Caused by|returned|Error:" "$work/out.log" | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-160)
    echo "MUTANT $name: caught ($tests) — $why"
  fi
  rm -rf "$work"
done
echo "mutants: $ran run, $((ran - failed)) caught, $failed survived or did not apply"
[[ $failed -eq 0 ]]
