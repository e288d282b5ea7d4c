# Two commands for a fresh Debian bookworm machine (as root): `make demo`, `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SITE = $(shell $(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' 2>/dev/null)
# Debian's qgis_process wrapper passes --noversioncheck, which 3.22's binary rejects.
QGIS_PROCESS = $(shell command -v qgis_process.bin 2>/dev/null || command -v qgis_process 2>/dev/null)
# the profile folder of the QGIS that qgis_process belongs to: QGIS3 for 3.x, QGIS4 for 4.x (asked, not assumed)
QGIS_MAJOR = $(shell QT_QPA_PLATFORM=offscreen $(QGIS_PROCESS) --version 2>/dev/null | sed -n 's/^QGIS \([0-9][0-9]*\)\..*/\1/p' | head -1)
PLUGIN_DIR ?= $(HOME)/.local/share/QGIS/QGIS$(QGIS_MAJOR)/profiles/default/python/plugins
APT_PACKAGES := qgis python3-qgis qgis-providers xvfb python3-rasterio python3-skimage python3-scipy python3-sklearn \
                python3-matplotlib gdal-bin
export QT_QPA_PLATFORM ?= offscreen
export XDG_RUNTIME_DIR ?= /tmp/runtime-$(shell id -u)

.PHONY: deps venv test test-ltr test-qgis4 lint demo package install-plugin bench clean translations

deps:
	@if ! command -v qgis_process >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import qgis.core, rasterio, skimage, scipy, matplotlib' >/dev/null 2>&1; then \
	  echo "Installing QGIS and its Python stack from Debian"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); \
	fi
	@mkdir -p $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)

$(VENV)/.installed: requirements.txt
	$(MAKE) deps
	/usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

venv: deps $(VENV)/.installed

lint: venv
	$(VENV)/bin/ruff check lst_fusion benchmarks scripts

test: venv lint
	QGIS_PROCESS=$(QGIS_PROCESS) $(PY) -m pytest

# ruff + the whole suite on QGIS 3.44 LTR (Debian trixie root + trixie-backports, Python 3.13, numpy 2); needs root
# QGIS 4 (Qt6): not buildable in this workplace (docs/qgis4.md); not in .ci/run
test-qgis4:
	@echo "make test-qgis4: no QGIS 4 is available here (no Debian package, and its source cannot be fetched into this workplace); run the suite with the Python of a QGIS 4 of your own as docs/qgis4.md says"; exit 2

test-ltr:
	bash scripts/test_ltr.sh

demo: venv
	QGIS_PROCESS=$(QGIS_PROCESS) PYTHONPATH=$(SITE) bash scripts/demo.sh

bench: venv
	$(PY) benchmarks/bench_classical.py
	$(PY) benchmarks/bench_deep.py
	$(PY) benchmarks/bench_series.py

# the zip, the repository's validator, Bandit and detect-secrets (from requirements.txt, hence the venv)
package: venv
	$(PY) scripts/package.py

# the Qt Linguist files (lst_fusion/i18n/): the strings of the Processing provider listed for pylupdate5, the .ts
# updated from the sources (translations kept; needs Debian's pyqt5-dev-tools and qttools5-dev-tools), the .qm
# compiled for users (committed: they have no lrelease). Run it after changing a string the user reads; the test
# suite (test_i18n.py) says when it is due. The venv is made by `make venv` (or `make test`) first.
I18N_SOURCES = lst_fusion/plugin.py lst_fusion/algorithms/*.py lst_fusion/ui/*.py lst_fusion/i18n/strings.py
TS_FILES = $(wildcard lst_fusion/i18n/lstfusion_*.ts)
translations:
	$(PY) scripts/i18n_strings.py
	cd lst_fusion/i18n && for ts in $(notdir $(TS_FILES)); do \
	  LC_ALL=C.UTF-8 pylupdate5 -noobsolete $(addprefix ../../,$(I18N_SOURCES)) -ts $$ts && lrelease -silent $$ts; done

install-plugin:
	@if [ -z "$(QGIS_MAJOR)" ] && [ "$(origin PLUGIN_DIR)" = file ]; then \
	  echo "install-plugin: '$(QGIS_PROCESS) --version' names no QGIS version; install QGIS (make deps) or give PLUGIN_DIR=..."; exit 1; fi
	mkdir -p $(PLUGIN_DIR)
	ln -sfn $(CURDIR)/lst_fusion $(PLUGIN_DIR)/lst_fusion
	$(QGIS_PROCESS) plugins enable lst_fusion || true
	@echo "Linked into $(PLUGIN_DIR); enable 'LST Fusion' in Plugins > Manage and Install Plugins"

clean:
	rm -rf build $(VENV) .ruff_cache
