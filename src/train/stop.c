/* stop.c — signal flags and the wall-time budget (see stop.h). */
#include "config.h"

#include "train/stop.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t sigint_count;
static double clock_start;   /* monotonic seconds at mtt_stop_init */
static double budget_end;    /* monotonic seconds when the budget ends; 0 = none */
static double budget_length; /* seconds, for the margin */

double mtt_stop_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void on_signal(int sig)
{
    if (sig == SIGINT && ++sigint_count >= 2) {
        /* second Ctrl-C: the user does not want to wait for the checkpoint */
        signal(SIGINT, SIG_DFL);
        raise(SIGINT);
        return;
    }
    if (!stop_signal) stop_signal = sig;
}

static double parse_number(const char *s, char **end)
{
    errno = 0;
    double v = strtod(s, end);
    return errno ? NAN : v;
}

mtt_status mtt_stop_parse_time_limit(const char *text, double *seconds, mtt_error *err)
{
    double parts[3] = {0, 0, 0};
    int n = 0;
    const char *p = text;
    char *end = NULL;
    while (p && *p && n < 3) {
        parts[n++] = parse_number(p, &end);
        if (end == p || !isfinite(parts[n - 1]) || parts[n - 1] < 0) break;
        p = end;
        if (*p == ':') ++p;
        else break;
    }
    int ok = text && *text && end && *end == '\0' && n >= 1 && p[-1] != ':';
    for (int i = 0; ok && i + 1 < n; ++i)  /* only the last field may be fractional */
        ok = parts[i] == floor(parts[i]) && (i == 0 || parts[i] < 60);
    if (ok && n > 1) ok = parts[n - 1] < 60;
    double s = 0;
    for (int i = 0; i < n; ++i) s = 60.0 * s + parts[i];
    MTT_RETURN_ERROR_IF(!ok || !(s > 0), err, MTT_ERR_USAGE,
                        "--time-limit %s: expected seconds (e.g. 3600) or HH:MM:SS "
                        "(e.g. 05:50:00), greater than zero",
                        text ? text : "");
    *seconds = s;
    return MTT_OK;
}

void mtt_stop_init(double limit_seconds)
{
    stop_signal = 0;
    sigint_count = 0;
    clock_start = mtt_stop_now();
    budget_end = 0;
    budget_length = 0;
    if (limit_seconds > 0) {
        budget_end = clock_start + limit_seconds;
        budget_length = limit_seconds;
    } else {
        const char *end = getenv("SLURM_JOB_END_TIME");
        char *tail = NULL;
        double t = end && *end ? strtod(end, &tail) : 0;
        if (t > 0 && tail && *tail == '\0') {
            double left = t - (double)time(NULL);
            budget_end = clock_start + left;
            budget_length = left > 0 ? left : 0;
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

void mtt_stop_finish(void)
{
    signal(SIGTERM, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGINT, SIG_DFL);
}

int mtt_stop_signal(void) { return (int)stop_signal; }

const char *mtt_stop_signal_name(int sig)
{
    switch (sig) {
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    case SIGINT: return "SIGINT";
    default: return "a signal";
    }
}

double mtt_stop_elapsed(void) { return mtt_stop_now() - clock_start; }

double mtt_stop_time_left(void)
{
    return budget_end > 0 ? budget_end - mtt_stop_now() : 1e300;
}

int mtt_stop_budget_exhausted(double step_seconds, double checkpoint_seconds)
{
    if (!(budget_end > 0)) return 0;
    double margin = 0.1 * budget_length < 10.0 ? 0.1 * budget_length : 10.0;
    return mtt_stop_time_left() < step_seconds + checkpoint_seconds + margin;
}
