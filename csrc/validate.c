/*
 * validate.c — parameter validation, as botocore's ParamValidator does it:
 * every problem is gathered into one report whose lines are botocore's
 * messages character for character. Like botocore it checks types,
 * required members, unknown members, "min" and tagged unions; no max,
 * enum or pattern.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pipeline.h"

typedef struct s_vctx {
    const qc_model *m;
    const qc_call_options *co;
    qc_arena *a;
    qc_buf report; /* lines joined with '\n' */
    qc_buf name;   /* the parameter path being validated */
    int rc;        /* first hard failure (QC_ERR_NOMEM, QC_ERR_CALLBACK,
                      QC_ERR_VALUE) */
    int fault;     /* with QC_ERR_VALUE: the qc_fault, the value and */
    const qc_value *fault_value;
    qc_buf fault_name; /* the parameter's display name */
} s_vctx;

static void s_validate(s_vctx *x, const qc_value *v, uint16_t shape_index);

/* Records a hard failure (only the first is kept). */
static void s_fail(s_vctx *x, int rc)
{
    if (rc && !x->rc)
        x->rc = rc;
}

static const char *s_name(const s_vctx *x, size_t *len);

/* Records a hard failure on the value v itself (QC_ERR_VALUE, fault) at
 * the current parameter. */
static void s_fault(s_vctx *x, int fault, const qc_value *v)
{
    if (x->rc)
        return;
    size_t n;
    const char *name = s_name(x, &n);
    x->rc = qc_buf_append(&x->fault_name, name, n);
    if (x->rc)
        return;
    x->rc = QC_ERR_VALUE;
    x->fault = fault;
    x->fault_value = v;
}

/* Returns Python's str(type(v)) for values the core knows, else NULL. */
static const char *s_builtin_type(const qc_value *v)
{
    switch (v->type) {
    case QC_VAL_NULL: return "<class 'NoneType'>";
    case QC_VAL_BOOL: return "<class 'bool'>";
    case QC_VAL_INT: return "<class 'int'>";
    case QC_VAL_FLOAT:
        return (v->flags & QC_VALF_DECIMAL) ? "<class 'decimal.Decimal'>"
                                            : "<class 'float'>";
    case QC_VAL_STRING: return "<class 'str'>";
    case QC_VAL_BYTES: return "<class 'bytes'>";
    case QC_VAL_TIMESTAMP: return "<class 'datetime.datetime'>";
    case QC_VAL_LIST:
        return (v->flags & QC_VALF_TUPLE) ? "<class 'tuple'>" : "<class 'list'>";
    case QC_VAL_MAP: return "<class 'dict'>";
    default: return "<class 'object'>";
    }
}

/* Returns an arena string describing v (what 0: str(v), 1: str(type(v)))
 * with the built-in formatting used when no describe callback is given. */
static const char *s_builtin_describe(const qc_value *v, int what,
                                      qc_arena *a)
{
    if (what == 1)
        return s_builtin_type(v);
    char tmp[64];
    if (v->type == QC_VAL_FLOAT && (v->flags & QC_VALF_DECIMAL_TEXT))
        return qc_arena_strndup(a, v->u.s.ptr, v->u.s.len);
    switch (v->type) {
    case QC_VAL_NULL: return "None";
    case QC_VAL_BOOL: return v->u.b ? "True" : "False";
    case QC_VAL_INT:
        if (v->flags & QC_VALF_BIGINT)
            return qc_arena_strndup(a, v->u.s.ptr, v->u.s.len);
        snprintf(tmp, sizeof tmp, "%" PRId64, v->u.i);
        return qc_arena_strndup(a, tmp, strlen(tmp));
    case QC_VAL_FLOAT: {
        qc_buf b;
        qc_buf_init(&b, 0);
        const char *out = NULL;
        if (qc_json_write_double(&b, v->u.f) == QC_OK)
            out = qc_arena_strndup(a, b.data, b.len);
        qc_buf_clean_up(&b);
        return out;
    }
    case QC_VAL_STRING:
        return qc_arena_strndup(a, v->u.s.ptr, v->u.s.len);
    case QC_VAL_LIST: return "[...]";
    case QC_VAL_MAP: return "{...}";
    default: return "<object>";
    }
}

