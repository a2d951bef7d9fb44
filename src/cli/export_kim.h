/* export_kim.h — `mtt export ... --kim NAME [--kim-dir DIR]`: an exported
 * model becomes a KIM portable model (driver `mtt` + the .pt as its one
 * parameter file) installed in a KIM collection. */
#ifndef MTT_CLI_EXPORT_KIM_H
#define MTT_CLI_EXPORT_KIM_H

#include <stddef.h>

#include "util/status.h"

/* Check NAME (KIM's rule: a C identifier) and find the collection folder
 * (kim_dir; else the first entry of KIM_API_PORTABLE_MODELS_DIR; else the
 * KIM user collection), created if missing, and check that it is writable.
 * dir receives the folder.  Called before anything is written. */
mtt_status mtt_export_kim_prepare(const char *name, const char *kim_dir, char *dir,
                                  size_t dir_size, mtt_error *err);

/* Build DIR/NAME/libkim-api-portable-model.so embedding the model file pt
 * (the C compiler links a small C file with the file included by the
 * assembler).  A failed build leaves nothing in DIR. */
mtt_status mtt_export_kim_install(const char *pt, const char *name, const char *dir,
                                  mtt_error *err);

#endif
