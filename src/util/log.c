/* log.c — rank-0 logging to stdout and train.log with metatrain's line format. */
#include "config.h"

#include "util/log.h"
#include "util/progress.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int log_is_root = 1;
static int log_debug = 0;
static FILE *log_file = NULL;

/* Lines printed before the run folder exists are kept (up to a bound) and
 * written at the top of train.log when it is opened, so the file holds the
 * whole run although the folder is created only after the input is valid. */
#define LOG_PENDING_MAX (1u << 20)
static char *log_pending = NULL;
static size_t log_pending_len = 0, log_pending_cap = 0;

static void pending_append(const char *line)
{
    size_t n = strlen(line);
    if (log_pending_len + n + 1 > LOG_PENDING_MAX) return;
    if (log_pending_len + n + 1 > log_pending_cap) {
        size_t cap = log_pending_cap ? 2 * log_pending_cap : 4096;
        while (cap < log_pending_len + n + 1) cap *= 2;
        char *p = realloc(log_pending, cap);
        if (!p) return;
        log_pending = p;
        log_pending_cap = cap;
    }
    memcpy(log_pending + log_pending_len, line, n + 1);
    log_pending_len += n;
}

static const char *const level_names[] = {
    [MTT_LOG_DEBUG] = "DEBUG",
    [MTT_LOG_INFO] = "INFO",
    [MTT_LOG_WARNING] = "WARNING",
    [MTT_LOG_ERROR] = "ERROR",
};
_Static_assert(sizeof level_names / sizeof level_names[0] == MTT_LOG_LEVEL_COUNT,
               "one name per log level");

void mtt_log_set_root(int is_root) { log_is_root = is_root; }
void mtt_log_set_debug(int on) { log_debug = on; }

mtt_status mtt_log_open_file(const char *path, mtt_error *err)
{
    if (!log_is_root) return MTT_OK;
    mtt_log_close_file();
    log_file = fopen(path, "a");
    MTT_RETURN_ERROR_IF(!log_file, err, MTT_ERR_IO,
                        "cannot open log file %s: %s; check that the run folder is writable",
                        path, strerror(errno));
    if (log_pending_len) {
        fwrite(log_pending, 1, log_pending_len, log_file);
        fflush(log_file);
    }
    free(log_pending);
    log_pending = NULL;
    log_pending_len = log_pending_cap = 0;
    return MTT_OK;
}

void mtt_log_close_file(void)
{
    if (log_file) fclose(log_file);
    log_file = NULL;
}

void mtt_log_timestamp(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
}

void mtt_log(mtt_log_level level, const char *fmt, ...)
{
    if (level == MTT_LOG_DEBUG && !log_debug) return;
    if (!log_is_root && level != MTT_LOG_ERROR) return;

    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    char stamp[32];
    mtt_log_timestamp(stamp, sizeof stamp);
    FILE *out = (level >= MTT_LOG_WARNING) ? stderr : stdout;
    mtt_progress_suspend();  /* a progress display must not share the line */
    fprintf(out, "[%s][%s] - %s\n", stamp, level_names[level], msg);
    fflush(out);
    mtt_progress_resume();
    char line[4200];
    snprintf(line, sizeof line, "[%s][%s] - %s\n", stamp, level_names[level], msg);
    if (log_file) {
        fputs(line, log_file);
        fflush(log_file);
    } else {
        pending_append(line);
    }
}
