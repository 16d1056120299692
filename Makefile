# Two commands do everything on a fresh machine: `make up` (run Arena with the demo) and
# `make test` (the whole test suite). Both run the idempotent setup first.
SHELL := /bin/bash
VENV := .venv/bin

.PHONY: setup up test lint bench bench-hub protocol
setup:
	@bash scripts/setup.sh

up: setup
	@bash scripts/demo.sh

lint: setup
	$(VENV)/ruff check arena tests bench
	$(VENV)/ruff format --check arena tests bench
	$(VENV)/mypy
	$(VENV)/lint-imports

test: lint
	$(VENV)/pytest -q -n 2 --durations=40

# The browser's wire types (web/src/protocol.ts) from the msgspec Structs (arena/protocol/web.py).
protocol:
	$(VENV)/python -m arena.protocol.web | (cd web && node scripts/protocol.mjs)

bench: setup
	$(VENV)/python bench/judge_latency.py

# The hub's targets (issue #5): ranking cache at 100k, 10k spectators, a 15k-user login burst.
bench-hub: setup
	$(VENV)/python bench/ranking_cache.py
	$(VENV)/python bench/spectators.py
	$(VENV)/python bench/login_burst.py
	$(VENV)/python bench/contest_start.py
	$(VENV)/python bench/spectators.py --sockets 50000 --processes 5 --client-procs 5 --no-reference
