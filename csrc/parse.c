/*
 * parse.c — turns a received reply into the dict botocore builds for it
 * (RestJSONParser.parse plus the endpoint's modelled-error pass), as a
 * qc_value tree.
 *
 * The body is read by a JSON reader that follows Python's json.loads
 * rather than a general JSON library, because each difference changes
 * botocore's result: 1 and 1.0 are different values, integers keep every
 * digit, NaN/Infinity are accepted, strings may hold "\u0000" and lone
 * surrogates, raw control characters and leading zeros are refused, and a
 * duplicated key keeps its first position with its last value.
 *
 * Where botocore raises while parsing (a body that is not UTF-8, nesting
 * deeper than Python's recursion limit allows, a JSON type its handlers
 * cannot take), the call fails with QC_ERR_RESPONSE_PARSE.
 */
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "pipeline.h"

/* json.loads stops at Python's recursion limit (1000), so how deep a body
 * botocore reads depends on how deep its stack is when it calls loads.
 * These are the deepest nestings it reads for a call made from a script's
 * top level: on the error path (_inject_error_code), on the success path
 * (one frame deeper) and in the modelled-error pass (two frames deeper). */
#define S_DEPTH_ERROR 982
#define S_DEPTH_SUCCESS 981
#define S_DEPTH_MODELED 980
/* From CPython 3.12 json.loads stops at a fixed C recursion limit instead,
 * the same on every path; the caller passes it (json_depth_limit). */
#define S_DEPTH_MAX 100000 /* the largest limit a caller may pass */
/* Python's int-from-text limit (sys.get_int_max_str_digits()). */
#define S_MAX_INT_DIGITS 4300
/* The datetime range: 0001-01-01T00:00:00 .. 9999-12-31T23:59:59. */
#define S_MIN_SEC (-62135596800LL)
#define S_MAX_SEC 253402300799LL

/* Private outcomes beside the qc_errcode values. */
#define S_JSON_SYNTAX 1000 /* json.loads raises ValueError */
#define S_JSON_DEPTH 1001  /* json.loads raises RecursionError */
#define S_PY_VALUE 1002    /* int()/float() of a text raises ValueError */

enum {
    S_J_NULL,
    S_J_FALSE,
    S_J_TRUE,
    S_J_INT,
    S_J_FLOAT,
    S_J_STR,
    S_J_ARR,
    S_J_OBJ
};

#define S_JF_SURROGATE 0x1u /* STR holding a lone surrogate (WTF-8) */
#define S_JF_ASCII 0x2u     /* STR known to be ASCII only */

typedef struct s_jnode s_jnode;
typedef struct s_jmember s_jmember;

/* One JSON value as Python's json.loads would build it. */
struct s_jnode {
    uint8_t type;
    uint8_t flags;
    size_t len; /* STR: bytes; INT: text bytes; ARR: items; OBJ: members */
    union {
        const char *str;    /* STR (WTF-8) and INT ("-"? digits) */
        double f;           /* FLOAT */
        s_jnode *items;     /* ARR */
        s_jmember *members; /* OBJ, keys unique */
    } u;
};

struct s_jmember {
    s_jnode key; /* a STR node */
    s_jnode value;
};

/* One reply header as botocore's HTTPHeaders holds it. */
typedef struct s_hdr {
    size_t first;      /* its first line in the reply's headers (the
                          spelling of the name botocore keeps) */
    const char *lname; /* lower-cased, latin-1 decoded to UTF-8 (in the
                          result arena, NUL-terminated) */
    size_t lname_len;
    char *value; /* values joined with ", " (in the result arena) */
    size_t value_len;
    size_t value_room; /* bytes reserved for value */
    int lname_ascii;   /* lname is ASCII */
    int value_ascii;   /* value is ASCII */
} s_hdr;

typedef struct s_ctx {
    const qc_model *m;
    const qc_http_response *resp;
    qc_arena *a;   /* the result */
    qc_arena *tmp; /* scratch freed on return (s_tmp makes it) */
    qc_error *err;
    s_hdr *hdrs;
    size_t n_hdrs;
    int body_done;
    int body_depth; /* nesting of the body's JSON */
    int depth_error, depth_success, depth_modeled; /* json.loads limits */
    s_jnode body;
    char *body_copy; /* the body in the result arena, then S_BODY_PAD NULs */
} s_ctx;

/* ------------------------------------------------------------ helpers */

/* Returns the scratch arena, made at its first use (qc_parse_response
 * frees it), or NULL when out of memory. */
static qc_arena *s_tmp(s_ctx *c)
{
    if (!c->tmp)
        c->tmp = qc_arena_new();
    return c->tmp;
}

/* Returns Python's type name for what json.loads gives for n. */
static const char *s_pytype(const s_jnode *n)
{
    switch (n->type) {
    case S_J_NULL:
        return "NoneType";
    case S_J_FALSE:
    case S_J_TRUE:
        return "bool";
    case S_J_INT:
        return "int";
    case S_J_FLOAT:
        return "float";
    case S_J_STR:
        return "str";
    case S_J_ARR:
        return "list";
    default:
        return "dict";
    }
}

/* Returns QC_ERR_RESPONSE_PARSE after writing a message naming the shape. */
static int s_bad_type(s_ctx *c, const qc_shape *sh, const s_jnode *n,
                      const char *what)
{
    return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                        "Unable to parse the response: shape %s (%s) cannot "
                        "take a JSON %s value",
                        sh->name ? sh->name : "?", what, s_pytype(n));
}

/* Returns whether (s, len) equals the C string lit. */
static int s_eq(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len == n && memcmp(s, lit, n) == 0;
}

/* Points v at the static or arena text (s, len); no copy. */
static void s_set_text(qc_value *v, const char *s, size_t len, int surrogate)
{
    qc_value_set_string(v, s, len);
    if (surrogate)
        v->flags |= QC_VALF_SURROGATE;
}

/* Points v at the ASCII text (s, len): as many code points as bytes. */
static void s_set_ascii(qc_value *v, const char *s, size_t len)
{
    memset(v, 0, sizeof(*v));
    v->type = QC_VAL_STRING;
    v->u.s.ptr = s;
    v->u.s.len = len;
    v->u.s.nchars = len;
}

/* Points the key k at the static name (s, len): flagged static, code
 * points not counted (nchars unknown). */
static void s_set_key(qc_value *k, const char *s, size_t len)
{
    memset(k, 0, sizeof(*k));
    k->type = QC_VAL_STRING;
    k->flags = QC_VALF_STATIC;
    k->u.s.ptr = s;
    k->u.s.len = len;
    k->u.s.nchars = SIZE_MAX;
}

/* Sets v to an arena copy of (s, len). Returns QC_OK or QC_ERR_NOMEM. */
static int s_set_copy(qc_arena *a, qc_value *v, const char *s, size_t len,
                      int surrogate)
{
    char *p = qc_arena_strndup(a, s, len);
    if (!p)
        return QC_ERR_NOMEM;
    s_set_text(v, p, len, surrogate);
    return QC_OK;
}

/* Returns whether the len bytes at a and b are equal, reading neither
 * past its end: eight bytes at a time, the last word overlapping. */
static inline int s_mem_eq(const char *a, const char *b, size_t len)
{
    if (len >= 8) {
        uint64_t x, y;
        for (size_t i = 0; i + 8 < len; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return 0;
        }
        memcpy(&x, a + len - 8, 8);
        memcpy(&y, b + len - 8, 8);
        return x == y;
    }
    if (len >= 4) {
        uint32_t x, y, xt, yt;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        memcpy(&xt, a + len - 4, 4);
        memcpy(&yt, b + len - 4, 4);
        return x == y && xt == yt;
    }
    for (size_t i = 0; i < len; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* Stores (key, v) in map, replacing the value of an equal string key as a
 * Python dict assignment does, else appending (map has room for cap). */
static int s_put(qc_value *map, size_t cap, const char *key, size_t klen,
                 const qc_value *v)
{
    for (size_t i = 0; i < map->u.map.len; i++) {
        const qc_value *k = &map->u.map.items[i].key;
        if (k->u.s.len == klen &&
            (k->u.s.ptr == key || s_mem_eq(k->u.s.ptr, key, klen))) {
            map->u.map.items[i].value = *v;
            return QC_OK;
        }
    }
    if (map->u.map.len >= cap)
        return QC_ERR_INTERNAL;
    qc_pair *p = &map->u.map.items[map->u.map.len++];
    s_set_key(&p->key, key, klen); /* every caller passes a static name */
    p->value = *v;
    return QC_OK;
}

/* Returns a map value with room for cap pairs and none used (the room
 * is not cleared: only the pairs below u.map.len are ever read). */
static int s_new_map(qc_arena *a, qc_value *v, size_t cap)
{
    memset(v, 0, sizeof(*v));
    v->type = QC_VAL_MAP;
    if (cap) {
        if (cap > SIZE_MAX / sizeof(qc_pair))
            return QC_ERR_NOMEM;
        v->u.map.items = qc_arena_alloc(a, cap * sizeof(qc_pair));
        if (!v->u.map.items)
            return QC_ERR_NOMEM;
    }
    return QC_OK;
}

/* ---------------------------------------------------------------- UTF-8 */

/* Checks (s, len) as Python's strict UTF-8 decoder does. Returns QC_OK or
 * QC_ERR_RESPONSE_PARSE with the decoder's complaint. */
static int s_check_utf8(const char *s, size_t len, qc_error *err)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned b = p[i];
        if (b < 0x80) {
            /* ASCII runs eight bytes at a time */
            uint64_t w;
            while (i + 8 <= len &&
                   (memcpy(&w, p + i, 8), (w & 0x8080808080808080ULL) == 0))
                i += 8;
            if (i < len && p[i] < 0x80)
                i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            need = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            if (b == 0xE0)
                lo = 0xA0;
            else if (b == 0xED)
                hi = 0x9F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            if (b == 0xF0)
                lo = 0x90;
            else if (b == 0xF4)
                hi = 0x8F;
        } else {
            return qc_error_set(err, QC_ERR_RESPONSE_PARSE,
                                "'utf-8' codec can't decode byte 0x%02x in "
                                "position %zu: invalid start byte",
                                b, i);
        }
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len)
                return qc_error_set(err, QC_ERR_RESPONSE_PARSE,
                                    "'utf-8' codec can't decode byte 0x%02x "
                                    "in position %zu: unexpected end of data",
                                    b, i);
            unsigned cb = p[i + k];
            unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
            if (cb < l || cb > h)
                return qc_error_set(err, QC_ERR_RESPONSE_PARSE,
                                    "'utf-8' codec can't decode byte 0x%02x "
                                    "in position %zu: invalid continuation "
                                    "byte",
                                    b, i);
        }
        i += need + 1;
    }
    return QC_OK;
}

/* Returns the code point at *p (valid WTF-8) and advances *p. */
static unsigned s_next_cp(const char **p)
{
    const unsigned char *s = (const unsigned char *)*p;
    unsigned cp;
    size_t n;
    if (s[0] < 0x80) {
        cp = s[0];
        n = 1;
    } else if (s[0] < 0xE0) {
        cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
        n = 2;
    } else if (s[0] < 0xF0) {
        cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
        n = 3;
    } else {
        cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) |
             ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
        n = 4;
    }
    *p += n;
    return cp;
}

