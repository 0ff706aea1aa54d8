/*
 * client.c — the client and the whole flow of one call:
 *
 *   idempotency token -> endpoint -> validate -> serialize -> sign -> send
 *   -> parse
 *
 * in the order botocore's BaseClient._make_api_call runs them. Each stage
 * lives in its own file; this one only drives them.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "endpoint.h"
#include "http.h"
#include "model.h"
#include "pipeline.h"
#include "retry.h"
#include "sigv4.h"

/* One set of credentials, never changed once made: a call takes a
 * reference under the client's lock and signs without holding it. The
 * three strings live in data, NUL-terminated. */
typedef struct s_creds {
    atomic_uint refs;
    uint64_t generation;   /* the client's count of set_credentials calls:
                              the signer caches the key under it */
    size_t ak_len, sk_len, tk_len;
    const char *ak, *sk, *tk;
    size_t size;           /* bytes allocated, for the wipe */
    char data[];
} s_creds;

/* Drops a reference to k (NULL is ignored); the last one wipes and frees
 * it. */
static void s_creds_release(s_creds *k)
{
    if (k && atomic_fetch_sub_explicit(&k->refs, 1, memory_order_acq_rel) ==
                 1) {
        qc_secure_zero(k, k->size);
        free(k);
    }
}

struct qc_client {
    const qc_model *model;
    qc_endpoint_setup ep;    /* region, meta URL, signing scope */
    char *endpoint_url;      /* resolved URL, "" when resolution failed */
    char *endpoint_error;    /* rule-set error text, or NULL */
    char *scheme;            /* "https" */
    char *host;              /* host[:port] for the Host header */
    char *base_path;         /* endpoint path without trailing '/', or "" */
    char *user_agent;        /* may be NULL */
    long connect_timeout_ms;
    long read_timeout_ms;
    int max_attempts;
    qc_retry_policy retry;   /* mode, quota, rate limiter (retry.c) */
    int retry_ready;
    qc_transport *transport;
    qc_signer *signer;
    qc_random_fn random;
    void *random_ctx;
    pthread_mutex_t cred_lock;
    s_creds *creds;          /* guarded by cred_lock; NULL = none set */
    uint64_t cred_generation; /* guarded by cred_lock */
    int unsigned_requests;   /* signature_version=UNSIGNED */
};

void qc_client_options_init(qc_client_options *o)
{
    memset(o, 0, sizeof(*o));
    o->verify_ssl = 1;
    o->use_ssl = 1;
}

void qc_call_options_init(qc_call_options *co)
{
    memset(co, 0, sizeof(*co));
    co->validate = 1;
}

void qc_call_result_init(qc_call_result *r)
{
    memset(r, 0, sizeof(*r));
    qc_error_init(&r->err);
}

void qc_call_result_clean_up(qc_call_result *r)
{
    qc_arena_destroy(r->arena);
    qc_error_clean_up(&r->err);
    memset(r, 0, sizeof(*r));
}

/* Returns a malloc'd copy of s (NULL stays NULL); *fail set on OOM. */
static char *s_strdup(const char *s, int *fail)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (!p) {
        *fail = 1;
        return NULL;
    }
    memcpy(p, s, n + 1);
    return p;
}

/* Splits an endpoint URL into scheme, host[:port] (default ports dropped,
 * as http.client and botocore's signer do) and base path. */
