# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create the virtualenv in .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= db/archive.db

.PHONY: demo test bench clean replay-assets
# ReplayWeb.page's built player (ui.js, sw.js) for the WACZ replay test, from
# the npm package itself (`npm pack`: its own dependencies are bundled in it).
REPLAYWEBPAGE := 2.5.3
REPLAY_ASSETS := build/replaywebpage-$(REPLAYWEBPAGE)

# An editable install leaves our modules uncompiled, and with PYTHONDONTWRITEBYTECODE
# every command would compile them again (30 ms a start): compileall does it once,
# as pip does for a regular install. Python recompiles any module edited since.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q archiver
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/archiver run --config config/archiver.toml --db $(DB)
	$(BIN)/archiver stats --db $(DB)
	@echo
	@echo "Browse the archive:  $(BIN)/archiver serve --db $(DB)   then open http://127.0.0.1:8001/"
	@echo "Record verdicts:     $(BIN)/archiver reviewer add YOURNAME   (then log in at http://127.0.0.1:8001/-/login)"

test: $(STAMP) $(if $(shell command -v npm),replay-assets)
	$(BIN)/pytest

replay-assets: $(REPLAY_ASSETS)/sw.js

$(REPLAY_ASSETS)/sw.js:
	mkdir -p $(REPLAY_ASSETS)
	cd $(REPLAY_ASSETS) && npm pack --silent replaywebpage@$(REPLAYWEBPAGE) > /dev/null \
	  && tar xzf replaywebpage-$(REPLAYWEBPAGE).tgz --strip-components=1 package/ui.js package/sw.js package/LICENSE \
	  && rm replaywebpage-$(REPLAYWEBPAGE).tgz

bench: $(STAMP)
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/verify.py
	$(BIN)/python bench/deadline.py
	$(BIN)/python bench/capture.py
	$(BIN)/python bench/evidence.py

clean:
	rm -rf $(VENV) .pytest_cache