/* Writes cp as UTF-8 (surrogates as 3 bytes, WTF-8); returns the length. */
static size_t s_put_utf8(char *w, unsigned cp)
{
    unsigned char *o = (unsigned char *)w;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* ----------------------------------------------------------- JSON reader */

typedef struct s_reader {
    const char *p;
    const char *end;
    s_ctx *c;       /* scratch (s_tmp): arrays, number text */
    qc_arena *strs; /* decoded (escaped) strings: the result arena */
    qc_buf stack; /* members/items of the containers being read */
    int depth;
    int max_depth; /* deepest nesting seen */
    int nonascii;  /* a string held a byte from 0x80 up */
} s_reader;

static int s_read_value(s_reader *r, s_jnode *out);

/* Returns the reader's scratch arena, or NULL when out of memory. */
static qc_arena *s_rtmp(s_reader *r)
{
    return s_tmp(r->c);
}

/* Returns whether ch is an ASCII digit. */
static int s_is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* Skips the whitespace json accepts between tokens. */
static void s_skip_ws(s_reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
                             *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

/* Reads 4 hex digits at p into *out; returns 1, or 0 when not hex. */
static int s_hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        v <<= 4;
        if (ch >= '0' && ch <= '9')
            v |= (unsigned)(ch - '0');
        else if (ch >= 'a' && ch <= 'f')
            v |= (unsigned)(ch - 'a' + 10);
        else if (ch >= 'A' && ch <= 'F')
            v |= (unsigned)(ch - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

/* 1 for the bytes that end a run of plain string text: '"', '\\' and the
 * control characters. */
static const unsigned char s_string_stop[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
};

/* Reads the string at r->p (a '"') into a STR node pointing into the body
 * or, when it has escapes, at its decoded text in the scratch arena. */
static int s_read_string(s_reader *r, s_jnode *out)
{
    const char *start = r->p + 1, *q = start;
    int escaped = 0;
    uint64_t high = 0; /* bit 7 of any byte scanned */
    for (;;) {
        /* Eight bytes at a time: the lowest byte flagged in the mask is
         * the first '"', '\\' or byte below 0x20 (a borrow only runs
         * upwards, and bytes from 0x80 up are never flagged). */
        while (r->end - q >= 8) {
            uint64_t w, lo = 0x0101010101010101ULL, hi = lo << 7;
            memcpy(&w, q, 8);
            uint64_t wq = w ^ (lo * '"'), wb = w ^ (lo * '\\');
            uint64_t stop = ((w - lo * 0x20) | (wq - lo) | (wb - lo)) & ~w &
                            hi;
            if (stop) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                        \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                uint64_t first = stop & (0 - stop);
                high |= w & (first - 1); /* the bytes before it */
                q += __builtin_ctzll(stop) >> 3;
#endif
                break;
            }
            high |= w;
            q += 8;
        }
        while (q < r->end && !s_string_stop[(unsigned char)*q])
            high |= (unsigned char)*q++;
        if (q >= r->end)
            return S_JSON_SYNTAX;
        unsigned char ch = (unsigned char)*q;
        if (ch == '"')
            break;
        if (ch < 0x20)
            return S_JSON_SYNTAX; /* strict: raw control character */
        if (ch == '\\') {
            if (r->end - q < 2)
                return S_JSON_SYNTAX;
            escaped = 1;
            q += 2;
            continue;
        }
        q++;
    }
    const char *close = q;
    out->type = S_J_STR;
    out->flags = 0;
    r->p = close + 1;
    if (high & 0x8080808080808080ULL)
        r->nonascii = 1;
    if (!escaped) {
        out->u.str = start;
        out->len = (size_t)(close - start);
        if (!(high & 0x8080808080808080ULL))
            out->flags = S_JF_ASCII;
        return QC_OK;
    }
    char *buf = qc_arena_alloc(r->strs, (size_t)(close - start));
    if (!buf)
        return QC_ERR_NOMEM;
    char *w = buf;
    const char *s = start;
    while (s < close) {
        if (*s != '\\') {
            *w++ = *s++;
            continue;
        }
        char e = s[1];
        s += 2;
        switch (e) {
        case '"':
        case '\\':
        case '/':
            *w++ = e;
            break;
        case 'b':
            *w++ = '\b';
            break;
        case 'f':
            *w++ = '\f';
            break;
        case 'n':
            *w++ = '\n';
            break;
        case 'r':
            *w++ = '\r';
            break;
        case 't':
            *w++ = '\t';
            break;
        case 'u': {
            unsigned cp, lo;
            if (close - s < 4 || !s_hex4(s, &cp))
                return S_JSON_SYNTAX;
            s += 4;
            /* An escaped high surrogate joins an escaped low one right
             * after it; anything else leaves it alone. */
            if (cp >= 0xD800 && cp <= 0xDBFF && close - s >= 6 &&
                s[0] == '\\' && s[1] == 'u') {
                if (!s_hex4(s + 2, &lo))
                    return S_JSON_SYNTAX;
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    s += 6;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                out->flags |= S_JF_SURROGATE;
            w += s_put_utf8(w, cp);
            break;
        }
        default:
            return S_JSON_SYNTAX;
        }
    }
    out->u.str = buf;
    out->len = (size_t)(w - buf);
    return QC_OK;
}

/* Converts the ASCII decimal text (s, len) to a double as Python's float()
 * does (correctly rounded, overflow to +-inf), whatever the C locale. */
static int s_strtod(qc_arena *tmp, const char *s, size_t len, double *out)
{
    const char *dp = localeconv()->decimal_point;
    size_t dpl = dp && dp[0] ? strlen(dp) : 1;
    if (!tmp || len > (SIZE_MAX - 1) / dpl)
        return QC_ERR_NOMEM;
    char *t = qc_arena_alloc(tmp, len * dpl + 1);
    if (!t)
        return QC_ERR_NOMEM;
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.' && dp && dp[0]) {
            memcpy(t + j, dp, dpl);
            j += dpl;
        } else {
            t[j++] = s[i];
        }
    }
    t[j] = '\0';
    *out = strtod(t, NULL);
    return QC_OK;
}

/* Converts the JSON number text (s, len) ('-'? digits ('.' digits)?
 * ([eE] [+-]? digits)?) to a double without strtod when that is exact:
 * when its significant digits make an integer M below 2^53 and the
 * decimal exponent e is within +-22, M and 10^|e| are exact doubles and
 * one IEEE multiplication or division rounds correctly, as float() does.
 * Returns 1 with *out set, or 0 when the text needs strtod. */
static int s_fast_double(const char *s, size_t len, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                   1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                   1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = s, *end = s + len;
    int neg = p < end && *p == '-';
    p += neg;
    uint64_t m = 0;
    int digits = 0, exp10 = 0;
    for (; p < end && s_is_digit(*p); p++) {
        if (m == 0 && *p == '0')
            continue; /* leading zeros */
        if (++digits > 19)
            return 0;
        m = m * 10 + (uint64_t)(*p - '0');
    }
    if (p < end && *p == '.') {
        for (p++; p < end && s_is_digit(*p); p++) {
            exp10--;
            if (m == 0 && *p == '0')
                continue;
            if (++digits > 19)
                return 0;
            m = m * 10 + (uint64_t)(*p - '0');
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = p < end && *p == '-';
        if (p < end && (*p == '-' || *p == '+'))
            p++;
        int e = 0, ed = 0;
        for (; p < end && s_is_digit(*p); p++) {
            if (++ed > 4)
                return 0;
            e = e * 10 + (*p - '0');
        }
        exp10 += eneg ? -e : e;
    }
    if (p != end)
        return 0;
    double d;
    if (m == 0)
        d = 0.0;
    else if (m > ((uint64_t)1 << 53) || exp10 < -22 || exp10 > 22)
        return 0;
    else
        d = exp10 < 0 ? (double)m / pow10[-exp10] : (double)m * pow10[exp10];
    *out = neg ? -d : d;
    return 1;
}

/* Reads a number as json's number pattern does: INT keeps its text, FLOAT
 * is converted. More than 4300 digits in an int is Python's ValueError. */
static int s_read_number(s_reader *r, s_jnode *out)
{
    const char *s = r->p, *q = s, *end = r->end;
    int is_float = 0;
    if (*q == '-')
        q++;
    if (q >= end)
        return S_JSON_SYNTAX;
    if (*q >= '1' && *q <= '9') {
        while (q < end && s_is_digit(*q))
            q++;
    } else if (*q == '0') {
        q++;
    } else {
        return S_JSON_SYNTAX;
    }
    const char *int_end = q;
    if (end - q >= 2 && *q == '.' && s_is_digit(q[1])) {
        is_float = 1;
        q += 2;
        while (q < end && s_is_digit(*q))
            q++;
    }
    if (end - q >= 2 && (*q == 'e' || *q == 'E')) {
        const char *e = q++;
        if (end - q >= 2 && (*q == '-' || *q == '+'))
            q++;
        while (q < end && s_is_digit(*q))
            q++;
        if (s_is_digit(q[-1]))
            is_float = 1;
        else
            q = e;
    }
    r->p = q;
    out->flags = 0;
    if (is_float) {
        out->type = S_J_FLOAT;
        out->len = 0;
        if (s_fast_double(s, (size_t)(q - s), &out->u.f))
            return QC_OK;
        return s_strtod(s_rtmp(r), s, (size_t)(q - s), &out->u.f);
    }
    if ((size_t)(int_end - s) - (*s == '-') > S_MAX_INT_DIGITS)
        return S_JSON_SYNTAX;
    out->type = S_J_INT;
    out->u.str = s;
    out->len = (size_t)(q - s);
    return QC_OK;
}

/* Returns whether the literal lit starts at r->p (and steps over it). */
static int s_literal(s_reader *r, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, lit, n) != 0)
        return 0;
    r->p += n;
    return 1;
}

/* A key of an object being de-duplicated, with its position. */
typedef struct s_keyidx {
    const char *key;
    size_t len;
    size_t idx;
} s_keyidx;

/* qsort order of s_keyidx: key bytes, then position. */
static int s_keyidx_cmp(const void *x, const void *y)
{
    const s_keyidx *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->key, b->key, n);
    if (c)
        return c;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Returns whether two STR nodes hold the same text (first and last bytes
 * compared inline before the rest). */
static inline int s_key_eq(const s_jnode *a, const s_jnode *b)
{
    size_t n = a->len;
    return n == b->len &&
           (n == 0 || (a->u.str[0] == b->u.str[0] &&
                       a->u.str[n - 1] == b->u.str[n - 1] &&
                       memcmp(a->u.str, b->u.str, n) == 0));
}

/* Makes the keys of members[0..*n) unique as a Python dict does: a key
 * keeps the position it first had and the value it last had. */
static int s_dedupe(qc_arena *tmp, s_jmember *mem, size_t *n)
{
    size_t len = *n, kept = 0;
    if (len <= 16) {
        for (size_t i = 0; i < len; i++) {
            size_t j;
            for (j = 0; j < kept; j++)
                if (s_key_eq(&mem[j].key, &mem[i].key))
                    break;
            if (j < kept)
                mem[j].value = mem[i].value;
            else
                mem[kept++] = mem[i];
        }
        *n = kept;
        return QC_OK;
    }
    if (!tmp)
        return QC_ERR_NOMEM;
    s_keyidx *ix = qc_arena_alloc(tmp, len * sizeof(*ix));
    unsigned char *drop = qc_arena_alloc(tmp, len);
    if (!ix || !drop)
        return QC_ERR_NOMEM;
    for (size_t i = 0; i < len; i++) {
        ix[i].key = mem[i].key.u.str;
        ix[i].len = mem[i].key.len;
        ix[i].idx = i;
        drop[i] = 0;
    }
    qsort(ix, len, sizeof(*ix), s_keyidx_cmp);
    for (size_t i = 0; i < len;) {
        size_t j = i + 1;
        while (j < len && ix[j].len == ix[i].len &&
               memcmp(ix[j].key, ix[i].key, ix[i].len) == 0)
            j++;
        if (j - i > 1) {
            mem[ix[i].idx].value = mem[ix[j - 1].idx].value;
            for (size_t k = i + 1; k < j; k++)
                drop[ix[k].idx] = 1;
        }
        i = j;
    }
    for (size_t i = 0; i < len; i++)
        if (!drop[i])
            mem[kept++] = mem[i];
    *n = kept;
    return QC_OK;
}

/* Pushes the elem_size bytes at elem onto the reader's stack. Returns
 * QC_OK or a qc_buf error. */
static inline int s_push(s_reader *r, const void *elem, size_t elem_size)
{
    qc_buf *b = &r->stack;
    if (b->cap - b->len <= elem_size) {
        int rc = qc_buf_reserve(b, elem_size > 2048 ? elem_size : 2048);
        if (rc)
            return rc;
    }
    memcpy(b->data + b->len, elem, elem_size);
    b->len += elem_size;
    return QC_OK;
}

/* Moves the count elements of elem_size pushed since base off the stack
 * into a scratch-arena array. */
static void *s_pop_items(s_reader *r, size_t base, size_t elem_size,
                         size_t count)
{
    qc_arena *tmp = s_rtmp(r);
    void *items = tmp ? qc_arena_alloc(tmp, count * elem_size) : NULL;
    if (items && count)
        memcpy(items, r->stack.data + base, count * elem_size);
    r->stack.len = base;
    return items;
}

/* Reads an array (r->p at '['). */
static int s_read_array(s_reader *r, s_jnode *out)
{
    size_t base = r->stack.len, count = 0;
    int rc;
    r->p++;
    s_skip_ws(r);
    if (r->p < r->end && *r->p == ']') {
        r->p++;
    } else {
        for (;;) {
            s_jnode item;
            rc = s_read_value(r, &item);
            if (rc)
                return rc;
            rc = s_push(r, &item, sizeof(item));
            if (rc)
                return rc;
            count++;
            s_skip_ws(r);
            if (r->p >= r->end)
                return S_JSON_SYNTAX;
            if (*r->p == ']') {
                r->p++;
                break;
            }
            if (*r->p != ',')
                return S_JSON_SYNTAX;
            r->p++;
            s_skip_ws(r);
        }
    }
    out->type = S_J_ARR;
    out->flags = 0;
    out->len = count;
    out->u.items = s_pop_items(r, base, sizeof(s_jnode), count);
    return out->u.items ? QC_OK : QC_ERR_NOMEM;
}

/* Reads an object (r->p at '{'). */
static int s_read_object(s_reader *r, s_jnode *out)
{
    size_t base = r->stack.len, count = 0;
    int rc;
    r->p++;
    s_skip_ws(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
    } else {
        for (;;) {
            s_jmember mem;
            if (r->p >= r->end || *r->p != '"')
                return S_JSON_SYNTAX;
            rc = s_read_string(r, &mem.key);
            if (rc)
                return rc;
            s_skip_ws(r);
            if (r->p >= r->end || *r->p != ':')
                return S_JSON_SYNTAX;
            r->p++;
            s_skip_ws(r);
            rc = s_read_value(r, &mem.value);
            if (rc)
                return rc;
            rc = s_push(r, &mem, sizeof(mem));
            if (rc)
                return rc;
            count++;
            s_skip_ws(r);
            if (r->p >= r->end)
                return S_JSON_SYNTAX;
            if (*r->p == '}') {
                r->p++;
                break;
            }
            if (*r->p != ',')
                return S_JSON_SYNTAX;
            r->p++;
            s_skip_ws(r);
        }
    }
    s_jmember *mem = s_pop_items(r, base, sizeof(s_jmember), count);
    if (!mem)
        return QC_ERR_NOMEM;
    rc = s_dedupe(s_rtmp(r), mem, &count);
    if (rc)
        return rc;
    out->type = S_J_OBJ;
    out->flags = 0;
    out->len = count;
    out->u.members = mem;
    return QC_OK;
}

/* Reads one value at r->p. */
static int s_read_value(s_reader *r, s_jnode *out)
{
    if (r->p >= r->end)
        return S_JSON_SYNTAX;
    out->flags = 0;
    out->len = 0;
    switch (*r->p) {
    case '"':
        return s_read_string(r, out);
    case '[':
    case '{': {
        if (r->depth >= r->c->depth_error)
            return S_JSON_DEPTH;
        r->depth++;
        if (r->depth > r->max_depth)
            r->max_depth = r->depth;
        int rc = *r->p == '[' ? s_read_array(r, out) : s_read_object(r, out);
        r->depth--;
        return rc;
    }
    case 'n':
        if (!s_literal(r, "null"))
            return S_JSON_SYNTAX;
        out->type = S_J_NULL;
        return QC_OK;
    case 't':
        if (!s_literal(r, "true"))
            return S_JSON_SYNTAX;
        out->type = S_J_TRUE;
        return QC_OK;
    case 'f':
        if (!s_literal(r, "false"))
            return S_JSON_SYNTAX;
        out->type = S_J_FALSE;
        return QC_OK;
    case 'N':
        if (!s_literal(r, "NaN"))
            return S_JSON_SYNTAX;
        out->type = S_J_FLOAT;
        out->u.f = NAN;
        return QC_OK;
    case 'I':
        if (!s_literal(r, "Infinity"))
            return S_JSON_SYNTAX;
        out->type = S_J_FLOAT;
        out->u.f = INFINITY;
        return QC_OK;
    case '-':
        if (s_literal(r, "-Infinity")) {
            out->type = S_J_FLOAT;
            out->u.f = -INFINITY;
            return QC_OK;
        }
        return s_read_number(r, out);
    default:
        return s_read_number(r, out);
    }
}

/* Reads the JSON document (s, len), valid UTF-8, as json.loads does, up
 * to c->depth_error levels; *depth gets the deepest level. Returns QC_OK,
 * S_JSON_SYNTAX, S_JSON_DEPTH, QC_ERR_NOMEM or QC_ERR_LIMIT. The tree
 * lives in tmp; its strings point into s or, when they had escapes, at
 * their decoded text in strs. */
static int s_json_read(s_ctx *c, qc_arena *strs, const char *s,
                       size_t len, s_jnode *out, int *depth)
{
    s_reader r;
    r.p = s;
    r.end = s + len;
    r.c = c;
    r.strs = strs;
    r.depth = 0;
    r.max_depth = 0;
    r.nonascii = 0;
    qc_buf_init(&r.stack, 0);
    int rc = S_JSON_SYNTAX;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        goto out; /* "Unexpected UTF-8 BOM" */
    s_skip_ws(&r);
    rc = s_read_value(&r, out);
    if (rc)
        goto out;
    s_skip_ws(&r);
    if (r.p != r.end)
        rc = S_JSON_SYNTAX; /* "Extra data" */
out:
    qc_buf_clean_up(&r.stack);
    *depth = r.max_depth;
    return rc;
}

/* Returns the member named (key, len) of OBJ node n, or NULL. */
static const s_jnode *s_obj_get(const s_jnode *n, const char *key,
                                size_t len)
{
    for (size_t i = 0; i < n->len; i++) {
        const s_jnode *k = &n->u.members[i].key;
        if (k->len == len && memcmp(k->u.str, key, len) == 0)
            return &n->u.members[i].value;
    }
    return NULL;
}

/* Returns the member named (key, len) of OBJ node n, or NULL, looking at
 * position *hint first (keys often come in the model's order) and setting
 * *hint past the match. */
