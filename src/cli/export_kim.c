/* export_kim.c — an exported model as a KIM portable model (export_kim.h).
 *
 * A KIM portable model is a shared library whose data symbol
 * kim_shared_library_schema (KIM's SharedLibrarySchemaV2, mirrored below in
 * the generated C) names the item, its driver and its embedded parameter
 * files.  KIM's own route (kim-api-collections-management) needs cmake, C++
 * and a network tool, and embeds files through xxd (minutes for large
 * files); here the C compiler mtt was configured with builds one C file in
 * which the assembler's .incbin includes the .pt: seconds for any size, no
 * KIM headers needed.  The library is built in a temporary folder inside the
 * collection and renamed into place, so a failure leaves nothing behind.
 * Layout: DIR/NAME/libkim-api-portable-model.so, what KIM searches.
 */
#include "config.h"

#include "cli/export_kim.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_KIM
#include "KIM_CollectionItemType.h"
#include "KIM_Collection.h"
#include "KIM_Collections.h"
#endif

#define KIM_ITEM_NAME_MAX 200

static int valid_item_name(const char *name)
{
    if (!name[0] || strlen(name) > KIM_ITEM_NAME_MAX) return 0;
    if (!(isalpha((unsigned char)name[0]) || name[0] == '_')) return 0;
    for (const char *p = name; *p; ++p)
        if (!(isalnum((unsigned char)*p) || *p == '_')) return 0;
    return 1;
}

/* mkdir -p */
static int make_folders(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; ++p) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static mtt_status user_collection(char *dir, size_t dir_size, mtt_error *err)
{
#ifdef HAVE_KIM
    KIM_Collections *collections = NULL;
    int extent = 0;
    const char *name = NULL;
    if (KIM_Collections_Create(&collections) ||
        KIM_Collections_CacheListOfDirectoryNames(collections, KIM_COLLECTION_user,
                                                  KIM_COLLECTION_ITEM_TYPE_portableModel,
                                                  &extent) ||
        extent < 1 || KIM_Collections_GetDirectoryName(collections, 0, &name)) {
        if (collections) KIM_Collections_Destroy(&collections);
        return mtt_error_set(err, MTT_ERR_IO, "cannot find the KIM user collection (see "
                             "~/.kim-api); set KIM_API_PORTABLE_MODELS_DIR or pass --kim-dir DIR");
    }
    snprintf(dir, dir_size, "%s", name);
    KIM_Collections_Destroy(&collections);
    return MTT_OK;
#else
    (void)dir;
    (void)dir_size;
    return mtt_error_set(err, MTT_ERR_NOT_AVAILABLE, "this mtt was built without the KIM API, "
                         "so it does not know the KIM user collection; pass --kim-dir DIR (or "
                         "install libkim-api-dev and configure again)");
#endif
}

mtt_status mtt_export_kim_prepare(const char *name, const char *kim_dir, char *dir,
                                  size_t dir_size, mtt_error *err)
{
    MTT_RETURN_ERROR_IF(!valid_item_name(name), err, MTT_ERR_USAGE,
                        "--kim %s: a KIM model name is a C identifier (letters, digits and _, "
                        "not starting with a digit, at most %d characters), e.g. "
                        "SOAP_BPNN_ethanol", name, KIM_ITEM_NAME_MAX);
    const char *env = getenv("KIM_API_PORTABLE_MODELS_DIR");
    if (kim_dir) {
        snprintf(dir, dir_size, "%s", kim_dir);
    } else if (env && *env) {
        size_t n = strcspn(env, ":");
        snprintf(dir, dir_size, "%.*s", (int)n, env);
    } else {
        MTT_FORWARD_IF_ERROR(user_collection(dir, dir_size, err));
    }
    const char *from = kim_dir ? "--kim-dir" : (env && *env) ? "KIM_API_PORTABLE_MODELS_DIR"
                                                            : "the KIM user collection";
    if (make_folders(dir) != 0 || access(dir, W_OK) != 0)
        return mtt_error_set(err, MTT_ERR_IO, "%s: the KIM collection folder (%s) cannot be "
                             "created or is not writable (%s); choose another with --kim-dir "
                             "DIR or KIM_API_PORTABLE_MODELS_DIR", dir, from, strerror(errno));
    return MTT_OK;
}

