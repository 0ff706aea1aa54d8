/*
 * fuzz_value.c — libFuzzer target: validation and serialization of
 * arbitrary value trees. Byte 0 picks the operation, byte 1 the options
 * (validation on/off as parameter_validation=False does, the describe and
 * timestamp callbacks, an idempotency token); the rest builds the
 * parameters as a tree of every qc_value type (map keys are mostly the
 * model's member names, so the validator and serializer go deep). Then
 * qc_validate, qc_serialize and qc_sigv4_sign_request run on it.
 */
#include <stdlib.h>

#include "fuzz_common.h"
#include "sigv4.h"

#define FZV_MAX_DEPTH 24
#define FZV_MAX_NODES 4000

typedef struct fzv_ctx {
    fz_in in;
    qc_arena *a;
    const qc_model *m;
    size_t nodes;
} fzv_ctx;

static int fzv_value(fzv_ctx *x, qc_value *v, int depth, uint16_t si);

/* Fills v with a string: a member name of the model or input bytes (not
 * NUL-terminated: the core must honour the length). Returns 0. */
static int fzv_string(fzv_ctx *x, qc_value *v, uint8_t sel)
{
    if (sel & 0x10) {
        const qc_member *mem =
            &x->m->members[fz_u16(&x->in) % x->m->n_members];
        qc_value_set_string(v, mem->name, mem->name_len);
        return 0;
    }
    size_t len;
    const char *p = fz_field(&x->in, &len);
    qc_value_set_string(v, p, len);
    if (sel & 0x20)
        v->flags |= QC_VALF_SURROGATE;
    return 0;
}

/* Fills v with a big integer written as digits (arena). Returns 0 or -1. */
static int fzv_bigint(fzv_ctx *x, qc_value *v)
{
    size_t len;
    const char *raw = fz_field(&x->in, &len);
    char *d = qc_arena_alloc(x->a, len + 2);
    if (!d)
        return -1;
    size_t n = 0;
    if (len && (raw[0] & 1))
        d[n++] = '-';
    d[n++] = '1';
    for (size_t i = 0; i < len; i++)
        d[n++] = (char)('0' + (unsigned char)raw[i] % 10);
    memset(v, 0, sizeof(*v));
    v->type = QC_VAL_INT;
    v->flags = QC_VALF_BIGINT;
    v->u.s.ptr = d;
    v->u.s.len = n;
    v->u.s.nchars = n;
    return 0;
}

/* Fills a map key: by the next byte, a member name of structure shape
 * (its shape index into *member_shape) or of the whole model when shape is
 * NULL, input text (0xC0-0xF7; 0x20: with the surrogate flag) or any value
 * (0xF8-0xFF). Returns 0 or -1. */
static int fzv_key(fzv_ctx *x, qc_value *k, const qc_shape *shape, int depth,
                   uint16_t *member_shape)
{
    uint8_t ksel = fz_u8(&x->in);
    *member_shape = QC_NO_SHAPE;
    if (ksel < 0xC0) {
        if (shape && shape->n_members) {
            const qc_member *mem =
                qc_shape_member(x->m, shape, ksel % shape->n_members);
            qc_value_set_string(k, mem->name, mem->name_len);
            *member_shape = mem->shape;
            return 0;
        }
        return fzv_string(x, k, 0x10);
    }
    if (ksel < 0xF8)
        return fzv_string(x, k, ksel & 0x20);
    return fzv_value(x, k, depth + 1, QC_NO_SHAPE);
}

/* Fills v from the input, guided by the model shape si it is meant for
 * (QC_NO_SHAPE: none) only in the names its map keys take; returns 0, or
 * -1 when out of memory. */