static const s_jnode *s_obj_find(const s_jnode *n, const char *key,
                                 size_t len, size_t *hint)
{
    size_t count = n->len, at = *hint < count ? *hint : 0;
    for (size_t k = 0; k < count; k++) {
        const s_jnode *kn = &n->u.members[at].key;
        if (kn->len == len &&
            (len == 0 || (kn->u.str[0] == key[0] &&
                          kn->u.str[len - 1] == key[len - 1] &&
                          memcmp(kn->u.str, key, len) == 0))) {
            *hint = at + 1;
            return &n->u.members[at].value;
        }
        if (++at == count)
            at = 0;
    }
    return NULL;
}

/* ----------------------------------------------- Python's int()/float() */

/* Returns the byte length of the Unicode whitespace character Python's
 * str.isspace() accepts at s (before end), or 0. ascii_only limits it to
 * what Py_ISSPACE accepts. */
static size_t s_space_len(const char *s, const char *end, int ascii_only)
{
    unsigned char b = (unsigned char)*s;
    if (b == ' ' || (b >= 0x09 && b <= 0x0D))
        return 1;
    if (ascii_only)
        return 0;
    if (b >= 0x1C && b <= 0x1F)
        return 1;
    if (b < 0x80)
        return 0;
    const char *p = s;
    unsigned cp = s_next_cp(&p);
    if (p > end)
        return 0;
    if (cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
        (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
        cp == 0x202F || cp == 0x205F || cp == 0x3000)
        return (size_t)(p - s);
    return 0;
}

/* Makes the ASCII text int() and float() look at, as CPython's
 * _PyUnicode_TransformDecimalAndSpaceToASCII does: non-ASCII whitespace
 * becomes ' '; other non-ASCII (including non-ASCII digits, which this
 * reader does not convert) ends the text with '?', which never parses.
 * Then strips ASCII whitespace. Result in tmp. */
static int s_py_ascii(qc_arena *tmp, const char *s, size_t len,
                      const char **out, size_t *out_len)
{
    char *t = qc_arena_alloc(tmp, len + 1);
    if (!t)
        return QC_ERR_NOMEM;
    const char *p = s, *end = s + len;
    size_t n = 0;
    while (p < end) {
        unsigned char b = (unsigned char)*p;
        if (b < 0x7F) {
            t[n++] = (char)b;
            p++;
            continue;
        }
        size_t sp = b >= 0x80 ? s_space_len(p, end, 0) : 0;
        if (sp) {
            t[n++] = ' ';
            p += sp;
            continue;
        }
        t[n++] = '?';
        break;
    }
    size_t i = 0;
    while (i < n && s_space_len(t + i, t + n, 1))
        i++;
    while (n > i && s_space_len(t + n - 1, t + n, 1))
        n--;
    *out = t + i;
    *out_len = n - i;
    return QC_OK;
}

/* Sets out to the Python int spelt ("-"? digits) in (s, len): an int64,
 * or the decimal text with QC_VALF_BIGINT when it does not fit. */
static int s_int_from_digits(qc_arena *a, const char *s, size_t len,
                             qc_value *out)
{
    int neg = len > 0 && s[0] == '-';
    const char *d = s + neg;
    size_t nd = len - (size_t)neg;
    while (nd > 1 && *d == '0') {
        d++;
        nd--;
    }
    if (nd <= 19) {
        uint64_t v = 0;
        for (size_t i = 0; i < nd; i++)
            v = v * 10 + (uint64_t)(d[i] - '0');
        if (nd < 19 || (!neg && v <= (uint64_t)INT64_MAX) ||
            (neg && v <= (uint64_t)INT64_MAX + 1)) {
            int64_t iv;
            if (v == (uint64_t)INT64_MAX + 1)
                iv = INT64_MIN;
            else
                iv = neg ? -(int64_t)v : (int64_t)v;
            qc_value_set_int(out, iv);
            return QC_OK;
        }
    }
    char *t = qc_arena_alloc(a, nd + 2);
    if (!t)
        return QC_ERR_NOMEM;
    size_t n = 0;
    if (neg && !(nd == 1 && d[0] == '0'))
        t[n++] = '-';
    memcpy(t + n, d, nd);
    n += nd;
    t[n] = '\0';
    memset(out, 0, sizeof(*out));
    out->type = QC_VAL_INT;
    out->flags = QC_VALF_BIGINT;
    out->u.s.ptr = t;
    out->u.s.len = n;
    out->u.s.nchars = n;
    return QC_OK;
}

/* int(text) for a str: sign, digits with single '_' between digits,
 * surrounding whitespace. Returns QC_OK, S_PY_VALUE or QC_ERR_NOMEM. */
static int s_py_int_text(s_ctx *c, const char *s, size_t len, qc_value *out)
{
    const char *t;
    size_t n;
    qc_arena *tmp = s_tmp(c);
    if (!tmp)
        return QC_ERR_NOMEM;
    int rc = s_py_ascii(tmp, s, len, &t, &n);
    if (rc)
        return rc;
    char *d = qc_arena_alloc(tmp, n + 1);
    if (!d)
        return QC_ERR_NOMEM;
    size_t i = 0, k = 0, digits = 0;
    if (i < n && (t[i] == '+' || t[i] == '-')) {
        if (t[i] == '-')
            d[k++] = '-';
        i++;
    }
    if (i >= n || !s_is_digit(t[i]))
        return S_PY_VALUE;
    for (; i < n; i++) {
        if (t[i] == '_') {
            if (i + 1 >= n || !s_is_digit(t[i + 1]))
                return S_PY_VALUE;
            continue;
        }
        if (!s_is_digit(t[i]))
            return S_PY_VALUE;
        d[k++] = t[i];
        digits++;
    }
    if (digits > S_MAX_INT_DIGITS)
        return S_PY_VALUE;
    return s_int_from_digits(c->a, d, k, out);
}

/* Returns whether (s, n) is, ignoring ASCII case, the lower-case lit. */
static int s_ieq(const char *s, size_t n, const char *lit)
{
    if (n != strlen(lit))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch != lit[i])
            return 0;
    }
    return 1;
}

/* float(text) for a str. Returns QC_OK, S_PY_VALUE or QC_ERR_NOMEM. */
static int s_py_float_text(s_ctx *c, const char *s, size_t len, double *out)
{
    const char *t;
    size_t n;
    qc_arena *tmp = s_tmp(c);
    if (!tmp)
        return QC_ERR_NOMEM;
    int rc = s_py_ascii(tmp, s, len, &t, &n);
    if (rc)
        return rc;
    char *d = qc_arena_alloc(tmp, n + 1);
    if (!d)
        return QC_ERR_NOMEM;
    /* Underscores only between digits, then dropped. */
    size_t k = 0;
    char prev = '\0';
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '_') {
            if (!s_is_digit(prev))
                return S_PY_VALUE;
        } else {
            if (prev == '_' && !s_is_digit(t[i]))
                return S_PY_VALUE;
            d[k++] = t[i];
        }
        prev = t[i];
    }
    if (prev == '_')
        return S_PY_VALUE;
    size_t i = 0;
    int neg = 0;
    if (i < k && (d[i] == '+' || d[i] == '-')) {
        neg = d[i] == '-';
        i++;
    }
    if (s_ieq(d + i, k - i, "inf") || s_ieq(d + i, k - i, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return QC_OK;
    }
    if (s_ieq(d + i, k - i, "nan")) {
        *out = NAN;
        return QC_OK;
    }
    size_t mant = 0;
    while (i < k && s_is_digit(d[i])) {
        i++;
        mant++;
    }
    if (i < k && d[i] == '.') {
        i++;
        while (i < k && s_is_digit(d[i])) {
            i++;
            mant++;
        }
    }
    if (mant == 0)
        return S_PY_VALUE;
    if (i < k && (d[i] == 'e' || d[i] == 'E')) {
        i++;
        if (i < k && (d[i] == '+' || d[i] == '-'))
            i++;
        if (i >= k || !s_is_digit(d[i]))
            return S_PY_VALUE;
        while (i < k && s_is_digit(d[i]))
            i++;
    }
    if (i != k)
        return S_PY_VALUE;
    return s_strtod(tmp, d, k, out);
}

/* ------------------------------------------------------------- headers */

/* Writes the latin-1 bytes (s, len) as UTF-8 into w (room for 2 * len),
 * lower-casing as str.lower() does when lower; returns bytes written. */
static size_t s_latin1(char *w, const char *s, size_t len, int lower)
{
    size_t n = 0, i = 0;
    /* ASCII eight bytes at a time ('A'..'Z' lowered with bit tricks: a
     * byte is upper-case when adding 0x3F sets bit 7 (>= 'A') and adding
     * 0x25 does not (<= 'Z')). */
    const uint64_t lo = 0x0101010101010101ULL, hi = lo << 7;
    for (; i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (x & hi)
            break;
        if (lower) {
            uint64_t upper = ((x + lo * 0x3F) ^ (x + lo * 0x25)) & hi;
            x |= upper >> 2;
        }
        memcpy(w + n, &x, 8);
        n += 8;
    }
    if (i < len && len >= 8 && i + 8 > len) {
        /* An ASCII tail: the last eight bytes, overlapping what is done. */
        uint64_t x;
        memcpy(&x, s + len - 8, 8);
        if (!(x & hi)) {
            if (lower)
                x |= (((x + lo * 0x3F) ^ (x + lo * 0x25)) & hi) >> 2;
            memcpy(w + len - 8, &x, 8);
            return len;
        }
    }
    for (; i < len; i++) {
        unsigned b = (unsigned char)s[i];
        if (b < 0x80) { /* ASCII: one byte, 'A'..'Z' lowered when asked */
            w[n++] = (char)(lower && b >= 'A' && b <= 'Z' ? b + 0x20 : b);
            continue;
        }
        if (lower && ((b >= 'A' && b <= 'Z') ||
                      (b >= 0xC0 && b <= 0xDE && b != 0xD7)))
            b += 0x20;
        n += s_put_utf8(w + n, b);
    }
    return n;
}

/* Headers up to this many are matched by a linear search, more through
 * a hash table. */
#define S_HDR_LINEAR 16

/* Returns the position among c->hdrs of the header whose lower-cased name
 * is (ln, len), or c->n_hdrs when there is none yet. slot (nb entries, a
 * power of two) is the hash table when there are many headers, else NULL;
 * *pos gets the table entry to fill for a new name. */
static size_t s_hdr_find(const s_ctx *c, size_t *slot, size_t nb,
                         const char *ln, size_t len, size_t *pos)
{
    if (!slot) {
        for (size_t u = 0; u < c->n_hdrs; u++)
            if (c->hdrs[u].lname_len == len &&
                memcmp(c->hdrs[u].lname, ln, len) == 0)
                return u;
        return c->n_hdrs;
    }
    uint64_t hash = 1469598103934665603ULL;
    for (size_t k = 0; k < len; k++)
        hash = (hash ^ (unsigned char)ln[k]) * 1099511628211ULL;
    size_t at = (size_t)hash & (nb - 1);
    while (slot[at] != SIZE_MAX) {
        const s_hdr *e = &c->hdrs[slot[at]];
        if (e->lname_len == len && memcmp(e->lname, ln, len) == 0)
            return slot[at];
        at = (at + 1) & (nb - 1);
    }
    *pos = at;
    return c->n_hdrs;
}

/* Builds c->hdrs from the reply: names lower-cased, in first-seen order,
 * values of repeated names joined with ", " (urllib3's HTTPHeaderDict),
 * all text decoded from latin-1 as http.client does. Everything lives in
 * one block of the result arena. */
static int s_merge_headers(s_ctx *c)
{
    const qc_headers *h = &c->resp->headers;
    size_t n = h->len, text = 0, nb = 0;
    c->n_hdrs = 0;
    if (n == 0)
        return QC_OK;
    if (n > SIZE_MAX / 8 / sizeof(s_hdr))
        return QC_ERR_NOMEM;
    if (n > S_HDR_LINEAR)
        for (nb = 16; nb < n * 2;)
            nb *= 2;
    /* Room per line: its lower-cased name, its value, ", " and NULs
     * (latin-1 text is at most twice as long in UTF-8). */
    for (size_t i = 0; i < n; i++) {
        const qc_header *x = &h->items[i];
        if (x->name_len > SIZE_MAX / 8 || x->value_len > SIZE_MAX / 8)
            return QC_ERR_NOMEM;
        size_t need = x->name_len * 2 + x->value_len * 2 + 4;
        if (text > SIZE_MAX / 2 - need)
            return QC_ERR_NOMEM;
        text += need;
    }
    size_t head = n * sizeof(s_hdr) + (n + nb) * sizeof(size_t);
    if (text > SIZE_MAX / 2 - head)
        return QC_ERR_NOMEM;
    char *block = qc_arena_alloc(c->a, head + text);
    if (!block)
        return QC_ERR_NOMEM;
    c->hdrs = (s_hdr *)(void *)block;
    size_t *uniq = (size_t *)(void *)(block + n * sizeof(s_hdr));
    size_t *slot = nb ? uniq + n : NULL;
    char *w = block + head;
    for (size_t i = 0; i < nb; i++)
        slot[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const qc_header *x = &h->items[i];
        size_t lnl = s_latin1(w, x->name, x->name_len, 1), pos = 0;
        w[lnl] = '\0';
        size_t u = s_hdr_find(c, slot, nb, w, lnl, &pos);
        s_hdr *e = &c->hdrs[u];
        if (u == c->n_hdrs) {
            e->first = i;
            e->lname = w;
            e->lname_len = lnl;
            e->lname_ascii = lnl == x->name_len;
            e->value = NULL;
            e->value_len = 0;
            e->value_room = 0;
            e->value_ascii = 1;
            if (slot)
                slot[pos] = u;
            c->n_hdrs++;
            w += lnl + 1;
        } else {
            e->value_room += 2; /* ", " */
        }
        uniq[i] = u;
        e->value_room += x->value_len * 2;
    }
    for (size_t u = 0; u < c->n_hdrs; u++) {
        c->hdrs[u].value = w;
        w += c->hdrs[u].value_room + 1;
    }
    for (size_t i = 0; i < n; i++) {
        const qc_header *x = &h->items[i];
        s_hdr *e = &c->hdrs[uniq[i]];
        if (i != e->first) {
            memcpy(e->value + e->value_len, ", ", 2);
            e->value_len += 2;
        }
        size_t vl = s_latin1(e->value + e->value_len, x->value, x->value_len,
                             0);
        e->value_ascii &= vl == x->value_len;
        e->value_len += vl;
        e->value[e->value_len] = '\0';
    }
    return QC_OK;
}

/* Returns the merged header named (name, n) (any case, ASCII), or NULL. */
static const s_hdr *s_header(const s_ctx *c, const char *name, size_t n)
{
    for (size_t i = 0; i < c->n_hdrs; i++) {
        const s_hdr *e = &c->hdrs[i];
        if (e->lname_len != n)
            continue;
        if (memcmp(e->lname, name, n) == 0)
            return e; /* name in lower case */
        size_t k;
        for (k = 0; k < n; k++) {
            char ch = name[k];
            if (ch >= 'A' && ch <= 'Z')
                ch = (char)(ch - 'A' + 'a');
            if (e->lname[k] != ch)
                break;
        }
        if (k == n)
            return e;
    }
    return NULL;
}

/* Points v at the text (s, len) of a header (nchars counted unless the
 * text is known to be ASCII). */
