/*
 * serialize.c — rest-json request serialization, as botocore's
 * RestJSONSerializer + prepare_request_dict produce it: the URI template
 * filled with percent-encoded labels, the query string, headers, and a JSON
 * body byte-identical to Python's json.dumps (", " / ": " separators,
 * ensure_ascii escaping, float repr).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"

/* ------------------------------------------------------------- encoding */

static int s_is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

int qc_percent_encode(qc_buf *b, const char *s, size_t len, const char *safe)
{
    static const char hex[] = "0123456789ABCDEF";
    int rc = qc_buf_reserve(b, len);
    if (rc)
        return rc;
    size_t i = 0;
    while (i < len) {
        size_t j = i; /* a run of unreserved bytes goes out in one copy */
        while (j < len && s_is_unreserved((unsigned char)s[j]))
            j++;
        if (j > i && (rc = qc_buf_append(b, s + i, j - i)))
            return rc;
        if (j >= len)
            break;
        unsigned char c = (unsigned char)s[j];
        if (c && safe && strchr(safe, c)) {
            rc = qc_buf_append_byte(b, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc = qc_buf_append(b, e, 3);
        }
        if (rc)
            return rc;
        i = j + 1;
    }
    return QC_OK;
}

/* Decodes one UTF-8 (or WTF-8: surrogates allowed) sequence at s[*i];
 * returns the code point or -1 for invalid bytes. */
static long s_utf8_next(const unsigned char *s, size_t len, size_t *i)
{
    unsigned char c = s[*i];
    long cp;
    int n;
    if (c < 0x80) {
        (*i)++;
        return c;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
        cp = c & 0x1F;
        n = 1;
    } else if ((c & 0xF0) == 0xE0) {
        cp = c & 0x0F;
        n = 2;
    } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
        cp = c & 0x07;
        n = 3;
    } else {
        return -1;
    }
    if (*i + (size_t)n >= len)
        return -1;
    for (int k = 1; k <= n; k++) {
        unsigned char cc = s[*i + (size_t)k];
        if ((cc & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
        return -1;
    *i += (size_t)n + 1;
    return cp;
}

int qc_json_write_string(qc_buf *b, const char *str, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    int rc = qc_buf_reserve(b, len + 2);
    if (rc)
        return rc;
    b->data[b->len++] = '"';
    size_t i = 0;
    while (i < len) {
        /* Copy a run of printable ASCII that needs no escaping: eight bytes
         * at a time while none is below 0x20, '"', '\\' or 0x7F and up. */
        size_t start = i;
        const uint64_t lo = 0x0101010101010101ULL, hi = lo << 7;
        while (len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            uint64_t wq = w ^ (lo * '"'), wb = w ^ (lo * '\\');
            if ((((w - lo * 0x20) | (wq - lo) | (wb - lo) | (w + lo)) & ~w &
                 hi) |
                (w & hi))
                break;
            i += 8;
        }
        while (i < len && s[i] >= 0x20 && s[i] < 0x7F && s[i] != '"' &&
               s[i] != '\\')
            i++;
        if (i > start && (rc = qc_buf_append(b, s + start, i - start)))
            return rc;
        if (i >= len)
            break;
        unsigned char c = s[i];
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default: break;
        }
        if (esc) {
            if ((rc = qc_buf_append(b, esc, 2)))
                return rc;
            i++;
            continue;
        }
        long cp = s_utf8_next(s, len, &i);
        if (cp < 0)
            return QC_ERR_SERIALIZE;
        unsigned units[2];
        int nu = 1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            units[0] = 0xD800 + (unsigned)(cp >> 10);
            units[1] = 0xDC00 + (unsigned)(cp & 0x3FF);
            nu = 2;
        } else {
            units[0] = (unsigned)cp;
        }
        for (int k = 0; k < nu; k++) {
            char e[6] = {'\\', 'u', hex[(units[k] >> 12) & 15],
                         hex[(units[k] >> 8) & 15], hex[(units[k] >> 4) & 15],
                         hex[units[k] & 15]};
            if ((rc = qc_buf_append(b, e, 6)))
                return rc;
        }
    }
    return qc_buf_append_byte(b, '"');
}

/* Writes d as Python's repr(float): the shortest digits that round-trip,
 * fixed notation for exponents -4 <= e < 16, else "d.ddde+XX". */
int qc_json_write_double(qc_buf *b, double d)
{
    if (isnan(d))
        return qc_buf_append_str(b, "NaN");
    if (isinf(d))
        return qc_buf_append_str(b, d < 0 ? "-Infinity" : "Infinity");
    char tmp[40];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* tmp: [-]D[.DDD]e[+-]XX */
    char digits[24];
    size_t nd = 0;
    const char *p = tmp;
    int neg = 0;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
    int exp10 = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    int rc = QC_OK;
    if (neg && (rc = qc_buf_append_byte(b, '-')))
        return rc;
    if (exp10 >= -5 + 1 && exp10 < 16) {
        if (exp10 >= 0) {
            for (int k = 0; k <= exp10; k++)
                if ((rc = qc_buf_append_byte(b, k < (int)nd ? digits[k] : '0')))
                    return rc;
            if ((rc = qc_buf_append_byte(b, '.')))
                return rc;
            if ((int)nd > exp10 + 1)
                rc = qc_buf_append(b, digits + exp10 + 1,
                                   nd - (size_t)exp10 - 1);
            else
                rc = qc_buf_append_byte(b, '0');
            return rc;
        }
        if ((rc = qc_buf_append(b, "0.", 2)))
            return rc;
        for (int k = 0; k < -exp10 - 1; k++)
            if ((rc = qc_buf_append_byte(b, '0')))
                return rc;
        return qc_buf_append(b, digits, nd);
    }
    if ((rc = qc_buf_append_byte(b, digits[0])))
        return rc;
    if (nd > 1 && ((rc = qc_buf_append_byte(b, '.')) ||
                   (rc = qc_buf_append(b, digits + 1, nd - 1))))
        return rc;
    return qc_buf_appendf(b, "e%c%02d", exp10 < 0 ? '-' : '+',
                          exp10 < 0 ? -exp10 : exp10);
}

/* ------------------------------------------------------------- helpers */

typedef struct s_sctx {
    const qc_model *m;
    qc_error *err;
    /* Faults botocore meets later than the core would: the first value
     * json.dumps refuses (reported once the rest of the body is written,
     * as botocore converts the body's values before json.dumps walks
     * them), and the first query / header text that cannot be encoded as
     * UTF-8 (reported last: botocore encodes the query when it builds the
     * URL). */
    const qc_value *json_fault;
    int json_fault_kind;
    const qc_value *query_fault;
    const qc_value *header_fault;
} s_sctx;

/* Sets x->err to QC_ERR_VALUE for the value v (fault, v->origin) with a
 * message naming the problem; returns QC_ERR_VALUE. */
static int s_fault(s_sctx *x, int fault, const qc_value *v, const char *what)
{
    static const char *const texts[] = {
        "",
        "text holding a lone surrogate cannot be encoded as UTF-8",
        "the value has no double (out of range, or not a number)",
        "a value of this type is not JSON serializable",
        "keys must be str, int, float, bool or None",
        "a NaN decimal cannot be compared",
    };
    const char *t = fault > 0 && fault < (int)(sizeof texts / sizeof *texts)
                        ? texts[fault]
                        : "the value cannot be converted";
    if (what)
        qc_error_set(x->err, QC_ERR_VALUE, "%s: %s", what, t);
    else
        qc_error_set(x->err, QC_ERR_VALUE, "%s", t);
    if (x->err) {
        x->err->fault = fault;
        x->err->origin = v->origin;
    }
    return QC_ERR_VALUE;
}

/* Sets x->err to the QC_FAULT_KEY fault of key, a name structure shape
 * (named sname) does not have; returns QC_ERR_VALUE. */
static int s_fault_key(s_sctx *x, const qc_value *key, const char *sname)
{
    if (key->type == QC_VAL_STRING)
        qc_error_set(x->err, QC_ERR_VALUE, "unknown parameter %.*s in %s",
                     (int)key->u.s.len, key->u.s.ptr, sname);
    else
        qc_error_set(x->err, QC_ERR_VALUE,
                     "a parameter name of %s is not a string", sname);
    if (x->err) {
        x->err->fault = QC_FAULT_KEY;
        x->err->origin = key->origin;
    }
    return QC_ERR_VALUE;
}

/* Keeps the first JSON fault (see s_sctx); returns QC_OK. */
static int s_json_fault(s_sctx *x, int fault, const qc_value *v)
{
    if (!x->json_fault) {
        x->json_fault = v;
        x->json_fault_kind = fault;
    }
    return QC_OK;
}

/* Returns 1 when UTF-8/WTF-8 text holds an encoded UTF-16 surrogate
 * (ED A0..BF xx), which strict UTF-8 cannot encode. */
static int s_has_surrogate(const char *p, size_t n)
{
    const char *end = p + n;
    while (p < end) {
        const char *e = memchr(p, 0xED, (size_t)(end - p));
        if (!e || e + 1 >= end)
            return 0;
        if ((unsigned char)e[1] >= 0xA0)
            return 1;
        p = e + 1;
    }
    return 0;
}

/* Returns 1 for the text of a NaN decimal ("NaN", "-NaN12"), 2 for a
 * signalling one ("sNaN"), else 0. */
static int s_decimal_nan(const char *p, size_t n)
{
    if (n && (*p == '-' || *p == '+')) {
        p++;
        n--;
    }
    if (n >= 3 && memcmp(p, "NaN", 3) == 0)
        return 1;
    if (n >= 4 && memcmp(p, "sNaN", 4) == 0)
        return 2;
    return 0;
}

/* Reads decimal text (digits of a big int, or a decimal's str()) as
 * Python's float() of it; returns 0, or -1 when the text is no number or
 * big_int is set and the value is beyond the double range (OverflowError
 * in Python; float() of a decimal gives inf there instead). */
static int s_text_to_double(const char *p, size_t n, int big_int, double *out)
{
    int nan = s_decimal_nan(p, n);
    if (nan == 2)
        return -1;
    if (nan == 1) {
        *out = (n && *p == '-') ? -NAN : NAN;
        return 0;
    }
    char small[64];
    char *t = n < sizeof small ? small : malloc(n + 1);
    if (!t)
        return -1;
    memcpy(t, p, n);
    t[n] = '\0';
    char *end = NULL;
    double d = strtod(t, &end);
    int ok = n > 0 && end == t + n;
    if (t != small)
        free(t);
    if (!ok || (big_int && isinf(d)))
        return -1;
    *out = d;
    return 0;
}

int qc_value_to_double(const qc_value *v, double *out)
{
    switch (v->type) {
    case QC_VAL_BOOL:
        *out = v->u.b ? 1.0 : 0.0;
        return 0;
    case QC_VAL_INT:
        if (v->flags & QC_VALF_BIGINT)
            return s_text_to_double(v->u.s.ptr, v->u.s.len, 1, out);
        *out = (double)v->u.i;
        return 0;
    case QC_VAL_FLOAT:
        if (v->flags & QC_VALF_DECIMAL_TEXT)
            return s_text_to_double(v->u.s.ptr, v->u.s.len, 0, out);
        *out = v->u.f;
        return 0;
    default:
        return -1;
    }
}

/* Returns the value's timestamp as UTC seconds/usec, or -1. */
static int s_timestamp_of(const qc_value *v, int64_t *sec, int32_t *usec)
{
    switch (v->type) {
    case QC_VAL_TIMESTAMP:
        *sec = v->u.ts.sec;
        *usec = v->u.ts.usec;
        return 0;
    case QC_VAL_INT:
        *sec = v->u.i;
        *usec = 0;
        return 0;
    case QC_VAL_BOOL:
        *sec = v->u.b;
        *usec = 0;
        return 0;
    case QC_VAL_FLOAT: {
        double d;
        if (qc_value_to_double(v, &d))
            return -1;
        return qc_epoch_from_double(d, sec, usec);
    }
    case QC_VAL_STRING:
        return qc_timestamp_from_text(v->u.s.ptr, v->u.s.len, sec, usec);
    default:
        return -1;
    }
}

/* Returns the timestamp format flag for a member/shape, or dflt. */
static unsigned s_ts_format(const qc_member *mem, const qc_shape *s,
                            unsigned dflt)
{
    unsigned f = mem && mem->ts_format ? mem->ts_format
                                       : (s->flags & (QC_SF_TS_ISO8601 |
                                                      QC_SF_TS_UNIX |
                                                      QC_SF_TS_RFC822));
    return f ? f : dflt;
}

/* Appends the RFC 822 form botocore's formatdate(usegmt=True) gives. */
static int s_format_rfc822(qc_buf *b, int64_t sec)
{
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun",
                                       "Mon", "Tue", "Wed"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    int64_t dd = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
    int64_t rem = sec - dd * 86400;
    int64_t y;
    unsigned mo, d;
    qc_civil_from_days(dd, &y, &mo, &d);
    int wd = (int)(((dd % 7) + 7) % 7);
    return qc_buf_appendf(b, "%s, %02u %s %04lld %02d:%02d:%02d GMT",
                          days[wd], d, months[mo - 1], (long long)y,
                          (int)(rem / 3600), (int)(rem / 60 % 60),
                          (int)(rem % 60));
}

/* Appends a timestamp in the given format (QC_SF_TS_*); as_json quotes
 * string forms. Unix time is whole seconds (botocore's default precision). */
static int s_write_timestamp(qc_buf *b, const qc_value *v, unsigned fmt,
                             int as_json)
{
    int64_t sec;
    int32_t usec;
    if (s_timestamp_of(v, &sec, &usec) != 0)
        return QC_ERR_SERIALIZE;
    /* datetime's range (years 1-9999): a C caller's value may be anything,
     * and the calendar arithmetic below must not overflow. */
    if (sec < -62135596800LL || sec > 253402300799LL)
        return QC_ERR_SERIALIZE;
    if (fmt == QC_SF_TS_UNIX)
        return qc_buf_appendf(b, "%" PRId64, sec);
    int rc;
    if (as_json && (rc = qc_buf_append_byte(b, '"')))
        return rc;
    rc = fmt == QC_SF_TS_RFC822 ? s_format_rfc822(b, sec)
                                : qc_format_iso8601(b, sec, usec);
    if (rc)
        return rc;
    return as_json ? qc_buf_append_byte(b, '"') : QC_OK;
}

/* Appends base64 of (p, n). */
static int s_base64(qc_buf *b, const unsigned char *p, size_t n)
{
    static const char tbl[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int rc = qc_buf_reserve(b, (n + 2) / 3 * 4);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char o[4] = {tbl[(v >> 18) & 63], tbl[(v >> 12) & 63],
                     i + 1 < n ? tbl[(v >> 6) & 63] : '=',
                     i + 2 < n ? tbl[v & 63] : '='};
        if ((rc = qc_buf_append(b, o, 4)))
            return rc;
    }
    return QC_OK;
}

/* Appends the text of a value for a float shape in a URI label / query
 * value / header: str(_handle_float(value)), where _handle_float compares
 * the value with +-inf and calls math.isnan on it. Returns QC_ERR_VALUE
 * (what names the parameter) where Python fails there: a value with no
 * double (QC_FAULT_FLOAT), a signalling NaN decimal (QC_FAULT_COMPARE). */
static int s_write_float_text(s_sctx *x, qc_buf *b, const qc_value *v,
                              const char *what)
{
    double d;
    switch (v->type) {
    case QC_VAL_BOOL:
        return qc_buf_append_str(b, v->u.b ? "True" : "False");
    case QC_VAL_INT:
        if (!(v->flags & QC_VALF_BIGINT))
            return qc_buf_appendf(b, "%" PRId64, v->u.i);
        if (qc_value_to_double(v, &d))
            return s_fault(x, QC_FAULT_FLOAT, v, what);
        return qc_buf_append(b, v->u.s.ptr, v->u.s.len);
    case QC_VAL_FLOAT:
        if (v->flags & QC_VALF_DECIMAL_TEXT) {
            int nan = s_decimal_nan(v->u.s.ptr, v->u.s.len);
            if (nan == 2)
                return s_fault(x, QC_FAULT_COMPARE, v, what);
            if (nan == 1)
                return qc_buf_append_str(b, "NaN");
            /* str() of an infinite decimal is already "Infinity". */
            return qc_buf_append(b, v->u.s.ptr, v->u.s.len);
        }
        if (isnan(v->u.f))
            return qc_buf_append_str(b, "NaN");
        return qc_json_write_double(b, v->u.f);
    default:
        return s_fault(x, QC_FAULT_FLOAT, v, what);
    }
}

/* Appends the text botocore puts in a URI label / query value / header for
 * a scalar of shape type stype: str(value), except that boolean shapes are
 * lower-cased and float shapes go through _handle_float. Returns QC_OK,
 * QC_ERR_SERIALIZE for a value it has no text for, or QC_ERR_VALUE (with
 * x->err set, what naming the parameter). */
static int s_write_scalar_text(s_sctx *x, qc_buf *b, const qc_value *v,
                               unsigned ts_fmt, int stype, const char *what)
{
    if (stype == QC_T_FLOAT || stype == QC_T_DOUBLE)
        return s_write_float_text(x, b, v, what);
    switch (v->type) {
    case QC_VAL_STRING:
    case QC_VAL_BYTES:
        return qc_buf_append(b, v->u.s.ptr, v->u.s.len);
    case QC_VAL_BOOL:
        if (stype == QC_T_BOOLEAN)
            return qc_buf_append_str(b, v->u.b ? "true" : "false");
        return qc_buf_append_str(b, v->u.b ? "True" : "False");
    case QC_VAL_INT:
        if (v->flags & QC_VALF_BIGINT)
            return qc_buf_append(b, v->u.s.ptr, v->u.s.len);
        return qc_buf_appendf(b, "%" PRId64, v->u.i);
    case QC_VAL_FLOAT:
        /* Any shape but a float one gets str(value): "nan", "inf" for a
         * float, a decimal's own text. */
        if (v->flags & QC_VALF_DECIMAL_TEXT)
            return qc_buf_append(b, v->u.s.ptr, v->u.s.len);
        if (!isfinite(v->u.f))
            return qc_buf_append_str(b, isnan(v->u.f) ? "nan"
                                        : v->u.f < 0 ? "-inf" : "inf");
        return qc_json_write_double(b, v->u.f);
    case QC_VAL_TIMESTAMP:
        return s_write_timestamp(b, v, ts_fmt, 0);
    default:
        return QC_ERR_SERIALIZE;
    }
}

/* ------------------------------------------------------------- JSON body */

static int s_json_value(s_sctx *x, qc_buf *b, const qc_value *v,
                        uint16_t shape_index, const qc_member *mem);

/* Writes a JSON object key as Python's json.dumps turns dict keys into
 * strings: str as is, True/False/None as "true"/"false"/"null", numbers by
 * their JSON text. Other key types are refused as json.dumps refuses them. */
static int s_json_dict_key(s_sctx *x, qc_buf *b, const qc_value *k)
{
    qc_buf t;
    int rc;
    switch (k->type) {
    case QC_VAL_STRING:
        return qc_json_write_string(b, k->u.s.ptr, k->u.s.len);
    case QC_VAL_BOOL:
        return qc_buf_append_str(b, k->u.b ? "\"true\"" : "\"false\"");
    case QC_VAL_NULL:
        return qc_buf_append_str(b, "\"null\"");
    case QC_VAL_FLOAT:
        if (k->flags & QC_VALF_DECIMAL) /* json.dumps refuses a Decimal key */
            break;
        /* fall through */
    case QC_VAL_INT:
        qc_buf_init(&t, 0);
        rc = (k->type == QC_VAL_INT && !(k->flags & QC_VALF_BIGINT))
                 ? qc_buf_appendf(&t, "%" PRId64, k->u.i)
             : k->type == QC_VAL_INT ? qc_buf_append(&t, k->u.s.ptr, k->u.s.len)
                                     : qc_json_write_double(&t, k->u.f);
        if (!rc)
            rc = qc_json_write_string(b, t.data, t.len);
        qc_buf_clean_up(&t);
        return rc;
    default:
        break;
    }
    s_json_fault(x, QC_FAULT_JSON_KEY, k);
    return qc_buf_append(b, "\"\"", 2);
}

/* Writes any value by its own type (documents, untyped map keys). */
static int s_json_plain(s_sctx *x, qc_buf *b, const qc_value *v)
{
    int rc;
    switch (v->type) {
    case QC_VAL_NULL:
        return qc_buf_append_str(b, "null");
    case QC_VAL_BOOL:
        return qc_buf_append_str(b, v->u.b ? "true" : "false");
    case QC_VAL_INT:
        if (v->flags & QC_VALF_BIGINT)
            return qc_buf_append(b, v->u.s.ptr, v->u.s.len);
        return qc_buf_appendf(b, "%" PRId64, v->u.i);
    case QC_VAL_FLOAT:
        if (v->flags & QC_VALF_DECIMAL) /* json.dumps refuses a Decimal */
            break;
        return qc_json_write_double(b, v->u.f);
    case QC_VAL_STRING:
        return qc_json_write_string(b, v->u.s.ptr, v->u.s.len);
    case QC_VAL_LIST:
        if ((rc = qc_buf_append_byte(b, '[')))
            return rc;
        for (size_t i = 0; i < v->u.list.len; i++) {
            if (i && (rc = qc_buf_append(b, ", ", 2)))
                return rc;
            if ((rc = s_json_plain(x, b, &v->u.list.items[i])))
                return rc;
        }
        return qc_buf_append_byte(b, ']');
    case QC_VAL_MAP:
        if (v->flags & QC_VALF_EMPTY_STORE)
            return qc_buf_append(b, "{}", 2);
        if ((rc = qc_buf_append_byte(b, '{')))
            return rc;
        for (size_t i = 0; i < v->u.map.len; i++) {
            const qc_pair *p = &v->u.map.items[i];
            if (i && (rc = qc_buf_append(b, ", ", 2)))
                return rc;
            if ((rc = s_json_dict_key(x, b, &p->key)) ||
                (rc = qc_buf_append(b, ": ", 2)) ||
                (rc = s_json_plain(x, b, &p->value)))
                return rc;
        }
        return qc_buf_append_byte(b, '}');
    default:
        break;
    }
    s_json_fault(x, QC_FAULT_JSON, v);
    return qc_buf_append_str(b, "null");
}

/* Returns the value to write for pair i of map v, or NULL when pair i is
 * not written: where pairs may repeat a key (QC_VALF_ITEMS) and go into a
 * new dict, a string key's first pair carries its last value. */
static const qc_value *s_pair_value(const qc_value *v, size_t i)
{
    const qc_pair *p = &v->u.map.items[i];
    if (!(v->flags & QC_VALF_ITEMS) || p->key.type != QC_VAL_STRING)
        return &p->value;
    const qc_value *out = &p->value;
    for (size_t j = 0; j < v->u.map.len; j++) {
        const qc_value *k = &v->u.map.items[j].key;
        if (j == i || k->type != QC_VAL_STRING ||
            k->u.s.len != p->key.u.s.len ||
            memcmp(k->u.s.ptr, p->key.u.s.ptr, k->u.s.len) != 0)
            continue;
        if (j < i)
            return NULL;
        out = &v->u.map.items[j].value;
    }
    return out;
}

/* Writes a member name as a JSON key followed by ": ". Model names go out
 * as they are: tools/gen_model.py refuses a name that would need JSON
 * escaping. */
static int s_json_key(qc_buf *b, const char *name, size_t len)
{
    int rc = qc_buf_reserve(b, len + 4);
    if (rc)
        return rc;
    char *o = b->data + b->len;
    o[0] = '"';
    memcpy(o + 1, name, len);
    memcpy(o + 1 + len, "\": ", 3);
    b->len += len + 4;
    b->data[b->len] = '\0';
    return QC_OK;
}

/* Writes the members of structure s present in v (caller's order), plus
 * the idempotency token last when given; only body members when
 * body_only. */
static int s_json_structure(s_sctx *x, qc_buf *b, const qc_value *v,
                            const qc_shape *s, int body_only,
                            const qc_cursor *token, const qc_member *tok_mem)
{
    int rc;
    if (v->type != QC_VAL_MAP)
        return qc_error_set(x->err, QC_ERR_SERIALIZE,
                            "structure %s expects a map", s->name);
    if ((rc = qc_buf_append_byte(b, '{')))
        return rc;
    int first = 1;
    for (size_t i = 0; i < v->u.map.len; i++) {
        const qc_pair *p = &v->u.map.items[i];
        const qc_value *val = body_only ? &p->value : s_pair_value(v, i);
        if (!val)
            continue;
        if (body_only && val->type == QC_VAL_NULL)
            continue; /* the input's None values are dropped unread */
        /* botocore: shape.members[key], a KeyError for any other key. */
        int pos = p->key.type == QC_VAL_STRING
                      ? qc_shape_find_member(x->m, s, p->key.u.s.ptr,
                                             p->key.u.s.len)
                      : -1;
        if (pos < 0)
            return s_fault_key(x, &p->key, s->name);
        const qc_member *mem = qc_shape_member(x->m, s, (size_t)pos);
        if (body_only && mem->location != QC_LOC_BODY)
            continue;
        if (!first && (rc = qc_buf_append(b, ", ", 2)))
            return rc;
        first = 0;
        if ((rc = s_json_key(b, mem->name, mem->name_len)) ||
            (rc = s_json_value(x, b, val, mem->shape, mem)))
            return rc;
    }
    if (token && tok_mem) {
        if (!first && (rc = qc_buf_append(b, ", ", 2)))
            return rc;
        if ((rc = s_json_key(b, tok_mem->name, tok_mem->name_len)) ||
            (rc = qc_json_write_string(b, token->ptr, token->len)))
            return rc;
    }
    return qc_buf_append_byte(b, '}');
}

static int s_json_value(s_sctx *x, qc_buf *b, const qc_value *v,
                        uint16_t shape_index, const qc_member *mem)
{
    const qc_shape *s = &x->m->shapes[shape_index];
    int rc;
    if (v->type == QC_VAL_NULL && s->type != QC_T_FLOAT &&
        s->type != QC_T_DOUBLE)
        return qc_buf_append_str(b, "null");
    switch ((qc_stype)s->type) {
    case QC_T_STRUCTURE:
        return s_json_structure(x, b, v, s, 0, NULL, NULL);
    case QC_T_DOCUMENT:
        return s_json_plain(x, b, v);
    case QC_T_LIST:
        if (v->type != QC_VAL_LIST)
            return qc_error_set(x->err, QC_ERR_SERIALIZE,
                                "list %s expects a list", s->name);
        if ((rc = qc_buf_append_byte(b, '[')))
            return rc;
        for (size_t i = 0; i < v->u.list.len; i++) {
            if (i && (rc = qc_buf_append(b, ", ", 2)))
                return rc;
            if ((rc = s_json_value(x, b, &v->u.list.items[i], s->member, NULL)))
                return rc;
        }
        return qc_buf_append_byte(b, ']');
    case QC_T_MAP:
        if (v->type != QC_VAL_MAP)
            return qc_error_set(x->err, QC_ERR_SERIALIZE,
                                "map %s expects a map", s->name);
        if ((rc = qc_buf_append_byte(b, '{')))
            return rc;
        int any = 0;
        for (size_t i = 0; i < v->u.map.len; i++) {
            const qc_pair *p = &v->u.map.items[i];
            const qc_value *val = s_pair_value(v, i);
            if (!val)
                continue;
            if (any++ && (rc = qc_buf_append(b, ", ", 2)))
                return rc;
            if ((rc = s_json_dict_key(x, b, &p->key)) ||
                (rc = qc_buf_append(b, ": ", 2)) ||
                (rc = s_json_value(x, b, val, s->value, NULL)))
                return rc;
        }
        return qc_buf_append_byte(b, '}');
    case QC_T_TIMESTAMP:
        rc = s_write_timestamp(b, v, s_ts_format(mem, s, QC_SF_TS_UNIX), 1);
        if (rc == QC_ERR_SERIALIZE)
            return qc_error_set(x->err, rc, "invalid timestamp value");
        return rc;
    case QC_T_BLOB:
        if (v->type != QC_VAL_BYTES && v->type != QC_VAL_STRING)
            return qc_error_set(x->err, QC_ERR_SERIALIZE,
                                "blob values must be bytes or str");
        if ((rc = qc_buf_append_byte(b, '"')) ||
            (rc = s_base64(b, (const unsigned char *)v->u.s.ptr, v->u.s.len)))
            return rc;
        return qc_buf_append_byte(b, '"');
    case QC_T_FLOAT:
    case QC_T_DOUBLE: {
        /* botocore: float(value) for a Decimal, then _handle_float, whose
         * math.isnan(value) fails for what has no double (an int beyond
         * its range, None, a str...). An int in range goes out as is. */
        double d;
        if (v->type == QC_VAL_BOOL ||
            (v->type == QC_VAL_INT && !(v->flags & QC_VALF_BIGINT)))
            return s_json_plain(x, b, v);
        if (qc_value_to_double(v, &d))
            return s_fault(x, QC_FAULT_FLOAT, v, mem ? mem->name : s->name);
        if (v->type == QC_VAL_INT)
            return s_json_plain(x, b, v);
        if (!isfinite(d))
            return qc_buf_append_str(b, isnan(d) ? "\"NaN\""
                                        : d < 0 ? "\"-Infinity\""
                                                : "\"Infinity\"");
        return qc_json_write_double(b, d);
    }
    default:
        rc = s_json_plain(x, b, v);
        if (rc == QC_ERR_SERIALIZE && x->err && !x->err->message)
            qc_error_set(x->err, rc, "string is not valid UTF-8");
        return rc;
    }
}

/* ------------------------------------------------------------- request */

/* Fills the URI template into req->path (appended to any base path). */
static int s_render_uri(s_sctx *x, const qc_operation *op, const qc_shape *in,
                        const qc_value *params, qc_buf *path)
{
    const char *t = op->request_uri;
    int rc = QC_OK;
    qc_buf text;
    qc_buf_init(&text, 0);
    while (*t) {
        const char *open = strchr(t, '{');
        if (!open) {
            rc = qc_buf_append_str(path, t);
            break;
        }
        const char *close = strchr(open, '}');
        if (!close) {
            rc = qc_error_set(x->err, QC_ERR_INTERNAL, "bad URI template");
            break;
        }
        if ((rc = qc_buf_append(path, t, (size_t)(open - t))))
            break;
        size_t nlen = (size_t)(close - open - 1);
        int greedy = nlen && open[nlen] == '+';
        if (greedy)
            nlen--;
        /* Find the member whose wire name is this label. */
        const qc_member *mem = NULL;
        for (uint16_t i = 0; i < in->n_members; i++) {
            const qc_member *cand = qc_shape_member(x->m, in, i);
            if (cand->location == QC_LOC_URI &&
                strlen(cand->wire_name) == nlen &&
                memcmp(cand->wire_name, open + 1, nlen) == 0) {
                mem = cand;
                break;
            }
        }
        const qc_value *v =
            mem ? qc_value_map_get(params, mem->name, mem->name_len) : NULL;
        if (!v || v->type == QC_VAL_NULL) {
            rc = qc_error_set(x->err, QC_ERR_SERIALIZE,
                              "missing value for URI label %.*s", (int)nlen,
                              open + 1);
            break;
        }
        qc_buf_reset(&text);
        const qc_shape *ms = &x->m->shapes[mem->shape];
        if ((rc = s_write_scalar_text(x, &text, v,
                                      s_ts_format(mem, ms, QC_SF_TS_ISO8601),
                                      ms->type, mem->name)))
            break;
        /* botocore's percent_encode: str.encode("utf-8"), strict. */
        if (v->type == QC_VAL_STRING &&
            s_has_surrogate(v->u.s.ptr, v->u.s.len)) {
            rc = s_fault(x, QC_FAULT_UTF8, v, mem->name);
            break;
        }
        if ((rc = qc_percent_encode(path, text.data ? text.data : "", text.len,
                                    greedy ? "/~" : "-._~")))
            break;
        t = close + 1;
    }
    qc_buf_clean_up(&text);
    if (rc == QC_ERR_SERIALIZE && x->err && !x->err->message)
        qc_error_set(x->err, rc, "a URI label value cannot be serialized");
    return rc;
}

/* Appends "key=value" to the query with botocore's encoding. */
static int s_query_pair(qc_buf *q, const char *k, size_t klen,
                        const char *v, size_t vlen)
{
    int rc;
    if (q->len && (rc = qc_buf_append_byte(q, '&')))
        return rc;
    if ((rc = qc_percent_encode(q, k, klen, "-._~")) ||
        (rc = qc_buf_append_byte(q, '=')))
        return rc;
    return qc_percent_encode(q, v, vlen, "-._~");
}

/* Keeps the first query / header text that strict UTF-8 cannot encode
 * (see s_sctx): v's string, or a key's. */
static void s_note_surrogate(const qc_value *v, const qc_value **slot)
{
    if (!*slot && v->type == QC_VAL_STRING &&
        s_has_surrogate(v->u.s.ptr, v->u.s.len))
        *slot = v;
}

/* Appends one query member (scalar, list or map) to req->query. */
static int s_query_member(s_sctx *x, const qc_member *mem, const qc_value *v,
                          qc_buf *q)
{
    const qc_shape *s = &x->m->shapes[mem->shape];
    qc_buf text;
    qc_buf_init(&text, 0);
    int rc = QC_OK;
    if (v->type == QC_VAL_MAP) {
        for (size_t i = 0; i < v->u.map.len && !rc; i++) {
            const qc_pair *p = &v->u.map.items[i];
            qc_buf_reset(&text);
            if (p->key.type != QC_VAL_STRING) {
                rc = QC_ERR_SERIALIZE;
                break;
            }
            if (p->value.type == QC_VAL_LIST) {
                for (size_t j = 0; j < p->value.u.list.len && !rc; j++) {
                    const qc_value *it = &p->value.u.list.items[j];
                    qc_buf_reset(&text);
                    rc = s_write_scalar_text(x, &text, it, QC_SF_TS_ISO8601,
                                             QC_T_STRING, mem->name);
                    s_note_surrogate(&p->key, &x->query_fault);
                    s_note_surrogate(it, &x->query_fault);
                    if (!rc)
                        rc = s_query_pair(q, p->key.u.s.ptr, p->key.u.s.len,
                                          text.data ? text.data : "", text.len);
                }
                continue;
            }
            rc = s_write_scalar_text(x, &text, &p->value, QC_SF_TS_ISO8601,
                                     QC_T_STRING, mem->name);
            s_note_surrogate(&p->key, &x->query_fault);
            s_note_surrogate(&p->value, &x->query_fault);
            if (!rc)
                rc = s_query_pair(q, p->key.u.s.ptr, p->key.u.s.len,
                                  text.data ? text.data : "", text.len);
        }
    } else if (v->type == QC_VAL_LIST) {
        const qc_shape *ms = s->type == QC_T_LIST ? &x->m->shapes[s->member] : s;
        for (size_t j = 0; j < v->u.list.len && !rc; j++) {
            const qc_value *it = &v->u.list.items[j];
            qc_buf_reset(&text);
            rc = s_write_scalar_text(x, &text, it,
                                     s_ts_format(NULL, ms, QC_SF_TS_ISO8601),
                                     ms->type, mem->name);
            s_note_surrogate(it, &x->query_fault);
            if (!rc)
                rc = s_query_pair(q, mem->wire_name, strlen(mem->wire_name),
                                  text.data ? text.data : "", text.len);
        }
    } else {
        rc = s_write_scalar_text(x, &text, v,
                                 s_ts_format(mem, s, QC_SF_TS_ISO8601),
                                 s->type, mem->name);
        s_note_surrogate(v, &x->query_fault);
        if (!rc)
            rc = s_query_pair(q, mem->wire_name, strlen(mem->wire_name),
                              text.data ? text.data : "", text.len);
    }
    qc_buf_clean_up(&text);
    if (rc == QC_ERR_SERIALIZE)
        qc_error_set(x->err, rc, "query parameter %s cannot be serialized",
                     mem->name);
    return rc;
}

/* Adds one header member (scalar, list joined by ',', or prefixed map). */
static int s_header_member(s_sctx *x, const qc_member *mem, const qc_value *v,
                           qc_http_request *req)
{
    const qc_shape *s = &x->m->shapes[mem->shape];
    qc_buf text, name;
    qc_buf_init(&text, 0);
    qc_buf_init(&name, 0);
    int rc = QC_OK;
    if (mem->location == QC_LOC_HEADERS) {
        if (v->type != QC_VAL_MAP)
            rc = QC_ERR_SERIALIZE;
        for (size_t i = 0; !rc && i < v->u.map.len; i++) {
            const qc_pair *p = &v->u.map.items[i];
            qc_buf_reset(&name);
            qc_buf_reset(&text);
            if (p->key.type != QC_VAL_STRING) {
                rc = QC_ERR_SERIALIZE;
                break;
            }
            s_note_surrogate(&p->key, &x->header_fault);
            s_note_surrogate(&p->value, &x->header_fault);
            if (!(rc = qc_buf_append_str(&name, mem->wire_name)) &&
                !(rc = qc_buf_append(&name, p->key.u.s.ptr, p->key.u.s.len)) &&
                !(rc = s_write_scalar_text(x, &text, &p->value,
                                           QC_SF_TS_RFC822, QC_T_STRING,
                                           mem->name)))
                rc = qc_headers_add(&req->headers, name.data, name.len,
                                    text.data ? text.data : "", text.len);
        }
    } else if (v->type == QC_VAL_LIST) {
        for (size_t j = 0; j < v->u.list.len && !rc; j++) {
            const qc_value *it = &v->u.list.items[j];
            if (it->type == QC_VAL_NULL)
                continue;
            s_note_surrogate(it, &x->header_fault);
            if (text.len && (rc = qc_buf_append_byte(&text, ',')))
                break;
            if (it->type == QC_VAL_STRING &&
                (memchr(it->u.s.ptr, '"', it->u.s.len) ||
                 memchr(it->u.s.ptr, ',', it->u.s.len))) {
                rc = qc_buf_append_byte(&text, '"');
                for (size_t k = 0; k < it->u.s.len && !rc; k++) {
                    if (it->u.s.ptr[k] == '"')
                        rc = qc_buf_append_byte(&text, '\\');
                    if (!rc)
                        rc = qc_buf_append_byte(&text, it->u.s.ptr[k]);
                }
                if (!rc)
                    rc = qc_buf_append_byte(&text, '"');
            } else {
                rc = s_write_scalar_text(x, &text, it, QC_SF_TS_RFC822,
                                         x->m->shapes[s->member].type,
                                         mem->name);
            }
        }
        if (!rc && v->u.list.len)
            rc = qc_headers_add(&req->headers, mem->wire_name,
                                strlen(mem->wire_name),
                                text.data ? text.data : "", text.len);
    } else {
        unsigned f = s_ts_format(mem, s, QC_SF_TS_RFC822);
        if (v->type == QC_VAL_TIMESTAMP && f == QC_SF_TS_RFC822) {
            int64_t sec;
            int32_t usec;
            rc = s_timestamp_of(v, &sec, &usec) ? QC_ERR_SERIALIZE
                                                : s_format_rfc822(&text, sec);
        } else {
            rc = s_write_scalar_text(x, &text, v, f, s->type, mem->name);
        }
        s_note_surrogate(v, &x->header_fault);
        if (!rc)
            rc = qc_headers_add(&req->headers, mem->wire_name,
                                strlen(mem->wire_name),
                                text.data ? text.data : "", text.len);
    }
    qc_buf_clean_up(&text);
    qc_buf_clean_up(&name);
    if (rc == QC_ERR_SERIALIZE || rc == QC_ERR_INVALID_ARG)
        rc = qc_error_set(x->err, QC_ERR_SERIALIZE,
                          "header parameter %s cannot be serialized "
                          "(line breaks are not allowed in headers)",
                          mem->name);
    return rc;
}

int qc_serialize(const qc_model *m, const qc_operation *op,
                 const qc_value *params, const qc_cursor *token,
                 qc_http_request *req, qc_error *err)
{
    s_sctx x;
    memset(&x, 0, sizeof x);
    x.m = m;
    x.err = err;
    int rc;
    req->method = op->method;
    if (op->input == QC_NO_SHAPE)
        return qc_buf_append_str(&req->path, op->request_uri);
    const qc_shape *in = &m->shapes[op->input];
    if (params->type != QC_VAL_MAP)
        return qc_error_set(err, QC_ERR_SERIALIZE, "parameters must be a map");
    /* botocore's order: the parameters are converted (query, headers, URI
     * labels: str(), _handle_float) in the caller's order, then the URI
     * labels are percent-encoded, then the body is written, and the query
     * is encoded last; the first failure met in that order is reported. */
    int has_body = 0;
    for (size_t i = 0; i < params->u.map.len; i++) {
        const qc_pair *p = &params->u.map.items[i];
        if (p->value.type == QC_VAL_NULL)
            continue;
        /* botocore: shape_members[name], a KeyError for any other key. */
        int pos = p->key.type == QC_VAL_STRING
                      ? qc_shape_find_member(m, in, p->key.u.s.ptr,
                                             p->key.u.s.len)
                      : -1;
        if (pos < 0)
            return s_fault_key(&x, &p->key, in->name);
        const qc_member *mem = qc_shape_member(m, in, (size_t)pos);
        rc = QC_OK;
        switch (mem->location) {
        case QC_LOC_QUERY:
            rc = s_query_member(&x, mem, &p->value, &req->query);
            break;
        case QC_LOC_HEADER:
        case QC_LOC_HEADERS:
            rc = s_header_member(&x, mem, &p->value, req);
            break;
        case QC_LOC_BODY:
            has_body = 1;
            break;
        case QC_LOC_URI:
            /* Only a non-string value can fail its conversion (the text
             * is written again with the URI). */
            if (p->value.type != QC_VAL_STRING) {
                qc_buf scratch;
                qc_buf_init(&scratch, 0);
                const qc_shape *ms = &m->shapes[mem->shape];
                unsigned f = s_ts_format(mem, ms, QC_SF_TS_ISO8601);
                rc = s_write_scalar_text(&x, &scratch, &p->value, f, ms->type,
                                         mem->name);
                qc_buf_clean_up(&scratch);
                if (rc != QC_ERR_VALUE)
                    rc = QC_OK; /* reported by s_render_uri */
            }
            break;
        default:
            break;
        }
        if (rc)
            return rc;
    }
    if ((rc = s_render_uri(&x, op, in, params, &req->path)))
        return rc;
    const qc_member *tok_mem = NULL;
    if (token && op->token_member != 0xFFFF) {
        tok_mem = qc_shape_member(m, in, op->token_member);
        if (qc_value_map_get(params, tok_mem->name, tok_mem->name_len))
            tok_mem = NULL;
        else
            has_body = 1;
    }
    if (has_body) {
        /* One allocation for a typical body rather than a growth series. */
        if ((rc = qc_buf_reserve(&req->body, 1024)))
            return rc;
        rc = s_json_structure(&x, &req->body, params, in, 1,
                              tok_mem ? token : NULL, tok_mem);
        if (rc)
            return rc;
        if (x.json_fault)
            return s_fault(&x, x.json_fault_kind, x.json_fault, NULL);
    } else if (op->flags & QC_OF_BODY_MEMBERS) {
        if ((rc = qc_buf_append(&req->body, "{}", 2)))
            return rc;
    }
    if (x.query_fault)
        return s_fault(&x, QC_FAULT_UTF8, x.query_fault, "query string");
    if (x.header_fault)
        return s_fault(&x, QC_FAULT_UTF8, x.header_fault, "header");
    if (req->body.len &&
        !qc_headers_get(&req->headers, "Content-Type", 12) &&
        (rc = qc_headers_add(&req->headers, "Content-Type", 12,
                             "application/json", 16)))
        return rc;
    return QC_OK;
}
