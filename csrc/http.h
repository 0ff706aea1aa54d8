/*
 * http.h — the plain HTTP request/response the pipeline passes between
 * stages ("not tied to a particular HTTP library"), and the transport
 * interface. transport_curl.c is the only file that includes curl.h.
 */
#ifndef QC_HTTP_H
#define QC_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "qc.h"

typedef struct qc_header {
    char *name;  /* NUL-terminated, in the list's text storage, followed
                    by the value */
    size_t name_len;
    char *value; /* NUL-terminated, right after name */
    size_t value_len;
} qc_header;

typedef struct qc_text_chunk qc_text_chunk; /* http.c */

typedef struct qc_headers {
    qc_header *items;
    size_t len;
    size_t cap;
    qc_text_chunk *text; /* "name\0value\0" of every header added, in
                            chunks freed together by qc_headers_clean_up */
} qc_headers;

void qc_headers_init(qc_headers *h);
void qc_headers_clean_up(qc_headers *h);
/* Appends a copy of (name, value). Refuses (QC_ERR_INVALID_ARG) a name or
 * value containing CR, LF or NUL, so no caller string can split a header. */
int qc_headers_add(qc_headers *h, const char *name, size_t name_len,
                   const char *value, size_t value_len) QC_WARN_UNUSED;
/* Replaces the first header named name (case-insensitive) or appends. */
int qc_headers_set(qc_headers *h, const char *name, size_t name_len,
                   const char *value, size_t value_len) QC_WARN_UNUSED;
/* Removes every header named name (case-insensitive), keeping the order
 * of the rest. */
void qc_headers_remove(qc_headers *h, const char *name, size_t name_len);
/* Returns the first header named name (case-insensitive), or NULL. */
const qc_header *qc_headers_get(const qc_headers *h, const char *name,
                                size_t name_len);

typedef struct qc_http_request {
    const char *method; /* static string, e.g. "POST" */
    qc_buf scheme;      /* "https" */
    qc_buf host;        /* host[:port] as in the Host header */
    qc_buf path;        /* percent-encoded path, e.g. "/knowledgeBases/x" */
    qc_buf query;       /* encoded query string without '?', may be empty */
    qc_headers headers; /* in sending order; Host is not among them */
    qc_buf body;
} qc_http_request;

void qc_http_request_init(qc_http_request *r);
void qc_http_request_clean_up(qc_http_request *r);
/* Writes scheme://host path[?query] into out. */
int qc_http_request_url(const qc_http_request *r, qc_buf *out) QC_WARN_UNUSED;

typedef struct qc_http_response {
    long status;
    qc_headers headers; /* names as received (the parser lower-cases) */
    qc_buf body;
} qc_http_response;

void qc_http_response_init(qc_http_response *r);
void qc_http_response_clean_up(qc_http_response *r);

typedef struct qc_send_options {
    long connect_timeout_ms;
    long read_timeout_ms;
    qc_abort_fn should_abort; /* polled at least every 50 ms; may be NULL */
    void *abort_ctx;
} qc_send_options;

/* A transport sends one request and fills the response. Implementations:
 * transport_curl.c (libcurl) and canned transports for tests/benchmarks.
 * send returns QC_OK when a complete reply was received (any status), or
 * QC_ERR_CONNECT / _CONNECT_TIMEOUT / _READ_TIMEOUT / _CONNECTION_CLOSED /
 * _SSL / _PROXY / _HTTP / _INTERRUPTED / _NOMEM with detail in err. It must
 * be safe to call send from several threads at once. */
typedef struct qc_transport_vtable {
    int (*send)(qc_transport *t, const qc_http_request *req,
                const qc_send_options *opts, qc_http_response *resp,
                qc_error *err);
    void (*destroy)(qc_transport *t);
} qc_transport_vtable;

struct qc_transport {
    const qc_transport_vtable *vtable;
};

typedef struct qc_curl_transport_options {
    unsigned max_connections;  /* pool size; 0 = 10 */
    int verify_ssl;            /* 1 = verify peer and host */
    const char *ca_bundle;     /* NULL = system store */
    int tcp_keepalive;
    const char *user_agent;    /* NULL = none added by the transport; no
                                  CR or LF (QC_ERR_INVALID_ARG) */
    const char *proxy_http;
    const char *proxy_https;
    const char *no_proxy;
} qc_curl_transport_options;

/* Returns a libcurl transport in *out (QC_OK) or an error code. Its send
 * empties resp first and caps the body at 256 MiB, or at resp->body.limit
 * when that is lower (QC_ERR_LIMIT). */
int qc_curl_transport_new(const qc_curl_transport_options *opts,
                          qc_transport **out, qc_error *err) QC_WARN_UNUSED;

/* A canned transport: answers every request with the same reply without
 * any I/O, and remembers a copy of the last request it was given
 * (for tests and the per-call overhead benchmark). */
int qc_canned_transport_new(long status, const char *headers_crlf,
                            const char *body, size_t body_len,
                            qc_transport **out) QC_WARN_UNUSED;
/* Copies the last request seen into out (caller cleans up out). */
int qc_canned_transport_last_request(qc_transport *t, qc_http_request *out);
/* record = 0: t keeps no copy of the requests it answers (no
 * last_request; the per-call benchmark's setting); 1 (the default): it
 * does. */
void qc_canned_transport_set_record(qc_transport *t, int record);

/* Sends req through t (t->vtable->send); see qc_transport_vtable. */
int qc_transport_send(qc_transport *t, const qc_http_request *req,
                      const qc_send_options *opts, qc_http_response *resp,
                      qc_error *err);
/* Destroys t (NULL is ignored). */
void qc_transport_destroy(qc_transport *t);

/* HTTP PUT of the file at path, streamed from disk, to url with headers
 * as given (headers may be NULL). progress (may be NULL) is called at most
 * every ~50 ms with the bytes sent so far and once at the end; returning
 * nonzero stops the upload (QC_ERR_CALLBACK). Returns what send returns,
 * or QC_ERR_INVALID_ARG when t is not a libcurl transport or the file
 * cannot be read. */
int qc_transport_put_file(qc_transport *t, const char *url,
                          const qc_headers *headers, const char *path,
                          const qc_send_options *opts, qc_http_response *resp,
                          qc_error *err,
                          int (*progress)(void *ctx, uint64_t sent,
                                          uint64_t total),
                          void *progress_ctx);

#endif /* QC_HTTP_H */