/* Returns d (a describe callback's text of *len bytes) with each two-byte
 * form C0 80 turned back into the NUL it stands for (a copy in the arena
 * when there is one), or NULL with x->rc set. */
static const char *s_nul_decode(s_vctx *x, const char *d, size_t *len)
{
    const char *c0 = memchr(d, 0xC0, *len);
    if (!c0)
        return d;
    char *out = qc_arena_alloc(x->a, *len + 1);
    if (!out) {
        s_fail(x, QC_ERR_NOMEM);
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < *len; i++) {
        if ((unsigned char)d[i] == 0xC0 && i + 1 < *len &&
            (unsigned char)d[i + 1] == 0x80) {
            out[o++] = '\0';
            i++;
        } else {
            out[o++] = d[i];
        }
    }
    out[o] = '\0';
    *len = o;
    return out;
}

/* Returns a description of v (see qc_describe_fn) of *len bytes (NUL bytes
 * included), or NULL with x->rc set. A string describes itself. */
static const char *s_describe(s_vctx *x, const qc_value *v, int what,
                              size_t *len)
{
    const char *d;
    if (what == 0 && v->type == QC_VAL_STRING) {
        *len = v->u.s.len;
        return v->u.s.ptr ? v->u.s.ptr : "";
    }
    if (x->co && x->co->describe) {
        d = x->co->describe(x->co->describe_ctx, v, what, x->a);
        if (!d) {
            s_fail(x, QC_ERR_CALLBACK);
            return NULL;
        }
        *len = strlen(d);
        return s_nul_decode(x, d, len);
    }
    d = s_builtin_describe(v, what, x->a);
    if (!d) {
        s_fail(x, QC_ERR_NOMEM);
        return NULL;
    }
    *len = strlen(d);
    return d;
}

/* Returns the display form of the current path (botocore's _get_name). */
static const char *s_name(const s_vctx *x, size_t *len)
{
    if (x->name.len == 0) {
        *len = 5;
        return "input";
    }
    if (x->name.data[0] == '.') {
        *len = x->name.len - 1;
        return x->name.data + 1;
    }
    *len = x->name.len;
    return x->name.data;
}

/* Starts a new report line. */
static void s_line(s_vctx *x)
{
    if (x->report.len)
        s_fail(x, qc_buf_append_byte(&x->report, '\n'));
}

static void s_put(s_vctx *x, const char *s)
{
    s_fail(x, qc_buf_append_str(&x->report, s));
}

/* Appends n bytes (NUL bytes included) to the report. */
static void s_put_n(s_vctx *x, const char *s, size_t n)
{
    s_fail(x, qc_buf_append(&x->report, s, n));
}

static void s_put_name(s_vctx *x)
{
    size_t n;
    const char *s = s_name(x, &n);
    s_fail(x, qc_buf_append(&x->report, s, n));
}

/* Reports "invalid type" for v with the given valid-type list. */
static void s_invalid_type(s_vctx *x, const qc_value *v, const char *valid)
{
    size_t slen, tlen;
    const char *str = s_describe(x, v, 0, &slen);
    const char *typ = str ? s_describe(x, v, 1, &tlen) : NULL;
    if (!str || !typ)
        return;
    s_line(x);
    s_put(x, "Invalid type for parameter ");
    s_put_name(x);
    s_put(x, ", value: ");
    s_put_n(x, str, slen);
    s_put(x, ", type: ");
    s_put_n(x, typ, tlen);
    s_put(x, ", valid types: ");
    s_put(x, valid);
}

/* Reports a value below the shape's min: "invalid range" shows the value,
 * "invalid length" the length (botocore passes len(param) as the value). */
