/*
 * transport_canned.c — a transport that answers every request with one
 * fixed reply and no I/O (tests, per-call benchmarks), plus the thin
 * qc_transport_* wrappers over the vtable.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

/* The last request seen, flattened into buffers that keep their storage
 * from one request to the next (no allocation per request once warm);
 * rebuilt into a qc_http_request only when asked for. */
typedef struct s_record {
    const char *method;
    qc_buf scheme, host, path, query, body;
    qc_buf headers; /* "name\0value\0" for each header, in order */
    size_t n_headers;
} s_record;

typedef struct s_canned {
    qc_transport base;
    long status;
    qc_headers headers;
    qc_buf body;
    pthread_mutex_t lock;
    int record; /* keep a copy of each request (default) */
    int have_last;
    s_record last; /* guarded by lock */
} s_canned;

static const qc_transport_vtable s_canned_vtable;

/* Returns QC_OK after appending copies of every header of src to dst, or
 * the first error. */
static int s_copy_headers(qc_headers *dst, const qc_headers *src)
{
    for (size_t i = 0; i < src->len; i++) {
        const qc_header *h = &src->items[i];
        int rc = qc_headers_add(dst, h->name, h->name_len, h->value,
                                h->value_len);
        if (rc)
            return rc;
    }
    return QC_OK;
}

/* Returns QC_OK after appending src's bytes to dst, or an error code. */
static int s_copy_buf(qc_buf *dst, const qc_buf *src)
{
    if (src->len == 0)
        return QC_OK;
    return qc_buf_append(dst, src->data, src->len);
}

/* Initialises r (empty). */
static void s_record_init(s_record *r)
{
    r->method = NULL;
    qc_buf_init(&r->scheme, 0);
    qc_buf_init(&r->host, 0);
    qc_buf_init(&r->path, 0);
    qc_buf_init(&r->query, 0);
    qc_buf_init(&r->body, 0);
    qc_buf_init(&r->headers, 0);
    r->n_headers = 0;
}

/* Frees r's storage. */
static void s_record_clean_up(s_record *r)
{
    qc_buf_clean_up(&r->scheme);
    qc_buf_clean_up(&r->host);
    qc_buf_clean_up(&r->path);
    qc_buf_clean_up(&r->query);
    qc_buf_clean_up(&r->body);
    qc_buf_clean_up(&r->headers);
}

/* Records src into r (its buffers emptied first, their storage kept).
 * Returns QC_OK or an error code. */
static int s_record_request(s_record *r, const qc_http_request *src)
{
    qc_buf_reset(&r->scheme);
    qc_buf_reset(&r->host);
    qc_buf_reset(&r->path);
    qc_buf_reset(&r->query);
    qc_buf_reset(&r->body);
    qc_buf_reset(&r->headers);
    r->n_headers = 0;
    r->method = src->method;
    int rc;
    if ((rc = s_copy_buf(&r->scheme, &src->scheme)) ||
        (rc = s_copy_buf(&r->host, &src->host)) ||
        (rc = s_copy_buf(&r->path, &src->path)) ||
        (rc = s_copy_buf(&r->query, &src->query)) ||
        (rc = s_copy_buf(&r->body, &src->body)))
        return rc;
    for (size_t i = 0; i < src->headers.len; i++) {
        const qc_header *h = &src->headers.items[i];
        if ((rc = qc_buf_append(&r->headers, h->name, h->name_len + 1)) ||
            (rc = qc_buf_append(&r->headers, h->value, h->value_len + 1)))
            return rc;
        r->n_headers++;
    }
    return QC_OK;
}

/* Rebuilds the recorded request into out (initialised here). Returns
 * QC_OK or an error; out is cleaned up on error. */
static int s_record_copy(qc_http_request *out, const s_record *r)
{
    qc_http_request_init(out);
    out->method = r->method;
    int rc;
    if ((rc = s_copy_buf(&out->scheme, &r->scheme)) ||
        (rc = s_copy_buf(&out->host, &r->host)) ||
        (rc = s_copy_buf(&out->path, &r->path)) ||
        (rc = s_copy_buf(&out->query, &r->query)) ||
        (rc = s_copy_buf(&out->body, &r->body)))
        goto error;
    const char *p = r->headers.data;
    for (size_t i = 0; i < r->n_headers; i++) {
        size_t nl = strlen(p);
        const char *v = p + nl + 1;
        size_t vl = strlen(v);
        if ((rc = qc_headers_add(&out->headers, p, nl, v, vl)))
            goto error;
        p = v + vl + 1;
    }
    return QC_OK;
error:
    qc_http_request_clean_up(out);
    return rc;
}