static void s_set_hdr_text(qc_value *v, const char *s, size_t len, int ascii)
{
    if (ascii)
        s_set_ascii(v, s, len);
    else
        s_set_text(v, s, len, 0);
}

/* ---------------------------------------------------------------- body */

/* Returns the bracket ('[' or '{') of the first container of the JSON
 * text (s, len) nested deeper than limit levels, in document order (where
 * json.loads stops), or '[' when there is none. */
static char s_first_too_deep(const char *s, size_t len, int limit)
{
    int depth = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '"') {
            for (i++; i < len && s[i] != '"'; i++)
                if (s[i] == '\\')
                    i++;
        } else if (ch == '[' || ch == '{') {
            if (++depth > limit)
                return ch;
        } else if (ch == ']' || ch == '}') {
            depth--;
        }
    }
    return '[';
}

/* Returns QC_ERR_RESPONSE_PARSE with fault QC_FAULT_RECURSION: json.loads
 * hit the recursion limit (limit levels) on the body, and botocore lets
 * its RecursionError through. */
static int s_too_deep(s_ctx *c, int limit)
{
    char kind = s_first_too_deep(c->resp->body.data, c->resp->body.len,
                                 limit);
    int rc = qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                          "maximum recursion depth exceeded while decoding a "
                          "JSON %s from a unicode string",
                          kind == '{' ? "object" : "array");
    if (c->err)
        c->err->fault = QC_FAULT_RECURSION;
    return rc;
}

/* Bytes after the body's copy: NULs, so a reader may look one byte past
 * the end and load sixteen bytes from any position up to it. */
#define S_BODY_PAD 16

/* Returns the body copied once into the result arena and followed by
 * S_BODY_PAD NULs, or NULL when out of memory. */
static const char *s_body_copy(s_ctx *c)
{
    if (c->body_copy)
        return c->body_copy;
    size_t len = c->resp->body.len;
    if (len > SIZE_MAX - S_BODY_PAD)
        return NULL;
    char *copy = qc_arena_alloc(c->a, len + S_BODY_PAD);
    if (!copy)
        return NULL;
    if (len)
        memcpy(copy, c->resp->body.data, len);
    memset(copy + len, 0, S_BODY_PAD);
    c->body_copy = copy;
    return copy;
}

/* Parses the body once, as _parse_body_as_json does: empty gives {}, text
 * json.loads refuses gives {"message": text}. max_depth is the nesting
 * json.loads manages at the caller's stack depth. Returns QC_OK with
 * *out, or QC_ERR_RESPONSE_PARSE (not UTF-8, too deep), or QC_ERR_NOMEM. */
static int s_body(s_ctx *c, int max_depth, const s_jnode **out)
{
    if (c->body_done) {
        if (c->body_depth > max_depth)
            return s_too_deep(c, max_depth);
        *out = &c->body;
        return QC_OK;
    }
    const char *s = c->resp->body.data;
    size_t len = c->resp->body.len;
    memset(&c->body, 0, sizeof(c->body));
    c->body.type = S_J_OBJ;
    if (len > 0) {
        int rc = s_check_utf8(s, len, c->err);
        if (rc)
            return rc;
        /* The body is read from a copy in the result arena, so every
         * string of the tree lives as long as the result (s_copy points
         * at them). */
        s = s_body_copy(c);
        if (!s)
            return QC_ERR_NOMEM;
        rc = s_json_read(c, c->a, s, len, &c->body, &c->body_depth);
        if (rc == S_JSON_DEPTH || (rc == QC_OK && c->body_depth > max_depth))
            return s_too_deep(c, max_depth);
        if (rc == S_JSON_SYNTAX) {
            qc_arena *tmp = s_tmp(c);
            s_jmember *mem = tmp ? qc_arena_alloc(tmp, sizeof(*mem)) : NULL;
            if (!mem)
                return QC_ERR_NOMEM;
            memset(mem, 0, sizeof(*mem));
            mem->key.type = S_J_STR;
            mem->key.u.str = "message";
            mem->key.len = 7;
            mem->value.type = S_J_STR;
            mem->value.u.str = s;
            mem->value.len = len;
            memset(&c->body, 0, sizeof(c->body));
            c->body.type = S_J_OBJ;
            c->body.len = 1;
            c->body.u.members = mem;
            c->body_depth = 1;
        } else if (rc) {
            return rc;
        }
    }
    c->body_done = 1;
    *out = &c->body;
    return QC_OK;
}

/* --------------------------------------------------------------- values */

/* Sets out to the Python value json.loads gives for n (deep copy into the
 * result arena). */
static int s_copy(s_ctx *c, const s_jnode *n, qc_value *out)
{
    int rc;
    switch (n->type) {
    case S_J_NULL:
        qc_value_set_null(out);
        return QC_OK;
    case S_J_FALSE:
    case S_J_TRUE:
        qc_value_set_bool(out, n->type == S_J_TRUE);
        return QC_OK;
    case S_J_INT:
        return s_int_from_digits(c->a, n->u.str, n->len, out);
    case S_J_FLOAT:
        qc_value_set_float(out, n->u.f);
        return QC_OK;
    case S_J_STR:
        /* Every STR node's text lives in the result arena (the body's copy,
         * decoded strings, header values) or is static: no copy. */
        if (n->flags & S_JF_ASCII) {
            s_set_ascii(out, n->u.str, n->len);
            return QC_OK;
        }
        s_set_text(out, n->u.str, n->len, (n->flags & S_JF_SURROGATE) != 0);
        return QC_OK;
    case S_J_ARR:
        rc = qc_value_set_list(out, c->a, n->len);
        for (size_t i = 0; rc == QC_OK && i < n->len; i++)
            rc = s_copy(c, &n->u.items[i], &out->u.list.items[i]);
        return rc;
    default:
        rc = qc_value_set_map(out, c->a, n->len);
        for (size_t i = 0; rc == QC_OK && i < n->len; i++) {
            const s_jmember *m = &n->u.members[i];
            rc = s_copy(c, &m->key, &out->u.map.items[i].key);
            if (rc == QC_OK)
                rc = s_copy(c, &m->value, &out->u.map.items[i].value);
        }
        return rc;
    }
}

/* ---------------------------------------------------------- timestamps */

/* Sets out to a timestamp of the given zone kind. */
static void s_set_ts(qc_value *out, int64_t sec, int32_t usec, int kind,
                     int32_t offset)
{
    memset(out, 0, sizeof(*out));
    out->type = QC_VAL_TIMESTAMP;
    out->reserved = (uint8_t)kind;
    out->u.ts.sec = sec;
    out->u.ts.usec = usec;
    out->u.ts.offset = offset;
}

/* datetime.fromtimestamp(d): splits d into seconds and microseconds,
 * rounding half to even as CPython does. Returns 0 when d is NaN or the
 * instant is outside years 1..9999. */
static int s_ts_from_double(double d, int64_t *sec, int32_t *usec)
{
    if (isnan(d))
        return 0;
    double ip, frac;
    if (fabs(d) < 4503599627370496.0) { /* below 2^52: modf by conversion */
        ip = (double)(int64_t)d;
        frac = (d - ip) * 1e6;
    } else {
        frac = modf(d, &ip) * 1e6;
    }
    /* round(frac), then half to even: |frac| < 1e6, so its integer part
     * converts exactly and frac - t is exact. */
    double t = (double)(int64_t)frac, diff = frac - t, r = t;
    if (diff >= 0.5 || diff <= -0.5) {
        r = diff > 0 ? t + 1.0 : t - 1.0;
        if ((diff == 0.5 || diff == -0.5) && (int64_t)t % 2 == 0)
            r = t;
    }
    if (r >= 1e6) {
        r -= 1e6;
        ip += 1.0;
    } else if (r < 0) {
        r += 1e6;
        ip -= 1.0;
    }
    if (!(ip >= (double)S_MIN_SEC && ip <= (double)S_MAX_SEC))
        return 0;
    *sec = (int64_t)ip;
    *usec = (int32_t)r;
    return 1;
}

/* Reads 1..max digits at *p; returns the count read (0 = none). */
static int s_num(const char **p, const char *end, int max, long *v)
{
    int n = 0;
    *v = 0;
    while (*p < end && n < max && s_is_digit(**p)) {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n;
}

/* Returns the days in month m (1-12) of year y. */
static int s_days_in_month(long y, long m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30,
                               31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* Returns days from 1970-01-01 to the proleptic Gregorian date. */
static int64_t s_days(long y, long m, long d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The civil fields of a date-time text. */
typedef struct s_civil {
    long year, month, day, hour, minute, second, usec;
    int kind;     /* QC_TZ_* */
    long offset;  /* seconds east, QC_TZ_OFFSET */
} s_civil;

/* Reads an optional fraction ('.' or ',' then digits), keeping the first
 * six digits as microseconds (dateutil truncates). Returns 0 on a
 * separator without digits. */
static int s_fraction(const char **p, const char *end, long *usec)
{
    *usec = 0;
    if (*p >= end || (**p != '.' && **p != ','))
        return 1;
    (*p)++;
    int n = 0;
    while (*p < end && s_is_digit(**p)) {
        if (n < 6)
            *usec = *usec * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (n == 0)
        return 0;
    for (; n < 6; n++)
        *usec *= 10;
    return 1;
}

/* Reads a zone: Z, z, UTC, GMT, +HH, +HHMM, +HH:MM. Returns 0 if none
 * of these is at *p. */
static int s_zone(const char **p, const char *end, s_civil *t)
{
    const char *s = *p;
    size_t left = (size_t)(end - s);
    if (left >= 1 && (*s == 'Z' || *s == 'z')) {
        t->kind = QC_TZ_UTC_NAMED;
        *p = s + 1;
        return 1;
    }
    if (left >= 3 && memcmp(s, "UTC", 3) == 0) {
        t->kind = QC_TZ_UTC_NAMED;
        *p = s + 3;
        return 1;
    }
    if (left >= 3 && memcmp(s, "GMT", 3) == 0) {
        t->kind = QC_TZ_UTC;
        *p = s + 3;
        return 1;
    }
    if (left >= 3 && (*s == '+' || *s == '-')) {
        int sign = *s == '-' ? -1 : 1;
        const char *q = s + 1;
        long hh, mm = 0;
        if (s_num(&q, end, 2, &hh) != 2)
            return 0;
        if (q < end && *q == ':') {
            q++;
            if (s_num(&q, end, 2, &mm) != 2)
                return 0;
        } else if (q < end && s_is_digit(*q)) {
            if (s_num(&q, end, 2, &mm) != 2)
                return 0;
        }
        if (hh > 23 || mm > 59)
            return 0;
        t->offset = sign * (hh * 3600 + mm * 60);
        t->kind = t->offset == 0 ? QC_TZ_UTC_NAMED : QC_TZ_OFFSET;
        *p = q;
        return 1;
    }
    return 0;
}

/* Reads the time part: H[H][:M[M][:S[S][frac]]], HHMM or HHMMSS[frac]. */
static int s_clock(const char **p, const char *end, s_civil *t)
{
    const char *q = *p, *s = q;
    while (q < end && s_is_digit(*q))
        q++;
    size_t run = (size_t)(q - s);
    q = s;
    if (run == 4 || run == 6) {
        s_num(&q, end, 2, &t->hour);
        s_num(&q, end, 2, &t->minute);
        if (run == 6)
            s_num(&q, end, 2, &t->second);
        if (run == 6 && !s_fraction(&q, end, &t->usec))
            return 0;
    } else if (run == 1 || run == 2) {
        s_num(&q, end, 2, &t->hour);
        if (q < end && *q == ':') {
            q++;
            if (!s_num(&q, end, 2, &t->minute) || (q < end && s_is_digit(*q)))
                return 0;
            if (q < end && *q == ':') {
                q++;
                if (!s_num(&q, end, 2, &t->second) ||
                    (q < end && s_is_digit(*q)))
                    return 0;
                if (!s_fraction(&q, end, &t->usec))
                    return 0;
            }
        }
    } else {
        return 0;
    }
    *p = q;
    return 1;
}

static const char *const s_months[] = {"jan", "feb", "mar", "apr",
                                       "may", "jun", "jul", "aug",
                                       "sep", "oct", "nov", "dec"};
static const char *const s_wdays[] = {"mon", "tue", "wed", "thu",
                                      "fri", "sat", "sun"};

/* Reads the date-time forms dateutil's parser is given in practice:
 * ISO 8601 (extended or basic, 'T', 't' or ' ' before the time) and
 * RFC 1123 ("Tue, 02 Jan 2024 03:04:05 GMT"), with the zones s_zone
 * knows. Returns 0 for anything else. */
static int s_civil_parse(const char *s, size_t len, s_civil *t)
{
    const char *p = s, *end = s + len;
    memset(t, 0, sizeof(*t));
    t->kind = QC_TZ_NAIVE;
    while (p < end && *p == ' ')
        p++;
    while (end > p && end[-1] == ' ')
        end--;
    if (end - p >= 5 && p[3] == ',') {
        int wd;
        for (wd = 0; wd < 7; wd++)
            if (s_ieq(p, 3, s_wdays[wd]))
                break;
        if (wd == 7)
            return 0;
        p += 4;
        while (p < end && *p == ' ')
            p++;
        if (!s_num(&p, end, 2, &t->day) || p >= end || *p++ != ' ' ||
            end - p < 4)
            return 0;
        for (t->month = 0; t->month < 12; t->month++)
            if (s_ieq(p, 3, s_months[t->month]))
                break;
        if (t->month++ == 12)
            return 0;
        p += 3;
        if (p >= end || *p++ != ' ' || s_num(&p, end, 4, &t->year) != 4 ||
            p >= end || *p++ != ' ')
            return 0;
        if (s_num(&p, end, 2, &t->hour) != 2 || p >= end || *p++ != ':' ||
            s_num(&p, end, 2, &t->minute) != 2)
            return 0;
        if (p < end && *p == ':') {
            p++;
            if (s_num(&p, end, 2, &t->second) != 2)
                return 0;
        }
        if (p < end) {
            if (*p++ != ' ' || !s_zone(&p, end, t))
                return 0;
        }
    } else {
        const char *q = p;
        while (q < end && s_is_digit(*q))
            q++;
        if (q - p == 8) {
            s_num(&p, end, 4, &t->year);
            s_num(&p, end, 2, &t->month);
            s_num(&p, end, 2, &t->day);
        } else if (q - p == 4 && q < end && *q == '-') {
            s_num(&p, end, 4, &t->year);
            p++;
            if (!s_num(&p, end, 2, &t->month) || p >= end || *p++ != '-' ||
                !s_num(&p, end, 2, &t->day) || (p < end && s_is_digit(*p)))
                return 0;
        } else {
            return 0;
        }
        if (p < end && (*p == 'T' || *p == 't' || *p == ' ') &&
            end - p >= 2 && s_is_digit(p[1])) {
            p++;
            if (!s_clock(&p, end, t))
                return 0;
        }
        if (p < end) {
            if (*p == ' ')
                p++;
            if (!s_zone(&p, end, t))
                return 0;
        }
    }
    if (p != end)
        return 0;
    if (t->year < 1 || t->month < 1 || t->month > 12 || t->day < 1 ||
        t->day > s_days_in_month(t->year, t->month) || t->hour > 23 ||
        t->minute > 59 || t->second > 59)
        return 0;
    return 1;
}

/* parse_timestamp() on a str: epoch text first (float()), then the
 * date-time forms above. */
static int s_ts_text(s_ctx *c, const char *s, size_t len, qc_value *out)
{
    double d;
    int64_t sec;
    int32_t usec;
    int rc = s_py_float_text(c, s, len, &d);
    if (rc == QC_OK) {
        if (s_ts_from_double(d, &sec, &usec)) {
            s_set_ts(out, sec, usec, QC_TZ_LOCAL, 0);
            return QC_OK;
        }
        if (isinf(d) || fabs(d) >= 9.3e18)
            goto bad; /* OverflowError: no date-time reading is tried */
    } else if (rc != S_PY_VALUE) {
        return rc;
    }
    s_civil t;
    const char *q = s;
    size_t n = len;
    while (n && *q == ' ') {
        q++;
        n--;
    }
    while (n && q[n - 1] == ' ')
        n--;
    /* A 14-digit run past year 9999 as epoch seconds reads as
     * YYYYMMDDhhmmss. */
    if (n == 14 && strspn(q, "0123456789") >= 14) {
        memset(&t, 0, sizeof(t));
        t.kind = QC_TZ_NAIVE;
        const char *p = q;
        s_num(&p, q + 14, 4, &t.year);
        s_num(&p, q + 14, 2, &t.month);
        s_num(&p, q + 14, 2, &t.day);
        s_num(&p, q + 14, 2, &t.hour);
        s_num(&p, q + 14, 2, &t.minute);
        s_num(&p, q + 14, 2, &t.second);
        if (t.year < 1 || t.month < 1 || t.month > 12 || t.day < 1 ||
            t.day > s_days_in_month(t.year, t.month) || t.hour > 23 ||
            t.minute > 59 || t.second > 59)
            goto bad;
    } else if (!s_civil_parse(q, n, &t)) {
        goto bad;
    }
    sec = s_days(t.year, t.month, t.day) * 86400 + t.hour * 3600 +
          t.minute * 60 + t.second;
    if (t.kind == QC_TZ_OFFSET)
        sec -= t.offset;
    s_set_ts(out, sec, (int32_t)t.usec, t.kind, (int32_t)t.offset);
    return QC_OK;
bad:
    return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                        "Invalid timestamp \"%.*s\"",
                        (int)(len > 200 ? 200 : len), s);
}

/* parse_timestamp() on what json.loads gave. */
static int s_timestamp(s_ctx *c, const qc_shape *sh, const s_jnode *n,
                       qc_value *out)
{
    int64_t sec;
    int32_t usec;
    switch (n->type) {
    case S_J_FALSE:
    case S_J_TRUE:
        s_set_ts(out, n->type == S_J_TRUE, 0, QC_TZ_LOCAL, 0);
        return QC_OK;
    case S_J_INT: {
        qc_value iv;
        int rc = s_tmp(c) ? s_int_from_digits(c->tmp, n->u.str, n->len, &iv)
                          : QC_ERR_NOMEM;
        if (rc)
            return rc;
        if (iv.flags & QC_VALF_BIGINT || iv.u.i < S_MIN_SEC ||
            iv.u.i > S_MAX_SEC)
            break;
        s_set_ts(out, iv.u.i, 0, QC_TZ_LOCAL, 0);
        return QC_OK;
    }
    case S_J_FLOAT:
        if (!s_ts_from_double(n->u.f, &sec, &usec))
            break;
        s_set_ts(out, sec, usec, QC_TZ_LOCAL, 0);
        return QC_OK;
    case S_J_STR:
        return s_ts_text(c, n->u.str, n->len, out);
    default:
        return s_bad_type(c, sh, n, "timestamp");
    }
    return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                        "Unable to parse the response: a %s timestamp of "
                        "shape %s is NaN or outside years 1..9999",
                        s_pytype(n), sh->name ? sh->name : "?");
}

/* ------------------------------------------------------------------ blob */

/* base64.b64decode(text) (binascii's non-strict reading: characters
 * outside the alphabet skipped, input ends at complete padding). */
static int s_blob(s_ctx *c, const qc_shape *sh, const s_jnode *n,
                  qc_value *out)
{
    if (n->type != S_J_STR)
        return s_bad_type(c, sh, n, "blob");
    const unsigned char *s = (const unsigned char *)n->u.str;
    for (size_t i = 0; i < n->len; i++)
        if (s[i] >= 0x80)
            return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                                "string argument should contain only ASCII "
                                "characters");
    unsigned char *o = qc_arena_alloc(c->a, n->len / 4 * 3 + 3);
    if (!o)
        return QC_ERR_NOMEM;
    size_t olen = 0, data = 0;
    int quad = 0, pads = 0;
    unsigned left = 0;
    for (size_t i = 0; i < n->len; i++) {
        unsigned ch = s[i], v;
        if (ch == '=') {
            if (quad >= 2 && quad + ++pads >= 4)
                goto done;
            continue;
        }
        if (ch >= 'A' && ch <= 'Z')
            v = ch - 'A';
        else if (ch >= 'a' && ch <= 'z')
            v = ch - 'a' + 26;
        else if (ch >= '0' && ch <= '9')
            v = ch - '0' + 52;
        else if (ch == '+')
            v = 62;
        else if (ch == '/')
            v = 63;
        else
            continue;
        pads = 0;
        data++;
        switch (quad) {
        case 0:
            left = v;
            quad = 1;
            break;
        case 1:
            o[olen++] = (unsigned char)((left << 2) | (v >> 4));
            left = v & 0x0F;
            quad = 2;
            break;
        case 2:
            o[olen++] = (unsigned char)((left << 4) | (v >> 2));
            left = v & 0x03;
            quad = 3;
            break;
        default:
            o[olen++] = (unsigned char)((left << 6) | v);
            quad = 0;
            break;
        }
    }
    if (quad == 1)
        return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                            "Invalid base64-encoded string: number of data "
                            "characters (%zu) cannot be 1 more than a "
                            "multiple of 4",
                            data);
    if (quad != 0)
        return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                            "Incorrect padding");