static int s_split_url(qc_client *c, const char *url, qc_error *err)
{
    const char *sep = strstr(url, "://");
    if (!sep || sep == url)
        return qc_error_set(err, QC_ERR_INVALID_ARG,
                            "Invalid endpoint: %s", url);
    size_t slen = (size_t)(sep - url);
    const char *h = sep + 3;
    size_t hlen = strcspn(h, "/?#");
    if (hlen == 0)
        return qc_error_set(err, QC_ERR_INVALID_ARG,
                            "Invalid endpoint: %s", url);
    const char *path = h + hlen;
    size_t plen = strcspn(path, "?#");
    while (plen > 0 && path[plen - 1] == '/')
        plen--;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return qc_error_set(err, QC_ERR_INVALID_ARG,
                                "Invalid endpoint: %s", url);
    c->scheme = malloc(slen + 1);
    c->host = malloc(hlen + 1);
    c->base_path = malloc(plen + 1);
    if (!c->scheme || !c->host || !c->base_path)
        return qc_error_set(err, QC_ERR_NOMEM, NULL);
    for (size_t i = 0; i < slen; i++)
        c->scheme[i] = (char)(url[i] >= 'A' && url[i] <= 'Z' ? url[i] + 32
                                                             : url[i]);
    c->scheme[slen] = '\0';
    memcpy(c->host, h, hlen);
    c->host[hlen] = '\0';
    /* Drop a default port. */
    char *colon = strrchr(c->host, ':');
    if (colon && !strchr(colon, ']')) {
        if ((strcmp(c->scheme, "https") == 0 && strcmp(colon, ":443") == 0) ||
            (strcmp(c->scheme, "http") == 0 && strcmp(colon, ":80") == 0))
            *colon = '\0';
    }
    memcpy(c->base_path, path, plen);
    c->base_path[plen] = '\0';
    return QC_OK;
}

int qc_client_new(const qc_client_options *opts, qc_client **out,
                  qc_error *err)
{
    *out = NULL;
    if (!opts)
        return qc_error_set(err, QC_ERR_INVALID_ARG, "options are required");
    qc_client *c = calloc(1, sizeof(*c));
    if (!c)
        return qc_error_set(err, QC_ERR_NOMEM, NULL);
    int rc = QC_OK, fail = 0;
    c->model = &qc_model_qconnect;
    pthread_mutex_init(&c->cred_lock, NULL);
    c->user_agent = s_strdup(opts->user_agent, &fail);
    if (fail) {
        rc = qc_error_set(err, QC_ERR_NOMEM, NULL);
        goto error;
    }
    c->connect_timeout_ms =
        opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 60000;
    c->read_timeout_ms = opts->read_timeout_ms > 0 ? opts->read_timeout_ms
                                                   : 60000;
    qc_retry_policy_init(&c->retry, opts->retry_mode, opts->max_attempts,
                         opts->total_timeout_ms);
    c->retry_ready = 1;
    c->max_attempts = c->retry.max_attempts;
    c->random = opts->random;
    c->random_ctx = opts->random_ctx;
    c->unsigned_requests = opts->unsigned_requests ? 1 : 0;

    /* Region and endpoint, in the order of botocore's client creation. */
    qc_endpoint_config ecfg = {opts->region, opts->endpoint_url,
                               opts->use_fips_endpoint ? 1 : 0,
                               opts->use_dualstack_endpoint ? 1 : 0,
                               opts->use_ssl ? 1 : 0};
    int failure = QC_EP_FAIL_NONE;
    rc = qc_endpoint_setup_init(&c->ep, &ecfg, &failure, err);
    if (rc) {
        static const int codes[] = {
            [QC_EP_FAIL_NONE] = QC_ERR_ENDPOINT,
            [QC_EP_FAIL_INVALID_REGION] = QC_ERR_INVALID_REGION,
            [QC_EP_FAIL_NO_REGION] = QC_ERR_NO_REGION,
            [QC_EP_FAIL_VARIANT] = QC_ERR_ENDPOINT_VARIANT,
            [QC_EP_FAIL_INVALID_ENDPOINT] = QC_ERR_INVALID_ENDPOINT};
        if (rc != QC_ERR_NOMEM && failure >= 0 &&
            failure <= QC_EP_FAIL_INVALID_ENDPOINT) {
            rc = codes[failure];
            if (err)
                err->code = rc;
        }
        goto error;
    }
    /* The URL calls go to: resolved now; a rule-set error is reported by
     * each call, as botocore does. */
    qc_buf url;
    qc_buf_init(&url, 1 << 16);
    qc_error eperr;
    qc_error_init(&eperr);
    rc = qc_endpoint_setup_resolve(&c->ep, &url, &eperr);
    if (rc == QC_ERR_ENDPOINT) {
        c->endpoint_error = s_strdup(qc_error_text(&eperr), &fail);
        c->endpoint_url = s_strdup("", &fail);
        rc = fail ? QC_ERR_NOMEM : QC_OK;
    } else if (rc == QC_OK) {
        rc = qc_buf_detach(&url, &c->endpoint_url, NULL);
        if (!rc)
            rc = s_split_url(c, c->endpoint_url, err);
    } else {
        qc_error_set(err, rc, "%s", qc_error_text(&eperr));
    }
    qc_buf_clean_up(&url);
    qc_error_clean_up(&eperr);
    if (rc) {
        if (rc == QC_ERR_NOMEM)
            qc_error_set(err, rc, NULL);
        goto error;
    }

    c->signer = qc_signer_new();
    if (!c->signer) {
        rc = qc_error_set(err, QC_ERR_NOMEM, NULL);
        goto error;
    }
    if (opts->transport) {
        c->transport = opts->transport;
    } else {
        qc_curl_transport_options to;
        memset(&to, 0, sizeof(to));
        to.max_connections = opts->max_pool_connections;
        to.verify_ssl = opts->verify_ssl;
        to.ca_bundle = opts->ca_bundle;
        to.tcp_keepalive = opts->tcp_keepalive;
        to.user_agent = NULL; /* the client sets the header itself */
        to.proxy_http = opts->proxy_http;
        to.proxy_https = opts->proxy_https;
        to.no_proxy = opts->no_proxy;
        rc = qc_curl_transport_new(&to, &c->transport, err);
        if (rc)
            goto error;
    }
    *out = c;
    return QC_OK;
error:
    c->transport = NULL; /* not ours on failure */
    qc_client_destroy(c);
    return rc;
}

