/* cmd_export.c — `mtt export`: checkpoint (or model) → standalone model (.pt).
 *
 *   mtt export model.ckpt [-o model.pt] [-m meta.yaml]
 *   mtt export model.ckpt -o with_meta.ckpt -m meta.yaml   (checkpoint + metadata)
 *   mtt export model.pt -o renamed.pt -m meta.yaml         (a model, new metadata)
 *   mtt export https://host/path/model.ckpt | org/repo model.ckpt [--revision R]
 *   mtt export model.ckpt --kim NAME [--kim-dir DIR]        (+ a KIM portable model)
 *
 * Order: arguments and token → metadata file (checked before anything is
 * fetched) → output folder → the input (downloaded to a temporary file next
 * to the output when remote, removed on every path out) → what the file is
 * → write.  Serial: no mpirun needed; in the MPI build a checkpoint output
 * runs the collective writer on a one-rank world.
 */
#include "config.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/export_kim.h"
#include "io/checkpoint.h"
#include "io/download.h"
#include "io/export.h"
#include "io/model_file.h"
#include "options/metadata.h"
#include "parallel/comm.h"
#include "util/log.h"

static const mtt_flag_spec export_flags[] = {
    {"output", 'o', 1, 0, "OUT", "output file (default: <stem>.pt in the current directory)"},
    {"metadata", 'm', 1, 0, "META.yaml", "metadata to attach (name, description, authors, references)"},
    {"revision", 0, 1, 0, "REV", "revision of a Hugging Face repository (default: main)"},
    {"token", 0, 1, 0, "TOK", "bearer token for a remote checkpoint (or HF_TOKEN)"},
    {"kim", 0, 1, 0, "NAME", "also install the model as the KIM portable model NAME (docs/md.md)"},
    {"kim-dir", 0, 1, 0, "DIR", "KIM collection folder for --kim (default: "
     "KIM_API_PORTABLE_MODELS_DIR, else the KIM user collection)"},
    {0},
};

const mtt_command_spec mtt_cmd_export_spec = {
    "export", "PATH [PATH_IN_REPO] [-o OUT] [-m META.yaml] [--revision REV] [--token TOK] "
    "[--kim NAME [--kim-dir DIR]]",
    "export a checkpoint to a standalone model (.pt)", 1, 2, export_flags};

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

/* <stem of the last path component>.pt */
static void default_output(const char *source, char *out, size_t n)
{
    const char *base = strrchr(source, '/');
    base = base ? base + 1 : source;
    size_t len = strcspn(base, "?#");
    const char *dot = NULL;
    for (const char *p = base; p < base + len; ++p)
        if (*p == '.') dot = p;
    if (dot && dot > base) len = (size_t)(dot - base);
    if (len == 0) snprintf(out, n, "model.pt");
    else snprintf(out, n, "%.*s.pt", (int)len, base);
}

static mtt_status export_model_file(const char *in, const char *out, const char *meta_text,
                                    const char *meta_path, mtt_error *err)
{
    mtt_model_file mf;
    MTT_FORWARD_IF_ERROR(mtt_model_file_read(in, &mf, err));
    mtt_status st = MTT_OK;
    if (ends_with(out, ".ckpt"))
        st = mtt_error_set(err, MTT_ERR_USAGE, "%s: an exported model cannot become a checkpoint "
                           "(it has no training state); give an output ending in .pt", out);
    if (st == MTT_OK && meta_text) st = mtt_export_set_metadata(&mf, meta_text, meta_path, err);
    if (st == MTT_OK) {
        mtt_log_info("Exporting the model of epoch %lld from %s (an exported model)%s",
                     (long long)mf.epoch, in, meta_text ? " with new metadata" : "");
        st = mtt_export_model_file(&mf, out, err);
    }
    mtt_model_file_free(&mf);
    return st;
}

