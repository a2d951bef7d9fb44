/* progress.c — the one-line progress display and the plain progress lines;
 * see progress.h for the styles and their contract.
 *
 * State is global because the thing it manages is: one stdout, one
 * terminal line.  Times are seconds of the monotonic clock.  The display is
 * written straight to the stream, never through util/log.c, which is why it
 * can never reach train.log.
 */
#include "config.h"

#include "util/progress.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

#define FIRST_DRAW_S 0.5  /* terminal: phases shorter than this never flash */
#define REDRAW_S 0.25     /* terminal: at most 4 redraws a second */
#define CLEAR_LINE "\r\033[K"

static struct {
    mtt_progress_style style;
    FILE *out;            /* NULL: stdout */
    double period;        /* plain: s between lines; also caps the terminal delays */
    int width;            /* terminal columns */

    int active;           /* a phase is open */
    int is_epoch;         /* ... and it is an epoch */
    int drawn;            /* terminal: the line is on screen */
    int hidden;           /* terminal: cleared for a log line, to be redrawn */
    char what[160];
    char unit[32];
    int64_t total, shown_total, done;
    double t_begin;       /* phase opened (epochs: first step reported) */
    double t_drawn;       /* terminal: last draw */
    double t_quiet;       /* last time anything was printed on the stream */

    /* epochs: the phase's reference point and the run's */
    int epoch, n_epochs, first_epoch, run_open;
    int64_t step, n_steps, step0, n_structures;
    double t_run;         /* first step of the first epoch seen */
    int64_t run_step0;    /* global step at t_run */
} P = {.style = MTT_PROGRESS_NONE, .period = MTT_PROGRESS_DEFAULT_PERIOD_S, .width = 80};

/* The coarse clock (a few ms resolution, plenty for 0.25 s redraws) costs
 * a fraction of the precise one, which matters for per-frame updates. */
#ifdef CLOCK_MONOTONIC_COARSE
#define PROGRESS_CLOCK CLOCK_MONOTONIC_COARSE
#else
#define PROGRESS_CLOCK CLOCK_MONOTONIC
#endif

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(PROGRESS_CLOCK, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static FILE *out_stream(void) { return P.out ? P.out : stdout; }

static int terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
    return 80;
}

static double period_from_environment(void)
{
    const char *s = getenv("MTT_PROGRESS_PERIOD_S");
    if (!s || !*s) return MTT_PROGRESS_DEFAULT_PERIOD_S;
    char *end = NULL;
    double v = strtod(s, &end);
    return (end && *end == '\0' && isfinite(v) && v >= 0.0) ? v : MTT_PROGRESS_DEFAULT_PERIOD_S;
}

void mtt_progress_setup(mtt_progress_style style, FILE *out, double period_s, int width)
{
    memset(&P, 0, sizeof P);
    P.style = style;
    P.out = out;
    P.period = period_s >= 0.0 ? period_s : MTT_PROGRESS_DEFAULT_PERIOD_S;
    P.width = width > 0 ? width : (style == MTT_PROGRESS_TERMINAL ? terminal_width() : 80);
    P.t_quiet = now_s();
}

mtt_progress_style mtt_progress_get_style(void) { return P.style; }

/* Open MPI's mpirun connects every rank's stdout to a pseudo-terminal of its
 * own, whatever mpirun's output goes to (a job's log file, most often), so
 * there isatty() says nothing about where the text ends up. */
static int stdout_is_a_real_terminal(void)
{
    return isatty(STDOUT_FILENO) && !getenv("OMPI_COMM_WORLD_SIZE");
}

mtt_status mtt_progress_configure(const char *mode, int is_root, mtt_error *err)
{
    mtt_progress_style style;
    if (!mode || !strcmp(mode, "auto"))
        style = stdout_is_a_real_terminal() ? MTT_PROGRESS_TERMINAL : MTT_PROGRESS_PLAIN;
    else if (!strcmp(mode, "always"))
        style = MTT_PROGRESS_TERMINAL;
    else if (!strcmp(mode, "never"))
        style = MTT_PROGRESS_NONE;
    else
        return mtt_error_set(err, MTT_ERR_USAGE,
                             "--progress=%s: unknown mode; use auto, always or never", mode);
    mtt_progress_setup(is_root ? style : MTT_PROGRESS_NONE, NULL, period_from_environment(), 0);
    return MTT_OK;
}

