/*
 * http1.h — an HTTP/1.1 reply reader (csrc/http1.c), fed with the bytes of
 * a connection as they arrive; no I/O and no curl.h, so it can be tested
 * and fuzzed alone. The libcurl transport uses it when it writes the
 * request and reads the reply itself.
 *
 * It fills a qc_http_response as the transport's curl callbacks do: the
 * status of the final reply (1xx interim replies are skipped), the headers
 * of that reply in order (names and values as received, a value's leading
 * blanks dropped, obs-fold lines joined with one space, a line without a
 * name not stored; a line without a colon, or a fold with no header
 * before it, fails as in libcurl), and the body, framed by
 * Transfer-Encoding: chunked (its trailers read and dropped),
 * Content-Length, or the end of the connection; HEAD replies and
 * 1xx/204/304 have none. The end of the connection inside a header block
 * ends it (libcurl's reading): the reply is complete if its framing
 * needs no more bytes. Limits as
 * http.client's: 100 lines per header block (blank line included), 65536
 * bytes per line (CRLF included), and libcurl's 300 KiB for all the
 * header blocks of a reply; the body stops at resp->body.limit.
 */
#ifndef QC_HTTP1_H
#define QC_HTTP1_H

#include <stddef.h>

#include "buf.h"
#include "http.h"
#include "qc.h"

#define QC_H1_MAX_HEADER_LINES 100
#define QC_H1_MAX_LINE 65536
#define QC_H1_MAX_HEADER_BYTES 307200 /* libcurl's: all header blocks */

typedef struct qc_h1_reader {
    qc_http_response *resp; /* not owned */
    int head_request;       /* the request was HEAD: no body */
    int state;              /* internal */
    int done;               /* the reply is complete */
    int keep_alive;         /* once done: the connection may be reused */
    int got_bytes;          /* some byte of the reply arrived */
    int body_started;       /* the final header block ended */
    qc_buf line;            /* a line split across feeds */
    size_t block_lines;     /* lines of the current header block */
    size_t header_bytes;    /* bytes of every header block so far */
    int prev_header;        /* a header line came in this block */
    int have_pending;       /* the last stored header may be folded */
    int pending_bad;        /* that header was refused (CR or NUL) */
    qc_buf fold;            /* scratch for a folded header */
    int http10;             /* the final reply is HTTP/1.0 */
    int conn_close;         /* Connection: close */
    int conn_keep;          /* Connection: keep-alive */
    int chunked;            /* Transfer-Encoding names chunked */
    int have_length;        /* a valid Content-Length was read */
    int length_overflow;    /* a Content-Length too large to hold */
    unsigned long long length;
    unsigned long long left; /* bytes left of the body or of the chunk */
    unsigned hex_digits;     /* of the chunk size being read */
} qc_h1_reader;

/* Prepares r to read one reply into resp (emptied by the caller). */
void qc_h1_reader_init(qc_h1_reader *r, qc_http_response *resp,
                       int head_request);
/* Frees r's scratch buffers (resp stays the caller's). */
void qc_h1_reader_clean_up(qc_h1_reader *r);
/* Reads (p, n). Returns QC_OK with *used set to the bytes taken (all of
 * them unless the reply ended inside: r->done), or an error with err set:
 * QC_ERR_CONNECTION_CLOSED (limits, bad framing, as botocore reports a
 * malformed reply), QC_ERR_HTTP (not an HTTP/1.x reply, a refused
 * header), QC_ERR_LIMIT (body over its limit), QC_ERR_NOMEM. */
int qc_h1_reader_feed(qc_h1_reader *r, const char *p, size_t n, size_t *used,
                      qc_error *err) QC_WARN_UNUSED;
/* The connection ended. Returns QC_OK when that completes the reply (a
 * body read until the close), else QC_ERR_CONNECTION_CLOSED (or the
 * error of a refused last header) with err set. */
int qc_h1_reader_eof(qc_h1_reader *r, qc_error *err) QC_WARN_UNUSED;

#endif /* QC_HTTP1_H */
