# Coalition Posture Dashboard: `make run` serves it, `make test` checks everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# Without bytecode caches every process recompiles pandas and streamlit (3x slower imports).
unexport PYTHONDONTWRITEBYTECODE

UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8501
ARGS ?=
CHROMIUM ?= /usr/bin/chromium
NGINX ?= $(shell command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
REPLICAS ?= 2
# tests/test_dockerfile.py sets up a clean Python with the same uv.
export UV

.PHONY: help run cluster test lint lint-data format validate datapackage browser nginx bench soak loadtest clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

run: .venv/.synced ## Serve the dashboard at http://localhost:8501 (HOST=0.0.0.0 ARGS="--allowed-host NAME" to share it)
	$(PY) -m posture serve --host $(HOST) --port $(PORT) $(ARGS)

cluster: .venv/.synced nginx ## Serve REPLICAS (default 2) processes behind nginx at http://localhost:8501
	$(PY) -m posture cluster --replicas $(REPLICAS) --host $(HOST) --port $(PORT) $(ARGS)

test: .venv/.synced browser nginx node_modules/.installed ## Lint, check formatting, types and the data, and run every test (browser and cluster tests included)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m posture lint --strict > /dev/null
	$(PY) -m pytest

lint: .venv/.synced ## ruff check only
	$(PY) -m ruff check .

format: .venv/.synced ## Reformat the code with ruff
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

validate: .venv/.synced ## Check the data against its contract
	$(PY) -m posture validate

lint-data: .venv/.synced ## Report suspicious data; fail on any warning not accepted in data/lint-accepted.csv
	$(PY) -m posture lint --strict

datapackage: .venv/.synced ## Rewrite data/datapackage.json from the schemas
	$(PY) -m posture datapackage

bench: .venv/.synced browser ## Run the benchmarks (not part of make test); writes benchmarks/results/ and docs/performance.md
	$(PY) benchmarks/bench.py
	$(PY) benchmarks/publish.py

soak: .venv/.synced ## 5,000 different views against one server; memory must level off (not part of make test)
	$(PY) benchmarks/soak.py

loadtest: .venv/.synced browser nginx ## 20, 100, 300 websocket users on 1 and 2 replicas behind nginx, 3 browsers (not part of make test)
	$(PY) benchmarks/loadtest.py
	$(PY) benchmarks/publish.py

# axe-core, which the browser tests inject into each page (package.json, package-lock.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

browser: ## Install Debian's Chromium for the browser tests when missing (root only)
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "Chromium not found at $(CHROMIUM): browser tests will be skipped."; \
		echo "Install it with: sudo apt-get install chromium"; \
	fi

nginx: ## Install Debian's nginx for `make cluster` and the cluster tests when missing (root only)
	@if [ -x "$(NGINX)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's nginx-light for the cluster..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	else \
		echo "nginx not found at $(NGINX): the cluster tests will be skipped."; \
		echo "Install it with: sudo apt-get install nginx-light"; \
	fi

clean: ## Remove the virtual environment, tools and test output
	rm -rf .venv .tools node_modules test-results .pytest_cache .ruff_cache