void qc_client_destroy(qc_client *c)
{
    if (!c)
        return;
    if (c->transport)
        qc_transport_destroy(c->transport);
    qc_signer_destroy(c->signer);
    qc_endpoint_setup_clean_up(&c->ep);
    free(c->endpoint_url);
    free(c->endpoint_error);
    free(c->scheme);
    free(c->host);
    free(c->base_path);
    free(c->user_agent);
    s_creds_release(c->creds);
    pthread_mutex_destroy(&c->cred_lock);
    if (c->retry_ready)
        qc_retry_policy_clean_up(&c->retry);
    free(c);
}

const char *qc_client_endpoint_url(const qc_client *c)
{
    return c->endpoint_url ? c->endpoint_url : "";
}

const char *qc_client_meta_endpoint_url(const qc_client *c)
{
    return c->ep.meta_url ? c->ep.meta_url : qc_client_endpoint_url(c);
}

const char *qc_client_region(const qc_client *c)
{
    return c->ep.region;
}

int qc_client_fips_from_region(const qc_client *c)
{
    return c->ep.fips_from_region;
}

int qc_client_set_credentials(qc_client *c, const char *access_key,
                              size_t access_key_len, const char *secret_key,
                              size_t secret_key_len, const char *token,
                              size_t token_len)
{
    if (!c || !access_key || !secret_key)
        return QC_ERR_INVALID_ARG;
    if (!token)
        token_len = 0;
    if (access_key_len > 4096 || secret_key_len > 4096 ||
        token_len > ((size_t)1 << 20))
        return QC_ERR_LIMIT;
    size_t size = sizeof(s_creds) + access_key_len + secret_key_len +
                  token_len + 3;
    s_creds *k = malloc(size);
    if (!k)
        return QC_ERR_NOMEM;
    memset(k, 0, sizeof(*k));
    atomic_init(&k->refs, 1);
    k->size = size;
    char *w = k->data;
    k->ak = w;
    k->ak_len = access_key_len;
    memcpy(w, access_key, access_key_len);
    w += access_key_len;
    *w++ = '\0';
    k->sk = w;
    k->sk_len = secret_key_len;
    memcpy(w, secret_key, secret_key_len);
    w += secret_key_len;
    *w++ = '\0';
    k->tk = w;
    k->tk_len = token_len;
    if (token_len)
        memcpy(w, token, token_len);
    w[token_len] = '\0';
    pthread_mutex_lock(&c->cred_lock);
    s_creds *old = c->creds;
    k->generation = ++c->cred_generation;
    c->creds = k;
    pthread_mutex_unlock(&c->cred_lock);
    s_creds_release(old);
    return QC_OK;
}