static mtt_status write_item_source(const char *path, const char *name, long size,
                                    mtt_error *err)
{
    FILE *f = fopen(path, "w");
    MTT_RETURN_ERROR_IF(!f, err, MTT_ERR_IO, "%s: cannot write (%s)", path, strerror(errno));
    fprintf(f,
            "/* KIM portable model %s, made by mtt export --kim: driver mtt, one parameter\n"
            " * file (the exported model).  Mirrors KIM's SharedLibrarySchemaV2. */\n"
            "__asm__(\".section .rodata\\n.balign 16\\nmtt_kim_pt:\\n.incbin \\\"model.pt\\\"\\n"
            ".byte 0\\n.previous\\n\");\n"
            "extern const unsigned char mtt_kim_pt[];\n"
            "struct embedded_file { const char *name; unsigned int length; const unsigned char *data; };\n"
            "struct schema_v2 { int item_type; const char *item_name; int create_language;\n"
            "  void (*create)(void); const char *driver_name; const struct embedded_file *smspec;\n"
            "  int n_parameter_files; const struct embedded_file *parameter_files;\n"
            "  int n_metadata_files; const struct embedded_file *metadata_files; };\n"
            "static const struct embedded_file parameter_files[1] = {{\"%s.pt\", %ldu, mtt_kim_pt}};\n"
            "int kim_shared_library_schema_version = 2;\n"
            "struct schema_v2 kim_shared_library_schema = {1, \"%s\", 1, 0, \"mtt\", 0, 1,\n"
            "  parameter_files, 0, 0};\n",
            name, name, size, name);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    MTT_RETURN_ERROR_IF(bad, err, MTT_ERR_IO, "%s: cannot write (disk full?)", path);
    return MTT_OK;
}

static mtt_status copy_file(const char *from, const char *to, long *size, mtt_error *err)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[1 << 16];
    size_t k;
    long total = 0;
    int bad = !in || !out;
    while (!bad && (k = fread(buf, 1, sizeof buf, in)) > 0) {
        bad = fwrite(buf, 1, k, out) != k;
        total += (long)k;
    }
    if (in) bad |= ferror(in), fclose(in);
    if (out) bad |= fclose(out) != 0;
    MTT_RETURN_ERROR_IF(bad, err, MTT_ERR_IO, "cannot copy %s to %s (%s)", from, to,
                        strerror(errno));
    *size = total;
    return MTT_OK;
}

/* Run the compiler in folder tmp; its output goes to tmp/cc.log. */
static mtt_status compile(const char *tmp, mtt_error *err)
{
    char log[4400];
    snprintf(log, sizeof log, "%s/cc.log", tmp);
    const char *cc = getenv("MTT_KIM_CC");
    if (!cc || !*cc) cc = MTT_KIM_CC;
    pid_t pid = fork();
    MTT_RETURN_ERROR_IF(pid < 0, err, MTT_ERR_IO, "cannot start the C compiler (%s)",
                        strerror(errno));
    if (pid == 0) {
        if (chdir(tmp) != 0 || !freopen("cc.log", "w", stdout) || dup2(1, 2) < 0) _exit(127);
        execlp(cc, cc, "-shared", "-fPIC", "-o", "libkim-api-portable-model.so", "item.c",
               (char *)NULL);
        fprintf(stderr, "cannot run %s: %s\n", cc, strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) continue;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return MTT_OK;
    char first[512] = "";
    FILE *f = fopen(log, "r");
    if (f) {
        if (!fgets(first, sizeof first, f)) first[0] = '\0';
        fclose(f);
        first[strcspn(first, "\n")] = '\0';
    }
    return mtt_error_set(err, MTT_ERR_IO, "the C compiler %s could not build the KIM model "
                         "(%s); install gcc or set MTT_KIM_CC", cc, first[0] ? first : "no output");
}

static void remove_tmp(const char *tmp)
{
    static const char *const files[] = {"model.pt", "item.c", "cc.log",
                                        "libkim-api-portable-model.so", NULL};
    char p[4300];
    for (const char *const *f = files; *f; ++f) {
        snprintf(p, sizeof p, "%s/%s", tmp, *f);
        unlink(p);
    }
    rmdir(tmp);
}

mtt_status mtt_export_kim_install(const char *pt, const char *name, const char *dir,
                                  mtt_error *err)
{
    char tmp[4200], path[4300], final_dir[4300], final_so[4400];
    snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name);
    MTT_RETURN_ERROR_IF(!mkdtemp(tmp), err, MTT_ERR_IO, "%s: cannot create a temporary folder "
                        "in the KIM collection (%s)", dir, strerror(errno));
    long size = 0;
    snprintf(path, sizeof path, "%s/model.pt", tmp);
    mtt_status st = copy_file(pt, path, &size, err);
    if (st == MTT_OK && size >= 0xFFFFFFFFL)
        st = mtt_error_set(err, MTT_ERR_DATA, "%s: %ld bytes, more than a KIM parameter file "
                           "can hold (4 GiB)", pt, size);
    snprintf(path, sizeof path, "%s/item.c", tmp);
    if (st == MTT_OK) st = write_item_source(path, name, size, err);
    if (st == MTT_OK) st = compile(tmp, err);
    snprintf(final_dir, sizeof final_dir, "%s/%s", dir, name);
    snprintf(final_so, sizeof final_so, "%s/libkim-api-portable-model.so", final_dir);
    snprintf(path, sizeof path, "%s/libkim-api-portable-model.so", tmp);
    if (st == MTT_OK && mkdir(final_dir, 0777) != 0 && errno != EEXIST)
        st = mtt_error_set(err, MTT_ERR_IO, "%s: cannot create (%s)", final_dir, strerror(errno));
    if (st == MTT_OK && rename(path, final_so) != 0)
        st = mtt_error_set(err, MTT_ERR_IO, "%s: cannot install (%s)", final_so, strerror(errno));
    remove_tmp(tmp);
    return st;
}
