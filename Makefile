# FieldCert: `make run` serves the app with the demo organisation; `make test` runs every test.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?= -n 2
export FLASK_APP := wsgi

.PHONY: run setup translations test test-sqlite test-postgres chromium postgres redis bench bench-scale

run: setup ## install, migrate, load the demo organisation, serve on http://127.0.0.1:5000
	$(FLASK) db upgrade
	$(FLASK) demo
	RUN_SCHEDULER=1 $(FLASK) run --host 127.0.0.1 --port 5000

CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
PYBABEL := $(VENV)/bin/pybabel
# The message catalogues are written once (no locations, sorted, no header, no wrapping) so that two branches
# adding messages merge line by line; tests/web/test_translations.py extracts the same way.
EXTRACT_FLAGS := -F babel.cfg -k _l -k N_ --no-location --sort-output --omit-header --no-wrap
UPDATE_FLAGS := --omit-header --no-wrap --no-fuzzy-matching --ignore-obsolete

setup: $(VENV)/.installed static/vendor/htmx.min.js $(CATALOGUES:.po=.mo)

# The compiled catalogues are built here, never committed. A catalogue without a header reads as "fuzzy" as a
# whole, hence --use-fuzzy; no message in it may be fuzzy (tests/web/test_translations.py).
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(PYBABEL) compile --use-fuzzy --domain messages --input-file $< --output-file $@ --locale $*

translations: $(VENV)/.installed ## after changing messages: re-extract them and add the new ones to each catalogue, to translate
	$(PYBABEL) extract $(EXTRACT_FLAGS) --output-file translations/messages.pot .
	$(PYBABEL) update --input-file translations/messages.pot --output-dir translations $(UPDATE_FLAGS)

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# Front-end packages come from the npm registry at set-up; nothing third-party is committed.
static/vendor/htmx.min.js: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

test: setup chromium postgres redis ## the whole suite on SQLite, then on PostgreSQL
	$(MAKE) --no-print-directory test-sqlite test-postgres

test-sqlite:
	$(PY) -m pytest $(PYTEST_ARGS)

# What a person sees in the browser does not depend on the database, and the rules are pure (no database):
# on PostgreSQL run every web test (each route, service and query) and the browser flows that write
# (marked both_databases); the other browser tests and the pure rules run once, in test-sqlite, which
# keeps `make test` within CI's 20 minutes.
test-postgres:
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(PY) -m pytest $(PYTEST_ARGS) -m "not browser or both_databases" --ignore=tests/rules

chromium: ## browser tests drive the system Chromium (Debian package `chromium`)
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; }

postgres: ## the suite needs PostgreSQL at 127.0.0.1:5432; start the local cluster if it is down
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start || true
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not running at 127.0.0.1:5432 and could not be started; see README."; exit 1; }

redis: ## the rate-limit test counts in Redis at 127.0.0.1:6379 (it is skipped, saying so, without one); start it if it is down
	@command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; } || true
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" >/dev/null || true

bench: setup postgres ## print the speed figures (bench_cpu.py builds bench-scale's large database the first time)
	$(PY) bench/bench_rules.py
	$(PY) bench/bench_reports.py
	$(PY) bench/bench_notices.py
	$(PY) bench/bench_records_import.py
	$(PY) bench/bench_people_import.py
	$(PY) bench/bench_cpu.py

bench-scale: setup postgres ## the key pages small against large (BENCH_PEOPLE, default 10000) through gunicorn: one table
	$(PY) bench/bench_scale.py