static void s_below_min(s_vctx *x, const qc_value *v, const qc_shape *s,
                        int is_length, size_t length)
{
    char num[32];
    const char *str = num;
    size_t slen = 0;
    if (is_length) {
        snprintf(num, sizeof num, "%zu", length);
        slen = strlen(num);
    } else {
        str = s_describe(x, v, 0, &slen);
    }
    if (!str)
        return;
    s_line(x);
    s_put(x, is_length ? "Invalid length for parameter "
                       : "Invalid value for parameter ");
    s_put_name(x);
    s_put(x, ", value: ");
    s_put_n(x, str, slen);
    s_put(x, is_length ? ", valid min length: " : ", valid min value: ");
    s_put(x, s->min_text ? s->min_text : "");
}

/* Appends ".member" (or other text) to the path; returns the old length. */
static size_t s_push(s_vctx *x, const char *s, size_t n)
{
    size_t old = x->name.len;
    s_fail(x, qc_buf_append(&x->name, s, n));
    return old;
}

static void s_pop(s_vctx *x, size_t old)
{
    x->name.len = old;
    if (x->name.data)
        x->name.data[old] = '\0';
}

/* Appends the members of s joined by ", " to the report. */
static void s_put_member_list(s_vctx *x, const qc_shape *s)
{
    for (uint16_t i = 0; i < s->n_members; i++) {
        if (i)
            s_put(x, ", ");
        s_put(x, qc_shape_member(x->m, s, i)->name);
    }
}

/* Returns the text of a key for messages (the string, or its str()). */
static const char *s_key_text(s_vctx *x, const qc_value *key, size_t *len)
{
    if (key->type == QC_VAL_STRING) {
        *len = key->u.s.len;
        return key->u.s.ptr;
    }
    *len = 0;
    return s_describe(x, key, 0, len);
}

static void s_validate_structure(s_vctx *x, const qc_value *v,
                                 const qc_shape *s)
{
    if (v->type != QC_VAL_MAP) {
        s_invalid_type(x, v, "<class 'dict'>");
        return;
    }
    size_t n = v->u.map.len;
    if (s->flags & QC_SF_UNION) {
        if (n == 0) {
            s_line(x);
            s_put(x, "Must set one of the following keys for tagged "
                     "unionstructure ");
            s_put_name(x);
            s_put(x, ": ");
            s_put_member_list(x, s);
            s_put(x, ".");
        } else if (n > 1) {
            s_line(x);
            s_put(x, "Invalid number of parameters set for tagged union "
                     "structure ");
            s_put_name(x);
            s_put(x, ". Can only set one of the following keys: ");
            s_put_member_list(x, s);
            s_put(x, ".");
        }
    }
    for (uint16_t r = 0; r < s->n_required; r++) {
        uint16_t pos = x->m->indices[s->first_required + r];
        const qc_member *mem = qc_shape_member(x->m, s, pos);
        if (!qc_value_map_get(v, mem->name, mem->name_len)) {
            s_line(x);
            s_put(x, "Missing required parameter in ");
            s_put_name(x);
            s_put(x, ": \"");
            s_put(x, mem->name);
            s_put(x, "\"");
        }
    }
    /* Unknown members first (in the caller's order), then known ones.
     * The member positions found are kept for the second pass (up to
     * S_POS_KEPT keys). */
    enum { S_POS_KEPT = 64 };
    int kept[S_POS_KEPT];
    int any_known = 0;
    for (size_t i = 0; i < n; i++) {
        const qc_value *key = &v->u.map.items[i].key;
        int pos = key->type == QC_VAL_STRING
                      ? qc_shape_find_member(x->m, s, key->u.s.ptr,
                                             key->u.s.len)
                      : -1;
        if (i < S_POS_KEPT)
            kept[i] = pos;
        if (pos >= 0) {
            any_known = 1;
            continue;
        }
        size_t klen;
        const char *k = s_key_text(x, key, &klen);
        if (!k)
            return;
        s_line(x);
        s_put(x, "Unknown parameter in ");
        s_put_name(x);
        s_put(x, ": \"");
        s_put_n(x, k, klen);
        s_put(x, "\", must be one of: ");
        s_put_member_list(x, s);
    }
    if (!any_known)
        return;
    for (size_t i = 0; i < n && !x->rc; i++) {
        const qc_value *key = &v->u.map.items[i].key;
        if (key->type != QC_VAL_STRING)
            continue;
        int pos = i < S_POS_KEPT ? kept[i]
                                 : qc_shape_find_member(x->m, s, key->u.s.ptr,
                                                        key->u.s.len);
        if (pos < 0)
            continue;
        const qc_member *mem = qc_shape_member(x->m, s, (size_t)pos);
        size_t old = s_push(x, ".", 1);
        s_push(x, mem->name, mem->name_len);
        s_validate(x, &v->u.map.items[i].value, mem->shape);
        s_pop(x, old);
    }
}

