# tiercache — every command the README and CI use. Each target installs what it needs (setup).
SHELL := /bin/bash
NODE_BIN := node_modules/.bin
TSX := node --import tsx

.PHONY: setup build typecheck test unit props props-long check tlc bench bench-gate bench-baseline demo clean

# npm ci only when the lock changed since the last install.
node_modules/.installed: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

setup: node_modules/.installed

build: setup
	$(NODE_BIN)/tsc -p tsconfig.build.json

typecheck: setup
	$(NODE_BIN)/tsc -p tsconfig.json --noEmit

unit: setup
	$(NODE_BIN)/vitest run test checker/test

clean:
	rm -rf dist coverage