static int fzv_value(fzv_ctx *x, qc_value *v, int depth, uint16_t si)
{
    const qc_shape *sh = si != QC_NO_SHAPE ? &x->m->shapes[si] : NULL;
    uint8_t tag = fz_u8(&x->in);
    uint8_t kind = (tag & 0x0F) % 11; /* bits 0x10 and 0x20: variants */
    if (++x->nodes > FZV_MAX_NODES || depth > FZV_MAX_DEPTH)
        kind = 0;
    memset(v, 0, sizeof(*v));
    switch (kind) {
    case 0:
        qc_value_set_null(v);
        return 0;
    case 1:
        qc_value_set_bool(v, tag & 0x10);
        return 0;
    case 2:
        if (tag & 0x10)
            qc_value_set_int(v, (int8_t)fz_u8(&x->in));
        else
            qc_value_set_int(v, (int64_t)fz_u64(&x->in));
        return 0;
    case 3:
        return fzv_bigint(x, v);
    case 4: {
        uint64_t bits = fz_u64(&x->in);
        double f;
        memcpy(&f, &bits, sizeof f);
        if (tag & 0x10)
            f = (double)(int16_t)bits / 8.0;
        qc_value_set_float(v, f);
        if (tag & 0x20)
            v->flags |= QC_VALF_DECIMAL;
        return 0;
    }
    case 5:
        return fzv_string(x, v, tag);
    case 6: {
        size_t len;
        const char *p = fz_field(&x->in, &len);
        v->type = QC_VAL_BYTES;
        v->u.s.ptr = p;
        v->u.s.len = len;
        v->u.s.nchars = len;
        return 0;
    }
    case 7: {
        int64_t sec = (int64_t)fz_u64(&x->in);
        if (tag & 0x10) /* within datetime's range, as the binding gives */
            sec = (int64_t)((uint64_t)sec % 253402300800ULL) - 62135596800LL;
        v->type = QC_VAL_TIMESTAMP;
        v->u.ts.sec = sec;
        v->u.ts.usec = (int32_t)(fz_u16(&x->in) * 16u % 1000000u);
        return 0;
    }
    case 8: {
        size_t n = fz_u8(&x->in) % 6;
        if (qc_value_set_list(v, x->a, n))
            return -1;
        if (tag & 0x10)
            v->flags |= QC_VALF_TUPLE;
        uint16_t item = sh && sh->type == QC_T_LIST ? sh->member : QC_NO_SHAPE;
        for (size_t i = 0; i < n; i++)
            if (fzv_value(x, &v->u.list.items[i], depth + 1, item))
                return -1;
        return 0;
    }
    case 9: {
        size_t n = fz_u8(&x->in) % 7;
        if (qc_value_set_map(v, x->a, n))
            return -1;
        for (size_t i = 0; i < n; i++) {
            qc_pair *p = &v->u.map.items[i];
            uint16_t vs = QC_NO_SHAPE;
            if (sh && sh->type == QC_T_MAP) {
                vs = sh->value;
                if (fzv_key(x, &p->key, NULL, depth, &vs))
                    return -1;
                vs = sh->value;
            } else if (fzv_key(x, &p->key,
                               sh && sh->type == QC_T_STRUCTURE ? sh : NULL,
                               depth, &vs)) {
                return -1;
            }
            if (fzv_value(x, &p->value, depth + 1, vs))
                return -1;
        }
        return 0;
    }
    default:
        v->type = QC_VAL_OTHER;
        if (tag & 0x10)
            v->flags |= QC_VALF_READABLE;
        return 0;
    }
}

/* qc_describe_fn variants: a fixed text, or a failure. */
static const char *fzv_describe_text(void *ctx, const qc_value *v, int what,
                                     qc_arena *a)
{
    (void)ctx;
    (void)v;
    return qc_arena_strndup(a, what ? "<class 'X'>" : "x\xff\x00y", 4);
}

static const char *fzv_describe_fail(void *ctx, const qc_value *v, int what,
                                     qc_arena *a)
{
    (void)ctx;
    (void)v;
    (void)what;
    (void)a;
    return NULL;
}

/* qc_timestamp_fn: 0 with a fixed instant, 1 (not a timestamp) or -1,
 * chosen by ctx. */
static int fzv_timestamp(void *ctx, const qc_value *v, int64_t *sec,
                         int32_t *usec)
{
    (void)v;
    int mode = *(const int *)ctx;
    if (mode == 0) {
        *sec = 1700000000;
        *usec = 5;
        return 0;
    }
    return mode == 1 ? 1 : -1;
}

