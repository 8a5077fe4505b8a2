# Two commands for a fresh machine with Python 3.11+ and make:
#   make run   installs into .venv, migrates SQLite, loads the demo blog, serves it on :8000
#   make test  installs what the tests need and runs them
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

# A development key kept outside git, made once; production sets DJANGO_SECRET_KEY itself.
SECRET_KEY_FILE := .secret_key
export DJANGO_SECRET_KEY ?= $(shell test -f $(SECRET_KEY_FILE) || $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $(SECRET_KEY_FILE); cat $(SECRET_KEY_FILE))

.PHONY: run serve test bench lint install install-dev migrate seed clean chromium screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the requirement files change (stamp files).
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Development: links in feeds, the sitemap, emails and "View on site" follow HOST (blog/site.py).
DEV_ENV := DJANGO_DEBUG=1 DJANGO_SITE_DOMAIN=$(HOST)

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST)

# Production: DEBUG off, hashed static files, the whole stack in the foreground (scripts/serve.sh):
# gunicorn (config/gunicorn.conf.py), the task workers (purges, email), Varnish in front
# (deploy/varnish/blog.vcl, VARNISH_LISTEN, default :6081) and, with NGINX_LISTEN, nginx in front
# of Varnish (deploy/nginx/blog.conf). Needs in the environment DJANGO_SECRET_KEY (never the
# development key above), DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL; see README.md, "Deploying".
serve: install
	@test "$(origin DJANGO_SECRET_KEY)" != file || { echo "make serve: DJANGO_SECRET_KEY is not set in the environment; refusing to start (see README.md, Deploying)." >&2; exit 1; }
	exec scripts/serve.sh

# Browser tests (tests/e2e) drive Debian's Chromium: installed here when missing and run as root
# (otherwise they skip, saying so). axe-core, for their accessibility checks, comes from npm when
# npm exists (otherwise those checks skip).
CHROMIUM := /usr/bin/chromium
E2E := tests/e2e

chromium:
	@if [ ! -x $(CHROMIUM) ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium (apt-get) for the browser tests"; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null || echo "apt-get install chromium failed: the browser tests will skip"; \
	fi

$(E2E)/node_modules/.installed: $(E2E)/package.json $(E2E)/package-lock.json
	@if command -v npm >/dev/null; then \
	  (cd $(E2E) && npm ci --no-audit --no-fund --silent) && touch $@ || echo "npm ci failed: the accessibility tests will skip"; \
	else echo "npm not found: the accessibility tests (axe-core) will skip"; fi

test: install-dev chromium $(E2E)/node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# docs/screenshots/*.png from the demo blog, served on a free port (scripts/screenshots.py).
screenshots: install-dev chromium
	$(BIN)/python scripts/screenshots.py

# Benchmarks (bench/): prints the tables and writes docs/benchmarks.md (and docs/lighthouse.json).
# The throughput and growth runs need PostgreSQL and Redis on 127.0.0.1 and wrk (installed here
# when root); Lighthouse needs npm and Chromium.
# Lighthouse 12.2.3 for bench/lighthouse_bench.py (section 7), from its lock file.
LIGHTHOUSE := bench/lighthouse

$(LIGHTHOUSE)/node_modules/.installed: $(LIGHTHOUSE)/package.json $(LIGHTHOUSE)/package-lock.json
	@if command -v npm >/dev/null; then \
	  (cd $(LIGHTHOUSE) && npm ci --no-audit --no-fund --silent) && touch $@ || echo "npm ci failed: the Lighthouse section will fail"; \
	else echo "npm not found: the Lighthouse section will fail"; fi

bench: install-dev chromium $(LIGHTHOUSE)/node_modules/.installed
	@if ! command -v wrk >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing wrk (apt-get) for the throughput benchmark"; \
	  apt-get update -qq && apt-get install -y -qq wrk >/dev/null || echo "apt-get install wrk failed"; \
	fi
	$(BIN)/python bench/run_all.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