done:
    memset(out, 0, sizeof(*out));
    out->type = QC_VAL_BYTES;
    out->u.s.ptr = (const char *)o;
    out->u.s.len = olen;
    out->u.s.nchars = olen;
    return QC_OK;
}

/* ---------------------------------------------------------------- shapes */

static int s_shape(s_ctx *c, uint16_t si, const s_jnode *n, qc_value *out);

/* Returns the key a structure member has in the JSON body. */
static const char *s_json_name(const qc_member *mem, size_t *len)
{
    if (mem->wire_name == mem->name) { /* one literal for both: no strlen */
        *len = mem->name_len;
        return mem->name;
    }
    if (mem->wire_name && mem->wire_name[0]) {
        *len = strlen(mem->wire_name);
        return mem->wire_name;
    }
    *len = mem->name_len;
    return mem->name;
}

/* _has_unknown_tagged_union_member: a union must have exactly one non-null
 * member besides "__type"; one the model does not know gives
 * {"SDK_UNKNOWN_MEMBER": {"name": key}}. Sets *done when out is that. */
static int s_union(s_ctx *c, const qc_shape *sh, const s_jnode *n,
                   qc_value *out, int *done)
{
    const s_jnode *tag = NULL;
    size_t set = 0;
    *done = 0;
    for (size_t i = 0; i < n->len; i++) {
        const s_jmember *m = &n->u.members[i];
        if (s_eq(m->key.u.str, m->key.len, "__type") ||
            m->value.type == S_J_NULL)
            continue;
        if (!tag)
            tag = &m->key;
        set++;
    }
    if (set != 1)
        return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                            "Invalid service response: %s must have one "
                            "and only one member set.",
                            sh->name);
    for (size_t i = 0; i < sh->n_members; i++) {
        size_t jl;
        const char *jn = s_json_name(qc_shape_member(c->m, sh, i), &jl);
        if (tag->len == jl && memcmp(tag->u.str, jn, jl) == 0)
            return QC_OK;
    }
    qc_value inner, name;
    int rc = s_new_map(c->a, out, 1);
    if (rc == QC_OK)
        rc = s_new_map(c->a, &inner, 1);
    if (rc == QC_OK)
        rc = s_set_copy(c->a, &name, tag->u.str, tag->len,
                        (tag->flags & S_JF_SURROGATE) != 0);
    if (rc == QC_OK)
        rc = s_put(&inner, 1, "name", 4, &name);
    if (rc == QC_OK)
        rc = s_put(out, 1, "SDK_UNKNOWN_MEMBER", 18, &inner);
    *done = rc == QC_OK;
    return rc;
}

/* BaseJSONParser._handle_structure. */
static int s_structure(s_ctx *c, const qc_shape *sh, const s_jnode *n,
                       qc_value *out)
{
    if (n->type == S_J_NULL) {
        qc_value_set_null(out);
        return QC_OK;
    }
    if (n->type != S_J_OBJ)
        return s_bad_type(c, sh, n, "structure");
    int rc, done;
    if (sh->flags & QC_SF_UNION) {
        rc = s_union(c, sh, n, out, &done);
        if (rc || done)
            return rc;
    }
    rc = s_new_map(c->a, out, sh->n_members);
    size_t hint = 0;
    for (size_t i = 0; rc == QC_OK && i < sh->n_members; i++) {
        const qc_member *mem = qc_shape_member(c->m, sh, i);
        size_t jl;
        const char *jn = s_json_name(mem, &jl);
        const s_jnode *v = s_obj_find(n, jn, jl, &hint);
        if (!v || v->type == S_J_NULL)
            continue;
        qc_pair *p = &out->u.map.items[out->u.map.len];
        rc = s_shape(c, mem->shape, v, &p->value);
        if (rc == QC_OK) {
            s_set_key(&p->key, mem->name, mem->name_len);
            out->u.map.len++;
        }
    }
    return rc;
}

/* ResponseParser._handle_list: a list's items (None kept), a str's
 * characters, a dict's keys. */
static int s_list(s_ctx *c, const qc_shape *sh, const s_jnode *n,
                  qc_value *out)
{
    int rc;
    if (n->type == S_J_ARR) {
        rc = qc_value_set_list(out, c->a, n->len);
        for (size_t i = 0; rc == QC_OK && i < n->len; i++) {
            if (n->u.items[i].type == S_J_NULL)
                continue; /* already None */
            rc = s_shape(c, sh->member, &n->u.items[i],
                         &out->u.list.items[i]);
        }
        return rc;
    }
    if (n->type == S_J_OBJ) {
        rc = qc_value_set_list(out, c->a, n->len);
        for (size_t i = 0; rc == QC_OK && i < n->len; i++)
            rc = s_shape(c, sh->member, &n->u.members[i].key,
                         &out->u.list.items[i]);
        return rc;
    }
    if (n->type == S_J_STR) {
        size_t count = qc_utf8_count(n->u.str, n->len);
        rc = qc_value_set_list(out, c->a, count);
        const char *p = n->u.str;
        for (size_t i = 0; rc == QC_OK && i < count; i++) {
            const char *q = p;
            unsigned cp = s_next_cp(&p);
            s_jnode ch;
            memset(&ch, 0, sizeof(ch));
            ch.type = S_J_STR;
            ch.u.str = q;
            ch.len = (size_t)(p - q);
            if (cp >= 0xD800 && cp <= 0xDFFF)
                ch.flags = S_JF_SURROGATE;
            rc = s_shape(c, sh->member, &ch, &out->u.list.items[i]);
        }
        return rc;
    }
    return s_bad_type(c, sh, n, "list");
}

/* BaseJSONParser._handle_map: keys and values through their shapes. */
static int s_map(s_ctx *c, const qc_shape *sh, const s_jnode *n,
                 qc_value *out)
{
    if (n->type != S_J_OBJ)
        return s_bad_type(c, sh, n, "map");
    int rc = qc_value_set_map(out, c->a, n->len);
    for (size_t i = 0; rc == QC_OK && i < n->len; i++) {
        const s_jmember *m = &n->u.members[i];
        rc = s_shape(c, sh->key, &m->key, &out->u.map.items[i].key);
        if (rc == QC_OK)
            rc = s_shape(c, sh->value, &m->value,
                         &out->u.map.items[i].value);
    }
    return rc;
}

/* RestJSONParser._handle_integer: int(value). */
static int s_integer(s_ctx *c, const qc_shape *sh, const s_jnode *n,
                     qc_value *out)
{
    switch (n->type) {
    case S_J_FALSE:
    case S_J_TRUE:
        qc_value_set_int(out, n->type == S_J_TRUE);
        return QC_OK;
    case S_J_INT:
        return s_int_from_digits(c->a, n->u.str, n->len, out);
    case S_J_FLOAT: {
        double d = trunc(n->u.f);
        if (isnan(d) || isinf(d))
            return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                                "cannot convert float %s to integer",
                                isnan(d) ? "NaN" : "infinity");
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
            qc_value_set_int(out, (int64_t)d);
            return QC_OK;
        }
        int len = snprintf(NULL, 0, "%.0f", d);
        char *t = len > 0 && s_tmp(c)
                      ? qc_arena_alloc(c->tmp, (size_t)len + 1)
                      : NULL;
        if (!t)
            return QC_ERR_NOMEM;
        snprintf(t, (size_t)len + 1, "%.0f", d);
        return s_int_from_digits(c->a, t, (size_t)len, out);
    }
    case S_J_STR: {
        int rc = s_py_int_text(c, n->u.str, n->len, out);
        if (rc == S_PY_VALUE)
            return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                                "invalid literal for int() with base 10: "
                                "'%.*s'",
                                (int)(n->len > 200 ? 200 : n->len),
                                n->u.str);
        return rc;
    }
    default:
        return s_bad_type(c, sh, n, "integer");
    }
}

/* RestJSONParser._handle_float: float(value). */
static int s_float(s_ctx *c, const qc_shape *sh, const s_jnode *n,
                   qc_value *out)
{
    double d;
    int rc;
    switch (n->type) {
    case S_J_FALSE:
    case S_J_TRUE:
        qc_value_set_float(out, n->type == S_J_TRUE ? 1.0 : 0.0);
        return QC_OK;
    case S_J_INT:
        rc = s_strtod(s_tmp(c), n->u.str, n->len, &d);
        if (rc)
            return rc;
        if (isinf(d))
            return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                                "int too large to convert to float");
        qc_value_set_float(out, d);
        return QC_OK;
    case S_J_FLOAT:
        qc_value_set_float(out, n->u.f);
        return QC_OK;
    case S_J_STR:
        rc = s_py_float_text(c, n->u.str, n->len, &d);
        if (rc == S_PY_VALUE)
            return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                                "could not convert string to float: '%.*s'",
                                (int)(n->len > 200 ? 200 : n->len),
                                n->u.str);
        if (rc)
            return rc;
        qc_value_set_float(out, d);
        return QC_OK;
    default:
        return s_bad_type(c, sh, n, "float");
    }
}

/* ensure_boolean: a bool as is, a str by its lower-case text, else False. */
static void s_boolean(const s_jnode *n, qc_value *out)
{
    if (n->type == S_J_STR)
        qc_value_set_bool(out, s_ieq(n->u.str, n->len, "true"));
    else
        qc_value_set_bool(out, n->type == S_J_TRUE);
}