static void s_validate_list(s_vctx *x, const qc_value *v, const qc_shape *s)
{
    if (v->type != QC_VAL_LIST) {
        s_invalid_type(x, v, "<class 'list'>, <class 'tuple'>");
        return;
    }
    if ((s->flags & QC_SF_HAS_MIN) && (double)v->u.list.len < s->min_f)
        s_below_min(x, v, s, 1, v->u.list.len);
    char idx[32];
    for (size_t i = 0; i < v->u.list.len && !x->rc; i++) {
        int n = snprintf(idx, sizeof idx, "[%zu]", i);
        size_t old = s_push(x, idx, (size_t)n);
        s_validate(x, &v->u.list.items[i], s->member);
        s_pop(x, old);
    }
}

static void s_validate_map(s_vctx *x, const qc_value *v, const qc_shape *s)
{
    if (v->type != QC_VAL_MAP) {
        s_invalid_type(x, v, "<class 'dict'>");
        return;
    }
    for (size_t i = 0; i < v->u.map.len && !x->rc; i++) {
        const qc_pair *p = &v->u.map.items[i];
        size_t klen;
        const char *k = s_key_text(x, &p->key, &klen);
        if (!k)
            return;
        size_t old = s_push(x, " (key: ", 7);
        s_push(x, k, klen);
        s_push(x, ")", 1);
        s_validate(x, &p->key, s->key);
        s_pop(x, old);
        s_push(x, ".", 1);
        s_push(x, k, klen);
        s_validate(x, &p->value, s->value);
        s_pop(x, old);
    }
}

/* botocore's _validate_document: the path restarts at each dict key. */
static void s_validate_document(s_vctx *x, const qc_value *v)
{
    switch (v->type) {
    case QC_VAL_NULL:
    case QC_VAL_STRING:
    case QC_VAL_INT:
    case QC_VAL_BOOL:
        return;
    case QC_VAL_FLOAT:
        if (!(v->flags & QC_VALF_DECIMAL))
            return;
        break;
    case QC_VAL_MAP:
        for (size_t i = 0; i < v->u.map.len && !x->rc; i++) {
            size_t klen;
            const char *k = s_key_text(x, &v->u.map.items[i].key, &klen);
            if (!k)
                return;
            qc_buf saved = x->name;
            qc_buf_init(&x->name, 0);
            s_push(x, k, klen);
            s_validate_document(x, &v->u.map.items[i].value);
            qc_buf_clean_up(&x->name);
            x->name = saved;
        }
        return;
    case QC_VAL_LIST: {
        char idx[32];
        for (size_t i = 0; i < v->u.list.len && !x->rc; i++) {
            int n = snprintf(idx, sizeof idx, "[%zu]", i);
            size_t old = s_push(x, idx, (size_t)n);
            s_validate_document(x, &v->u.list.items[i]);
            s_pop(x, old);
        }
        return;
    }
    default:
        break;
    }
    size_t slen, tlen;
    const char *str = s_describe(x, v, 0, &slen);
    const char *typ = str ? s_describe(x, v, 1, &tlen) : NULL;
    if (!str || !typ)
        return;
    s_line(x);
    s_put(x, "Invalid type for document parameter ");
    s_put_name(x);
    s_put(x, ", value: ");
    s_put_n(x, str, slen);
    s_put(x, ", type: ");
    s_put_n(x, typ, tlen);
    s_put(x, ", valid types: <class 'str'>, <class 'int'>, <class 'bool'>, "
             "<class 'float'>, <class 'list'>, <class 'dict'>");
}

