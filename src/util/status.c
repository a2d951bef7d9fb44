/* status.c — status codes: fixed names, exit codes, the error context. */
#include "config.h"

#include "util/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
    [MTT_OK] = "success",
    [MTT_ERR_USAGE] = "usage error",
    [MTT_ERR_OPTIONS] = "options error",
    [MTT_ERR_DATA] = "data error",
    [MTT_ERR_IO] = "I/O error",
    [MTT_ERR_NOMEM] = "out of memory",
    [MTT_ERR_NUMERIC] = "numerical error",
    [MTT_ERR_INTERNAL] = "internal error",
    [MTT_ERR_NOT_AVAILABLE] = "not available",
    [MTT_ERR_NETWORK] = "network error",
    [MTT_ERR_CHECKPOINT] = "checkpoint error",
};
_Static_assert(sizeof status_names / sizeof status_names[0] == MTT_STATUS_COUNT,
               "one name per status code");

mtt_status mtt_error_set(mtt_error *err, mtt_status st, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->status = st;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return st;
}

void mtt_error_prefix(mtt_error *err, const char *fmt, ...)
{
    if (!err) return;
    char head[MTT_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    /* shift the message right by the head's length, truncating its end */
    size_t hl = strlen(head), cap = sizeof err->msg - 1;
    if (hl > cap) hl = cap;
    size_t ml = strnlen(err->msg, cap);
    if (hl + ml > cap) ml = cap - hl;
    memmove(err->msg + hl, err->msg, ml);
    memcpy(err->msg, head, hl);
    err->msg[hl + ml] = '\0';
}

void mtt_error_clear(mtt_error *err)
{
    if (err) {
        err->status = MTT_OK;
        err->msg[0] = '\0';
    }
}

const char *mtt_status_str(mtt_status st)
{
    if ((int)st < 0 || st >= MTT_STATUS_COUNT) return "unknown status";
    return status_names[st];
}

int mtt_status_exit_code(mtt_status st)
{
    switch (st) {
    case MTT_OK: return 0;
    case MTT_ERR_USAGE:
    case MTT_ERR_OPTIONS: return 2;
    default: return 1;
    }
}
