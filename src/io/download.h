/* download.h — fetch a remote checkpoint over HTTP(S) with libcurl.
 *
 * Redirects are followed (at most 10); TLS certificates and host names are
 * verified; only http and https are allowed, also after a redirect.  A
 * token is sent as `Authorization: Bearer` through libcurl's own bearer
 * authentication, which libcurl never sends to another host after a
 * redirect (CURLOPT_UNRESTRICTED_AUTH stays off).  Time limits: 30 s to
 * connect, and the transfer is abandoned when it stalls below 1 byte/s for
 * MTT_DOWNLOAD_STALL_SECONDS (environment; default 60).  A progress bar is
 * drawn on stderr only when stderr is a terminal.
 * Errors (MTT_ERR_NETWORK) name the URL: 401/403 "needs a token (--token
 * or HF_TOKEN)", 404 "not found: URL", other HTTP codes, connection
 * failures, timeouts.  On any failure the file at `dest` is removed.
 */
#ifndef MTT_IO_DOWNLOAD_H
#define MTT_IO_DOWNLOAD_H

#include "util/status.h"

/* Download url to dest (created or truncated); token may be NULL. */
mtt_status mtt_download(const char *url, const char *token, const char *dest, mtt_error *err);

#endif