/* Returns a new reference to the client's current credentials (released
 * with s_creds_release), or NULL when none are set. */
static s_creds *s_creds_get(qc_client *c)
{
    pthread_mutex_lock(&c->cred_lock);
    s_creds *k = c->creds;
    if (k)
        atomic_fetch_add_explicit(&k->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&c->cred_lock);
    return k;
}

/* Writes a random UUID4 (36 chars + NUL) into out. */
static int s_uuid4(qc_client *c, char out[37])
{
    unsigned char r[16];
    int bad = c->random ? c->random(c->random_ctx, r, sizeof r)
                        : qc_random_bytes(r, sizeof r);
    if (bad)
        return QC_ERR_INTERNAL;
    r[6] = (unsigned char)((r[6] & 0x0F) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3F) | 0x80);
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[r[i] >> 4];
        out[o++] = hex[r[i] & 15];
    }
    out[o] = '\0';
    return QC_OK;
}

/* Builds the request for one attempt: target, serialized params and the
 * User-Agent. */
static int s_build_request(qc_client *c, const qc_operation *op,
                           const qc_value *params, const qc_cursor *token,
                           qc_http_request *req, qc_error *err)
{
    int rc;
    if ((rc = qc_buf_append_str(&req->scheme, c->scheme)) ||
        (rc = qc_buf_append_str(&req->host, c->host)) ||
        (rc = qc_buf_append_str(&req->path, c->base_path)))
        return qc_error_set(err, rc, NULL);
    rc = qc_serialize(c->model, op, params, token, req, err);
    if (rc) {
        if (!err || !err->message)
            qc_error_set(err, rc, "%s", qc_strerror(rc));
        return rc;
    }
    if (c->user_agent &&
        (rc = qc_headers_add(&req->headers, "User-Agent", 10, c->user_agent,
                             strlen(c->user_agent))))
        return qc_error_set(err, rc, "invalid user agent");
    return QC_OK;
}

/* Returns the URL of req (as qc_http_request_url writes it) in arena a, or
 * NULL when out of memory. */
static const char *s_request_url(const qc_http_request *req, qc_arena *a)
{
    size_t path = req->path.len ? req->path.len : 1;
    size_t n = req->scheme.len + 3 + req->host.len + path +
               (req->query.len ? 1 + req->query.len : 0);
    char *u = qc_arena_alloc(a, n + 1), *w = u;
    if (!u)
        return NULL;
    memcpy(w, req->scheme.data, req->scheme.len);
    w += req->scheme.len;
    memcpy(w, "://", 3);
    w += 3;
    memcpy(w, req->host.data, req->host.len);
    w += req->host.len;
    if (req->path.len)
        memcpy(w, req->path.data, req->path.len);
    else
        *w = '/';
    w += path;
    if (req->query.len) {
        *w++ = '?';
        memcpy(w, req->query.data, req->query.len);
        w += req->query.len;
    }
    *w = '\0';
    return u;
}

/* Adds the headers botocore adds after signing (unsigned): the call's
 * invocation id and amz-sdk-request ("[ttl=...; ]attempt=N[; max=M]"). */
static int s_add_retry_headers(qc_http_request *req, const char *invocation_id,
                               const qc_retry_call *rcall, int attempt,
                               qc_error *err)
{
    qc_buf v;
    qc_buf_init(&v, 256);
    int rc = qc_retry_sdk_request(rcall, attempt, &v);
    if (!rc)
        rc = qc_headers_add(&req->headers, "amz-sdk-invocation-id", 21,
                            invocation_id, 36);
    if (!rc)
        rc = qc_headers_add(&req->headers, "amz-sdk-request", 15, v.data,
                            v.len);
    qc_buf_clean_up(&v);
    if (rc)
        return qc_error_set(err, rc, NULL);
    return QC_OK;
}

/* Signs req with the client's credentials at time now (or leaves it
 * unsigned on an UNSIGNED client). */
