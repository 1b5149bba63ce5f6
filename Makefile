# Cadre Warehouse — everything a fresh clone needs, from only python3.
#   make run    install, write the demo inbox, run ingest → dbt → quality gate → publish
#   make test   install (and Chromium for the browser tests), run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export CADRE_INBOX ?= $(CURDIR)/data/inbox
export CADRE_WAREHOUSE ?= $(CURDIR)/data/warehouse
export DBT_PROFILES_DIR := $(CURDIR)/dbt_project
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' -o -name '*.md' \) -print)

.PHONY: install system-deps run demo test test-fast ui bench docs clean

install: $(STAMP) $(MANIFEST)

$(STAMP): pyproject.toml constraints.txt
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# constraints.txt pins every package to the versions tested together (unpinned, pip backtracks to dbt 1.5).
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(STAMP)

# The dbt manifest that the Dagster code location loads; rebuilt whenever the dbt project changes.
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	cd dbt_project && ../$(BIN)/dbt parse --quiet --project-dir . --profiles-dir .
	@touch $(MANIFEST)

# Chromium renders report.html and the lineage UI in the browser tests (Debian's package; Playwright's own
# browser download cannot work without internet). PostgreSQL's server programs start the tests' throw-away cluster
# (tests/corpus/postgres.py); Debian keeps them off PATH, in /usr/lib/postgresql/<version>/bin.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  echo "installing Debian's postgresql for the PostgreSQL tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

demo: install
	$(BIN)/cadre-warehouse demo --out $(CADRE_INBOX)

run: demo
	$(BIN)/cadre-warehouse run --inbox $(CADRE_INBOX) --warehouse $(CADRE_WAREHOUSE)

test: install system-deps
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not slow"

# The venv's scripts first on PATH: under `dagster dev`, dagster-dbt re-parses the project with the `dbt` it finds.
# The UI's instance is the documented production one (docs/dagster.yaml.example): one warehouse run at a time,
# queued, telemetry off. Re-installed on every `make ui`, so an edit there reaches the next start.
ui: install
	mkdir -p .dagster_home
	cp docs/dagster.yaml.example .dagster_home/dagster.yaml
	PATH=$(CURDIR)/$(BIN):$$PATH DAGSTER_HOME=$(CURDIR)/.dagster_home $(BIN)/dagster dev -w workspace.yaml

# dbt docs as one page that opens from disk: static_index.html holds the manifest and the catalog (the column types and
# row counts of the published release, opened read-only, once there is one: dbt_project/profiles.yml, target docs).
DOCS_DIR ?= $(CURDIR)/dbt_project/target/docs
PUBLISHED_DATABASE := $(wildcard $(CADRE_WAREHOUSE)/published/warehouse.duckdb)
docs: install
	cd dbt_project && $(if $(PUBLISHED_DATABASE),CADRE_DOCS_CATALOG=$(PUBLISHED_DATABASE)) $(abspath $(BIN))/dbt docs \
	  generate --quiet --static --target docs --target-path $(DOCS_DIR) --project-dir . --profiles-dir . \
	  $(if $(PUBLISHED_DATABASE),,--empty-catalog)
	@echo "Tài liệu dbt / dbt docs: file://$(DOCS_DIR)/static_index.html"
	@echo "Hoặc qua máy chủ / or served: cd dbt_project && $(abspath $(BIN))/dbt docs serve --host 127.0.0.1 --port 8080 --target-path $(DOCS_DIR)"

# Benchmarks (docs/performance.md): not part of `make test`; about 12 minutes, inboxes cached in bench/work/ (5 more to write them).
bench: install $(VENV)/.bench-installed
	$(BIN)/python -m bench

$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,bench]'
	@touch $@

clean:
	rm -rf data dbt_project/target dbt_project/logs .dagster_home .pytest_cache
