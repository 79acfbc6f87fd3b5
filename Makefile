# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# The demo switches MFA off unless you ask for it (OCTIP_REQUIRE_MFA=1 make run); it says so.
DEMO_MFA ?= $(if $(OCTIP_REQUIRE_MFA),$(OCTIP_REQUIRE_MFA),0)
PYTEST_WORKERS ?= 2
# Python keeps each module's bytecode (and pytest its rewritten test modules) in __pycache__/, ignored by
# git: with PYTHONDONTWRITEBYTECODE set, every test worker and subprocess compiled them all again.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test install lint typecheck imports migrations-check deploy-check unit browser-deps messages clean

$(BIN)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	OCTIP_REQUIRE_MFA=$(DEMO_MFA) $(BIN)/python manage.py demo_accounts --url http://127.0.0.1:$(PORT)/
	@# The web server, the job worker and the scheduler together; Ctrl-C stops all three (tools/run_all.py).
	OCTIP_REQUIRE_MFA=$(DEMO_MFA) $(BIN)/python tools/run_all.py --port $(PORT)

# ruff, with the annotation rules (ANN) on the typed paths: see [tool.ruff] in pyproject.toml.
lint: install
	$(BIN)/ruff check .

# mypy with django-stubs on core, every services and selectors module and consent/policy.py: the
# paths are [tool.mypy] files in pyproject.toml.
typecheck: install
	$(BIN)/mypy

# The import contracts ([tool.importlinter] in pyproject.toml): core imports no app; cases imports
# none of consent, referrals or hotline.
imports: install
	$(BIN)/lint-imports

migrations-check: install
	OCTIP_VAR_DIR=$$(mktemp -d) $(BIN)/python manage.py makemigrations --check --dry-run
	OCTIP_VAR_DIR=$$(mktemp -d) $(BIN)/python manage.py check

# Django's deployment checklist on the production settings (OCTIP_ENV=production), warnings included.
# Production refuses to start without its secrets: throwaway ones are made here, at run time, in a
# temporary folder that is removed afterwards. No key is ever written to the checkout.
deploy-check: install
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	key() { $(BIN)/python -c "from octip.core.crypto import new_key; print(new_key())"; } && \
	env -u DATABASE_URL OCTIP_ENV=production OCTIP_VAR_DIR="$$tmp" OCTIP_ALLOWED_HOSTS=octip.example.invalid OCTIP_SITE_URL=https://octip.example.invalid \
	  DJANGO_SECRET_KEY="$$(key)$$(key)" OCTIP_FIELD_KEYS="k1:$$(key)" OCTIP_BLIND_INDEX_KEY="$$(key)" \
	  OCTIP_AUDIT_SIGNING_KEY="$$(key)" OCTIP_CREDENTIAL_SIGNING_KEYS="c1:$$(key)" \
	  OCTIP_REDIS_URL=redis://127.0.0.1:6379/1 \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# Browser tests need Debian's Chromium (Playwright's own download does not work here); the
# translation check needs gettext's xgettext.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! command -v xgettext >/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's chromium and gettext for the browser and translation tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation gettext >/dev/null; \
	  else \
	    echo "The tests need Chromium at /usr/bin/chromium and gettext. Install them with:"; \
	    echo "    sudo apt-get install chromium gettext"; \
	    exit 1; \
	  fi; \
	fi

unit: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not e2e"

test: install browser-deps lint typecheck imports migrations-check deploy-check
	$(BIN)/pytest -n $(PYTEST_WORKERS)

# Rebuild translations after changing strings (needs gettext's msgfmt/xgettext).
messages: install
	$(BIN)/python manage.py makemessages -l fr --no-obsolete --no-location -i ".venv/*" -i "var/*" -i "staticfiles/*"
	$(BIN)/python manage.py compilemessages -i ".venv"

clean:
	rm -rf $(VENV) staticfiles
