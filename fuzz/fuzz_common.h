/*
 * fuzz_common.h — helpers shared by the libFuzzer targets: a reader that
 * takes bytes, integers and length-prefixed fields from the fuzz input
 * (never reading past its end), and the reply decoder of the parser
 * targets.
 *
 * Every target defines its entry point as QC_FUZZ_ENTRY(name); built
 * alone it is LLVMFuzzerTestOneInput, and tests/c/test_fuzz_replay.c
 * includes the targets to replay their corpora as C tests.
 */
#ifndef QC_FUZZ_COMMON_H
#define QC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http.h"
#include "model.h"
#include "pipeline.h"
#include "qc.h"
#include "retry.h"

#ifdef QC_FUZZ_REPLAY
#define QC_FUZZ_ENTRY(name) int qc_fuzz_##name(const uint8_t *data, size_t size)
#else
#define QC_FUZZ_ENTRY(name)                                                  \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);            \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

/* A cursor over the fuzz input. */
typedef struct fz_in {
    const uint8_t *p;
    size_t n;
} fz_in;

/* Returns the next byte, or 0 once the input is used up. */
static inline uint8_t fz_u8(fz_in *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

/* Returns the next two bytes as a little-endian number (0 past the end). */
static inline uint16_t fz_u16(fz_in *in)
{
    uint16_t lo = fz_u8(in);
    return (uint16_t)(lo | (uint16_t)(fz_u8(in) << 8));
}

/* Returns the next eight bytes as a little-endian number. */
static inline uint64_t fz_u64(fz_in *in)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)fz_u8(in) << (8 * i);
    return v;
}

/* Takes up to want bytes; returns a pointer into the input (*len set). */
static inline const char *fz_bytes(fz_in *in, size_t want, size_t *len)
{
    if (want > in->n)
        want = in->n;
    const char *p = (const char *)in->p;
    in->p += want;
    in->n -= want;
    *len = want;
    return p;
}

/* Takes a field of length given by the next byte (0..255). */
static inline const char *fz_field(fz_in *in, size_t *len)
{
    return fz_bytes(in, fz_u8(in), len);
}

/* Takes everything that is left. */
static inline const char *fz_rest(fz_in *in, size_t *len)
{
    return fz_bytes(in, in->n, len);
}

/* Splits the rest of the input into a header block and a body at the
 * first blank line ("\n\n" or "\r\n\r\n"); without one, all of it is the
 * body. Each header line "name: value" (value trimmed of spaces and tabs)
 * is added to resp->headers; lines the header list refuses are skipped, as
 * a transport would never deliver them. Returns QC_OK or QC_ERR_NOMEM. */
static inline int fz_reply(fz_in *in, qc_http_response *resp)
{
    size_t len;
    const char *s = fz_rest(in, &len);
    const char *end = s + len, *hend = NULL, *body = s;
    for (const char *q = s; q + 1 < end; q++) {
        if (q[0] == '\n' && q[1] == '\n') {
            hend = q;
            body = q + 2;
            break;
        }
        if (q + 3 < end && memcmp(q, "\r\n\r\n", 4) == 0) {
            hend = q;
            body = q + 4;
            break;
        }
    }
    for (const char *line = s; hend && line < hend;) {
        const char *eol = memchr(line, '\n', (size_t)(hend - line));
        const char *le = eol ? eol : hend;
        const char *lt = le;
        if (lt > line && lt[-1] == '\r')
            lt--;
        const char *colon = memchr(line, ':', (size_t)(lt - line));
        if (colon && colon > line) {
            const char *v = colon + 1;
            while (v < lt && (*v == ' ' || *v == '\t'))
                v++;
            const char *ve = lt;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            int rc = qc_headers_add(&resp->headers, line,
                                    (size_t)(colon - line), v,
                                    (size_t)(ve - v));
            if (rc == QC_ERR_NOMEM)
                return rc;
        }
        line = eol ? eol + 1 : hend;
    }
    if (body < end)
        return qc_buf_append(&resp->body, body, (size_t)(end - body));
    return QC_OK;
}

/* Stops the run the way libFuzzer records a crash: an invariant broke.
 * (The C test that replays the corpora reports it through its own
 * FZ_REPLAY_FAILED.) */