/* ResponseParser._parse_shape: dispatch on the shape's type. */
static int s_shape(s_ctx *c, uint16_t si, const s_jnode *n, qc_value *out)
{
    const qc_shape *sh = &c->m->shapes[si];
    switch (sh->type) {
    case QC_T_STRUCTURE:
        return s_structure(c, sh, n, out);
    case QC_T_LIST:
        return s_list(c, sh, n, out);
    case QC_T_MAP:
        return s_map(c, sh, n, out);
    case QC_T_INTEGER:
    case QC_T_LONG:
        return s_integer(c, sh, n, out);
    case QC_T_FLOAT:
    case QC_T_DOUBLE:
        return s_float(c, sh, n, out);
    case QC_T_BOOLEAN:
        s_boolean(n, out);
        return QC_OK;
    case QC_T_TIMESTAMP:
        return s_timestamp(c, sh, n, out);
    case QC_T_BLOB:
        return s_blob(c, sh, n, out);
    default: /* string, document: the value as json.loads gave it */
        return s_copy(c, n, out);
    }
}

/* Sets node to a STR node over (s, len). */
static void s_str_node(s_jnode *node, const char *s, size_t len)
{
    memset(node, 0, sizeof(*node));
    node->type = S_J_STR;
    node->u.str = s;
    node->len = len;
}

/* A header-located member (BaseRestParser): lists split on ',', jsonvalue
 * strings base64-decoded and read as JSON, the rest through the shape. */
static int s_header_member(s_ctx *c, const qc_member *mem, const s_hdr *h,
                           qc_value *out)
{
    const qc_shape *sh = &c->m->shapes[mem->shape];
    s_jnode node;
    int rc;
    if (sh->type == QC_T_LIST) {
        size_t count = 1;
        for (size_t i = 0; i < h->value_len; i++)
            count += h->value[i] == ',';
        rc = qc_value_set_list(out, c->a, count);
        const char *p = h->value, *end = h->value + h->value_len;
        for (size_t i = 0; rc == QC_OK && i < count; i++) {
            const char *q = memchr(p, ',', (size_t)(end - p));
            const char *e = q ? q : end, *b = p;
            size_t sp;
            while (b < e && (sp = s_space_len(b, e, 0)) != 0)
                b += sp;
            while (e > b) {
                const char *k = e - 1;
                while (k > b && ((unsigned char)*k & 0xC0) == 0x80)
                    k--;
                if (s_space_len(k, e, 0) != (size_t)(e - k))
                    break;
                e = k;
            }
            s_str_node(&node, b, (size_t)(e - b));
            rc = s_shape(c, sh->member, &node, &out->u.list.items[i]);
            p = q ? q + 1 : end;
        }
        return rc;
    }
    if (sh->type == QC_T_STRING &&
        ((mem->flags & QC_MF_JSONVALUE) || (sh->flags & QC_SF_JSONVALUE))) {
        s_str_node(&node, h->value, h->value_len);
        qc_value raw;
        rc = s_blob(c, sh, &node, &raw);
        if (rc)
            return rc;
        rc = s_check_utf8(raw.u.s.ptr, raw.u.s.len, c->err);
        if (rc)
            return rc;
        int depth;
        rc = s_json_read(c, c->a, raw.u.s.ptr, raw.u.s.len, &node,
                         &depth);
        if (rc == S_JSON_SYNTAX || rc == S_JSON_DEPTH)
            return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                                "header %s does not hold valid JSON",
                                h->lname);
        if (rc)
            return rc;
        return s_copy(c, &node, out);
    }
    s_str_node(&node, h->value, h->value_len);
    return s_shape(c, mem->shape, &node, out);
}

/* _parse_non_payload_attrs: members bound to headers or the status code,
 * stored into top (room for cap). */
static int s_non_payload(s_ctx *c, const qc_shape *sh, qc_value *top,
                         size_t cap)
{
    for (size_t i = 0; i < sh->n_members; i++) {
        const qc_member *mem = qc_shape_member(c->m, sh, i);
        qc_value v;
        int rc = QC_OK;
        if (mem->location == QC_LOC_STATUS) {
            char digits[24];
            int dl = snprintf(digits, sizeof(digits), "%ld", c->resp->status);
            s_jnode node;
            memset(&node, 0, sizeof(node));
            node.type = S_J_INT;
            node.u.str = digits;
            node.len = (size_t)dl;
            rc = s_shape(c, mem->shape, &node, &v);
        } else if (mem->location == QC_LOC_HEADERS) {
            size_t pl;
            const char *prefix = s_json_name(mem, &pl);
            rc = s_new_map(c->a, &v, c->n_hdrs);
            for (size_t k = 0; rc == QC_OK && k < c->n_hdrs; k++) {
                const s_hdr *h = &c->hdrs[k];
                size_t j;
                if (h->lname_len < pl)
                    continue;
                for (j = 0; j < pl; j++) {
                    char ch = prefix[j];
                    if (ch >= 'A' && ch <= 'Z')
                        ch = (char)(ch - 'A' + 'a');
                    if (h->lname[j] != ch)
                        break;
                }
                if (j < pl)
                    continue;
                /* The key is the first spelling of the name. */
                const qc_header *x = &c->resp->headers.items[h->first];
                char *on = qc_arena_alloc(c->a, x->name_len * 2 + 1);
                if (!on) {
                    rc = QC_ERR_NOMEM;
                    break;
                }
                size_t nl = s_latin1(on, x->name, x->name_len, 0);
                on[nl] = '\0';
                qc_pair *p = &v.u.map.items[v.u.map.len++];
                s_set_text(&p->key, on + pl, nl - pl, 0);
                s_set_hdr_text(&p->value, h->value, h->value_len,
                               h->value_ascii);
            }
        } else if (mem->location == QC_LOC_HEADER) {
            size_t hl;
            const char *hn = s_json_name(mem, &hl);
            const s_hdr *h = s_header(c, hn, hl);
            if (!h)
                continue;
            rc = s_header_member(c, mem, h, &v);
        } else {
            continue;
        }
        if (rc == QC_OK)
            rc = s_put(top, cap, mem->name, mem->name_len, &v);
        if (rc)
            return rc;
    }
    return QC_OK;
}

/* ------------------------------------------------ one-pass body reading */

/* A success reply's body is first read in one pass straight into the
 * values of the output shape, without the intermediate tree. This reader
 * gives up (S_FAST_NO) on anything the two-step path (s_body, then
 * s_structure) might treat otherwise: a syntax error, a key given twice, a
 * value its shape's handler refuses, a union not in its plain form,
 * nesting deeper than S_FAST_DEPTH. The two-step path then reads the body
 * again and has the last word, so this reader only has to agree with it
 * on what it accepts. It reads the body's padded copy (s_body_copy): the
 * byte at the end is a NUL, which nothing accepts. */
#define S_FAST_NO 1003
#define S_FAST_DEPTH 64

/* The hottest helpers are inlined even where the compiler would not. */
#if defined(__GNUC__)
#define S_ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define S_ALWAYS_INLINE inline
#endif

static int s_fast_value(s_reader *r, s_ctx *c, uint16_t si, qc_value *out);

/* Skips whitespace (the NUL after the body stops it). */
static inline void s_fast_ws(s_reader *r)
{
    while ((unsigned char)*r->p <= ' ' &&
           (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

/* Returns the first '"', '\\' or control byte from q on (the NUL after the
 * body at the latest), sixteen or eight bytes at a time; *high gets the
 * bytes before it ORed together (only bit 7 matters). */
static inline const char *s_fast_scan(const char *q, uint64_t *high)
{
#if defined(__SSE2__) && defined(__GNUC__)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    const __m128i ctl = _mm_set1_epi8(0x1F);
    unsigned acc = 0;
    for (;;) {
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)q);
        __m128i stop = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(w, quote), _mm_cmpeq_epi8(w, bslash)),
            _mm_cmpeq_epi8(_mm_min_epu8(w, ctl), w)); /* w <= 0x1F */
        unsigned m = (unsigned)_mm_movemask_epi8(stop);
        unsigned hb = (unsigned)_mm_movemask_epi8(w); /* bit 7 of each */
        if (m) {
            acc |= hb & ((m & (0u - m)) - 1); /* the bytes before it */
            *high = acc ? 0x80 : 0;
            return q + __builtin_ctz(m);
        }
        acc |= hb;
        q += 16;
    }
#else
    const uint64_t lo = 0x0101010101010101ULL, hi = lo << 7;
    uint64_t acc = 0;
    for (;;) {
        uint64_t w;
        memcpy(&w, q, 8);
        /* As in s_read_string: the lowest flagged byte is the first stop. */
        uint64_t stop = ((w - lo * 0x20) | ((w ^ (lo * '"')) - lo) |
                         ((w ^ (lo * '\\')) - lo)) &
                        ~w & hi;
        if (stop) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                        \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            acc |= w & ((stop & (0 - stop)) - 1);
            q += __builtin_ctzll(stop) >> 3;
#else
            while (!s_string_stop[(unsigned char)*q])
                acc |= (unsigned char)*q++;
#endif
            *high = acc;
            return q;
        }
        acc |= w;
        q += 8;
    }
#endif
}

/* Reads the string at r->p (a '"') as s_read_string does: text without
 * escapes is found here, the rest is left to s_read_string. */
static inline int s_fast_string(s_reader *r, s_jnode *out)
{
    uint64_t high;
    const char *start = r->p + 1, *q = s_fast_scan(start, &high);
    if (*q != '"')
        return s_read_string(r, out); /* escapes, or a syntax error */
    out->type = S_J_STR;
    out->flags = S_JF_ASCII;
    out->u.str = start;
    out->len = (size_t)(q - start);
    if (high & 0x8080808080808080ULL) {
        out->flags = 0;
        r->nonascii = 1;
    }
    r->p = q + 1;
    return QC_OK;
}

/* Reads the number at r->p as s_read_number does, converting it in the
 * same pass: a FLOAT gets its value (s_fast_double's exact cases, else
 * s_strtod), an INT its text and, when it has at most 18 digits, *small
 * and *is_small = 1. */
static int s_fast_number(s_reader *r, s_jnode *out, int64_t *small,
                         int *is_small)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                   1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                   1e18, 1e19, 1e20, 1e21, 1e22};
    const char *s = r->p, *q = s;
    int neg = *q == '-', digits = 0, exp10 = 0, is_float = 0;
    uint64_t m = 0;
    q += neg;
    if (*q == '0') {
        q++;
    } else if (*q >= '1' && *q <= '9') {
        for (; s_is_digit(*q); q++)
            if (++digits <= 19)
                m = m * 10 + (uint64_t)(*q - '0');
    } else {
        return S_JSON_SYNTAX;
    }
    const char *int_end = q;
    if (*q == '.' && s_is_digit(q[1])) {
        is_float = 1;
        for (q++; s_is_digit(*q); q++) {
            exp10--;
            if (m == 0 && *q == '0')
                continue; /* leading zeros */
            if (++digits <= 19)
                m = m * 10 + (uint64_t)(*q - '0');
        }
    }
    if (*q == 'e' || *q == 'E') {
        const char *e = q + 1;
        int eneg = *e == '-', ev = 0, ed = 0;
        e += *e == '-' || *e == '+';
        for (; s_is_digit(*e); e++)
            if (++ed <= 4)
                ev = ev * 10 + (*e - '0');
        if (ed) {
            is_float = 1;
            q = e;
            if (ed > 4)
                digits = 20; /* not exact here */
            exp10 += eneg ? -ev : ev;
        }
    }
    r->p = q;
    out->flags = 0;
    *is_small = 0;
    if (is_float) {
        out->type = S_J_FLOAT;
        out->len = 0;
        if (m == 0 && digits <= 19) {
            out->u.f = neg ? -0.0 : 0.0;
            return QC_OK;
        }
        if (digits <= 19 && m <= ((uint64_t)1 << 53) && exp10 >= -22 &&
            exp10 <= 22) {
            double d = exp10 < 0 ? (double)m / pow10[-exp10]
                                 : (double)m * pow10[exp10];
            out->u.f = neg ? -d : d;
            return QC_OK;
        }
        return s_strtod(s_rtmp(r), s, (size_t)(q - s), &out->u.f);
    }
    if ((size_t)(int_end - s) - (size_t)neg > S_MAX_INT_DIGITS)
        return S_JSON_SYNTAX;
    out->type = S_J_INT;
    out->u.str = s;
    out->len = (size_t)(q - s);
    if (digits <= 18) {
        *small = neg ? -(int64_t)m : (int64_t)m;
        *is_small = 1;
    }
    return QC_OK;
}

/* Steps over the ',' between two items (returns 1; in an array, also
 * over the whitespace after it, where a value starts), or over the
 * closing byte close (returns 0); returns -1 for anything else. Whitespace
 * before them is skipped only when they are not found right away. */
static inline int s_fast_next(s_reader *r, char close)
{
    if (*r->p != ',' && *r->p != close) {
        s_fast_ws(r);
        if (*r->p != ',' && *r->p != close)
            return -1;
    }
    if (*r->p++ == close)
        return 0;
    if (close == ']')
        s_fast_ws(r);
    return 1;
}

/* Steps into the container at r->p ('{' or '[') and the whitespace after.
 * Returns 1 when it is empty (and steps over its closing byte too), 0
 * when items follow, -1 when it is nested too deep. */
static inline int s_fast_open(s_reader *r, char close)
{
    if (++r->depth > S_FAST_DEPTH)
        return -1;
    r->p++;
    s_fast_ws(r);
    if (*r->p != close)
        return 0;
    r->p++;
    return 1;
}

/* Reads the key at r->p (after any whitespace), the ':' after it and the
 * whitespace after that, where the value starts. Returns QC_OK, S_FAST_NO
 * or QC_ERR_NOMEM. */
static S_ALWAYS_INLINE int s_fast_key(s_reader *r, s_jnode *key)
{
    if (*r->p != '"') {
        s_fast_ws(r);
        if (*r->p != '"')
            return S_FAST_NO;
    }
    int rc = s_fast_string(r, key);
    if (rc)
        return rc;
    if (*r->p != ':') {
        s_fast_ws(r);
        if (*r->p != ':')
            return S_FAST_NO;
    }
    r->p++;
    s_fast_ws(r);
    return QC_OK;
}

/* Makes room for one more element of size elem in the arena array *items
 * holding len of *cap, moving it to a block twice as large when full (the
 * old one stays in the arena). Returns QC_OK or QC_ERR_NOMEM. */
static int s_fast_grow(qc_arena *a, void **items, size_t len, size_t *cap,
                       size_t elem)
{
    if (len < *cap)
        return QC_OK;
    size_t ncap = *cap ? *cap * 2 : 8;
    if (ncap > SIZE_MAX / 2 / elem)
        return QC_ERR_NOMEM;
    void *n = qc_arena_alloc(a, ncap * elem);
    if (!n)
        return QC_ERR_NOMEM;
    if (len)
        memcpy(n, *items, len * elem);
    *items = n;
    *cap = ncap;
    return QC_OK;
}

/* Returns whether two of the n string keys of p are equal (a Python dict
 * would merge them), or n is too large to check here. */
