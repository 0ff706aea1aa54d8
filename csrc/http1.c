/*
 * http1.c — the HTTP/1.1 reply reader (see http1.h).
 *
 * Bytes are taken as they come: a line complete in the input is read in
 * place, a line split between two feeds is gathered in r->line (never
 * more than QC_H1_MAX_LINE bytes), body bytes go straight to the
 * response body. The header rules are those of the transport's curl
 * header callback, so a reply reads the same whichever path carried it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http1.h"

#define S_BODY_RESERVE ((size_t)16 << 20) /* largest pre-sizing by length */
#define S_MAX_HEX 16                      /* digits of a chunk size */

enum {
    S_STATUS,     /* the status line of a block */
    S_HEADERS,    /* header lines */
    S_BODY_LEN,   /* Content-Length bytes */
    S_BODY_CLOSE, /* everything until the connection ends */
    S_CHUNK_HEX,  /* a chunk size's digits */
    S_CHUNK_EXT,  /* the rest of the chunk size line */
    S_CHUNK_DATA, /* chunk bytes */
    S_CHUNK_END,  /* the CRLF after a chunk's bytes */
    S_TRAILER,    /* trailer lines, up to a blank one */
    S_DONE
};

/* Prepares r (see http1.h). */
void qc_h1_reader_init(qc_h1_reader *r, qc_http_response *resp,
                       int head_request)
{
    memset(r, 0, sizeof(*r));
    r->resp = resp;
    r->head_request = head_request;
    r->state = S_STATUS;
    qc_buf_init(&r->line, 0);
    qc_buf_init(&r->fold, 0);
}

/* Frees r's scratch buffers. */
void qc_h1_reader_clean_up(qc_h1_reader *r)
{
    qc_buf_clean_up(&r->line);
    qc_buf_clean_up(&r->fold);
}

/* Ends the pending header where the next line of its block begins: a
 * header the list refused fails the reply only here, after that line was
 * counted (as in the curl callback). Returns QC_OK or QC_ERR_HTTP. */
static int s_end_pending(qc_h1_reader *r, qc_error *err)
{
    int bad = r->have_pending && r->pending_bad;
    r->have_pending = 0;
    r->pending_bad = 0;
    if (bad)
        return qc_error_set(err, QC_ERR_HTTP,
                            "the response holds an invalid header");
    return QC_OK;
}

/* Adds a header as the pending one. Returns QC_OK or QC_ERR_NOMEM. */
static int s_store(qc_h1_reader *r, const char *name, size_t name_len,
                   const char *value, size_t value_len, qc_error *err)
{
    int rc = qc_headers_add(&r->resp->headers, name, name_len, value,
                            value_len);
    if (rc == QC_ERR_NOMEM)
        return qc_error_set(err, QC_ERR_NOMEM,
                            "out of memory storing a response header");
    r->have_pending = 1;
    r->pending_bad = rc != QC_OK;
    return QC_OK;
}

/* Extends the pending header with an obs-fold line's text, joined by one
 * space. Returns QC_OK or QC_ERR_NOMEM. */
static int s_fold(qc_h1_reader *r, const char *more, size_t more_len,
                  qc_error *err)
{
    qc_headers *h = &r->resp->headers;
    if (r->pending_bad || h->len == 0)
        return QC_OK; /* refused already: s_end_pending reports it */
    qc_header *last = &h->items[h->len - 1];
    size_t name_len = last->name_len;
    qc_buf *b = &r->fold;
    qc_buf_reset(b);
    if (qc_buf_append(b, last->name, name_len) ||
        qc_buf_append(b, last->value, last->value_len) ||
        qc_buf_append_byte(b, ' ') || qc_buf_append(b, more, more_len))
        return qc_error_set(err, QC_ERR_NOMEM,
                            "out of memory storing a response header");
    /* Taken off the list (its text stays in the list's chunks, freed with
     * the list) and added again with the longer value. */
    h->len--;
    return s_store(r, b->data, name_len, b->data + name_len,
                   b->len - name_len, err);
}

/* Returns 1 when the comma-separated list (v, n) holds token (lower
 * case), compared without case. */
static int s_has_token(const char *v, size_t n, const char *token)
{
    size_t tl = strlen(token);
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t s = i;
        while (i < n && v[i] != ',')
            i++;
        size_t e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (e - s == tl && strncasecmp(v + s, token, tl) == 0)
            return 1;
    }
    return 0;
}

/* Reads a Content-Length value as libcurl does: blanks, then digits (a
 * sign or no digit is invalid, text after the digits is ignored). Returns
 * 0 with *out, 1 when too large to hold, -1 when invalid. */
