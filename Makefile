# Live Room: `make run` serves the app with the demo city; `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: run serve prepare test test-slow lint demo demo-million migrate simulate worker rollups-rebuild burst clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP) install -r requirements-dev.txt
	touch $@

## run: install, migrate, seed the demo city on first start, serve on http://127.0.0.1:8050 with the live simulator
## (the development server prepares the database itself, once, before it builds the app)
run: $(VENV)/.runtime
	$(PY) app.py

## prepare: migrate, write the city profile's reference data, seed the demo city into an empty database
prepare: $(VENV)/.runtime
	$(PY) -m data_sources.prepare

## serve: the same app under gunicorn, as the Procfile does (no simulator; run `make simulate` beside it)
serve: prepare
	$(VENV)/bin/gunicorn app:server --preload --bind 127.0.0.1:$${PORT:-8050} --workers 2 --threads 4 --timeout 120

simulate: $(VENV)/.runtime
	$(PY) -m data_sources.demo.simulator

## worker: probes, device state rules, uptime roll-ups and raw-sample retention on a schedule
worker: $(VENV)/.runtime
	$(PY) -m data_sources.worker

## rollups-rebuild: recompute every uptime roll-up the raw samples still cover, and every complaint roll-up
rollups-rebuild: $(VENV)/.runtime
	$(PY) -m data_sources.rules.uptime --rebuild
	$(PY) -m data_sources.rules.complaint_rollups --rebuild

## burst: add COUNT complaints of CATEGORY in KECAMATAN over the last MINUTES minutes (the early warning, live)
KECAMATAN ?= Periuk
CATEGORY ?= banjir
COUNT ?= 40
MINUTES ?= 60
burst: $(VENV)/.runtime
	$(PY) -m data_sources.demo.burst --kecamatan "$(KECAMATAN)" --category "$(CATEGORY)" --count $(COUNT) --minutes $(MINUTES)

migrate: $(VENV)/.runtime
	$(PY) -m data_sources.migrate

## demo: (re)generate the default demo city into the configured database
demo: $(VENV)/.runtime
	$(PY) -m data_sources.demo

## demo-million: the metropolis-scale city into benchmarks/out/million.db, timed
demo-million: $(VENV)/.runtime
	mkdir -p benchmarks/out
	rm -f benchmarks/out/million.db*
	LIVEROOM_DATABASE_URL=sqlite:///benchmarks/out/million.db /usr/bin/time -v $(PY) -m data_sources.demo \
		--complaints 1000000 --cameras 10000 --access-points 10000 --raw-sample-hours 1

## test: install the dev requirements and run the whole default suite on two processes
## (the browser tests one after another on one of them; each other file whole on one: tests/conftest.py)
test: $(VENV)/.dev
	$(PY) -m pytest -n 2 --dist loadgroup

## lint: pyflakes-level checks (undefined names, unused imports)
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check --select F,E9 --line-length 120 --exclude .venv .

## test-slow: the slow suites (scale), not part of `make test`
test-slow: $(VENV)/.dev
	$(PY) -m pytest -m slow

clean:
	rm -rf $(VENV) instance benchmarks/out tests/screenshots