#ifdef MTT_HAVE_CKPT_IO
static mtt_status export_checkpoint(const char *in, const char *out, const char *meta_text,
                                    mtt_error *err)
{
    mtt_ckpt c;
    MTT_FORWARD_IF_ERROR(mtt_ckpt_read(in, &c, err));
    mtt_status st = MTT_OK;
    if (meta_text) {
        free(c.metadata_yaml);
        if (!(c.metadata_yaml = strdup(meta_text)))
            st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory");
    }
    if (st == MTT_OK && ends_with(out, ".ckpt")) {
        mtt_log_info("Writing %s: the checkpoint %s (epoch %lld, step %lld) with %s metadata",
                     out, in, (long long)c.epoch, (long long)c.step, meta_text ? "new" : "its");
        mtt_comm *comm = NULL;
        int argc = 0;
        char **argv = NULL;
        st = mtt_comm_init(&argc, &argv, &comm, err);
        /* The copy is written by one rank: its accumulator row is the sum of
         * all the rows (a restart sums them when the rank count changes). */
        double *sum = calloc(c.n_accum ? c.n_accum : 1, sizeof *sum);
        if (st == MTT_OK && !sum) st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory");
        if (st == MTT_OK) {
            for (int r = 0; r < c.world_size; ++r)
                for (size_t i = 0; i < c.n_accum; ++i) sum[i] += c.accum[(size_t)r * c.n_accum + i];
            if (c.world_size > 1 && c.step > 0)
                mtt_log_warn("%s was written by %d ranks in the middle of epoch %lld; the copy "
                             "records 1 rank, so a restart from it re-shards the data (as a "
                             "restart on another rank count does)", in, c.world_size,
                             (long long)c.epoch);
            c.accum_local = sum;
            st = mtt_ckpt_write(comm, out, &c, err);
        }
        if (comm) mtt_comm_finalize(comm);
        free(sum);
    } else if (st == MTT_OK) {
        mtt_log_info("Exporting the best model of %s: epoch %lld (validation metric %.6g; "
                     "the checkpoint was written at epoch %lld, step %lld%s)", in,
                     (long long)c.best_epoch, c.best_metric, (long long)c.epoch,
                     (long long)c.step, c.finished ? ", training finished" : "");
        st = mtt_export_model_from_ckpt(&c, out, err);
    }
    mtt_ckpt_free(&c);
    return st;
}
#else
static mtt_status export_checkpoint(const char *in, const char *out, const char *meta_text,
                                    mtt_error *err)
{
    (void)out;
    (void)meta_text;
    return mtt_error_set(err, MTT_ERR_NOT_AVAILABLE, "%s: reading checkpoints is not part of "
                         "this build yet", in);
}
#endif