/* The vtable send: remembers req and writes the canned reply to resp. */
static int s_send(qc_transport *base, const qc_http_request *req,
                  const qc_send_options *opts, qc_http_response *resp,
                  qc_error *err)
{
    (void)opts;
    s_canned *t = (s_canned *)base;
    if (!req || !resp)
        return qc_error_set(err, QC_ERR_INVALID_ARG, "missing request");
    int rc = QC_OK;
    if (t->record) {
        pthread_mutex_lock(&t->lock);
        rc = s_record_request(&t->last, req);
        t->have_last = rc == QC_OK;
        pthread_mutex_unlock(&t->lock);
        if (rc)
            return qc_error_set(err, rc, "could not copy the request");
    }

    resp->status = 0;
    qc_headers_clean_up(&resp->headers);
    qc_buf_reset(&resp->body);
    if ((rc = s_copy_headers(&resp->headers, &t->headers)) ||
        (rc = s_copy_buf(&resp->body, &t->body)))
        return qc_error_set(err, rc, "could not copy the canned reply");
    resp->status = t->status;
    return QC_OK;
}

/* Frees the canned transport. */
static void s_destroy(qc_transport *base)
{
    s_canned *t = (s_canned *)base;
    s_record_clean_up(&t->last);
    qc_headers_clean_up(&t->headers);
    qc_buf_clean_up(&t->body);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static const qc_transport_vtable s_canned_vtable = {s_send, s_destroy};

/* Parses "Name: value\r\n..." (LF alone also ends a line) into h.
 * Returns QC_OK, QC_ERR_INVALID_ARG for a line without a name, or
 * QC_ERR_NOMEM. */
static int s_parse_headers(qc_headers *h, const char *text)
{
    const char *p = text;
    while (p && *p) {
        const char *eol = strchr(p, '\n');
        const char *end = eol ? eol : p + strlen(p);
        const char *line_end = end;
        if (line_end > p && line_end[-1] == '\r')
            line_end--;
        if (line_end > p) {
            const char *colon = memchr(p, ':', (size_t)(line_end - p));
            if (!colon || colon == p)
                return QC_ERR_INVALID_ARG;
            const char *v = colon + 1;
            while (v < line_end && (*v == ' ' || *v == '\t'))
                v++;
            const char *ve = line_end;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            int rc = qc_headers_add(h, p, (size_t)(colon - p), v,
                                    (size_t)(ve - v));
            if (rc)
                return rc;
        }
        p = eol ? eol + 1 : end;
    }
    return QC_OK;
}

/* Returns QC_OK with a new canned transport in *out (freed with
 * qc_transport_destroy), QC_ERR_INVALID_ARG for malformed headers_crlf,
 * or QC_ERR_NOMEM. headers_crlf and body may be NULL. */
int qc_canned_transport_new(long status, const char *headers_crlf,
                            const char *body, size_t body_len,
                            qc_transport **out)
{
    if (!out)
        return QC_ERR_INVALID_ARG;
    *out = NULL;
    s_canned *t = calloc(1, sizeof(*t));
    if (!t)
        return QC_ERR_NOMEM;
    t->base.vtable = &s_canned_vtable;
    t->status = status;
    t->record = 1;
    qc_headers_init(&t->headers);
    qc_buf_init(&t->body, 0);
    s_record_init(&t->last);
    pthread_mutex_init(&t->lock, NULL);
    int rc = QC_OK;
    if (headers_crlf)
        rc = s_parse_headers(&t->headers, headers_crlf);
    if (!rc && body && body_len)
        rc = qc_buf_append(&t->body, body, body_len);
    if (rc) {
        s_destroy(&t->base);
        return rc;
    }
    *out = &t->base;
    return QC_OK;
}

void qc_canned_transport_set_record(qc_transport *base, int record)
{
    if (base && base->vtable == &s_canned_vtable)
        ((s_canned *)base)->record = record != 0;
}

/* Copies the last request t saw into out (initialised here; the caller
 * cleans it up). Returns QC_OK, QC_ERR_INVALID_ARG when t is not a canned
 * transport or has seen no request yet, or QC_ERR_NOMEM. */
int qc_canned_transport_last_request(qc_transport *base, qc_http_request *out)
{
    if (!base || base->vtable != &s_canned_vtable || !out)
        return QC_ERR_INVALID_ARG;
    s_canned *t = (s_canned *)base;
    pthread_mutex_lock(&t->lock);
    int rc = QC_ERR_INVALID_ARG;
    if (t->have_last)
        rc = s_record_copy(out, &t->last);
    pthread_mutex_unlock(&t->lock);
    if (rc == QC_ERR_INVALID_ARG)
        qc_http_request_init(out);
    return rc;
}

/* Sends req through t's vtable; returns its result. */
int qc_transport_send(qc_transport *t, const qc_http_request *req,
                      const qc_send_options *opts, qc_http_response *resp,
                      qc_error *err)
{
    if (!t || !t->vtable || !t->vtable->send)
        return qc_error_set(err, QC_ERR_INVALID_ARG, "no transport");
    return t->vtable->send(t, req, opts, resp, err);
}

/* Destroys t through its vtable; NULL is ignored. */
void qc_transport_destroy(qc_transport *t)
{
    if (t && t->vtable && t->vtable->destroy)
        t->vtable->destroy(t);
}
