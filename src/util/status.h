/* status.h — error codes and the error context every fallible function fills.
 *
 * Convention (as curl/zstd): functions return mtt_status; MTT_OK is 0; the
 * detailed, user-facing sentence (naming file, line, key or URL and what to
 * do) lives in an mtt_error the caller owns.  Codes are pinned: never reuse a
 * number.  mtt_error_set() returns the status it stored so call sites stay
 * short: `return mtt_error_set(err, MTT_ERR_DATA, "%s:%ld: ...", path, line);`
 */
#ifndef MTT_UTIL_STATUS_H
#define MTT_UTIL_STATUS_H

#include <stddef.h>

typedef enum mtt_status {
    MTT_OK = 0,
    MTT_ERR_USAGE = 1,           /* bad command line */
    MTT_ERR_OPTIONS = 2,         /* options file: syntax, key, type, range */
    MTT_ERR_DATA = 3,            /* data file content */
    MTT_ERR_IO = 4,              /* file system: missing file, permissions */
    MTT_ERR_NOMEM = 5,           /* allocation failed */
    MTT_ERR_NUMERIC = 6,         /* non-finite loss, singular system */
    MTT_ERR_INTERNAL = 7,        /* a bug: please report */
    MTT_ERR_NOT_AVAILABLE = 8,   /* feature not built yet */
    MTT_ERR_NETWORK = 9,         /* download failed */
    MTT_ERR_CHECKPOINT = 10,     /* corrupt or incompatible checkpoint */
    MTT_STATUS_COUNT
} mtt_status;

#define MTT_ERROR_MSG_MAX 1024

typedef struct mtt_error {
    mtt_status status;
    char msg[MTT_ERROR_MSG_MAX];  /* one sentence for the user, no newline */
} mtt_error;

/* Store status and a printf-formatted message in err (err may be NULL).
 * Returns st. */
mtt_status mtt_error_set(mtt_error *err, mtt_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Put a printf-formatted context ("data.xyz: frame 12: ") in front of the
 * message already in err (err may be NULL); the status is kept. */
void mtt_error_prefix(mtt_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reset err to MTT_OK with an empty message (err may be NULL). */
void mtt_error_clear(mtt_error *err);

/* Fixed short description of a status code ("options error", ...). */
const char *mtt_status_str(mtt_status st);

/* Process exit code for a status: 0 OK, 2 usage/options, 1 anything else. */
int mtt_status_exit_code(mtt_status st);

/* Return early when cond holds, with a formatted message. */
#define MTT_RETURN_ERROR_IF(cond, err, st, ...)                      \
    do {                                                             \
        if (cond) return mtt_error_set((err), (st), __VA_ARGS__);    \
    } while (0)

/* Propagate a non-OK status unchanged (the message is already in err). */
#define MTT_FORWARD_IF_ERROR(expr)                                   \
    do {                                                             \
        mtt_status mtt_st_ = (expr);                                 \
        if (mtt_st_ != MTT_OK) return mtt_st_;                       \
    } while (0)

#endif
