# python/plot.mk — mtt-plot, installed with mtt (bin/mtt-plot).  A Python 3
# script using numpy and matplotlib; mtt itself never depends on Python.  The
# installed copy starts with configure's python3 (the Debian one, which has
# python3-matplotlib) rather than whatever python3 comes first in PATH.
bin_SCRIPTS = python/mtt-plot
CLEANFILES += python/mtt-plot
EXTRA_DIST += python/mtt_plot.py tests/plot_helpers.py tests/test_plot.sh
python/mtt-plot: $(srcdir)/python/mtt_plot.py Makefile
	$(AM_V_GEN)$(MKDIR_P) python && \
	interp='$(PYTHON3)'; test -n "$$interp" || interp='/usr/bin/env python3'; \
	sed "1s|^#!.*|#!$$interp|" $(srcdir)/python/mtt_plot.py > $@.tmp && \
	chmod +x $@.tmp && mv $@.tmp $@

# mtt-plot on ethanol curves and synthetic predictions: image sizes, errors
TESTS += tests/test_plot.sh
