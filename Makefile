# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 GRADIO_ANALYTICS_ENABLED=False ANONYMIZED_TELEMETRY=False NO_PROXY=localhost,127.0.0.1

.PHONY: run test install index bench bench-scale load eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned: our machines hold its CPU build; anything looser pulls GBs of CUDA.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# axe-core for the accessibility checks of the browser tests (npm registry, pinned in package-lock.json)
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

install: $(STAMP)

# Idempotent: unchanged files are skipped, changed ones replaced.
index: install
	$(BIN)/assistant ingest corpus

# The main job: the web UI on the bundled corpus (prints the URL once it is listening).
run: index
	$(BIN)/assistant serve

test: install $(AXE)
	$(BIN)/python -m pytest

eval: index
	$(BIN)/assistant eval --out eval/results/latest.json

bench: index
	$(BIN)/python bench/benchmark.py

# A synthetic archive of 10k and 100k passages on both stores (bench/results/scale.md; ~40 min)
bench-scale: install
	$(BIN)/python bench/scale.py --sizes 10000,100000 --store both

# 20 members asking at once for 60 s, embedded store and Chroma server (report in bench/results/)
load: install
	$(BIN)/python bench/load.py --clients 20 --seconds 60 --store both --faults --apps 2

clean:
	rm -rf $(VENV) node_modules index/chroma.sqlite3 index/manifest.* index/lexical-* index/ingest.lock index/*-*-*-*-*/ index/uploads test-artifacts