static mtt_status run(const mtt_args *a, mtt_error *err)
{
    const mtt_command_spec *spec = &mtt_cmd_export_spec;
    const char *source = a->positional[0];
    const char *in_repo = a->n_positional > 1 ? a->positional[1] : NULL;
    const char *token = mtt_args_value(spec, a, "token");
    const char *env_token = getenv("HF_TOKEN");
    const char *revision = mtt_args_value(spec, a, "revision");
    const char *meta_path = mtt_args_value(spec, a, "metadata");
    MTT_RETURN_ERROR_IF(token && env_token && *env_token, err, MTT_ERR_USAGE,
                        "both --token and HF_TOKEN are set; use one of them");
    if (!token && env_token && *env_token) token = env_token;
    int remote = in_repo || strncmp(source, "http://", 7) == 0 || strncmp(source, "https://", 8) == 0;
    MTT_RETURN_ERROR_IF(mtt_args_value(spec, a, "token") && !remote, err, MTT_ERR_USAGE,
                        "--token is only for remote checkpoints (a URL or ORG/REPO FILE) and "
                        "%s is a local file; drop --token", source);
    MTT_RETURN_ERROR_IF(revision && !in_repo, err, MTT_ERR_USAGE,
                        "--revision needs the Hugging Face form: mtt export ORG/REPO FILE "
                        "--revision REV");
    char url[4096];
    if (in_repo) {
        const char *endpoint = getenv("HF_ENDPOINT");
        if (!endpoint || !*endpoint) endpoint = "https://huggingface.co";
        size_t el = strlen(endpoint);
        while (el > 0 && endpoint[el - 1] == '/') --el;
        snprintf(url, sizeof url, "%.*s/%s/resolve/%s/%s", (int)el, endpoint, source,
                 revision ? revision : "main", in_repo);
    } else {
        snprintf(url, sizeof url, "%s", source);
    }
    /* the KIM name and collection too (cli/export_kim.c) */
    const char *kim_name = mtt_args_value(spec, a, "kim");
    const char *kim_dir = mtt_args_value(spec, a, "kim-dir");
    char kim_collection[4096] = "";
    MTT_RETURN_ERROR_IF(kim_dir && !kim_name, err, MTT_ERR_USAGE,
                        "--kim-dir needs --kim NAME (the KIM model's name)");
    if (kim_name)
        MTT_FORWARD_IF_ERROR(mtt_export_kim_prepare(kim_name, kim_dir, kim_collection,
                                                    sizeof kim_collection, err));
    /* the metadata is checked before anything is downloaded or written */
    char *meta_text = NULL;
    if (meta_path) {
        mtt_metadata *md = NULL;
        MTT_FORWARD_IF_ERROR(mtt_metadata_load_file(meta_path, &md, err));
        mtt_status st = mtt_metadata_to_yaml(md, &meta_text, err);
        mtt_metadata_free(md);
        MTT_FORWARD_IF_ERROR(st);
    }
    char out[4096], folder[4096];
    const char *o = mtt_args_value(spec, a, "output");
    if (o) snprintf(out, sizeof out, "%s", o);
    else default_output(in_repo ? in_repo : source, out, sizeof out);
    snprintf(folder, sizeof folder, "%s", out);
    const char *dir = dirname(folder);
    mtt_status st = MTT_OK;
    char tmp[4200] = "";
    const char *in = source;
    if (access(dir, W_OK) != 0) {
        st = mtt_error_set(err, MTT_ERR_IO, "%s: the output folder %s does not exist or is not "
                           "writable; create it or choose another -o", out, dir);
        goto done;
    }
    if (remote) {
        snprintf(tmp, sizeof tmp, "%s.download.tmp", out);
        if ((st = mtt_download(url, token, tmp, err)) != MTT_OK) goto done;
        in = tmp;
    }
    char kind[64];
    if ((st = mtt_h5_file_kind(in, kind, sizeof kind, err)) != MTT_OK) goto done;
    if (strcmp(kind, MTT_MODEL_FORMAT_NAME) == 0) {
        st = export_model_file(in, out, meta_text, meta_path, err);
    } else if (strcmp(kind, MTT_CKPT_FORMAT_NAME) == 0) {
        st = export_checkpoint(in, out, meta_text, err);
    } else {
        st = mtt_error_set(err, MTT_ERR_CHECKPOINT, "%s: HDF5 but not an mtt checkpoint (root "
                           "attribute format is '%s', expected '%s')", remote ? url : in, kind,
                           MTT_CKPT_FORMAT_NAME);
    }
    if (st == MTT_OK) mtt_log_info("Wrote %s", out);
    if (st == MTT_OK && kim_name) {
        if (ends_with(out, ".ckpt"))
            st = mtt_error_set(err, MTT_ERR_USAGE, "--kim needs a model output (.pt), not the "
                               "checkpoint %s", out);
        else st = mtt_export_kim_install(out, kim_name, kim_collection, err);
        if (st == MTT_OK) mtt_log_info("Installed the KIM portable model %s in %s", kim_name,
                                       kim_collection);
    }
done:
    if (tmp[0]) unlink(tmp);
    free(meta_text);
    if (st != MTT_OK && remote && strstr(err->msg, tmp) && tmp[0]) {
        /* name the URL, not our temporary file */
        char msg[MTT_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        char *p = strstr(msg, tmp);
        mtt_error_set(err, err->status, "%.*s%s%s", (int)(p - msg), msg, url, p + strlen(tmp));
    }
    return st;
}

int mtt_cmd_export(int argc, char **argv)
{
    mtt_args args;
    int code;
    if (!mtt_cli_parse_or_exit(&mtt_cmd_export_spec, argc, argv, &args, &code)) return code;
    mtt_error err;
    mtt_error_clear(&err);
    mtt_status st = run(&args, &err);
    if (st != MTT_OK) mtt_log_error("%s", err.msg);
    return mtt_status_exit_code(st);
}