void mtt_progress_format_duration(double s, char *buf, size_t n)
{
    if (!(s >= 0.0)) s = 0.0;
    if (s < 59.95) {
        snprintf(buf, n, "%.1f s", s);
    } else if (s < 3600.0) {
        long t = lround(s);
        snprintf(buf, n, "%ld min %02ld s", t / 60, t % 60);
    } else {
        long m = lround(s / 60.0);
        snprintf(buf, n, "%ld h %02ld min", m / 60, m % 60);
    }
}

/* Estimates are rough: whole seconds, minutes, or hours and minutes. */
static void format_left(double s, char *buf, size_t n)
{
    if (!(s >= 0.0)) s = 0.0;
    if (s < 0.5)
        snprintf(buf, n, "less than 1 s left");
    else if (s < 59.5)
        snprintf(buf, n, "about %.0f s left", s);
    else if (s < 3570.0)
        snprintf(buf, n, "about %.0f min left", s / 60.0);
    else {
        long m = lround(s / 60.0);
        snprintf(buf, n, "about %ld h %02ld min left", m / 60, m % 60);
    }
}

static void format_count(int64_t v, char *buf, size_t n)
{
    if (!strcmp(P.unit, "bytes"))
        snprintf(buf, n, "%.1f", (double)v / 1e6);
    else
        snprintf(buf, n, "%lld", (long long)v);
}

static void format_phase(double now, char *line, size_t n)
{
    double elapsed = now - P.t_begin;
    char el[48], left[64] = "", done[32], total[32];
    mtt_progress_format_duration(elapsed, el, sizeof el);
    int64_t shown = P.done;
    if (P.total > 0 && P.shown_total != P.total)
        shown = (int64_t)((double)P.done * (double)P.shown_total / (double)P.total + 0.5);
    format_count(shown, done, sizeof done);
    const char *unit = strcmp(P.unit, "bytes") ? P.unit : "MB";
    if (P.total > 0) {
        format_count(P.shown_total, total, sizeof total);
        if (P.done > 0) {
            format_left(elapsed / (double)P.done * (double)(P.total - P.done), left + 2,
                        sizeof left - 2);
            memcpy(left, ", ", 2);
        }
        snprintf(line, n, "%s: %s/%s %s, %s%s", P.what, done, total, unit, el, left);
    } else {
        snprintf(line, n, "%s: %s %s, %s", P.what, done, unit, el);
    }
}

static void format_epoch(double now, char *line, size_t n)
{
    double elapsed = now - P.t_begin;
    char el[48], rate[64] = "", left_epoch[64] = "", left_run[64] = "";
    mtt_progress_format_duration(elapsed, el, sizeof el);
    int64_t since = P.step - P.step0;
    if (since > 0 && elapsed > 0.0) {
        double per_step = elapsed / (double)since;
        snprintf(rate, sizeof rate, ", %.1f structures/s",
                 (double)P.n_structures / (double)P.n_steps / per_step);
        format_left(per_step * (double)(P.n_steps - P.step), left_epoch, sizeof left_epoch);
        strncat(left_epoch, " in the epoch", sizeof left_epoch - strlen(left_epoch) - 1);
    }
    int64_t g = (int64_t)(P.epoch - P.first_epoch) * P.n_steps + P.step;
    int64_t g_total = (int64_t)(P.n_epochs - P.first_epoch) * P.n_steps;
    double run_elapsed = now - P.t_run;
    if (g > P.run_step0 && run_elapsed > 0.0) {
        format_left(run_elapsed / (double)(g - P.run_step0) * (double)(g_total - g), left_run,
                    sizeof left_run);
        strncat(left_run, " in the run", sizeof left_run - strlen(left_run) - 1);
    }
    snprintf(line, n, "epoch %d (of 0-%d): %lld/%lld steps, %s%s%s%s%s%s", P.epoch,
             P.n_epochs - 1, (long long)P.step, (long long)P.n_steps, el, rate,
             left_epoch[0] ? ", " : "", left_epoch, left_run[0] ? ", " : "", left_run);
}

