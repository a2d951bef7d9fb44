/* args.c — parse "--long VALUE", "--long=VALUE", "-s VALUE", "-sVALUE" and
 * positionals against a sub-command's flag table; "--" ends the flags. */
#include "config.h"

#include "cli/args.h"

#include <stdio.h>
#include <string.h>

static int flag_count(const mtt_flag_spec *flags)
{
    int n = 0;
    while (flags && flags[n].long_name) ++n;
    return n;
}

static int find_long(const mtt_flag_spec *flags, const char *name, size_t len)
{
    for (int i = 0; flags && flags[i].long_name; ++i)
        if (strlen(flags[i].long_name) == len && strncmp(flags[i].long_name, name, len) == 0)
            return i;
    return -1;
}

static int find_short(const mtt_flag_spec *flags, char c)
{
    for (int i = 0; flags && flags[i].long_name; ++i)
        if (flags[i].short_name == c) return i;
    return -1;
}

static mtt_status record(const mtt_command_spec *spec, mtt_args *out, int i, const char *value,
                         const char *shown, mtt_error *err)
{
    mtt_flag_value *fv = &out->flags[i];
    MTT_RETURN_ERROR_IF(fv->count > 0 && !spec->flags[i].repeatable, err, MTT_ERR_USAGE,
                        "mtt %s: %s given twice; give it once", spec->name, shown);
    MTT_RETURN_ERROR_IF(fv->count >= MTT_ARGS_MAX_VALUES, err, MTT_ERR_USAGE,
                        "mtt %s: %s given more than %d times", spec->name, shown,
                        MTT_ARGS_MAX_VALUES);
    fv->values[fv->count++] = value;
    return MTT_OK;
}

mtt_status mtt_args_parse(const mtt_command_spec *spec, int argc, char **argv, mtt_args *out,
                          mtt_error *err)
{
    memset(out, 0, sizeof *out);
    out->command = spec->name;
    const mtt_flag_spec *flags = spec->flags;
    if (flag_count(flags) > (int)(sizeof out->flags / sizeof out->flags[0]))
        return mtt_error_set(err, MTT_ERR_INTERNAL, "too many flags for mtt %s", spec->name);
    int only_positional = 0;
    for (int a = 0; a < argc; ++a) {
        const char *arg = argv[a];
        if (only_positional || arg[0] != '-' || arg[1] == '\0') {
            MTT_RETURN_ERROR_IF(out->n_positional >= spec->max_positional ||
                                    out->n_positional >= 8,
                                err, MTT_ERR_USAGE,
                                "mtt %s: unexpected argument '%s'; see 'mtt %s --help'",
                                spec->name, arg, spec->name);
            out->positional[out->n_positional++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            out->help = 1;
            continue;
        }
        int i;
        const char *value = NULL;
        if (arg[1] == '-') {
            const char *name = arg + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            i = find_long(flags, name, len);
            MTT_RETURN_ERROR_IF(i < 0, err, MTT_ERR_USAGE,
                                "mtt %s: unknown option '%.*s'; see 'mtt %s --help'",
                                spec->name, (int)(len + 2), arg, spec->name);
            if (eq) {
                MTT_RETURN_ERROR_IF(!flags[i].takes_value, err, MTT_ERR_USAGE,
                                    "mtt %s: --%s takes no value", spec->name,
                                    flags[i].long_name);
                value = eq + 1;
            }
        } else {
            i = find_short(flags, arg[1]);
            MTT_RETURN_ERROR_IF(i < 0, err, MTT_ERR_USAGE,
                                "mtt %s: unknown option '-%c'; see 'mtt %s --help'",
                                spec->name, arg[1], spec->name);
            if (arg[2] != '\0') {
                MTT_RETURN_ERROR_IF(!flags[i].takes_value, err, MTT_ERR_USAGE,
                                    "mtt %s: unknown option '%s'; see 'mtt %s --help'",
                                    spec->name, arg, spec->name);
                value = arg + 2;
            }
        }
        if (flags[i].takes_value && !value) {
            MTT_RETURN_ERROR_IF(a + 1 >= argc, err, MTT_ERR_USAGE,
                                "mtt %s: %s needs a value (%s)", spec->name, arg,
                                flags[i].value_name ? flags[i].value_name : "VALUE");
            value = argv[++a];
        }
        MTT_FORWARD_IF_ERROR(record(spec, out, i, value ? value : "", arg, err));
    }
    if (!out->help && out->n_positional < spec->min_positional)
        return mtt_error_set(err, MTT_ERR_USAGE, "mtt %s: missing argument; usage: mtt %s %s",
                             spec->name, spec->name, spec->synopsis);
    return MTT_OK;
}

void mtt_args_print_help(const mtt_command_spec *spec, void *file)
{
    FILE *f = file;
    fprintf(f, "usage: mtt %s %s\n\n%s\n\noptions:\n", spec->name, spec->synopsis, spec->summary);
    for (int i = 0; spec->flags && spec->flags[i].long_name; ++i) {
        const mtt_flag_spec *fl = &spec->flags[i];
        char left[96];
        if (fl->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", fl->short_name, fl->long_name,
                     fl->takes_value ? " " : "", fl->takes_value ? fl->value_name : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", fl->long_name, fl->takes_value ? " " : "",
                     fl->takes_value ? fl->value_name : "");
        fprintf(f, "  %-34s %s%s\n", left, fl->help, fl->repeatable ? " (repeatable)" : "");
    }
    fprintf(f, "  %-34s %s\n", "-h, --help", "show this help and exit");
}

const mtt_flag_value *mtt_args_flag(const mtt_command_spec *spec, const mtt_args *a,
                                    const char *long_name)
{
    int i = find_long(spec->flags, long_name, strlen(long_name));
    return i < 0 ? NULL : &a->flags[i];
}

const char *mtt_args_value(const mtt_command_spec *spec, const mtt_args *a, const char *long_name)
{
    const mtt_flag_value *fv = mtt_args_flag(spec, a, long_name);
    return (fv && fv->count) ? fv->values[fv->count - 1] : NULL;
}