static int s_fast_dup_keys(const qc_pair *p, size_t n)
{
    if (n > 32)
        return 1;
    for (size_t i = 1; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (p[i].key.u.s.len == p[j].key.u.s.len &&
                memcmp(p[i].key.u.s.ptr, p[j].key.u.s.ptr,
                       p[i].key.u.s.len) == 0)
                return 1;
    return 0;
}

/* Sets out to the list or map of the len items (NULL when none). */
static void s_fast_set(qc_value *out, int type, void *items, size_t len)
{
    memset(out, 0, sizeof(*out));
    out->type = (uint8_t)type;
    if (type == QC_VAL_LIST) {
        out->u.list.items = items;
        out->u.list.len = len;
    } else {
        out->u.map.items = items;
        out->u.map.len = len;
    }
}

/* Reads any JSON value at r->p into out as s_copy makes it. */
static int s_fast_any(s_reader *r, s_ctx *c, qc_value *out)
{
    size_t len = 0, cap = 0;
    int rc, more;
    void *items = NULL;
    if (*r->p == '[') {
        if ((more = s_fast_open(r, ']')) < 0)
            return S_FAST_NO;
        for (more = !more; more > 0; more = s_fast_next(r, ']')) {
            qc_value *v;
            rc = s_fast_grow(c->a, &items, len, &cap, sizeof(*v));
            if (rc)
                return rc;
            v = (qc_value *)items + len++;
            if ((rc = s_fast_any(r, c, v)) != QC_OK)
                return rc;
        }
        if (more < 0)
            return S_FAST_NO;
        r->depth--;
        s_fast_set(out, QC_VAL_LIST, len ? items : NULL, len);
        return QC_OK;
    }
    if (*r->p == '{') {
        if ((more = s_fast_open(r, '}')) < 0)
            return S_FAST_NO;
        for (more = !more; more > 0; more = s_fast_next(r, '}')) {
            qc_pair *p;
            s_jnode key;
            rc = s_fast_grow(c->a, &items, len, &cap, sizeof(*p));
            if (rc)
                return rc;
            p = (qc_pair *)items + len++;
            if ((rc = s_fast_key(r, &key)) != QC_OK ||
                (rc = s_copy(c, &key, &p->key)) != QC_OK ||
                (rc = s_fast_any(r, c, &p->value)) != QC_OK)
                return rc;
        }
        if (more < 0 || s_fast_dup_keys(items, len))
            return S_FAST_NO;
        r->depth--;
        s_fast_set(out, QC_VAL_MAP, len ? items : NULL, len);
        return QC_OK;
    }
    s_jnode n;
    rc = s_read_value(r, &n);
    return rc ? rc : s_copy(c, &n, out);
}

/* Returns the position of the lowest set bit of x (not 0). */
static inline size_t s_lowest_bit(uint64_t x)
{
#if defined(__GNUC__)
    return (size_t)__builtin_ctzll(x);
#else
    size_t i = 0;
    while (!(x & 1)) {
        x >>= 1;
        i++;
    }
    return i;
#endif
}

/* Returns whether member mem's JSON key is key. */
static inline int s_fast_key_is(const qc_member *mem, const s_jnode *key)
{
    size_t jl = mem->name_len;
    const char *jn = mem->name;
    if (mem->wire_name != mem->name && mem->wire_name)
        jn = s_json_name(mem, &jl);
    return jl == key->len && s_mem_eq(jn, key->u.str, jl);
}

/* Returns the position among a structure's count (at most 64) members
 * mems of the one whose JSON key is key, or SIZE_MAX when there is none.
 * It tries *hint first (keys often come in the model's order), then the
 * members not yet seen (bits of seen), then the others (a key given
 * twice); *hint is set past the match. */
static size_t s_fast_member(const qc_member *mems, size_t count,
                            uint64_t seen, const s_jnode *key, size_t *hint)
{
    uint64_t all = count == 64 ? ~(uint64_t)0 : ((uint64_t)1 << count) - 1;
    size_t at = *hint;
    if (at < count && !(seen >> at & 1) && s_fast_key_is(&mems[at], key)) {
        *hint = at + 1;
        return at;
    }
    for (int pass = 0; pass < 2; pass++) {
        uint64_t left = (pass ? seen : ~seen) & all;
        for (; left; left &= left - 1) {
            at = s_lowest_bit(left);
            if (s_fast_key_is(&mems[at], key)) {
                *hint = at + 1;
                return at;
            }
        }
    }
    return SIZE_MAX;
}

/* A structure (r->p at '{'), as s_structure makes it: members in the
 * model's order, null ones left out. Each member's value is read into its
 * own slot of the pair array, which is then packed. */
static int s_fast_structure(s_reader *r, s_ctx *c, const qc_shape *sh,
                            qc_value *out)
{
    size_t n = sh->n_members, hint = 0, kept = 0, set_count = 0;
    const qc_member *mems = qc_shape_member(c->m, sh, 0);
    uint64_t seen = 0, set = 0;
    qc_pair *items = NULL;
    int rc, more, is_union = (sh->flags & QC_SF_UNION) != 0;
    if (n > 64)
        return S_FAST_NO;
    if (n && !(items = qc_arena_alloc(c->a, n * sizeof(*items))))
        return QC_ERR_NOMEM;
    if ((more = s_fast_open(r, '}')) < 0)
        return S_FAST_NO;
    for (more = !more; more > 0; more = s_fast_next(r, '}')) {
        s_jnode key, skip;
        if ((rc = s_fast_key(r, &key)) != QC_OK)
            return rc;
        size_t i = s_fast_member(mems, n, seen, &key, &hint);
        if (i == SIZE_MAX) {
            /* Not a member: read and dropped (a union's every key counts). */
            if (is_union)
                return S_FAST_NO;
            int depth = r->depth;
            rc = s_read_value(r, &skip);
            if (rc || r->max_depth > S_FAST_DEPTH)
                return rc ? rc : S_FAST_NO;
            r->depth = depth;
            continue;
        }
        uint64_t bit = (uint64_t)1 << i;
        if (seen & bit)
            return S_FAST_NO; /* given twice */
        seen |= bit;
        if (*r->p == 'n') {
            if (!s_literal(r, "null"))
                return S_FAST_NO;
            continue; /* a null member is left out */
        }
        uint16_t si = mems[i].shape;
        s_jnode str;
        if (*r->p == '"' && c->m->shapes[si].type == QC_T_STRING) {
            /* The common case without a call: a string of a string. */
            if ((rc = s_fast_string(r, &str)) != QC_OK)
                return rc;
            if (str.flags == S_JF_ASCII)
                s_set_ascii(&items[i].value, str.u.str, str.len);
            else if ((rc = s_shape(c, si, &str, &items[i].value)) != QC_OK)
                return rc;
        } else if ((rc = s_fast_value(r, c, si, &items[i].value)) != QC_OK) {
            return rc;
        }
        set |= bit;
        set_count++;
    }
    if (more < 0 || (is_union && set_count != 1))
        return S_FAST_NO;
    r->depth--;
    for (uint64_t left = set; left; left &= left - 1) {
        size_t i = s_lowest_bit(left);
        const qc_member *mem = &mems[i];
        if (kept != i)
            items[kept].value = items[i].value;
        s_set_key(&items[kept].key, mem->name, mem->name_len);
        kept++;
    }
    memset(out, 0, sizeof(*out));
    out->type = QC_VAL_MAP;
    out->u.map.items = items;
    out->u.map.len = kept;
    return QC_OK;
}

/* A list (r->p at '['), as s_list makes it: null items kept. */
static int s_fast_list(s_reader *r, s_ctx *c, const qc_shape *sh,
                       qc_value *out)
{
    size_t len = 0, cap = 0;
    void *items = NULL;
    int rc, more;
    if ((more = s_fast_open(r, ']')) < 0)
        return S_FAST_NO;
    for (more = !more; more > 0; more = s_fast_next(r, ']')) {
        qc_value *v;
        rc = s_fast_grow(c->a, &items, len, &cap, sizeof(*v));
        if (rc)
            return rc;
        v = (qc_value *)items + len++;
        if (*r->p == 'n') {
            if (!s_literal(r, "null"))
                return S_FAST_NO;
            qc_value_set_null(v);
            continue;
        }
        if ((rc = s_fast_value(r, c, sh->member, v)) != QC_OK)
            return rc;
    }
    if (more < 0)
        return S_FAST_NO;
    r->depth--;
    s_fast_set(out, QC_VAL_LIST, len ? items : NULL, len);
    return QC_OK;
}

/* A map (r->p at '{'), as s_map makes it, when no key is given twice. */
static int s_fast_map(s_reader *r, s_ctx *c, const qc_shape *sh,
                      qc_value *out)
{
    size_t len = 0, cap = 0;
    void *items = NULL;
    int rc, more, key_string = c->m->shapes[sh->key].type == QC_T_STRING;
    if ((more = s_fast_open(r, '}')) < 0)
        return S_FAST_NO;
    for (more = !more; more > 0; more = s_fast_next(r, '}')) {
        qc_pair *p;
        s_jnode key;
        rc = s_fast_grow(c->a, &items, len, &cap, sizeof(*p));
        if (rc)
            return rc;
        p = (qc_pair *)items + len++;
        if ((rc = s_fast_key(r, &key)) != QC_OK)
            return rc;
        if (key_string && key.flags == S_JF_ASCII)
            s_set_ascii(&p->key, key.u.str, key.len); /* as s_copy does */
        else if ((rc = s_shape(c, sh->key, &key, &p->key)) != QC_OK)
            return rc;
        if ((rc = s_fast_value(r, c, sh->value, &p->value)) != QC_OK)
            return rc;
        /* The keys are compared as strings below. */
        if (p->key.type != QC_VAL_STRING)
            return S_FAST_NO;
    }
    if (more < 0 || s_fast_dup_keys(items, len))
        return S_FAST_NO;
    r->depth--;
    s_fast_set(out, QC_VAL_MAP, len ? items : NULL, len);
    return QC_OK;
}

/* Reads the value at r->p into out through shape si. */
static int s_fast_value(s_reader *r, s_ctx *c, uint16_t si, qc_value *out)
{
    const qc_shape *sh = &c->m->shapes[si];
    char ch = *r->p;
    if (ch == '{' || ch == '[') {
        switch (sh->type) {
        case QC_T_STRUCTURE:
            return ch == '{' ? s_fast_structure(r, c, sh, out) : S_FAST_NO;
        case QC_T_LIST:
            return ch == '[' ? s_fast_list(r, c, sh, out) : S_FAST_NO;
        case QC_T_MAP:
            return ch == '{' ? s_fast_map(r, c, sh, out) : S_FAST_NO;
        case QC_T_STRING:
        case QC_T_DOCUMENT:
            return s_fast_any(r, c, out);
        default:
            return S_FAST_NO; /* the two-step path refuses it */
        }
    }
    s_jnode n;
    int64_t small;
    int rc, is_small;
    if (ch == '"') {
        rc = s_fast_string(r, &n);
        if (rc == QC_OK && sh->type == QC_T_STRING && n.flags == S_JF_ASCII) {
            s_set_ascii(out, n.u.str, n.len); /* as s_copy makes it */
            return QC_OK;
        }
    } else if ((ch >= '0' && ch <= '9') || (ch == '-' && r->p[1] != 'I')) {
        rc = s_fast_number(r, &n, &small, &is_small);
        if (rc == QC_OK && is_small &&
            (sh->type == QC_T_INTEGER || sh->type == QC_T_LONG)) {
            qc_value_set_int(out, small); /* as s_int_from_digits does */
            return QC_OK;
        }
        if (rc == QC_OK && n.type == S_J_FLOAT &&
            sh->type == QC_T_TIMESTAMP) {
            int64_t sec;
            int32_t usec;
            if (!s_ts_from_double(n.u.f, &sec, &usec))
                return S_FAST_NO; /* as s_timestamp refuses it */
            s_set_ts(out, sec, usec, QC_TZ_LOCAL, 0);
            return QC_OK;
        }
    } else {
        rc = s_read_value(r, &n);
    }
    if (rc == QC_OK)
        rc = s_shape(c, si, &n, out);
    return rc;
}

/* Reads the body as structure sh into out in one pass. Returns QC_OK,
 * QC_ERR_NOMEM, or another nonzero code when the two-step path has to
 * read it (c->err untouched). */
static int s_fast_body(s_ctx *c, const qc_shape *sh, qc_value *out)
{
    size_t len = c->resp->body.len;
    if (len == 0)
        return S_FAST_NO;
    const char *s = s_body_copy(c);
    if (!s)
        return QC_ERR_NOMEM;
    s_reader r;
    memset(&r, 0, sizeof(r));
    r.p = s;
    r.end = s + len;
    r.c = c;
    r.strs = c->a;
    qc_error *err = c->err;
    c->err = NULL; /* the two-step path words the errors */
    s_fast_ws(&r);
    int rc = *r.p == '{' ? s_fast_structure(&r, c, sh, out) : S_FAST_NO;
    c->err = err;
    qc_buf_clean_up(&r.stack);
    if (rc)
        return rc;
    s_fast_ws(&r);
    if (r.p != r.end)
        return S_FAST_NO; /* "Extra data" */
    /* Bytes outside strings were ASCII; check the strings that were not. */
    if (r.nonascii && s_check_utf8(s, len, NULL) != QC_OK)
        return S_FAST_NO;
    return QC_OK;
}

/* Merges the body members parsed with structure shape sh into top. */
static int s_payload(s_ctx *c, const qc_shape *sh, int max_depth,
                     qc_value *top, size_t cap)
{
    const s_jnode *body = NULL;
    qc_value parsed;
    int rc = c->body_done ? S_FAST_NO : s_fast_body(c, sh, &parsed);
    if (rc == QC_ERR_NOMEM)
        return rc;
    if (rc != QC_OK) {
        rc = s_body(c, max_depth, &body);
        if (rc)
            return rc;
        rc = s_structure(c, sh, body, &parsed);
        if (rc)
            return rc;
    }
    if (parsed.type != QC_VAL_MAP)
        return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                            "Unable to parse the response: the body is JSON "
                            "null ('NoneType' object is not iterable)");
    for (size_t i = 0; rc == QC_OK && i < parsed.u.map.len; i++) {
        const qc_pair *p = &parsed.u.map.items[i];
        rc = s_put(top, cap, p->key.u.s.ptr, p->key.u.s.len, &p->value);
    }
    return rc;
}

/* --------------------------------------------------------------- errors */