#ifdef FZ_REPLAY_FAILED
#define FZ_REQUIRE(cond)                                                     \
    do {                                                                     \
        if (!(cond))                                                         \
            FZ_REPLAY_FAILED(#cond);                                         \
    } while (0)
#else
#define FZ_REQUIRE(cond)                                                     \
    do {                                                                     \
        if (!(cond))                                                         \
            __builtin_trap();                                                \
    } while (0)
#endif

/* Reads every byte a value tree points at (so the sanitizers check each
 * pointer) and checks its shape; returns a checksum. */
static inline unsigned fz_walk(const qc_value *v, int depth)
{
    unsigned h = v->type;
    FZ_REQUIRE(depth < 4000);
    switch (v->type) {
    case QC_VAL_STRING:
    case QC_VAL_BYTES:
        for (size_t i = 0; i < v->u.s.len; i++)
            h = h * 31u + (unsigned char)v->u.s.ptr[i];
        break;
    case QC_VAL_INT:
        if (v->flags & QC_VALF_BIGINT) {
            FZ_REQUIRE(v->u.s.len > 0);
            for (size_t i = 0; i < v->u.s.len; i++)
                FZ_REQUIRE(v->u.s.ptr[i] == '-' ||
                           (v->u.s.ptr[i] >= '0' && v->u.s.ptr[i] <= '9'));
        }
        break;
    case QC_VAL_TIMESTAMP:
        FZ_REQUIRE(v->u.ts.usec >= 0 && v->u.ts.usec < 1000000);
        break;
    case QC_VAL_LIST:
        for (size_t i = 0; i < v->u.list.len; i++)
            h += fz_walk(&v->u.list.items[i], depth + 1);
        break;
    case QC_VAL_MAP:
        for (size_t i = 0; i < v->u.map.len; i++) {
            h += fz_walk(&v->u.map.items[i].key, depth + 1);
            h += fz_walk(&v->u.map.items[i].value, depth + 1);
        }
        break;
    default:
        FZ_REQUIRE(v->type <= QC_VAL_OTHER);
        break;
    }
    return h;
}

/* One parser run: byte 0 picks the operation, bytes 1-2 the status
 * (status_base + n % status_span), byte 3 the retry count; the rest is
 * the reply (see fz_reply). Checks what the parser promises about its
 * result. */
static inline int fz_parse_run(const uint8_t *data, size_t size,
                               long status_base, unsigned status_span)
{
    fz_in in = {data, size};
    const qc_model *m = &qc_model_qconnect;
    const qc_operation *op = &m->operations[fz_u8(&in) % m->n_operations];
    long status = status_base + (long)(fz_u16(&in) % status_span);
    int retries = fz_u8(&in) % 5;
    qc_http_response resp;
    qc_http_response_init(&resp);
    resp.status = status;
    qc_arena *a = qc_arena_new();
    qc_error err;
    qc_error_init(&err);
    if (!a || fz_reply(&in, &resp) != QC_OK)
        goto out;
    qc_value out;
    const char *code = NULL;
    int rc = qc_parse_response(m, op, &resp, retries, a, &out, &code, &err);
    FZ_REQUIRE(rc == QC_OK || rc == QC_ERR_SERVICE ||
               rc == QC_ERR_RESPONSE_PARSE || rc == QC_ERR_NOMEM ||
               rc == QC_ERR_LIMIT);
    if (rc != QC_OK && rc != QC_ERR_SERVICE) {
        FZ_REQUIRE(err.code == rc);
        goto out;
    }
    FZ_REQUIRE((rc == QC_OK) == (status < 300));
    FZ_REQUIRE(out.type == QC_VAL_MAP);
    (void)fz_walk(&out, 0);
    const qc_value *md = qc_value_map_get(&out, "ResponseMetadata", 16);
    FZ_REQUIRE(md && md->type == QC_VAL_MAP);
    const qc_value *st = qc_value_map_get(md, "HTTPStatusCode", 14);
    FZ_REQUIRE(st && st->type == QC_VAL_INT && st->u.i == status);
    const qc_value *ra = qc_value_map_get(md, "RetryAttempts", 13);
    FZ_REQUIRE(ra && ra->type == QC_VAL_INT && ra->u.i == retries);
    if (rc == QC_ERR_SERVICE && status >= 301) {
        const qc_value *e = qc_value_map_get(&out, "Error", 5);
        FZ_REQUIRE(e && e->type == QC_VAL_MAP);
        const qc_value *c = qc_value_map_get(e, "Code", 4);
        if (code) {
            /* The binding reads the code as a C string. */
            FZ_REQUIRE(c && c->type == QC_VAL_STRING &&
                       c->u.s.ptr == code && code[c->u.s.len] == '\0');
        }
    } else {
        FZ_REQUIRE(code == NULL);
    }
    /* The retry layer reads the reply's Date header (the attempt header's
     * ttl) and the error code (retryable or not). */
    {
        const qc_header *date = qc_headers_get(&resp.headers, "Date", 4);
        qc_retry_call call;
        qc_retry_call_init(&call);
        if (date)
            qc_retry_call_set_ttl(&call, date->value, date->value_len,
                                  (long)(status * 977));
        FZ_REQUIRE(memchr(call.ttl, '\0', sizeof call.ttl) != NULL);
        qc_buf sdk;
        qc_buf_init(&sdk, 0);
        FZ_REQUIRE(qc_retry_sdk_request(&call, retries + 1, &sdk) == QC_OK);
        FZ_REQUIRE(!memchr(sdk.data, '\n', sdk.len) &&
                   !memchr(sdk.data, '\r', sdk.len));
        qc_buf_clean_up(&sdk);
        qc_retry_outcome o;
        memset(&o, 0, sizeof o);
        o.rc = rc;
        o.status = status;
        o.error_code = code;
        o.error_code_len = code ? strlen(code) : 0;
        int r1 = qc_retry_legacy_retryable(&o);
        int r2 = qc_retry_standard_retryable(&o);
        int r3 = qc_retry_is_throttling(&o);
        FZ_REQUIRE((r1 == 0 || r1 == 1) && (r2 == 0 || r2 == 1) &&
                   (r3 == 0 || r3 == 1));
    }
out:
    qc_error_clean_up(&err);
    qc_arena_destroy(a);
    qc_http_response_clean_up(&resp);
    return 0;
}

#endif /* QC_FUZZ_COMMON_H */