QC_FUZZ_ENTRY(value)
{
    fzv_ctx x;
    x.in.p = data;
    x.in.n = size;
    x.m = &qc_model_qconnect;
    x.nodes = 0;
    const qc_operation *op =
        &x.m->operations[fz_u8(&x.in) % x.m->n_operations];
    uint8_t opts = fz_u8(&x.in);
    x.a = qc_arena_new();
    if (!x.a)
        return 0;
    qc_error err;
    qc_error_init(&err);
    qc_http_request req;
    qc_http_request_init(&req);

    /* The keyword arguments: always a map, as the binding passes. */
    qc_value params;
    size_t n = fz_u8(&x.in) % 10;
    if (qc_value_set_map(&params, x.a, n))
        goto out;
    for (size_t i = 0; i < n; i++) {
        qc_pair *p = &params.u.map.items[i];
        uint16_t vs;
        if (fzv_key(&x, &p->key,
                    op->input != QC_NO_SHAPE ? &x.m->shapes[op->input] : NULL,
                    0, &vs) ||
            fzv_value(&x, &p->value, 1, vs))
            goto out;
    }

    qc_call_options co;
    qc_call_options_init(&co);
    int ts_mode = (opts >> 4) % 3;
    switch ((opts >> 1) & 3) {
    case 1:
        co.describe = fzv_describe_text;
        break;
    case 2:
        co.describe = fzv_describe_fail;
        break;
    default:
        break;
    }
    if (opts & 0x08) {
        co.to_timestamp = fzv_timestamp;
        co.timestamp_ctx = &ts_mode;
    }
    int validate = !(opts & 1);
    int rc = QC_OK;
    if (validate && op->input != QC_NO_SHAPE) {
        rc = qc_validate(x.m, &x.m->shapes[op->input], &params, &co, x.a,
                         &err);
        FZ_REQUIRE(rc == QC_OK || rc == QC_ERR_PARAM_VALIDATION ||
                   rc == QC_ERR_CALLBACK || rc == QC_ERR_NOMEM ||
                   rc == QC_ERR_LIMIT);
        if (rc == QC_ERR_PARAM_VALIDATION)
            FZ_REQUIRE(err.message && err.message[0]);
        if (rc == QC_ERR_CALLBACK)
            FZ_REQUIRE(co.describe == fzv_describe_fail ||
                       co.to_timestamp == fzv_timestamp);
    }
    if (rc != QC_OK)
        goto out;
    qc_error_clean_up(&err);
    qc_cursor token = qc_cursor_from("0b5c6e1a-3d2f-4e8b-9a7c-1f2e3d4c5b6a", 36);
    rc = qc_serialize(x.m, op, &params, (opts & 0x40) ? &token : NULL, &req,
                      &err);
    FZ_REQUIRE(rc >= 0 && rc < QC_ERR_COUNT_);
    if (rc != QC_OK)
        goto out;
    FZ_REQUIRE(req.method && req.path.len > 0 && req.path.data[0] == '/');
    for (size_t i = 0; i < req.headers.len; i++) {
        const qc_header *h = &req.headers.items[i];
        FZ_REQUIRE(strlen(h->name) == h->name_len &&
                   strlen(h->value) == h->value_len);
    }
    if (opts & 0x80) {
        static const char secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        qc_credentials cred;
        cred.access_key = qc_cursor_from("AKIDEXAMPLE", 11);
        cred.secret_key = qc_cursor_from(secret, sizeof(secret) - 1);
        cred.session_token = qc_cursor_from("tok", 3);
        qc_sigv4_params sp = {"us-east-1", "wisdom", 1700000000, 1, 0};
        if (qc_buf_append_str(&req.host, "wisdom.us-east-1.amazonaws.com"))
            goto out;
        qc_error_clean_up(&err);
        rc = qc_sigv4_sign_request(NULL, &req, &cred, &sp, &err);
        FZ_REQUIRE(rc == QC_OK || rc == QC_ERR_NOMEM || rc == QC_ERR_LIMIT ||
                   rc == QC_ERR_INVALID_ARG || rc == QC_ERR_SIGN);
    }
out:
    qc_http_request_clean_up(&req);
    qc_error_clean_up(&err);
    qc_arena_destroy(x.a);
    return 0;
}
