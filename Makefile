# layerscope — the commands of README.md.
#   make demo   set up, build, run the CLI on the built-in example
#   make test   set up, build, run every test (native, ASan+UBSan, wasm in node)
#   make build  set up and build only (native CLI + wasm module)
#   make bench  layerscope against its peers on generated 0.4 GB archives (tests/bench/bench.py)
SHELL := /bin/bash
export NODE_PATH ?= /usr/share/nodejs
JOBS ?= 2
NATIVE := build/native
ASAN := build/asan
WASM := build/wasm

.PHONY: all setup build native wasm web web-deps package test test-native test-asan test-wasm test-web-unit test-client test-e2e test-fuzz demo bench clean

all: build

setup:
	@scripts/setup.sh

build: native wasm web

# The web app (web/, Vite) on top of the ES-module wasm build: see web/build.sh.
web: wasm
	@web/build.sh "$(CURDIR)/$(WASM)/wasm/esm"

# The npm package `layerscope` (<layer-scope>, its worker and wasm): web/dist-pkg/layerscope-<version>.tgz.
package: wasm web-deps
	@web/pack.sh "$(CURDIR)/$(WASM)/wasm/esm"

native: setup
	@cmake -S . -B $(NATIVE) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@ninja -C $(NATIVE) -j$(JOBS) $(NATIVE_TARGETS)

wasm: setup
	@scripts/fetch-sources.sh
	@deps="$$(scripts/build-wasm-deps.sh | tail -1)" && \
	  emcmake cmake -S . -B $(WASM) -G Ninja -DCMAKE_BUILD_TYPE=Release -DLAYERSCOPE_WASM_DEPS="$$deps" >/dev/null && \
	  ninja -C $(WASM) -j$(JOBS)

test: build test-native test-asan test-wasm test-web-unit test-client test-e2e test-fuzz
	@echo "all test suites passed"

# A short libFuzzer run of each target (clang, ASan+UBSan); crashers land in fuzz/crashes/.
FUZZ_SECONDS ?= 60
test-fuzz: setup
	@fuzz/run.sh $(FUZZ_SECONDS)

# Node unit tests of the page's state/ (vitest; no browser, no worker): see web/README.md.
test-web-unit: web
	@cd web && npx vitest run --environment node

# Browser end-to-end tests (Playwright + Debian chromium): see web/test-e2e.sh.
test-e2e: web package
	@scripts/setup.sh --browser
	@web/test-e2e.sh

test-native: native
	@scripts/setup.sh --tools
	@ctest --test-dir $(NATIVE) --output-on-failure -j$(JOBS)

test-asan: setup
	@cmake -S . -B $(ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLAYERSCOPE_SANITIZE=ON >/dev/null
	@ninja -C $(ASAN) -j$(JOBS)
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir $(ASAN) --output-on-failure -j$(JOBS)

# node:test on the wasm build: the fixtures, and every document against its JSON
# Schema (docs/schema/, with ajv from web/node_modules).
test-wasm: wasm web-deps
	@LAYERSCOPE_WASM_MODULE=$(CURDIR)/$(WASM)/wasm/node/layerscope_core.js node --test tests/wasm/
	@python3 tests/hostile/hostile_test.py --wasm $(CURDIR)/$(WASM)/wasm/node/layerscope_core.js --jobs $(JOBS)
	@python3 tests/huge/huge_test.py --wasm $(CURDIR)/$(WASM)/wasm/node/layerscope_core.js

# Node unit tests (vitest) of the page side of the worker protocol:
# wasm/client.ts and web/src/engine against a scripted fake worker.
test-client: web-deps
	@cd web && npx vitest run --globals --environment node --root .. tests/wasm/client.test.ts tests/wasm/http-source.test.ts tests/wasm/file-stream.test.ts tests/wasm/sequential-reader.test.ts tests/wasm/warm-up.test.ts tests/wasm/opfs-sink.test.ts

# web/node_modules, installed (npm ci) when missing or package-lock.json changed
# (the same stamp as web/build.sh).
web-deps: setup
	@cd web && lock="$$(sha256sum package-lock.json | cut -d' ' -f1)" && \
	  if [ ! -d node_modules ] || [ "$$(cat node_modules/.layerscope-lock 2>/dev/null)" != "$$lock" ]; then \
	    npm ci --no-audit --no-fund --loglevel=error && echo "$$lock" > node_modules/.layerscope-lock; fi

# The CLI on the example, then the browser inspector served on 127.0.0.1
# (open the printed URL, click "Try the example"; Ctrl-C stops the server).
# Benchmark against peers in one run (not part of `make test`): tests/bench/bench.py.
# BENCH_SIZES="400 1800" (MB) BENCH_RUNS=3; the table also goes to test-results/bench.json.
# The browser half (web/bench/chromium.bench.ts) runs the built page; BENCH_BROWSER=0 skips it.
bench: NATIVE_TARGETS = layerscope
bench: native web web-deps
	@scripts/setup.sh --browser
	@python3 tests/bench/bench.py

demo: NATIVE_TARGETS = layerscope
demo: build package
	@examples/docs-portal/assemble.sh >/dev/null
	@echo "== layerscope inspect examples/demo.tar"
	@$(NATIVE)/cli/layerscope inspect examples/demo.tar
	@echo; echo "== layerscope history examples/demo.tar"
	@$(NATIVE)/cli/layerscope history examples/demo.tar
	@echo; echo "== layerscope ls examples/demo.tar --layer 2   (what layer 2 changed)"
	@$(NATIVE)/cli/layerscope ls examples/demo.tar --layer 2
	@echo; echo "== the browser inspector: open the URL below and click 'Try the example';"
	@echo "   a docs page embedding two archives by URL (the npm package): that URL + docs-portal/"
	@web/serve.sh

clean:
	rm -rf build