static int s_parse_length(const char *v, size_t n, unsigned long long *out)
{
    size_t i = 0;
    while (i < n && (v[i] == ' ' || v[i] == '\t'))
        i++;
    if (i == n || v[i] < '0' || v[i] > '9')
        return -1;
    unsigned long long x = 0;
    for (; i < n && v[i] >= '0' && v[i] <= '9'; i++) {
        unsigned d = (unsigned)(v[i] - '0');
        if (x > (unsigned long long)(INT64_MAX - d) / 10)
            return 1;
        x = x * 10 + d;
    }
    *out = x;
    return 0;
}

/* Reads the status line (len without its line end). Returns QC_OK or
 * QC_ERR_HTTP. */
static int s_status_line(qc_h1_reader *r, const char *p, size_t len,
                         qc_error *err)
{
    if (len < 12 || memcmp(p, "HTTP/1.", 7) != 0 ||
        (p[7] != '0' && p[7] != '1') || p[8] != ' ' || p[9] < '0' ||
        p[9] > '9' || p[10] < '0' || p[10] > '9' || p[11] < '0' ||
        p[11] > '9' || (len > 12 && p[12] != ' ' && p[12] != '\t'))
        return qc_error_set(err, QC_ERR_HTTP,
                            "unsupported HTTP status line in the response");
    r->http10 = p[7] == '0';
    r->resp->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    qc_headers_clean_up(&r->resp->headers);
    r->block_lines = 0;
    r->have_pending = 0;
    r->pending_bad = 0;
    r->state = S_HEADERS;
    r->prev_header = 0;
    return QC_OK;
}

/* The blank line of a block (or the end of the connection inside it,
 * at_eof): skips a 1xx reply, else picks how the body is framed from the
 * final headers. Returns QC_OK or an error. */
static int s_end_block(qc_h1_reader *r, qc_error *err, int at_eof)
{
    long status = r->resp->status;
    if (status >= 100 && status <= 199 && !at_eof) {
        r->state = S_STATUS;
        return QC_OK;
    }
    r->body_started = 1;
    const qc_headers *h = &r->resp->headers;
    for (size_t i = 0; i < h->len; i++) {
        const qc_header *x = &h->items[i];
        if (x->name_len == 14 &&
            strncasecmp(x->name, "content-length", 14) == 0) {
            unsigned long long v = 0;
            int pr = s_parse_length(x->value, x->value_len, &v);
            if (pr < 0)
                return qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                                    "invalid Content-Length in the "
                                    "response");
            r->have_length = pr == 0;
            r->length_overflow = pr == 1;
            r->length = v;
        } else if (x->name_len == 17 &&
                   strncasecmp(x->name, "transfer-encoding", 17) == 0) {
            if (s_has_token(x->value, x->value_len, "chunked"))
                r->chunked = 1;
        } else if (x->name_len == 10 &&
                   strncasecmp(x->name, "connection", 10) == 0) {
            if (s_has_token(x->value, x->value_len, "close"))
                r->conn_close = 1;
            if (s_has_token(x->value, x->value_len, "keep-alive"))
                r->conn_keep = 1;
        }
    }
    r->keep_alive = !r->conn_close && (!r->http10 || r->conn_keep);
    if (r->head_request || status == 204 || status == 304) {
        r->state = S_DONE;
    } else if (r->chunked) {
        r->state = S_CHUNK_HEX;
        r->hex_digits = 0;
        r->left = 0;
    } else if (r->have_length) {
        r->left = r->length;
        r->state = r->left ? S_BODY_LEN : S_DONE;
        size_t want = r->length < S_BODY_RESERVE ? (size_t)r->length
                                                 : S_BODY_RESERVE;
        if (want > r->resp->body.len &&
            qc_buf_reserve(&r->resp->body, want - r->resp->body.len)) {
            /* left to the writes to report */
        }
    } else {
        r->keep_alive = 0;
        r->state = S_BODY_CLOSE;
    }
    r->done = r->state == S_DONE;
    return QC_OK;
}

/* One header line (len without its line end). Returns QC_OK or an
 * error. */
