# python/local.mk — the ASE calculator (python/mtt_ase.py, docs/md.md):
# installed as data, since mtt itself never depends on Python; use it with
# PYTHONPATH=$(pkgdatadir)/python.
mttpythondir = $(pkgdatadir)/python
mttpython_DATA = python/mtt_ase.py
EXTRA_DIST += python/mtt_ase.py