static int s_sign(qc_client *c, qc_http_request *req, int64_t now,
                  qc_error *err)
{
    if (c->unsigned_requests)
        return QC_OK;
    s_creds *k = s_creds_get(c);
    if (!k)
        return qc_error_set(err, QC_ERR_NO_CREDENTIALS,
                            "Unable to locate credentials");
    qc_credentials cred;
    cred.access_key = qc_cursor_from(k->ak, k->ak_len);
    cred.secret_key = qc_cursor_from(k->sk, k->sk_len);
    cred.session_token = qc_cursor_from(k->tk, k->tk_len);
    qc_sigv4_params p;
    memset(&p, 0, sizeof(p));
    p.region = c->ep.signing_region ? c->ep.signing_region : c->ep.region;
    p.service = c->ep.signing_name ? c->ep.signing_name
                                   : c->model->signing_name;
    p.now_sec = now;
    p.normalize_path = 1;
    p.sign_body = 0;
    int rc = qc_sigv4_sign_request_keyed(c->signer, k->generation, req, &cred,
                                         &p, err);
    s_creds_release(k);
    return rc;
}

/* The transport's abort check during one call: the caller's should_abort
 * plus the call's overall deadline (total_timeout). */
typedef struct s_abort_ctx {
    qc_abort_fn user;
    void *user_ctx;
    int64_t deadline_ms; /* monotonic; 0 = none */
    int deadline_hit;
} s_abort_ctx;

/* qc_abort_fn: returns 1 once the deadline has passed (noting it) or when
 * the caller's should_abort says stop. */
static int s_abort_check(void *ctx)
{
    s_abort_ctx *a = ctx;
    if (a->deadline_ms > 0 && qc_retry_now_ms() >= a->deadline_ms) {
        a->deadline_hit = 1;
        return 1;
    }
    return a->user ? a->user(a->user_ctx) : 0;
}

/* Writes a uniform random number in [0, 1) into *out, as random.random().
 * Returns QC_OK or QC_ERR_INTERNAL (no random bytes). */
static int s_random_unit(qc_client *c, double *out)
{
    unsigned char r[8];
    int bad = c->random ? c->random(c->random_ctx, r, sizeof r)
                        : qc_random_bytes(r, sizeof r);
    if (bad)
        return QC_ERR_INTERNAL;
    uint64_t u = 0;
    for (size_t i = 0; i < sizeof r; i++)
        u = (u << 8) | r[i];
    *out = (double)(u >> 11) * (1.0 / 9007199254740992.0);
    return QC_OK;
}

/* Waits until adaptive mode's rate limiter lets a request go (before-send).
 * Returns QC_OK, QC_ERR_INTERRUPTED, or QC_ERR_READ_TIMEOUT when the call's
 * deadline comes first; err is set on failure. */
static int s_rate_limit(qc_client *c, const qc_call_options *co,
                        int64_t deadline, qc_error *err)
{
    if (c->retry.mode != QC_RETRY_ADAPTIVE || c->retry.backoff_scale == 0.0)
        return QC_OK;
    for (;;) {
        double wait = qc_rate_limiter_acquire(&c->retry.limiter,
                                              qc_retry_wall_time());
        if (!(wait > 0.0))
            return QC_OK;
        if (deadline > 0 && qc_retry_now_ms() >= deadline)
            return qc_error_set(err, QC_ERR_READ_TIMEOUT,
                                "total_timeout of %ld ms reached while "
                                "waiting for the client-side rate limiter",
                                c->retry.total_timeout_ms);
        if (qc_retry_sleep(wait < 0.05 ? wait : 0.05, deadline,
                           co->should_abort, co->abort_ctx))
            return qc_error_set(err, QC_ERR_INTERRUPTED,
                                "interrupted while waiting for the "
                                "client-side rate limiter");
    }
}

/* Everything one attempt needs that stays the same across attempts. */
typedef struct s_call_ctx {
    qc_client *c;
    const qc_operation *op;
    const qc_value *params;
    const qc_cursor *token;
    const qc_call_options *co;
    s_abort_ctx abort;
    char invocation_id[37];
    qc_retry_call rcall;
} s_call_ctx;

/* Makes attempt number `attempt`: builds the request anew (same body and
 * token), signs it, sends it and parses the reply into result. resp keeps
 * the raw reply for the retry decision. Returns QC_OK / QC_ERR_SERVICE (a
 * reply was parsed) or an error code, result->err set. */
