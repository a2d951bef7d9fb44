/* mtt_api.c — implementation of the public inference API (include/mtt/mtt.h). */
#include "config.h"

#include "mtt/mtt.h"

const char *mtt_version(void) { return PACKAGE_VERSION; }