static void clear_line(void)
{
    if (!P.drawn) return;
    fputs(CLEAR_LINE, out_stream());
    fflush(out_stream());
    P.drawn = 0;
}

static void draw(double now)
{
    char line[512];
    if (P.is_epoch) format_epoch(now, line, sizeof line);
    else format_phase(now, line, sizeof line);
    FILE *f = out_stream();
    if (P.style == MTT_PROGRESS_TERMINAL) {
        /* one column short of the width: a full line would wrap on some
         * terminals, and a wrapped line cannot be cleared with \r */
        size_t max = P.width > 1 ? (size_t)P.width - 1 : 1;
        if (strlen(line) > max) line[max] = '\0';
        fprintf(f, CLEAR_LINE "%s", line);
        P.drawn = 1;
        P.t_drawn = now;
    } else {
        char stamp[32];
        mtt_log_timestamp(stamp, sizeof stamp);
        fprintf(f, "[%s][INFO] - %s\n", stamp, line);
        P.t_quiet = now;
    }
    fflush(f);
}

/* Draw when due: terminal after the first delay then at the redraw rate;
 * plain when the stream has been quiet for a period since the phase (the
 * run, for epochs) began. */
static void tick(void)
{
    double now = now_s();
    if (P.style == MTT_PROGRESS_TERMINAL) {
        double first = P.period < FIRST_DRAW_S ? P.period : FIRST_DRAW_S;
        double again = P.period < REDRAW_S ? P.period : REDRAW_S;
        if (P.drawn ? now - P.t_drawn >= again : now - P.t_begin >= first) draw(now);
        return;
    }
    double since = P.is_epoch ? P.t_run : P.t_begin;
    if (P.t_quiet > since) since = P.t_quiet;
    if (now - since >= P.period) draw(now);
}

void mtt_progress_begin(int64_t total, int64_t shown_total, const char *unit, const char *fmt,
                        ...)
{
    if (P.style == MTT_PROGRESS_NONE) return;
    mtt_progress_end();
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(P.what, sizeof P.what, fmt, ap);
    va_end(ap);
    snprintf(P.unit, sizeof P.unit, "%s", unit ? unit : "");
    P.total = total > 0 ? total : 0;
    P.shown_total = shown_total > 0 ? shown_total : P.total;
    P.done = 0;
    P.is_epoch = 0;
    P.run_open = 0;  /* whatever comes after the epochs ends the run's clock */
    P.t_begin = now_s();
    P.active = 1;
}

void mtt_progress_begin_file(const char *what, const char *path)
{
    if (P.style == MTT_PROGRESS_NONE) return;
    struct stat sb;
    int64_t size = stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
    mtt_progress_begin(size, size, "bytes", "%s %s", what, path);
}

void mtt_progress_update(int64_t done)
{
    if (!P.active || P.is_epoch) return;
    P.done = done;
    tick();
}

void mtt_progress_epoch(int epoch, int n_epochs, int64_t step, int64_t n_steps,
                        int64_t n_structures)
{
    if (P.style == MTT_PROGRESS_NONE) return;
    if (!P.active || !P.is_epoch || epoch != P.epoch) {
        int run_open = P.run_open;
        mtt_progress_end();
        double now = now_s();
        P.active = P.is_epoch = 1;
        P.epoch = epoch;
        P.n_epochs = n_epochs;
        P.n_steps = n_steps > 0 ? n_steps : 1;
        P.n_structures = n_structures;
        P.step0 = step;
        P.t_begin = now;
        if (!run_open) {
            P.run_open = 1;
            P.first_epoch = epoch;
            P.t_run = now;
            P.run_step0 = step;
        }
    }
    P.step = step;
    tick();
}

void mtt_progress_end(void)
{
    if (!P.active) return;
    clear_line();
    P.active = 0;
    P.hidden = 0;
}

void mtt_progress_suspend(void)
{
    if (!P.drawn) return;
    clear_line();
    P.hidden = 1;
}

void mtt_progress_resume(void)
{
    if (P.style == MTT_PROGRESS_NONE) return;
    double now = now_s();
    P.t_quiet = now;
    /* redraw at once what the log line displaced, rather than leaving the
     * terminal blank until the next update */
    if (P.hidden && P.active) draw(now);
    P.hidden = 0;
}