/* Returns 1 when decimal text (a Decimal's str()) is below zero: a minus
 * sign and a nonzero digit. Its double may be 0 where the decimal is not
 * ("-1E-400"), and botocore compares the Decimal itself. */
static int s_decimal_negative(const char *p, size_t n)
{
    if (!n || *p != '-')
        return 0;
    for (size_t i = 1; i < n && p[i] != 'E' && p[i] != 'e'; i++)
        if (p[i] >= '1' && p[i] <= '9')
            return 1;
    return 0;
}

/* Returns 1 when v is a valid timestamp input (datetime, number, or text
 * botocore would parse), 0 when not; -1 on a callback failure. */
static int s_is_timestamp(s_vctx *x, const qc_value *v)
{
    int64_t sec;
    int32_t usec;
    switch (v->type) {
    case QC_VAL_TIMESTAMP:
        return 1;
    case QC_VAL_INT:
    case QC_VAL_BOOL:
        return 1;
    case QC_VAL_FLOAT:
        if (!(v->flags & QC_VALF_DECIMAL_TEXT))
            return qc_epoch_from_double(v->u.f, &sec, &usec) == 0;
        break;
    default:
        break;
    }
    if (x->co && x->co->to_timestamp) {
        int r = x->co->to_timestamp(x->co->timestamp_ctx, v, &sec, &usec);
        if (r < 0) {
            s_fail(x, QC_ERR_CALLBACK);
            return -1;
        }
        return r == 0;
    }
    if (v->type == QC_VAL_STRING)
        return qc_timestamp_from_text(v->u.s.ptr, v->u.s.len, &sec, &usec) == 0;
    double d;
    if (v->type == QC_VAL_FLOAT && qc_value_to_double(v, &d) == 0)
        return qc_epoch_from_double(d, &sec, &usec) == 0;
    return 0;
}

