# tiercache — every command the README and CI use. Each target installs what it needs (setup).
SHELL := /bin/bash
NODE_BIN := node_modules/.bin
TSX := node --import tsx
VITEST := $(NODE_BIN)/vitest run

.PHONY: setup build typecheck test unit props props-long coverage check mutants tlc crosscheck \
        bench bench-gate bench-baseline bench-calibrate bench-checker demo clean

# npm ci only when the lock changed since the last install.
# A symlinked node_modules (a git worktree borrowing another checkout's) is never reinstalled:
# npm ci would empty the folder it points at under everyone using it.
node_modules/.installed: package-lock.json package.json
	@if [ -L node_modules ]; then echo "node_modules is a symlink: not running npm ci"; else npm ci --no-audit --no-fund; fi
	@touch $@

setup: node_modules/.installed

build: setup
	$(NODE_BIN)/tsc -p tsconfig.build.json

typecheck: setup
	$(NODE_BIN)/tsc -p tsconfig.json --noEmit

## Tests ---------------------------------------------------------------------------------------

# Unit tests (tiers, hierarchy, service, lifecycle, prefetch, CLI, report, checker incl. the 16 golden specs).
unit: setup
	$(VITEST) test checker/test

# Property-based and model-based tests against the oracle, races, faults, conformance (200+ runs each).
props: setup
	$(VITEST) properties

# The same properties with 10x the runs.
props-long: setup
	PROPS_SCALE=10 $(VITEST) properties

# Every vitest suite once, with v8 coverage of src/ (>= 90 % lines and branches, see vitest.config.ts).
coverage: setup
	$(VITEST) --coverage

# Model checking: every model in models/manifest.json must end as its "expect" says.
check: setup
	$(TSX) checker/bin/check-models.ts

# Tests of the tests: deliberately broken builds the property suite must catch.
mutants: setup
	bash scripts/mutants.sh

# Real TLC on the same models when TLA2TOOLS_JAR points at tla2tools.jar (skips cleanly otherwise).
tlc:
	bash scripts/tlc.sh

# Independent Python brute force of the specs' state counts (needs python3).
crosscheck:
	python3 models/crosscheck/run_all.py --compare

## Main job and benchmarks ------------------------------------------------------------------

# The 850-agent simulation on embedded defaults (L3 in a temp folder), with an HTML report.
# The heap cap keeps V8 from letting garbage pile up past the 200 MB footprint target.
demo: setup
	node --max-old-space-size=200 --import tsx src/cli/main.ts simulate --report bench/results/demo-report.html

# Every benchmark, results in bench/results/ (several minutes).
bench: setup
	$(TSX) bench/harness/run-all.ts
	$(TSX) bench/hitratio/run.ts
	$(TSX) bench/branches/run.ts

# Perf gate: deterministic figures vs bench/baseline.json (5 %) and timing ratios vs lru-cache
# measured in the same run (calibrated margin, bench/gate/README.md).
bench-gate: setup
	$(TSX) bench/gate/run.ts

# Explicitly regenerate bench/baseline.json (commit the result).
bench-baseline: setup
	$(TSX) bench/gate/run.ts --baseline

# Re-measure the timing spread this machine shows (bench/gate/calibration.json).
bench-calibrate: setup
	$(TSX) bench/gate/calibrate.ts --runs 12

# Checker throughput on the largest models.
bench-checker: setup
	$(TSX) checker/bin/bench-checker.ts --runs 3

# Everything CI checks.
test: typecheck coverage check mutants bench-gate
	@echo "make test: all checks passed"

clean:
	rm -rf dist coverage