static int s_header_line(qc_h1_reader *r, const char *p, size_t len,
                         qc_error *err)
{
    int rc;
    const char *colon = len ? memchr(p, ':', len) : NULL;
    if (colon && len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        /* As the curl callback: a status-like line starts the block
         * afresh. */
        qc_headers_clean_up(&r->resp->headers);
        r->block_lines = 0;
        r->have_pending = 0;
        r->pending_bad = 0;
        return QC_OK;
    }
    if (++r->block_lines > QC_H1_MAX_HEADER_LINES)
        return qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                            "got more than 100 headers");
    if (len == 0) {
        if ((rc = s_end_pending(r, err)))
            return rc;
        return s_end_block(r, err, 0);
    }
    if (p[0] == ' ' || p[0] == '\t') {
        /* obs-fold; libcurl refuses one with no header line before it. */
        if (!r->prev_header)
            return qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                                "a folded header line follows no header");
        size_t i = 0;
        while (i < len && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (!r->have_pending || i == len)
            return QC_OK;
        return s_fold(r, p + i, len - i, err);
    }
    /* libcurl refuses a header line without a colon. */
    if (!colon)
        return qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                            "a response header line has no colon");
    r->prev_header = 1;
    if ((rc = s_end_pending(r, err)))
        return rc;
    if (colon == p)
        return QC_OK; /* no name: not stored */
    size_t name_len = (size_t)(colon - p);
    size_t i = name_len + 1;
    while (i < len && (p[i] == ' ' || p[i] == '\t'))
        i++;
    return s_store(r, p, name_len, p + i, len - i, err);
}

/* A complete line (len without LF; a CR before it is dropped here) in
 * the state that reads lines. Returns QC_OK or an error. */
static int s_line(qc_h1_reader *r, const char *p, size_t len, qc_error *err)
{
    if (len && p[len - 1] == '\r')
        len--;
    switch (r->state) {
    case S_STATUS:
        return s_status_line(r, p, len, err);
    case S_HEADERS:
        return s_header_line(r, p, len, err);
    default: /* S_TRAILER: read and dropped up to the blank line */
        if (len == 0) {
            r->state = S_DONE;
            r->done = 1;
        } else if (p[0] != ' ' && p[0] != '\t' && !memchr(p, ':', len)) {
            return qc_error_set(err, QC_ERR_HTTP,
                                "a trailer line of the response has no "
                                "colon");
        }
        return QC_OK;
    }
}

/* Returns QC_ERR_HTTP when the start of a reply (p, n) cannot begin an
 * HTTP/1.x status line, else QC_OK (known at the first wrong byte, before
 * the line ends, as libcurl knows it). */
static int s_check_prefix(const char *p, size_t n, qc_error *err)
{
    static const char want[] = "HTTP/";
    size_t k = n < 5 ? n : 5;
    if (memcmp(p, want, k) != 0)
        return qc_error_set(err, QC_ERR_HTTP,
                            "the reply is not an HTTP/1.x response");
    return QC_OK;
}

/* Takes the line-reading states' bytes from (p, n) at *pos: whole lines
 * go to s_line, a partial one is kept in r->line. Returns QC_OK or an
 * error. */
static int s_read_lines(qc_h1_reader *r, const char *p, size_t n,
                        size_t *pos, qc_error *err)
{
    while (*pos < n && (r->state == S_STATUS || r->state == S_HEADERS ||
                        r->state == S_TRAILER)) {
        const char *start = p + *pos;
        size_t avail = n - *pos;
        const char *lf = memchr(start, '\n', avail);
        size_t take = lf ? (size_t)(lf - start) + 1 : avail;
        if (r->line.len + take > QC_H1_MAX_LINE) {
            /* The line, its LF included, is over the limit (or will be:
             * without its LF it has the limit's length already). */
            if (lf || r->line.len + take >= QC_H1_MAX_LINE)
                return qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                                    "a response header line is longer "
                                    "than 65536 bytes");
        }
        if (r->state == S_STATUS) {
            qc_buf *l = &r->line;
            int rc = QC_OK;
            if (l->len < 5) {
                size_t have = l->len;
                char head[5];
                memcpy(head, l->data ? l->data : "", have);
                size_t more = take < 5 - have ? take : 5 - have;
                memcpy(head + have, start, more);
                rc = s_check_prefix(head, have + more, err);
            }
            if (rc)
                return rc;
        }
        *pos += take;
        if (!lf) {
            if (qc_buf_append(&r->line, start, take))
                return qc_error_set(err, QC_ERR_NOMEM,
                                    "out of memory reading the response");
            return QC_OK;
        }
        if (r->state != S_TRAILER) {
            /* libcurl's bound on a reply's header bytes, all blocks. */
            r->header_bytes += r->line.len + take;
            if (r->header_bytes > QC_H1_MAX_HEADER_BYTES)
                return qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                                    "Too large response headers: %zu > %u",
                                    r->header_bytes,
                                    (unsigned)QC_H1_MAX_HEADER_BYTES);
        }
        int rc;
        if (r->line.len) {
            if (qc_buf_append(&r->line, start, take - 1))
                return qc_error_set(err, QC_ERR_NOMEM,
                                    "out of memory reading the response");
            rc = s_line(r, r->line.data, r->line.len, err);
            qc_buf_reset(&r->line);
        } else {
            rc = s_line(r, start, take - 1, err);
        }
        if (rc)
            return rc;
    }
    return QC_OK;
}