static int s_attempt(s_call_ctx *x, int attempt, qc_call_result *result,
                     qc_http_response *resp)
{
    qc_client *c = x->c;
    qc_http_request req;
    qc_http_request_init(&req);
    qc_http_response_clean_up(resp);
    qc_http_response_init(resp);
    int rc = s_build_request(c, x->op, x->params, x->token, &req,
                             &result->err);
    if (!rc && !result->url)
        result->url = s_request_url(&req, result->arena);
    if (!rc)
        rc = s_sign(c, &req,
                    x->co->now_sec ? x->co->now_sec : (int64_t)time(NULL),
                    &result->err);
    if (!rc)
        rc = s_add_retry_headers(&req, x->invocation_id, &x->rcall, attempt,
                                 &result->err);
    /* before-send: adaptive mode's rate limiter, after signing. */
    if (!rc)
        rc = s_rate_limit(c, x->co, x->abort.deadline_ms, &result->err);
    if (!rc) {
        qc_send_options so;
        so.connect_timeout_ms = c->connect_timeout_ms;
        so.read_timeout_ms = c->read_timeout_ms;
        so.should_abort = (x->abort.deadline_ms || x->abort.user)
                              ? s_abort_check
                              : NULL;
        so.abort_ctx = &x->abort;
        if (x->abort.deadline_ms) {
            /* No attempt may outlive the call's deadline. */
            long left = (long)(x->abort.deadline_ms - qc_retry_now_ms());
            if (left < 1)
                left = 1;
            if (so.connect_timeout_ms > left)
                so.connect_timeout_ms = left;
            if (so.read_timeout_ms > left)
                so.read_timeout_ms = left;
        }
        x->abort.deadline_hit = 0;
        rc = qc_transport_send(c->transport, &req, &so, resp, &result->err);
        if (rc == QC_ERR_INTERRUPTED && x->abort.deadline_hit)
            rc = qc_error_set(&result->err, QC_ERR_READ_TIMEOUT,
                              "total_timeout of %ld ms reached",
                              c->retry.total_timeout_ms);
    }
    if (!rc) {
        result->status = resp->status;
        rc = qc_parse_response_depth(c->model, x->op, resp, attempt - 1,
                                     result->arena, &result->response,
                                     &result->error_code, &result->err,
                                     x->co->json_depth_limit);
        if (rc == QC_ERR_SERVICE && !result->err.message)
            qc_error_set(&result->err, rc, "%s",
                         result->error_code ? result->error_code : "");
    }
    qc_http_request_clean_up(&req);
    return rc;
}

/* Fills o from the outcome of an attempt kept in result. */
static void s_outcome(int rc, const qc_call_result *result,
                      qc_retry_outcome *o)
{
    memset(o, 0, sizeof(*o));
    o->rc = rc;
    if (rc != QC_OK && rc != QC_ERR_SERVICE)
        return;
    o->status = result->status;
    const qc_value *e = qc_value_map_get(&result->response, "Error", 5);
    const qc_value *code = e && e->type == QC_VAL_MAP
                               ? qc_value_map_get(e, "Code", 4)
                               : NULL;
    if (code && code->type == QC_VAL_STRING) {
        o->error_code = code->u.s.ptr;
        o->error_code_len = code->u.s.len;
    }
}

/* Updates the call's ttl from the reply's Date header (Endpoint._set_ttl);
 * several Date headers join into text that never parses, so none counts. */
static void s_note_date(s_call_ctx *x, const qc_http_response *resp)
{
    const qc_header *date = NULL;
    for (size_t i = 0; i < resp->headers.len; i++) {
        const qc_header *h = &resp->headers.items[i];
        if (h->name_len == 4 && strncasecmp(h->name, "Date", 4) == 0) {
            if (date)
                return;
            date = h;
        }
    }
    if (date)
        qc_retry_call_set_ttl(&x->rcall, date->value, date->value_len,
                              x->c->read_timeout_ms);
}

/* Forgets the outcome of the previous attempt (its arena data stays). */
static void s_result_reset(qc_call_result *result)
{
    memset(&result->response, 0, sizeof(result->response));
    result->status = 0;
    result->error_code = NULL;
    qc_error_clean_up(&result->err);
    qc_error_init(&result->err);
}

