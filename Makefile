# hyperv.cluster build and test entry points. Every target works from a fresh clone: the toolchain virtualenv
# (.venv, from requirements-test.txt) is created on demand, and every recipe runs with .venv/bin first on PATH.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
VENV_STAMP := $(VENV)/.hyperv-cluster-requirements.stamp
export PATH := $(VENV)/bin:$(PATH)

# The repository root IS the collection root; ansible finds it as hyperv.cluster through this symlink.
COLLECTIONS_DIR := $(CURDIR)/build/collections
COLLECTION_LINK := $(COLLECTIONS_DIR)/ansible_collections/hyperv/cluster

# ansible-lint and molecule get a private ANSIBLE_HOME: molecule's prerun otherwise installs a built copy of this
# collection into ~/.ansible/collections, and such a copy shadows the checkout for every later tool run.
# In the private one, hyperv.cluster is a symlink to the checkout, which molecule's prerun leaves alone.
ANSIBLE_HOME_DIR := $(CURDIR)/build/ansible-home
HOME_COLLECTION_LINK := $(ANSIBLE_HOME_DIR)/collections/ansible_collections/hyperv/cluster

UNIT_DIRS := $(wildcard tests/unit tests/sim/tests)
MOLECULE_SCENARIOS := $(wildcard extensions/molecule/*/molecule.yml molecule/*/molecule.yml)

.PHONY: help venv services collection-link unit integration molecule lint sanity test lab ee clean

help:
	@echo "make venv             create .venv with the test toolchain (requirements-test.txt)"
	@echo "make services         install etcd-server and chromium when missing (root, apt-get), for the coordination"
	@echo "                      and cluster report tests"
	@echo "make collection-link  link build/collections/ansible_collections/hyperv/cluster -> repo root"
	@echo "make unit             pytest on tests/unit and tests/sim/tests"
	@echo "make integration      pytest on tests/integration: real playbooks on simulated labs"
	@echo "make molecule         molecule test --all (scenarios in extensions/molecule/)"
	@echo "make lint             ansible-lint, production profile, real collections only"
	@echo "make sanity           ansible-test sanity on a copy of the collection (scripts/ansible-test-sanity)"
	@echo "make test             unit + integration + molecule + lint + sanity, stopping at the first failure"
	@echo "make lab              scripts/lab-demo"
	@echo "make ee               execution environment build context in build/ee/context (then podman build)"
	@echo "make clean            remove build output and caches (keeps .venv)"

venv: $(VENV_STAMP)

$(VENV_STAMP): requirements-test.txt requirements.txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet -r requirements-test.txt
	@touch $@

collection-link:
	@mkdir -p $(dir $(COLLECTION_LINK)) $(dir $(HOME_COLLECTION_LINK))
	@if [ "$$(readlink $(COLLECTION_LINK) 2>/dev/null)" != "../../../.." ]; then \
		rm -rf $(COLLECTION_LINK); ln -s ../../../.. $(COLLECTION_LINK); \
		echo "linked $(COLLECTION_LINK:$(CURDIR)/%=%) -> repository root"; fi
	@if [ "$$(readlink $(HOME_COLLECTION_LINK) 2>/dev/null)" != "$(CURDIR)" ]; then \
		rm -rf $(HOME_COLLECTION_LINK); ln -s $(CURDIR) $(HOME_COLLECTION_LINK); fi

# pytest exit code 5 ("no tests collected") is accepted only while the test directories hold no test files.
unit: venv collection-link
	@if [ -z "$(UNIT_DIRS)" ]; then echo "unit: no tests/unit or tests/sim/tests yet, nothing to run"; exit 0; fi; \
	rc=0; ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS_DIR) python -m pytest $(UNIT_DIRS) || rc=$$?; \
	if [ $$rc -eq 5 ] && [ -z "$$(find $(UNIT_DIRS) -name 'test_*.py' -o -name '*_test.py' | head -n1)" ]; then \
		echo "unit: no test files in $(UNIT_DIRS) yet, nothing to run"; rc=0; fi; \
	exit $$rc

integration: venv collection-link
	python -m pytest tests/integration

molecule: venv collection-link
	@if [ -z "$(MOLECULE_SCENARIOS)" ]; then echo "molecule: no scenarios in extensions/molecule/, nothing to run"; exit 0; fi; \
	if [ -z "$${HYPERV_WINDOWS_INVENTORY:-}" ]; then \
		echo "molecule: scenario 'windows' skipped (a real lab: set HYPERV_WINDOWS_INVENTORY, see docs/real-lab.md)"; fi; \
	for scenario in $(notdir $(patsubst %/molecule.yml,%,$(MOLECULE_SCENARIOS))); do \
		if [ "$$scenario" = windows ] && [ -z "$${HYPERV_WINDOWS_INVENTORY:-}" ]; then continue; fi; \
		ANSIBLE_HOME=$(ANSIBLE_HOME_DIR) molecule test -s "$$scenario" || exit 1; \
	done

# Without ANSIBLE_COLLECTIONS_PATH: the `args` rule must check tasks against the real ansible.windows & co,
# never against the simulated twins in tests/sim/collections.
lint: venv collection-link
	ANSIBLE_HOME=$(ANSIBLE_HOME_DIR) env -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_COLLECTIONS_PATHS ansible-lint

sanity: venv
	scripts/ansible-test-sanity

# Programs the tests run for real: etcd (Debian's etcd-server) for the tooz coordination tests, headless Chromium
# (Debian's chromium) to render the cluster report. Installed when missing and this is root on Debian/Ubuntu (as in
# CI); elsewhere their tests skip, except under CI=true.
services:
	@missing=""; \
	command -v etcd >/dev/null 2>&1 || missing="$$missing etcd-server"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "services: installing$$missing (apt-get)"; \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "services: cannot install$$missing here (apt-get install$$missing); their tests skip"; fi

test: venv services
	@for target in unit integration molecule lint sanity; do \
		start=$$(date +%s); \
		$(MAKE) --no-print-directory $$target || { echo "make test: '$$target' FAILED after $$(( $$(date +%s) - start ))s"; exit 1; }; \
		echo "make test: '$$target' passed in $$(( $$(date +%s) - start ))s"; \
	done

lab: venv collection-link
	@test -x scripts/lab-demo || { echo "lab: scripts/lab-demo does not exist yet" >&2; exit 1; }
	scripts/lab-demo

# The execution environment's build context (execution-environment.yml): this checkout's collection artifact, then
# `ansible-builder create`; build the image with `podman build -t hyperv-cluster-ee build/ee/context`. The unit test
# test_execution_environment.py makes and checks the same context, so `make test` covers it.
ee: venv
	rm -rf build/ee
	ansible-galaxy collection build --output-path build/ee
	ansible-builder create --file execution-environment.yml --context build/ee/context --output-filename Containerfile

clean:
	rm -rf build lab lab-day2 lab-cluster lab-site tests/output .pytest_cache .hypothesis .ansible
	find . -path ./.venv -prune -o -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
