/* log.c — rank-0 logging to stdout and train.log with metatrain's line format. */
#include "config.h"

#include "util/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int log_is_root = 1;
static int log_debug = 0;
static FILE *log_file = NULL;

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
    MTT_RETURN_ERROR_IF(!log_file, err, MTT_ERR_IO, "cannot open log file %s: %s",
                        path, strerror(errno));
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
    fprintf(out, "[%s][%s] - %s\n", stamp, level_names[level], msg);
    fflush(out);
    if (log_file) {
        fprintf(log_file, "[%s][%s] - %s\n", stamp, level_names[level], msg);
        fflush(log_file);
    }
}