int qc_client_call(qc_client *c, const qc_operation *op,
                   const qc_value *params, const qc_call_options *co,
                   qc_call_result *result)
{
    qc_call_options dflt;
    if (!co) {
        qc_call_options_init(&dflt);
        co = &dflt;
    }
    qc_call_result_init(result);
    result->arena = qc_arena_new();
    if (!result->arena)
        return qc_error_set(&result->err, QC_ERR_NOMEM, NULL);
    if (!c || !op || !params)
        return qc_error_set(&result->err, QC_ERR_INVALID_ARG,
                            "client, operation and params are required");
    qc_retry_policy *pol = &c->retry;
    int64_t deadline = pol->total_timeout_ms > 0
                           ? qc_retry_now_ms() + pol->total_timeout_ms
                           : 0;

    /* 1. The idempotency token, generated once per call (before-parameter-
     * build), so every attempt carries the same one. */
    char token_text[37];
    qc_cursor token = {NULL, 0};
    const qc_cursor *tokp = NULL;
    if (op->token_member != 0xFFFF && op->input != QC_NO_SHAPE) {
        const qc_member *tm =
            qc_shape_member(c->model, &c->model->shapes[op->input],
                            op->token_member);
        if (!qc_value_map_get(params, tm->name, tm->name_len)) {
            if (s_uuid4(c, token_text))
                return qc_error_set(&result->err, QC_ERR_INTERNAL,
                                    "no random bytes for the idempotency "
                                    "token");
            token = qc_cursor_from(token_text, 36);
            tokp = &token;
        }
    }

    /* 2. The endpoint. */
    if (c->endpoint_error)
        return qc_error_set(&result->err, QC_ERR_ENDPOINT, "%s",
                            c->endpoint_error);

    /* 3. Validation. */
    int rc;
    if (co->validate && op->input != QC_NO_SHAPE) {
        rc = qc_validate(c->model, &c->model->shapes[op->input], params, co,
                         result->arena, &result->err);
        if (rc)
            return rc;
    }

    /* 4-7. Serialize, sign, send, parse; then the needs-retry handlers
     * decide on another attempt (Endpoint._send_request). Every attempt is
     * built and signed anew with the same token and invocation id. */
    s_call_ctx x;
    memset(&x, 0, sizeof(x));
    x.c = c;
    x.op = op;
    x.params = params;
    x.token = tokp;
    x.co = co;
    x.abort.user = co->should_abort;
    x.abort.user_ctx = co->abort_ctx;
    x.abort.deadline_ms = deadline;
    qc_retry_call_init(&x.rcall);
    if (s_uuid4(c, x.invocation_id))
        return qc_error_set(&result->err, QC_ERR_INTERNAL, "no random bytes");

    qc_http_response resp;
    qc_http_response_init(&resp);
    int attempt = 1;
    rc = s_attempt(&x, attempt, result, &resp);
    while (qc_retry_reaches_handlers(rc)) {
        qc_retry_outcome o;
        s_outcome(rc, result, &o);
        int reply = rc == QC_OK || rc == QC_ERR_SERVICE;
        if (pol->mode == QC_RETRY_ADAPTIVE)
            qc_rate_limiter_update(&pol->limiter, qc_retry_wall_time(),
                                   qc_retry_is_throttling(&o));
        /* The delay is linear in the random number: decide with 1.0, draw
         * the number only when a retry follows. */
        qc_retry_decision d;
        qc_retry_decide(pol, &x.rcall, attempt, &o, 1.0, &d);
        if (reply && (d.max_attempts_reached || d.quota_reached) &&
            qc_retry_mark_response(result->arena, &result->response,
                                   d.max_attempts_reached, d.quota_reached)) {
            rc = qc_error_set(&result->err, QC_ERR_NOMEM, NULL);
            break;
        }
        if (!d.retry)
            break;
        double r01;
        if (s_random_unit(c, &r01)) {
            qc_retry_quota_release(&pol->quota, d.cost);
            rc = qc_error_set(&result->err, QC_ERR_INTERNAL,
                              "no random bytes for the retry backoff");
            break;
        }
        double delay = d.delay * r01 * pol->backoff_scale;
        if (deadline > 0 &&
            (double)qc_retry_now_ms() + delay * 1000.0 >= (double)deadline) {
            /* total_timeout: no time left for the backoff and another
             * attempt; the call ends with this attempt's outcome. */
            qc_retry_quota_release(&pol->quota, d.cost);
            break;
        }
        if (reply)
            s_note_date(&x, &resp);
        if (qc_retry_sleep(delay, 0, co->should_abort, co->abort_ctx)) {
            rc = qc_error_set(&result->err, QC_ERR_INTERRUPTED,
                              "interrupted while waiting to retry");
            break;
        }
        s_result_reset(result);
        attempt++;
        rc = s_attempt(&x, attempt, result, &resp);
    }
    if (rc == QC_OK || rc == QC_ERR_SERVICE)
        qc_retry_after_call(pol, &x.rcall, result->status);
    result->attempts = attempt;
    qc_http_response_clean_up(&resp);
    if (rc && !result->err.code)
        result->err.code = rc;
    return rc;
}

