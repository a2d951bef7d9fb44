/* log.h — the run's log: stdout (and train.log once opened), rank 0 only.
 *
 * Line format, as metatrain: `[YYYY-MM-DD HH:MM:SS][LEVEL] - message`.
 * Only the rank set with mtt_log_set_root(1) prints INFO/WARNING/DEBUG;
 * ERROR lines from any rank go to stderr so a failing rank is never silent.
 * Warnings and errors also go to stderr on the root rank (and to the file).
 */
#ifndef MTT_UTIL_LOG_H
#define MTT_UTIL_LOG_H

#include "util/status.h"

typedef enum mtt_log_level {
    MTT_LOG_DEBUG = 0,
    MTT_LOG_INFO,
    MTT_LOG_WARNING,
    MTT_LOG_ERROR,
    MTT_LOG_LEVEL_COUNT
} mtt_log_level;

/* Whether this process prints (rank 0) — default 1 (serial). */
void mtt_log_set_root(int is_root);
/* Print DEBUG lines too (mtt --debug). */
void mtt_log_set_debug(int on);
/* Mirror every line printed from now on into path (append).  Root only. */
mtt_status mtt_log_open_file(const char *path, mtt_error *err);
void mtt_log_close_file(void);

void mtt_log(mtt_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define mtt_log_debug(...) mtt_log(MTT_LOG_DEBUG, __VA_ARGS__)
#define mtt_log_info(...) mtt_log(MTT_LOG_INFO, __VA_ARGS__)
#define mtt_log_warn(...) mtt_log(MTT_LOG_WARNING, __VA_ARGS__)
#define mtt_log_error(...) mtt_log(MTT_LOG_ERROR, __VA_ARGS__)

/* Format the current local time as "YYYY-MM-DD HH:MM:SS" into buf (>= 20). */
void mtt_log_timestamp(char *buf, size_t n);

#endif