/* Appends body bytes to the response. Returns QC_OK or an error. */
static int s_body(qc_h1_reader *r, const char *p, size_t n, qc_error *err)
{
    int rc = qc_buf_append(&r->resp->body, p, n);
    if (rc == QC_ERR_LIMIT)
        return qc_error_set(err, QC_ERR_LIMIT,
                            "the response body is larger than 256 MiB");
    if (rc != QC_OK)
        return qc_error_set(err, QC_ERR_NOMEM,
                            "out of memory storing the response body");
    return QC_OK;
}

/* Returns the value of hex digit c, or -1. */
static int s_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads (see http1.h). */
int qc_h1_reader_feed(qc_h1_reader *r, const char *p, size_t n, size_t *used,
                      qc_error *err)
{
    size_t pos = 0;
    int rc = QC_OK;
    *used = 0;
    if (n)
        r->got_bytes = 1;
    while (pos < n && r->state != S_DONE) {
        switch (r->state) {
        case S_STATUS:
        case S_HEADERS:
        case S_TRAILER:
            rc = s_read_lines(r, p, n, &pos, err);
            break;
        case S_BODY_LEN: {
            size_t k = n - pos;
            if ((unsigned long long)k > r->left)
                k = (size_t)r->left;
            rc = s_body(r, p + pos, k, err);
            pos += k;
            r->left -= k;
            if (!r->left) {
                r->state = S_DONE;
                r->done = 1;
            }
            break;
        }
        case S_BODY_CLOSE:
            rc = s_body(r, p + pos, n - pos, err);
            pos = n;
            break;
        case S_CHUNK_HEX: {
            int d = s_hex(p[pos]);
            if (d < 0) {
                if (r->hex_digits == 0)
                    return qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                                        "invalid chunk size in the "
                                        "response");
                r->state = S_CHUNK_EXT;
                break;
            }
            if (++r->hex_digits > S_MAX_HEX ||
                r->left > (unsigned long long)INT64_MAX >> 4)
                return qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                                    "chunk size too large in the "
                                    "response");
            r->left = (r->left << 4) | (unsigned)d;
            pos++;
            break;
        }
        case S_CHUNK_EXT: {
            const char *lf = memchr(p + pos, '\n', n - pos);
            if (!lf) {
                pos = n;
                break;
            }
            pos = (size_t)(lf - p) + 1;
            r->hex_digits = 0;
            r->state = r->left ? S_CHUNK_DATA : S_TRAILER;
            break;
        }
        case S_CHUNK_DATA: {
            size_t k = n - pos;
            if ((unsigned long long)k > r->left)
                k = (size_t)r->left;
            rc = s_body(r, p + pos, k, err);
            pos += k;
            r->left -= k;
            if (!r->left)
                r->state = S_CHUNK_END;
            break;
        }
        case S_CHUNK_END:
            if (p[pos] == '\n') {
                r->state = S_CHUNK_HEX;
                r->left = 0;
            } else if (p[pos] != '\r') {
                return qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                                    "malformed chunked body in the "
                                    "response");
            }
            pos++;
            break;
        default:
            pos = n;
            break;
        }
        if (rc)
            return rc;
    }
    *used = pos;
    return QC_OK;
}

/* The connection ended (see http1.h). */
int qc_h1_reader_eof(qc_h1_reader *r, qc_error *err)
{
    if (r->state == S_HEADERS) {
        /* As libcurl: the end of the connection ends the header block
         * (a partial last line is dropped) and the reply is what it
         * holds, if its framing needs no more bytes. */
        int rc = s_end_pending(r, err);
        if (!rc)
            rc = s_end_block(r, err, 1);
        if (rc)
            return rc;
    }
    if (r->state == S_BODY_CLOSE) {
        r->state = S_DONE;
        r->done = 1;
        r->keep_alive = 0;
    }
    if (r->done)
        return QC_OK;
    if (!r->got_bytes)
        return qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                            "empty reply from server");
    return qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                        "the connection was closed before the reply was "
                        "complete");
}
