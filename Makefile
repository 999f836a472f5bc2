# Two commands on a fresh machine with Python 3.11+ and make: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The documented dev token, equal to backstock.settings.DEV_ADMIN_TOKEN (the one token under 16 characters allowed).
DEV_TOKEN ?= dev-admin-token
DEMO_DB := backstock.sqlite3
export BACKSTOCK_DATABASE_URL ?= sqlite://./$(DEMO_DB)

.PHONY: run test lint typecheck pytest bench reset clean vendor-graphiql

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/backstock migrate
	$(BIN)/backstock demo-data
	@echo ""
	@echo "  backstock on http://127.0.0.1:8000/graphql (GraphiQL in a browser)"
	@echo "  dashboard  http://127.0.0.1:8000/dashboard (log in with the dev admin token)"
	@echo "  dev admin token: $(DEV_TOKEN)   (header  Authorization: Bearer $(DEV_TOKEN))"
	@echo ""
	BACKSTOCK_ADMIN_TOKEN=$(DEV_TOKEN) BACKSTOCK_GRAPHIQL=true BACKSTOCK_UNSUBSCRIBE_URL=$${BACKSTOCK_UNSUBSCRIBE_URL:-http://127.0.0.1:8000/unsubscribe} $(BIN)/backstock serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy backstock harness tests bench

pytest: $(STAMP)
	$(BIN)/python -m pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run

GRAPHIQL := graphiql@4.1.2
REACT := 18.3.1
GRAPHIQL_DIR := backstock/static/graphiql

# Refreshes the GraphiQL files committed in $(GRAPHIQL_DIR), each with its LICENSE.
# Only maintainers need npm for this; installs and the Docker image use the committed files.
vendor-graphiql:
	rm -rf .vendor && mkdir -p .vendor/graphiql .vendor/react .vendor/react-dom $(GRAPHIQL_DIR)
	cd .vendor && npm pack --silent $(GRAPHIQL) react@$(REACT) react-dom@$(REACT) >/dev/null
	for pkg in graphiql react react-dom; do tar xzf .vendor/$$pkg-[0-9]*.tgz -C .vendor/$$pkg --strip-components=1; done
	cp .vendor/graphiql/graphiql.min.js .vendor/graphiql/graphiql.min.css $(GRAPHIQL_DIR)/
	cp .vendor/react/umd/react.production.min.js .vendor/react-dom/umd/react-dom.production.min.js $(GRAPHIQL_DIR)/
	for pkg in graphiql react react-dom; do cp .vendor/$$pkg/LICENSE $(GRAPHIQL_DIR)/LICENSE.$$pkg; done
	rm -rf .vendor

# `make run` then `make reset` then `make run` starts from a fresh demo catalog.
reset:
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	@echo "demo database removed; make run creates a fresh one"

# Removes what the build made; the demo database stays (make reset removes it).
clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
