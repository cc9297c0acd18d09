# CampaignOps — `make run` serves the demo on a fresh machine; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
VENDOR := src/campaignops/static/vendor
VENDOR_STAMP := $(VENDOR)/.installed
UV := python3 -m uv
PYTEST_ARGS ?= -n auto
BENCH ?=

.PHONY: run setup test bench lint messages system-deps clean

run: setup
	$(BIN)/campaignops migrate --noinput -v0
	$(BIN)/campaignops demo
	$(BIN)/campaignops collectstatic --noinput -v0
	$(BIN)/campaignops worker & W=$$!; trap 'kill $$W 2>/dev/null' EXIT INT TERM; $(BIN)/campaignops serve

setup: $(PY_STAMP) $(VENDOR_STAMP)

$(PY_STAMP): pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

$(VENDOR_STAMP): package.json package-lock.json scripts/vendor.sh
	bash scripts/vendor.sh
	@touch $@

system-deps:
	bash scripts/system-deps.sh

test: setup system-deps
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/python -m campaignops.bench $(BENCH)

lint: setup
	$(BIN)/ruff check src

messages: setup
	cd src/campaignops && ../../$(BIN)/campaignops makemessages -l zh_Hans --no-obsolete --no-location && ../../$(BIN)/campaignops compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
