# make demo : install what is missing, migrate, load demo data, serve on 127.0.0.1:8000
# make test : install what is missing, run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-other-days setup system-packages serve lint format bench messages clean-venv

# The demo company's name in page footers and print headers (an operator sets their own).
demo: export QMS_COMPANY_NAME ?= 常州瑞拓汽车零部件有限公司
demo: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) load_demo
	$(MANAGE) seed_demo --logins-only
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C stops)"
	$(BIN)/gunicorn qms_site.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile - --log-level warning

test: setup
	$(BIN)/pytest -n 2

# The demo chain under moved clocks, then the suite (without the browser) late on New Year's
# Eve in Shanghai: nothing may depend on the day it runs.
test-other-days: setup
	bash scripts/demo-on-other-days.sh
	TZ=Asia/Shanghai faketime -f "@$$(date +%Y)-12-31 23:30:00" $(BIN)/pytest -n 2 -m "not browser"

setup: system-packages $(VENV)/.installed
	$(MANAGE) compilemessages --ignore=.venv -v0
	$(MANAGE) collectstatic --noinput -v0

system-packages:
	@bash scripts/system-packages.sh

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(VENV)/.installed
	$(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests --ignore=bench --no-obsolete

bench: setup
	@for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean-venv:
	rm -rf $(VENV)
