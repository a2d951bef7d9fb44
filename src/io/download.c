/* download.c — libcurl download of a remote checkpoint (download.h). */
#include "config.h"

#include "io/download.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

typedef struct progress {
    int tty;
    int last_percent;
} progress;

static int on_progress(void *ctx, curl_off_t total, curl_off_t now, curl_off_t ut, curl_off_t un)
{
    (void)ut;
    (void)un;
    progress *p = ctx;
    if (!p->tty || total <= 0) return 0;
    int percent = (int)(100 * now / total);
    if (percent == p->last_percent) return 0;
    p->last_percent = percent;
    int bars = percent / 4;
    fprintf(stderr, "\r[%-25.*s] %3d%% of %.1f MiB", bars, "#########################", percent,
            (double)total / 1048576.0);
    if (percent == 100) fputc('\n', stderr);
    return 0;
}

static long stall_seconds(void)
{
    const char *s = getenv("MTT_DOWNLOAD_STALL_SECONDS");
    long v = s ? strtol(s, NULL, 10) : 0;
    return v > 0 ? v : 60;
}

mtt_status mtt_download(const char *url, const char *token, const char *dest, mtt_error *err)
{
    FILE *f = fopen(dest, "wb");
    MTT_RETURN_ERROR_IF(!f, err, MTT_ERR_IO, "%s: cannot create the download file; check that "
                        "the output folder is writable", dest);
    CURL *h = curl_easy_init();
    if (!h) {
        fclose(f);
        unlink(dest);
        return mtt_error_set(err, MTT_ERR_INTERNAL, "cannot start libcurl");
    }
    char curl_msg[CURL_ERROR_SIZE] = "";
    progress prog = {isatty(STDERR_FILENO), -1};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_msg);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);  /* no credentials to other hosts */
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, stall_seconds());
    curl_easy_setopt(h, CURLOPT_USERAGENT, "mtt/" PACKAGE_VERSION);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &prog);
    if (token) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
        curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, token);
    }
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    int close_failed = fclose(f) != 0;
    mtt_status st = MTT_OK;
    if (rc == CURLE_OPERATION_TIMEDOUT)
        st = mtt_error_set(err, MTT_ERR_NETWORK, "%s: the download timed out (%s); try again "
                           "later", url, curl_msg);
    else if (rc != CURLE_OK)
        st = mtt_error_set(err, MTT_ERR_NETWORK, "%s: download failed: %s", url,
                           curl_msg[0] ? curl_msg : curl_easy_strerror(rc));
    else if (code == 401 || code == 403)
        st = mtt_error_set(err, MTT_ERR_NETWORK, "%s: HTTP %ld: needs a token (--token or "
                           "HF_TOKEN)%s", url, code, token ? "; the token given was refused" : "");
    else if (code == 404)
        st = mtt_error_set(err, MTT_ERR_NETWORK, "not found: %s (HTTP 404); check the URL, "
                           "repository, file name and revision", url);
    else if (code >= 400)
        st = mtt_error_set(err, MTT_ERR_NETWORK, "%s: the server answered HTTP %ld; try again "
                           "later", url, code);
    else if (close_failed)
        st = mtt_error_set(err, MTT_ERR_IO, "%s: cannot write the download (disk full?)", dest);
    curl_easy_cleanup(h);
    if (st != MTT_OK) unlink(dest);
    return st;
}