static void s_validate(s_vctx *x, const qc_value *v, uint16_t shape_index)
{
    if (x->rc)
        return;
    const qc_shape *s = &x->m->shapes[shape_index];
    switch ((qc_stype)s->type) {
    case QC_T_STRUCTURE:
        s_validate_structure(x, v, s);
        return;
    case QC_T_DOCUMENT:
        s_validate_document(x, v);
        return;
    case QC_T_LIST:
        s_validate_list(x, v, s);
        return;
    case QC_T_MAP:
        s_validate_map(x, v, s);
        return;
    case QC_T_STRING:
        if (v->type != QC_VAL_STRING) {
            s_invalid_type(x, v, "<class 'str'>");
            return;
        }
        if (s->flags & QC_SF_HAS_MIN) {
            size_t n = v->u.s.nchars != SIZE_MAX
                           ? v->u.s.nchars
                           : qc_utf8_count(v->u.s.ptr, v->u.s.len);
            if ((double)n < s->min_f)
                s_below_min(x, v, s, 1, n);
        }
        return;
    case QC_T_INTEGER:
    case QC_T_LONG:
        if (v->type != QC_VAL_INT && v->type != QC_VAL_BOOL) {
            s_invalid_type(x, v, "<class 'int'>");
            return;
        }
        if (s->flags & QC_SF_HAS_MIN) {
            int below;
            if (v->type == QC_VAL_BOOL)
                below = (double)v->u.b < s->min_f;
            else if (v->flags & QC_VALF_BIGINT)
                below = v->u.s.len > 0 && v->u.s.ptr[0] == '-';
            else
                below = (double)v->u.i < s->min_f;
            if (below)
                s_below_min(x, v, s, 0, 0);
        }
        return;
    case QC_T_FLOAT:
    case QC_T_DOUBLE:
        if (v->type != QC_VAL_FLOAT && v->type != QC_VAL_INT &&
            v->type != QC_VAL_BOOL) {
            s_invalid_type(
                x, v,
                "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>");
            return;
        }
        if (s->flags & QC_SF_HAS_MIN) {
            int below;
            double d;
            if (v->type == QC_VAL_FLOAT && (v->flags & QC_VALF_DECIMAL_TEXT)) {
                /* A NaN decimal cannot be ordered: botocore's "param <
                 * min" raises there (decimal.InvalidOperation). */
                if (qc_value_to_double(v, &d) || d != d) {
                    s_fault(x, QC_FAULT_COMPARE, v);
                    return;
                }
                below = d < s->min_f ||
                        (d == 0.0 && s->min_f == 0.0 &&
                         s_decimal_negative(v->u.s.ptr, v->u.s.len));
            } else if (v->type == QC_VAL_FLOAT)
                below = v->u.f < s->min_f;
            else if (v->type == QC_VAL_BOOL)
                below = (double)v->u.b < s->min_f;
            else if (v->flags & QC_VALF_BIGINT)
                below = v->u.s.len > 0 && v->u.s.ptr[0] == '-';
            else
                below = (double)v->u.i < s->min_f;
            if (below)
                s_below_min(x, v, s, 0, 0);
        }
        return;
    case QC_T_BOOLEAN:
        if (v->type != QC_VAL_BOOL)
            s_invalid_type(x, v, "<class 'bool'>");
        return;
    case QC_T_TIMESTAMP: {
        int ok = s_is_timestamp(x, v);
        if (ok == 0)
            s_invalid_type(x, v,
                           "<class 'datetime.datetime'>, timestamp-string");
        return;
    }
    case QC_T_BLOB:
        if (v->type == QC_VAL_BYTES || v->type == QC_VAL_STRING ||
            (v->type == QC_VAL_OTHER && (v->flags & QC_VALF_READABLE)))
            return;
        s_invalid_type(x, v,
                       "<class 'bytes'>, <class 'bytearray'>, file-like object");
        return;
    }
}

int qc_validate(const qc_model *m, const qc_shape *input,
                const qc_value *params, const qc_call_options *co,
                qc_arena *a, qc_error *err)
{
    s_vctx x;
    x.m = m;
    x.co = co;
    x.a = a;
    x.rc = QC_OK;
    x.fault = QC_FAULT_NONE;
    x.fault_value = NULL;
    qc_buf_init(&x.fault_name, 0);
    qc_buf_init(&x.report, 0);
    qc_buf_init(&x.name, 0);
    s_validate(&x, params, (uint16_t)(input - m->shapes));
    int rc = x.rc;
    if (rc == QC_ERR_CALLBACK) {
        qc_error_set(err, rc, "a describe callback failed");
    } else if (rc == QC_ERR_VALUE) {
        qc_error_set(err, rc, "parameter %.*s: a NaN decimal cannot be "
                     "compared with the minimum", (int)x.fault_name.len,
                     x.fault_name.data ? x.fault_name.data : "");
        if (err) {
            err->fault = x.fault;
            err->origin = x.fault_value->origin;
        }
    } else if (rc) {
        qc_error_set(err, rc, "%s", qc_strerror(rc));
    } else if (x.report.len) {
        rc = qc_error_set_text(err, QC_ERR_PARAM_VALIDATION, x.report.data,
                               x.report.len);
    }
    qc_buf_clean_up(&x.report);
    qc_buf_clean_up(&x.name);
    qc_buf_clean_up(&x.fault_name);
    return rc;
}