void qc_upload_result_init(qc_upload_result *r)
{
    memset(r, 0, sizeof(*r));
    qc_error_init(&r->err);
}

void qc_upload_result_clean_up(qc_upload_result *r)
{
    free(r->headers);
    free(r->body);
    qc_error_clean_up(&r->err);
    memset(r, 0, sizeof(*r));
}

int qc_client_upload_file(qc_client *c, const char *url,
                          const char *const *headers, size_t n_headers,
                          const char *path, const qc_call_options *co,
                          qc_progress_fn progress, void *progress_ctx,
                          qc_upload_result *result)
{
    qc_upload_result_init(result);
    if (!c || !url || !path || (n_headers && !headers))
        return qc_error_set(&result->err, QC_ERR_INVALID_ARG,
                            "client, url and path are required");
    qc_headers h;
    qc_headers_init(&h);
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_buf hdr_text;
    qc_buf_init(&hdr_text, 0);
    int rc = QC_OK;
    for (size_t i = 0; i < n_headers && !rc; i++) {
        const char *n = headers[2 * i], *v = headers[2 * i + 1];
        if (!n || !v)
            rc = QC_ERR_INVALID_ARG;
        else
            rc = qc_headers_add(&h, n, strlen(n), v, strlen(v));
        if (rc == QC_ERR_INVALID_ARG)
            qc_error_set(&result->err, rc,
                         "invalid upload header %s (empty name, or a line "
                         "break in it)",
                         n ? n : "(null)");
    }
    if (!rc && c->user_agent && !qc_headers_get(&h, "User-Agent", 10))
        rc = qc_headers_add(&h, "User-Agent", 10, c->user_agent,
                            strlen(c->user_agent));
    if (!rc) {
        qc_send_options so;
        so.connect_timeout_ms = c->connect_timeout_ms;
        so.read_timeout_ms = c->read_timeout_ms;
        so.should_abort = co ? co->should_abort : NULL;
        so.abort_ctx = co ? co->abort_ctx : NULL;
        rc = qc_transport_put_file(c->transport, url, &h, path, &so, &resp,
                                   &result->err, progress, progress_ctx);
    }
    if (!rc) {
        result->status = resp.status;
        for (size_t i = 0; i < resp.headers.len && !rc; i++) {
            const qc_header *x = &resp.headers.items[i];
            if (i)
                rc = qc_buf_append(&hdr_text, "\r\n", 2);
            if (!rc && !(rc = qc_buf_append(&hdr_text, x->name, x->name_len)) &&
                !(rc = qc_buf_append(&hdr_text, ": ", 2)))
                rc = qc_buf_append(&hdr_text, x->value, x->value_len);
        }
        if (!rc)
            rc = qc_buf_detach(&hdr_text, &result->headers, NULL);
        if (!rc)
            rc = qc_buf_detach(&resp.body, &result->body, &result->body_len);
        if (rc)
            qc_error_set(&result->err, rc, NULL);
    }
    if (rc && !result->err.code)
        result->err.code = rc;
    qc_buf_clean_up(&hdr_text);
    qc_headers_clean_up(&h);
    qc_http_response_clean_up(&resp);
    return rc;
}
