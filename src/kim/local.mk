# src/kim/local.mk — the KIM model driver `mtt` (on libmtt's public API).
# Installed as $(kimdriverdir)/libkim-api-model-driver.so, the layout of a
# KIM collection: KIM_API_MODEL_DRIVERS_DIR=$(pkglibdir)/kim/model-drivers.
kimdriverdir = $(pkglibdir)/kim/model-drivers/mtt
EXTRA_DIST += src/kim/driver.h src/kim/driver.c src/kim/compute.c src/kim/units.c
if HAVE_KIM
MTT_HAVE_KIM = yes
kimdriver_LTLIBRARIES = libkim-api-model-driver.la
libkim_api_model_driver_la_SOURCES = src/kim/driver.h src/kim/driver.c src/kim/compute.c \
  src/kim/units.c
libkim_api_model_driver_la_CFLAGS = $(AM_CFLAGS) $(KIM_CFLAGS)
libkim_api_model_driver_la_LIBADD = libmtt.la $(KIM_LIBS)
# nodelete: KIM unloads the driver after each model, which would unload
# libmtt and HDF5 with it while HDF5's exit handler is still registered
# rpath: the simulator loads the driver by path; it must find libmtt in any prefix
libkim_api_model_driver_la_LDFLAGS = -module -avoid-version -shared -Wl,-z,nodelete \
  -Wl,-rpath,$(libdir)
else
MTT_HAVE_KIM = no
endif