/* http.client.responses: the reason phrase of a status, or "". */
static const char *s_reason(long status)
{
    static const struct {
        short code;
        const char *text;
    } table[] = {
        {100, "Continue"},
        {101, "Switching Protocols"},
        {102, "Processing"},
        {103, "Early Hints"},
        {200, "OK"},
        {201, "Created"},
        {202, "Accepted"},
        {203, "Non-Authoritative Information"},
        {204, "No Content"},
        {205, "Reset Content"},
        {206, "Partial Content"},
        {207, "Multi-Status"},
        {208, "Already Reported"},
        {226, "IM Used"},
        {300, "Multiple Choices"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {303, "See Other"},
        {304, "Not Modified"},
        {305, "Use Proxy"},
        {307, "Temporary Redirect"},
        {308, "Permanent Redirect"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {402, "Payment Required"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {406, "Not Acceptable"},
        {407, "Proxy Authentication Required"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {410, "Gone"},
        {411, "Length Required"},
        {412, "Precondition Failed"},
        {413, "Request Entity Too Large"},
        {414, "Request-URI Too Long"},
        {415, "Unsupported Media Type"},
        {416, "Requested Range Not Satisfiable"},
        {417, "Expectation Failed"},
        {418, "I'm a Teapot"},
        {421, "Misdirected Request"},
        {422, "Unprocessable Entity"},
        {423, "Locked"},
        {424, "Failed Dependency"},
        {425, "Too Early"},
        {426, "Upgrade Required"},
        {428, "Precondition Required"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {451, "Unavailable For Legal Reasons"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
        {505, "HTTP Version Not Supported"},
        {506, "Variant Also Negotiates"},
        {507, "Insufficient Storage"},
        {508, "Loop Detected"},
        {510, "Not Extended"},
        {511, "Network Authentication Required"},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (table[i].code == status)
            return table[i].text;
    return "";
}

/* _is_generic_error_response: a 5xx whose body, stripped of ASCII
 * whitespace, is empty or starts with "<html>". */
static int s_is_generic(const qc_http_response *resp)
{
    if (resp->status < 500)
        return 0;
    const char *s = resp->body.data;
    size_t len = resp->body.len, i = 0;
    while (i < len && (s[i] == ' ' || (s[i] >= 0x09 && s[i] <= 0x0D)))
        i++;
    if (i == len)
        return 1;
    return len - i >= 6 && memcmp(s + i, "<html>", 6) == 0;
}

/* Applies code.split(':', 1)[0].rsplit('#', 1)[-1] to a str code. */
static void s_code_trim(const char **s, size_t *len)
{
    const char *colon = memchr(*s, ':', *len);
    if (colon)
        *len = (size_t)(colon - *s);
    for (size_t i = *len; i > 0; i--) {
        if ((*s)[i - 1] == '#') {
            *len -= i;
            *s += i;
            break;
        }
    }
}

/* Returns whether JSON list/dict n contains the one-character str ch (as
 * an item or a key), which is what Python's `ch in n` tests. */
static int s_contains(const s_jnode *n, const char *ch)
{
    for (size_t i = 0; i < n->len; i++) {
        const s_jnode *x =
            n->type == S_J_ARR ? &n->u.items[i] : &n->u.members[i].key;
        if (x->type == S_J_STR && s_eq(x->u.str, x->len, ch))
            return 1;
    }
    return 0;
}

/* Sets v to the arena copy of a str error code after trimming. */
static int s_code_value(s_ctx *c, const char *s, size_t len, int surrogate,
                        qc_value *v)
{
    s_code_trim(&s, &len);
    return s_set_copy(c->a, v, s, len, surrogate);
}

/* Sets v from a JSON code value as botocore would store it: null leaves
 * *set 0; a str is trimmed. From "__type" (from_type), an int/float/bool
 * makes botocore raise (`in` on a number) and a list/dict is stored unless
 * it holds ':' or '#' (then .split/.rsplit fails); from "code"/"Code" any
 * other value is stored as is. */
static int s_code_from_json(s_ctx *c, const s_jnode *n, int from_type,
                            qc_value *v, int *set)
{
    *set = 0;
    if (n->type == S_J_NULL)
        return QC_OK;
    *set = 1;
    if (n->type == S_J_STR)
        return s_code_value(c, n->u.str, n->len,
                            (n->flags & S_JF_SURROGATE) != 0, v);
    if (!from_type)
        return s_copy(c, n, v); /* stored as is, whatever its type */
    if (n->type == S_J_ARR || n->type == S_J_OBJ) {
        if (s_contains(n, ":") || s_contains(n, "#"))
            return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                                "Unable to parse the error response: '%s' "
                                "object has no attribute 'split'",
                                s_pytype(n));
        return s_copy(c, n, v);
    }
    return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                        "Unable to parse the error response: argument of "
                        "type '%s' is not iterable",
                        s_pytype(n));
}

/* Builds {"Error": {...}, "ResponseMetadata": {...}} for an error reply
 * (generic, or BaseJSONParser._do_error_parse + _inject_error_code) into
 * top (room for cap) and md (room for 5). */
static int s_error(s_ctx *c, qc_value *top, size_t cap, qc_value *md)
{
    const qc_http_response *resp = c->resp;
    qc_value error, v;
    char digits[24];
    int dl = snprintf(digits, sizeof(digits), "%ld", resp->status);
    int rc = s_new_map(c->a, &error, 4);
    if (rc)
        return rc;
    if (s_is_generic(resp)) {
        rc = s_set_copy(c->a, &v, digits, (size_t)dl, 0);
        if (rc == QC_OK)
            rc = s_put(&error, 4, "Code", 4, &v);
        const char *reason = s_reason(resp->status);
        s_set_text(&v, reason, strlen(reason), 0);
        if (rc == QC_OK)
            rc = s_put(&error, 4, "Message", 7, &v);
        if (rc == QC_OK)
            rc = s_put(top, cap, "Error", 5, &error);
        if (rc == QC_OK)
            rc = s_put(top, cap, "ResponseMetadata", 16, md);
        return rc;
    }
    const s_jnode *body, *x;
    rc = s_body(c, c->depth_error, &body);
    if (rc)
        return rc;
    if (body->type != S_J_OBJ)
        return qc_error_set(c->err, QC_ERR_RESPONSE_PARSE,
                            "Unable to parse the error response: '%s' "
                            "object has no attribute 'get'",
                            s_pytype(body));
    /* Message: body.get('message', body.get('Message', '')). */
    if ((x = s_obj_get(body, "message", 7)) != NULL ||
        (x = s_obj_get(body, "Message", 7)) != NULL)
        rc = s_copy(c, x, &v);
    else
        s_set_text(&v, "", 0, 0);
    if (rc == QC_OK)
        rc = s_put(&error, 4, "Message", 7, &v);
    s_set_text(&v, "", 0, 0);
    if (rc == QC_OK)
        rc = s_put(&error, 4, "Code", 4, &v);
    if (rc)
        return rc;
    /* code = body.get('__type', str(status)), trimmed. */
    qc_value code;
    int set = 1;
    if ((x = s_obj_get(body, "__type", 6)) != NULL)
        rc = s_code_from_json(c, x, 1, &code, &set);
    else
        rc = s_code_value(c, digits, (size_t)dl, 0, &code);
    if (rc)
        return rc;
    if (set) {
        const s_hdr *q = s_header(c, "x-amzn-query-error", 18);
        if (q) {
            const char *semi = memchr(q->value, ';', q->value_len);
            if (semi && semi != q->value &&
                !memchr(semi + 1, ';',
                        q->value_len - (size_t)(semi + 1 - q->value))) {
                rc = s_put(&error, 4, "QueryErrorCode", 14, &code);
                s_set_text(&v, semi + 1,
                           q->value_len - (size_t)(semi + 1 - q->value), 0);
                if (rc == QC_OK)
                    rc = s_put(&error, 4, "Type", 4, &v);
                if (rc == QC_OK)
                    rc = s_set_copy(c->a, &code, q->value,
                                    (size_t)(semi - q->value), 0);
            }
        }
        if (rc == QC_OK)
            rc = s_put(&error, 4, "Code", 4, &code);
        if (rc)
            return rc;
    }
    /* RestJSONParser._inject_error_code. */
    const s_hdr *et = s_header(c, "x-amzn-errortype", 16);
    if (et) {
        rc = s_code_value(c, et->value, et->value_len, 0, &code);
        set = 1;
    } else if ((x = s_obj_get(body, "code", 4)) != NULL ||
               (x = s_obj_get(body, "Code", 4)) != NULL) {
        rc = s_code_from_json(c, x, 0, &code, &set);
    } else {
        set = 0;
    }
    if (rc == QC_OK && set)
        rc = s_put(&error, 4, "Code", 4, &code);
    if (rc == QC_OK)
        rc = s_put(top, cap, "Error", 5, &error);
    const s_hdr *rid = s_header(c, "x-amzn-requestid", 16);
    if (rc == QC_OK && rid) {
        s_set_hdr_text(&v, rid->value, rid->value_len, rid->value_ascii);
        rc = s_put(md, 5, "RequestId", 9, &v);
    }
    if (rc == QC_OK)
        rc = s_put(top, cap, "ResponseMetadata", 16, md);
    return rc;
}

/* The error shape whose code is the str (s, len), or NULL. */
static const qc_shape *s_error_shape(const qc_model *m, const char *s,
                                     size_t len)
{
    for (size_t i = 0; i < m->n_error_shapes; i++) {
        const qc_shape *sh = &m->shapes[m->error_shapes[i]];
        const char *code = sh->error_code ? sh->error_code : sh->name;
        if (code && s_eq(s, len, code))
            return sh;
    }
    return NULL;
}

/* --------------------------------------------------------------- public */

/* Fills *out with botocore's parsed dict for resp (everything in a);
 * *error_code gets the service error code (arena string) or NULL. */
int qc_parse_response(const qc_model *m, const qc_operation *op,
                      const qc_http_response *resp, int retry_attempts,
                      qc_arena *a, qc_value *out, const char **error_code,
                      qc_error *err)
{
    return qc_parse_response_depth(m, op, resp, retry_attempts, a, out,
                                   error_code, err, 0);
}

/* qc_parse_response with json.loads' nesting limit given (see
 * qc_call_options.json_depth_limit; 0 = CPython 3.10/3.11's). */
int qc_parse_response_depth(const qc_model *m, const qc_operation *op,
                            const qc_http_response *resp, int retry_attempts,
                            qc_arena *a, qc_value *out,
                            const char **error_code, qc_error *err,
                            int json_depth_limit)
{
    s_ctx c;
    qc_value top, md, v;
    int rc;
    memset(&c, 0, sizeof(c));
    if (json_depth_limit > 0) {
        if (json_depth_limit > S_DEPTH_MAX)
            json_depth_limit = S_DEPTH_MAX;
        c.depth_error = c.depth_success = c.depth_modeled = json_depth_limit;
    } else {
        c.depth_error = S_DEPTH_ERROR;
        c.depth_success = S_DEPTH_SUCCESS;
        c.depth_modeled = S_DEPTH_MODELED;
    }
    if (error_code)
        *error_code = NULL;
    if (!m || !op || !resp || !a || !out)
        return qc_error_set(err, QC_ERR_INVALID_ARG,
                            "qc_parse_response: missing argument");
    qc_value_set_null(out);
    c.m = m;
    c.resp = resp;
    c.a = a;
    c.err = err;
    const qc_shape *oshape =
        op->output != QC_NO_SHAPE ? &m->shapes[op->output] : NULL;
    rc = s_merge_headers(&c);
    if (rc)
        goto out;
    rc = s_new_map(a, &md, 5);
    if (rc)
        goto out;
    long status = resp->status;
    int is_error = status >= 301;
    const qc_shape *eshape = NULL;
    size_t cap = 2;
    if (oshape)
        cap += oshape->n_members;
    if (is_error) {
        /* Any modelled error may be named; size for the largest. */
        for (size_t i = 0; i < m->n_error_shapes; i++) {
            size_t n = 2u + m->shapes[m->error_shapes[i]].n_members;
            if (n > cap)
                cap = n;
        }
    }
    rc = s_new_map(a, &top, cap);
    if (rc)
        goto out;
    if (is_error) {
        rc = s_error(&c, &top, cap, &md);
    } else {
        /* BaseRestParser._populate_response_metadata. */
        const s_hdr *rid = s_header(&c, "x-amzn-requestid", 16);
        const s_hdr *rid2 =
            rid ? NULL : s_header(&c, "x-amz-request-id", 16);
        if (rid || rid2) {
            const s_hdr *h = rid ? rid : rid2;
            s_set_hdr_text(&v, h->value, h->value_len, h->value_ascii);
            rc = s_put(&md, 5, "RequestId", 9, &v);
        }
        if (rc == QC_OK && rid2) {
            const s_hdr *host = s_header(&c, "x-amz-id-2", 10);
            if (host)
                s_set_hdr_text(&v, host->value, host->value_len,
                               host->value_ascii);
            else
                s_set_text(&v, "", 0, 0);
            rc = s_put(&md, 5, "HostId", 6, &v);
        }
        if (rc == QC_OK)
            rc = s_put(&top, cap, "ResponseMetadata", 16, &md);
        if (rc == QC_OK && oshape)
            rc = s_non_payload(&c, oshape, &top, cap);
        if (rc == QC_OK && oshape)
            rc = s_payload(&c, oshape, c.depth_success, &top, cap);
    }
    if (rc)
        goto out;
    /* ResponseParser.parse: status and headers into ResponseMetadata. */
    qc_value_set_int(&v, status);
    rc = s_put(&md, 5, "HTTPStatusCode", 14, &v);
    if (rc == QC_OK)
        rc = s_new_map(a, &v, c.n_hdrs);
    for (size_t i = 0; rc == QC_OK && i < c.n_hdrs; i++) {
        qc_pair *p = &v.u.map.items[v.u.map.len++];
        s_set_hdr_text(&p->key, c.hdrs[i].lname, c.hdrs[i].lname_len,
                       c.hdrs[i].lname_ascii);
        s_set_hdr_text(&p->value, c.hdrs[i].value, c.hdrs[i].value_len,
                       c.hdrs[i].value_ascii);
    }
    if (rc == QC_OK)
        rc = s_put(&md, 5, "HTTPHeaders", 11, &v);
    if (rc)
        goto out;
    if (is_error) {
        /* Endpoint._add_modeled_error_fields. */
        const qc_value *errv = qc_value_map_get(&top, "Error", 5);
        const qc_value *code = errv ? qc_value_map_get(errv, "Code", 4) : NULL;
        if (code && (code->type == QC_VAL_LIST || code->type == QC_VAL_MAP)) {
            rc = qc_error_set(err, QC_ERR_RESPONSE_PARSE,
                              "Unable to parse the error response: "
                              "unhashable type: '%s'",
                              code->type == QC_VAL_LIST ? "list" : "dict");
            goto out;
        }
        if (code && code->type == QC_VAL_STRING) {
            eshape = s_error_shape(m, code->u.s.ptr, code->u.s.len);
            if (error_code)
                *error_code = code->u.s.ptr;
        }
        if (eshape && !s_is_generic(resp)) {
            rc = s_non_payload(&c, eshape, &top, cap);
            if (rc == QC_OK)
                rc = s_payload(&c, eshape, c.depth_modeled, &top, cap);
            if (rc)
                goto out;
        }
    }
    /* Endpoint._send: RetryAttempts last. */
    qc_value_set_int(&v, retry_attempts);
    rc = s_put(&md, 5, "RetryAttempts", 13, &v);
    if (rc)
        goto out;
    /* md was copied into top by value; refresh that copy. */
    rc = s_put(&top, cap, "ResponseMetadata", 16, &md);
    if (rc)
        goto out;
    *out = top;
    rc = status >= 300 ? QC_ERR_SERVICE : QC_OK;
out:
    qc_arena_destroy(c.tmp);
    if (rc == QC_ERR_NOMEM)
        qc_error_set(err, rc, "out of memory while parsing the response");
    else if (rc == QC_ERR_LIMIT)
        qc_error_set(err, rc, "the response is too large to parse");
    else if (rc == QC_ERR_INTERNAL)
        qc_error_set(err, rc, "internal error while parsing the response");
    else if (rc == QC_ERR_SERVICE)
        qc_error_set(err, rc, NULL); /* the caller words it from the code */
    return rc;
}
