/* model_api_internal.h — the inside of a libmtt model (include/mtt/mtt.h),
 * shared by the files of the public API only. */
#ifndef MTT_IO_MODEL_API_INTERNAL_H
#define MTT_IO_MODEL_API_INTERNAL_H

#include "io/model_file.h"
#include "model/soap_bpnn.h"
#include "model/soap_bpnn_local.h"
#include "mtt/mtt.h"
#include "options/metadata.h"
#include "util/status.h"

#include <pthread.h>

/* A reusable workspace of mtt_model_compute (one per concurrent call). */
typedef struct mtt_api_slot {
    mtt_sbp_single single;   /* mtt_model_compute */
    mtt_sbp_local local;     /* mtt_model_compute_local */
    struct mtt_api_slot *next;
} mtt_api_slot;

struct mtt_model {
    mtt_model_file file;   /* everything read from the .pt */
    mtt_sbp_model *sbp;    /* built from it; read-only after open */
    mtt_metadata *meta;    /* parsed metadata */
    int *types;            /* atomic types as int (the query's array) */
    /* Workspaces not in use: a call takes one (or makes one) and gives it
     * back, so repeated calls reuse their buffers and concurrent calls never
     * share one.  The only mutable state of an open model. */
    pthread_mutex_t pool_lock;
    mtt_api_slot *pool;
};

/* Take a workspace from the model's pool (NULL: out of memory); give it back. */
mtt_api_slot *mtt_api_slot_take(mtt_model *m);
void mtt_api_slot_give(mtt_model *m, mtt_api_slot *slot);

/* Store st and msg in a public error (error may be NULL); returns st. */
mtt_model_status mtt_api_fail(mtt_model_error *error, mtt_model_status st, const char *msg);
/* Public code of an internal status. */
mtt_model_status mtt_api_status_of(mtt_status st);

#endif
