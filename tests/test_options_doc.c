/* test_options_doc.c — docs/options.md is generated from the schema table
 * and must equal it, so the documentation cannot drift from the parser.
 *     tests/test_options_doc              compare (a TAP test)
 *     tests/test_options_doc --write F    regenerate F (docs/options.md)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_tap.h"
#include "options/internal.h"

static const char *const type_names[] = {
    [MTT_OPT_BOOL] = "bool",       [MTT_OPT_INT] = "integer",  [MTT_OPT_INT64] = "integer",
    [MTT_OPT_DOUBLE] = "number",   [MTT_OPT_STRING] = "string", [MTT_OPT_LOSS] = "string",
    [MTT_OPT_INT_LIST] = "list of integers", [MTT_OPT_DATASET] = "fraction or block",
};
_Static_assert(sizeof type_names / sizeof type_names[0] == MTT_OPT_TYPE_COUNT,
               "one name per option type");

static void range_text(const mtt_opt_row *r, char *buf, size_t n)
{
    buf[0] = '\0';
    if (r->choices) {
        snprintf(buf, n, "%s", r->choices);
        for (char *c = buf; *c; ++c)
            if (*c == '|') *c = ',';
        return;
    }
    if (r->type == MTT_OPT_INT || r->type == MTT_OPT_INT64 || r->type == MTT_OPT_DOUBLE ||
        r->type == MTT_OPT_INT_LIST || (r->type == MTT_OPT_DATASET && r->max > 0)) {
        if (r->max <= r->min) return;
        char lo[32], hi[32];
        snprintf(lo, sizeof lo, "%g", r->min);
        snprintf(hi, sizeof hi, "%g", r->max);
        snprintf(buf, n, "%s%s, %s%s", (r->flags & MTT_OPT_MIN_OPEN) ? "(" : "[", lo,
                 r->max >= 1e299 ? "∞" : hi, (r->flags & MTT_OPT_MAX_OPEN) || r->max >= 1e299 ? ")" : "]");
    }
}

static char *generate(void)
{
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
#define EMIT(...) len += (size_t)snprintf(out + len, cap - len, __VA_ARGS__)
    EMIT("# Options (options.yaml)\n\n"
         "Generated from the schema table in `src/options/schema.c` by\n"
         "`tests/test_options_doc --write docs/options.md`; `make check` fails when the two\n"
         "differ.  The names are metatrain's.  Dataset keys (`systems.*`, `targets.*`) apply\n"
         "inside `training_set`, `validation_set` and `test_set`.\n\n"
         "Shorthands, as in metatrain: `training_set: data.xyz` (systems and the energy from\n"
         "that file), `systems: data.xyz`, `forces: on|off`, `loss: mse` (one loss type for\n"
         "every target).  mtt reads every target from the structures file: a `read_from` of a\n"
         "target (or `forces: other.xyz`) naming another file is refused with a message, by\n"
         "`mtt train` and by `mtt eval` alike.  Units are labels (mtt converts none): a\n"
         "validation or test block that names a unit other than the training set's is\n"
         "refused, and so is an eval file that names a unit other than the model's.\n"
         "`loss.energy.delta` belongs to the Huber loss: with `mse` or `mae` a delta other\n"
         "than the default is refused.  Each `-r` reaches into the shorthands of the file\n"
         "and of the `-r` before it (`-r loss=huber -r loss.energy.delta=0.1`, with the\n"
         "keys' full paths).\n"
         "`validation_set` and `test_set` take a fraction of the training file (validation is\n"
         "taken first, then test from the rest, as metatrain) or their own dataset block.\n"
         "Any value can be changed on the command line with `-r key.path=value`.\n\n"
         "| option | type | default | allowed | meaning |\n"
         "|---|---|---|---|---|\n");
    for (size_t i = 0; i < mtt_opt_table_len; ++i) {
        const mtt_opt_row *r = &mtt_opt_table[i];
        char range[128];
        range_text(r, range, sizeof range);
        const char *def = (r->flags & MTT_OPT_REQUIRED) ? "required" : r->def ? r->def : "null";
        if (r->def && r->def[0] == '\0') def = "\"\"";
        EMIT("| `%s` | %s | %s | %s | %s%s%s |\n", r->path, type_names[r->type], def, range,
             r->help, (r->flags & MTT_OPT_MODEL) ? " (model hyperparameter)" : "",
             r->offset == MTT_OPT_NO_STORE ? " (accepted for metatrain files)" : "");
        if (len + 1024 > cap) {
            char *p = realloc(out, cap *= 2);
            if (!p) {
                free(out);
                return NULL;
            }
            out = p;
        }
    }
#undef EMIT
    return out;
}

static void test_doc_matches_table(void)
{
    char path[4096];
    const char *top = getenv("top_srcdir");
    snprintf(path, sizeof path, "%s/docs/options.md", top ? top : ".");
    char *want = generate();
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    FILE *f = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL(f);
    if (f) {
        static char have[1 << 17];
        size_t n = fread(have, 1, sizeof have - 1, f);
        have[n] = '\0';
        fclose(f);
        CU_ASSERT_STRING_EQUAL(have, want);
        if (strcmp(have, want) != 0)
            printf("# docs/options.md is stale: run tests/test_options_doc --write docs/options.md\n");
    }
    free(want);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write") == 0) {
        char *doc = generate();
        FILE *f = doc ? fopen(argv[2], "wb") : NULL;
        if (!f) return 1;
        fputs(doc, f);
        fclose(f);
        free(doc);
        return 0;
    }
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("options_doc", NULL, NULL);
    CU_add_test(s, "docs/options.md equals the schema table", test_doc_matches_table);
    return mtt_cunit_run_tap();
}
