/*
 * sigv4.c — AWS Signature Version 4 header signing, byte for byte as
 * botocore's SigV4Auth (botocore/auth.py) signs requests for non-S3
 * services, plus the S3-style variants the test suite exercises
 * (normalize_path = 0: the path is signed as sent; sign_body = 1: an
 * X-Amz-Content-SHA256 header carries the payload hash).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sigv4.h"

#define S_ALGORITHM "AWS4-HMAC-SHA256"
#define S_TERMINATOR "aws4_request"
#define S_CACHE_SLOTS 4
/* Up to this many headers or query parameters are sorted in place on the
 * stack; more go to the heap. */
#define S_LOCAL_ITEMS 24

/* Earliest and latest instants Python's datetime (years 1..9999) can
 * format; the signing clock is kept inside them. */
#define S_MIN_TIME ((int64_t)-62135596800LL)
#define S_MAX_TIME ((int64_t)253402300799LL)

/* ------------------------------------------------------------ small helpers */

/* Returns the ASCII lower-case of c. */
static inline unsigned char s_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Returns 1 when (s, n) equals the lower-case (l, ln), ignoring ASCII
 * case. */
static int s_name_is(const char *s, size_t n, const char *l, size_t ln)
{
    return n == ln &&
           (n == 0 || (s_lower((unsigned char)s[0]) == (unsigned char)l[0] &&
                       strncasecmp(s, l, n) == 0));
}

#define S_NAME(lit) {lit, sizeof(lit) - 1}

/* Headers botocore never signs: its SIGNED_HEADERS_BLACKLIST, plus
 * Authorization, which it deletes before signing. */
static const struct {
    const char *name;
    size_t len;
} s_unsigned_headers[] = {
    S_NAME("authorization"),      S_NAME("connection"),
    S_NAME("expect"),             S_NAME("keep-alive"),
    S_NAME("proxy-authenticate"), S_NAME("proxy-authorization"),
    S_NAME("te"),                 S_NAME("trailer"),
    S_NAME("transfer-encoding"),  S_NAME("upgrade"),
    S_NAME("user-agent"),         S_NAME("x-amzn-trace-id"),
};

/* Returns 1 when a header named (name, n) is left out of the signature. */
static int s_is_unsigned_header(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof(s_unsigned_headers) /
                               sizeof(s_unsigned_headers[0]);
         i++)
        if (s_name_is(name, n, s_unsigned_headers[i].name,
                      s_unsigned_headers[i].len))
            return 1;
    return 0;
}

/* Returns the byte length of the whitespace character (as Python's
 * str.isspace() sees it) starting at p, or 0 when p starts anything
 * else. */
static size_t s_space_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    if ((c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20))
        return 1;
    if (c == 0xc2 && n >= 2 && (p[1] == 0x85 || p[1] == 0xa0))
        return 2; /* U+0085, U+00A0 */
    if (n < 3)
        return 0;
    if (c == 0xe1 && p[1] == 0x9a && p[2] == 0x80)
        return 3; /* U+1680 */
    if (c == 0xe2 && p[1] == 0x80 &&
        (p[2] <= 0x8a || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf) &&
        p[2] >= 0x80)
        return 3; /* U+2000..U+200A, U+2028, U+2029, U+202F */
    if (c == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
        return 3; /* U+205F */
    if (c == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
        return 3; /* U+3000 */
    return 0;
}

/* Returns 1 when byte c can start a whitespace character. */
static inline int s_may_space(unsigned char c)
{
    return c <= 0x20 || c == 0xc2 || c == 0xe1 || c == 0xe2 || c == 0xe3;
}

/* Appends ' '.join(value.split()) for the UTF-8 value (v, n); returns
 * QC_OK or a qc_buf error. */
static int s_append_trimall(qc_buf *out, const char *v, size_t n)
{
    const unsigned char *p = (const unsigned char *)v;
    size_t i = 0;
    int pending = 0, any = 0, rc;
    /* Most values are already in that form: no whitespace but single
     * spaces between words. */
    int plain = n == 0 || (p[0] != ' ' && p[n - 1] != ' ');
    for (size_t k = 0; plain && k < n; k++) {
        unsigned char c = p[k];
        if (c <= 0x20 ? c != ' ' || p[k - 1] == ' ' : s_may_space(c))
            plain = 0;
    }
    if (plain)
        return qc_buf_append(out, v, n);
    while (i < n) {
        size_t ws = s_may_space(p[i]) ? s_space_len(p + i, n - i) : 0;
        if (ws) {
            pending = any;
            i += ws;
            continue;
        }
        size_t j = i + 1;
        while (j < n && (!s_may_space(p[j]) || !s_space_len(p + j, n - j)))
            j++;
        if (pending && (rc = qc_buf_append_byte(out, ' ')))
            return rc;
        if ((rc = qc_buf_append(out, v + i, j - i)))
            return rc;
        pending = 0;
        any = 1;
        i = j;
    }
    return QC_OK;
}

/* Returns 1 when Python's quote(s, safe='/~') keeps byte c as it is. */
static inline int s_path_safe(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
           c == '~' || c == '/';
}

/* Appends (s, n) percent-encoded as Python's urllib.parse.quote(s,
 * safe='/~') does; returns QC_OK or a qc_buf error. */
static int s_append_quoted(qc_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i = 0;
    int rc;
    while (i < n) {
        size_t j = i;
        while (j < n && s_path_safe((unsigned char)s[j]))
            j++;
        if (j > i && (rc = qc_buf_append(out, s + i, j - i)))
            return rc;
        for (i = j; i < n && !s_path_safe((unsigned char)s[i]); i++) {
            unsigned char c = (unsigned char)s[i];
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            if ((rc = qc_buf_append(out, e, 3)))
                return rc;
        }
    }
    return QC_OK;
}

/* Appends quote(remove_dot_segments(path), safe='/~') as botocore's
 * SigV4Auth._normalize_url_path does: empty and '.' segments dropped, '..'
 * drops the segment before it, the leading slash kept, and the trailing
 * slash kept when any segment remains. Quoting never yields '/', so the
 * segments are quoted as they are written. Returns QC_OK or an error. */
static int s_append_normalized_path(qc_buf *out, const char *path, size_t n)
{
    size_t base = out->len, count = 0, i = 0;
    int rc;
    if (path[0] == '/' && (rc = qc_buf_append_byte(out, '/')))
        return rc;
    size_t body = out->len; /* where the joined segments start */
    while (i <= n) {
        size_t j = i;
        while (j < n && path[j] != '/')
            j++;
        size_t len = j - i;
        const char *seg = path + i;
        i = j + 1;
        if (len == 0 || (len == 1 && seg[0] == '.'))
            continue;
        if (len == 2 && seg[0] == '.' && seg[1] == '.') {
            if (count) {
                size_t k = out->len;
                while (k > body && out->data[k - 1] != '/')
                    k--;
                out->len = k > body ? k - 1 : body;
                out->data[out->len] = '\0';
                count--;
            }
            continue;
        }
        if (count && (rc = qc_buf_append_byte(out, '/')))
            goto error;
        if ((rc = s_append_quoted(out, seg, len)))
            goto error;
        count++;
    }
    if (path[n - 1] == '/' && count && (rc = qc_buf_append_byte(out, '/')))
        goto error;
    return QC_OK;
error:
    out->len = base;
    if (out->data)
        out->data[base] = '\0';
    return rc;
}

/* Appends the canonical URI of path (p, n); returns QC_OK or an error. */
static int s_append_canonical_uri(qc_buf *out, const char *p, size_t n,
                                  int normalize)
{
    if (!normalize) /* S3 style: as sent (botocore: even when empty) */
        return qc_buf_append(out, p, n);
    if (n == 0) /* normalize_url_path('') is '/' */
        return qc_buf_append_byte(out, '/');
    return s_append_normalized_path(out, p, n);
}

typedef struct s_pair {
    qc_cursor key;
    qc_cursor value;
} s_pair;

/* Returns <0, 0 or >0 comparing two byte strings as Python compares str
 * (code point order equals UTF-8 byte order). */
static int s_cmp_bytes(qc_cursor a, qc_cursor b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c)
        return c;
    return a.len < b.len ? -1 : a.len > b.len ? 1 : 0;
}

/* qsort comparator: by key, then by value. */
static int s_cmp_pair(const void *a, const void *b)
{
    const s_pair *x = a, *y = b;
    int c = s_cmp_bytes(x->key, y->key);
    return c ? c : s_cmp_bytes(x->value, y->value);
}

/* Appends the canonical query string for the (already encoded) query
 * (q, n), as botocore's _canonical_query_string_url: split on '&', each
 * part on its first '=', sorted, re-joined as key=value; returns QC_OK or
 * an error. */
static int s_append_canonical_query(qc_buf *out, const char *q, size_t n)
{
    if (n == 0)
        return QC_OK;
    size_t count = 1;
    for (size_t i = 0; i < n; i++)
        count += q[i] == '&';
    s_pair local[S_LOCAL_ITEMS];
    s_pair *pairs = count <= S_LOCAL_ITEMS ? local
                                            : calloc(count, sizeof(*pairs));
    if (!pairs)
        return QC_ERR_NOMEM;
    size_t k = 0, i = 0;
    while (k < count) {
        size_t j = i;
        while (j < n && q[j] != '&')
            j++;
        const char *eq = memchr(q + i, '=', j - i);
        if (eq) {
            pairs[k].key = qc_cursor_from(q + i, (size_t)(eq - (q + i)));
            pairs[k].value = qc_cursor_from(eq + 1, (size_t)(q + j - eq - 1));
        } else {
            pairs[k].key = qc_cursor_from(q + i, j - i);
            pairs[k].value = qc_cursor_from(q + j, 0);
        }
        k++;
        i = j + 1;
    }
    qsort(pairs, count, sizeof(*pairs), s_cmp_pair);
    int rc = qc_buf_reserve(out, n + count);
    for (k = 0; k < count && rc == QC_OK; k++) {
        if (k && (rc = qc_buf_append_byte(out, '&')))
            break;
        if ((rc = qc_buf_append(out, pairs[k].key.ptr, pairs[k].key.len)) ||
            (rc = qc_buf_append_byte(out, '=')))
            break;
        rc = qc_buf_append(out, pairs[k].value.ptr, pairs[k].value.len);
    }
    if (pairs != local)
        free(pairs);
    return rc;
}

/* Appends the Host value botocore derives from the URL (_host_from_url):
 * userinfo dropped, host name lower-cased, port dropped when it is the
 * scheme's default and written as a plain integer otherwise. Returns QC_OK,
 * a qc_buf error, or QC_ERR_INVALID_ARG for a host Python's urlsplit
 * rejects. */
static int s_append_url_host(qc_buf *out, qc_cursor scheme, qc_cursor host)
{
    const char *h = host.ptr, *end = host.ptr + host.len;
    const char *at = NULL, *name, *name_end, *port = NULL;
    int bracketed = 0, rc;
    if (host.len == 0)
        return QC_ERR_INVALID_ARG;
    for (const char *c = h; c < end; c++)
        if (*c == '@')
            at = c;
    if (at)
        h = at + 1;
    if (h < end && *h == '[') {
        const char *close = memchr(h, ']', (size_t)(end - h));
        if (!close)
            return QC_ERR_INVALID_ARG;
        bracketed = 1;
        name = h + 1;
        name_end = close;
        if (close + 1 < end) {
            if (close[1] != ':')
                return QC_ERR_INVALID_ARG;
            port = close + 2;
        }
    } else {
        const char *colon = memchr(h, ':', (size_t)(end - h));
        name = h;
        name_end = colon ? colon : end;
        if (colon)
            port = colon + 1;
    }
    if (name == name_end)
        return QC_ERR_INVALID_ARG;
    long port_num = -1;
    if (port && port < end) {
        port_num = 0;
        for (const char *c = port; c < end; c++) {
            if (*c < '0' || *c > '9')
                return QC_ERR_INVALID_ARG;
            port_num = port_num * 10 + (*c - '0');
            if (port_num > 65535)
                return QC_ERR_INVALID_ARG;
        }
    }
    if (bracketed && (rc = qc_buf_append_byte(out, '[')))
        return rc;
    if ((rc = qc_buf_reserve(out, (size_t)(name_end - name))))
        return rc;
    /* urlsplit lower-cases the name but not an IPv6 zone id after '%'. */
    int in_zone = 0;
    char *o = out->data + out->len;
    for (const char *c = name; c < name_end; c++) {
        in_zone |= *c == '%';
        *o++ = in_zone ? *c : (char)s_lower((unsigned char)*c);
    }
    out->len += (size_t)(name_end - name);
    out->data[out->len] = '\0';
    if (bracketed && (rc = qc_buf_append_byte(out, ']')))
        return rc;
    if (port_num >= 0) {
        long def = -1;
        if (scheme.len == 5 && strncasecmp(scheme.ptr, "https", 5) == 0)
            def = 443;
        else if (scheme.len == 4 && strncasecmp(scheme.ptr, "http", 4) == 0)
            def = 80;
        if (port_num != def) {
            char digits[8]; /* ":" and at most 5 digits */
            size_t n = sizeof(digits);
            long v = port_num;
            do {
                digits[--n] = (char)('0' + v % 10);
                v /= 10;
            } while (v);
            digits[--n] = ':';
            if ((rc = qc_buf_append(out, digits + n, sizeof(digits) - n)))
                return rc;
        }
    }
    return QC_OK;
}

typedef struct s_hdr {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
    size_t order; /* position in the request, for duplicate names */
} s_hdr;

/* Returns <0, 0 or >0 comparing header names as lower-case strings. */
static int s_cmp_lname(const s_hdr *x, const s_hdr *y)
{
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    for (size_t i = 0; i < n; i++) {
        unsigned char a = s_lower((unsigned char)x->name[i]);
        unsigned char b = s_lower((unsigned char)y->name[i]);
        if (a != b)
            return a < b ? -1 : 1;
    }
    return x->name_len < y->name_len ? -1 : x->name_len > y->name_len ? 1 : 0;
}

/* qsort comparator: by lower-case name, then by request order. */
static int s_cmp_hdr(const void *a, const void *b)
{
    const s_hdr *x = a, *y = b;
    int c = s_cmp_lname(x, y);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order ? 1 : 0;
}

/* Appends the lower-case of (s, n); returns QC_OK or a qc_buf error. */
static int s_append_lower(qc_buf *out, const char *s, size_t n)
{
    int rc = qc_buf_reserve(out, n);
    if (rc)
        return rc;
    char *o = out->data + out->len;
    for (size_t i = 0; i < n; i++)
        o[i] = (char)s_lower((unsigned char)s[i]);
    out->len += n;
    out->data[out->len] = '\0';
    return QC_OK;
}

/* Appends the canonical headers block (each "name:value\n") to out and the
 * ';'-joined names to signed_headers; returns QC_OK or an error. */
static int s_append_canonical_headers(const qc_http_request *req, qc_buf *out,
                                      qc_buf *signed_headers)
{
    const qc_headers *h = &req->headers;
    s_hdr local[S_LOCAL_ITEMS];
    s_hdr *list = h->len < S_LOCAL_ITEMS ? local
                                         : calloc(h->len + 1, sizeof(*list));
    qc_buf host;
    size_t n = 0;
    int have_host = 0, rc = QC_OK;
    qc_buf_init(&host, 0);
    if (!list)
        return QC_ERR_NOMEM;
    for (size_t i = 0; i < h->len; i++) {
        const qc_header *it = &h->items[i];
        if (s_is_unsigned_header(it->name, it->name_len))
            continue;
        have_host |= s_name_is(it->name, it->name_len, "host", 4);
        list[n].name = it->name;
        list[n].name_len = it->name_len;
        list[n].value = it->value;
        list[n].value_len = it->value_len;
        list[n].order = i;
        n++;
    }
    if (!have_host) {
        if ((rc = s_append_url_host(
                 &host, qc_cursor_from(req->scheme.data, req->scheme.len),
                 qc_cursor_from(req->host.data, req->host.len))))
            goto out;
        list[n].name = "host";
        list[n].name_len = 4;
        list[n].value = host.data;
        list[n].value_len = host.len;
        list[n].order = h->len;
        n++;
    }
    /* Insertion sort: a request has a dozen headers or so. */
    for (size_t i = 1; i < n; i++) {
        s_hdr x = list[i];
        size_t j = i;
        while (j > 0 && s_cmp_hdr(&list[j - 1], &x) > 0) {
            list[j] = list[j - 1];
            j--;
        }
        list[j] = x;
    }
    for (size_t i = 0; i < n; i++) {
        int first = i == 0 || s_cmp_lname(&list[i - 1], &list[i]) != 0;
        if (first) {
            if (i && (rc = qc_buf_append_byte(out, '\n')))
                goto out;
            if (i && (rc = qc_buf_append_byte(signed_headers, ';')))
                goto out;
            if ((rc = s_append_lower(out, list[i].name, list[i].name_len)) ||
                (rc = s_append_lower(signed_headers, list[i].name,
                                     list[i].name_len)) ||
                (rc = qc_buf_append_byte(out, ':')))
                goto out;
        } else if ((rc = qc_buf_append_byte(out, ','))) {
            goto out;
        }
        if ((rc = s_append_trimall(out, list[i].value, list[i].value_len)))
            goto out;
    }
    rc = qc_buf_append_byte(out, '\n');
out:
    qc_buf_clean_up(&host);
    if (list != local)
        free(list);
    return rc;
}

/* Writes the credential-scope date "YYYYMMDD" of now_sec into day[9]. */
static void s_scope_day(int64_t now_sec, char day[9])
{
    char amz[17];
    qc_sigv4_amz_date(now_sec, amz);
    memcpy(day, amz, 8);
    day[8] = '\0';
}

typedef struct s_civil {
    int year, month, day, hour, minute, second, weekday; /* weekday 0 = Sun */
} s_civil;

/* Fills c with the UTC calendar time of now_sec (clamped to years
 * 1..9999). */
static void s_utc(int64_t now_sec, s_civil *c)
{
    if (now_sec < S_MIN_TIME)
        now_sec = S_MIN_TIME;
    if (now_sec > S_MAX_TIME)
        now_sec = S_MAX_TIME;
    int64_t days = now_sec / 86400, secs = now_sec % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    c->hour = (int)(secs / 3600);
    c->minute = (int)(secs / 60 % 60);
    c->second = (int)(secs % 60);
    c->weekday = (int)(((days + 4) % 7 + 7) % 7); /* 1970-01-01: Thursday */
    /* Count from 2000-03-01, so that each leap day ends its period: a
     * 400-year era is 3 centuries of 36524 days then one of 36525, a
     * century is 4-year groups of 1461 days (the last one 1460 when the
     * century year is not leap), a group is 3 years of 365 days then one
     * of 366. Years run March..February. */
    static const int start[12] = {0,   31,  61,  92,  122, 153,
                                  184, 214, 245, 275, 306, 337};
    int64_t z = days - 11017; /* 2000-03-01 is day 11017 */
    int64_t era = z / 146097, doe = z % 146097;
    if (doe < 0) {
        doe += 146097;
        era--;
    }
    int64_t cent = doe / 36524;
    if (cent > 3)
        cent = 3;
    int64_t doc = doe - cent * 36524;
    int64_t quad = doc / 1461, doq = doc % 1461;
    int64_t yr = doq / 365;
    if (yr > 3)
        yr = 3;
    int doy = (int)(doq - yr * 365);
    int m = 11;
    while (start[m] > doy)
        m--;
    int64_t year = 2000 + 400 * era + 100 * cent + 4 * quad + yr;
    c->day = doy - start[m] + 1;
    if (m >= 10) { /* January, February: next calendar year */
        c->month = m - 9;
        year++;
    } else {
        c->month = m + 3;
    }
    c->year = (int)year;
}

/* Writes v as exactly width decimal digits at o. */
static void s_digits(char *o, int v, int width)
{
    for (int k = width - 1; k >= 0; k--) {
        o[k] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* Writes the X-Amz-Date form of now_sec into the caller's out (the last
 * second formatted is kept per thread: a call formats it several times). */
void qc_sigv4_amz_date(int64_t now_sec, char out[17])
{
    static _Thread_local int64_t memo_sec = INT64_MIN;
    static _Thread_local char memo[17];
    if (now_sec == memo_sec) {
        memcpy(out, memo, 17);
        return;
    }
    s_civil c;
    s_utc(now_sec, &c);
    s_digits(out, c.year, 4);
    s_digits(out + 4, c.month, 2);
    s_digits(out + 6, c.day, 2);
    out[8] = 'T';
    s_digits(out + 9, c.hour, 2);
    s_digits(out + 11, c.minute, 2);
    s_digits(out + 13, c.second, 2);
    out[15] = 'Z';
    out[16] = '\0';
    memcpy(memo, out, 17);
    memo_sec = now_sec;
}

/* Appends now_sec as email.utils.formatdate(now_sec) writes it, e.g.
 * "Sun, 30 Aug 2015 12:36:00 -0000"; returns QC_OK or a qc_buf error. */
static int s_append_rfc2822(qc_buf *out, int64_t now_sec)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
                                       "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    s_civil c;
    s_utc(now_sec, &c);
    return qc_buf_appendf(out, "%s, %02d %s %04d %02d:%02d:%02d -0000",
                          days[c.weekday], c.day, months[c.month - 1], c.year,
                          c.hour, c.minute, c.second);
}

/* ------------------------------------------------------------- the stages */

/* Appends botocore's canonical request for req to out and the signed
 * header names to signed_headers (both caller-owned); returns QC_OK, a
 * qc_buf error, QC_ERR_SIGN, or QC_ERR_INVALID_ARG for an unusable host. */
int qc_sigv4_canonical_request(const qc_http_request *req,
                               const qc_sigv4_params *p, qc_buf *out,
                               qc_buf *signed_headers)
{
    int rc;
    const char *m = req->method ? req->method : "GET";
    size_t sh_start = signed_headers->len;
    if ((rc = qc_buf_reserve(out, 256 + req->path.len + req->query.len)))
        return rc;
    for (; *m; m++) {
        char c = *m;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        if ((rc = qc_buf_append_byte(out, c)))
            return rc;
    }
    if ((rc = qc_buf_append_byte(out, '\n')) ||
        (rc = s_append_canonical_uri(out, req->path.data, req->path.len,
                                     p->normalize_path)) ||
        (rc = qc_buf_append_byte(out, '\n')) ||
        (rc = s_append_canonical_query(out, req->query.data,
                                       req->query.len)) ||
        (rc = qc_buf_append_byte(out, '\n')) ||
        (rc = s_append_canonical_headers(req, out, signed_headers)) ||
        (rc = qc_buf_append_byte(out, '\n')) ||
        (rc = qc_buf_append(out, signed_headers->data + sh_start,
                            signed_headers->len - sh_start)) ||
        (rc = qc_buf_append_byte(out, '\n')))
        return rc;
    const qc_header *given =
        qc_headers_get(&req->headers, "X-Amz-Content-SHA256", 20);
    if (given)
        return qc_buf_append(out, given->value, given->value_len);
    unsigned char digest[32];
    if ((rc = qc_sha256(req->body.data, req->body.len, digest)))
        return rc;
    return qc_buf_append_hex(out, digest, 32);
}

/* Appends "YYYYMMDD/region/service/aws4_request"; returns QC_OK or a
 * qc_buf error. */
static int s_append_scope(qc_buf *out, const qc_sigv4_params *p)
{
    char day[9];
    int rc;
    s_scope_day(p->now_sec, day);
    if ((rc = qc_buf_append(out, day, 8)) ||
        (rc = qc_buf_append_byte(out, '/')) ||
        (rc = qc_buf_append_str(out, p->region)) ||
        (rc = qc_buf_append_byte(out, '/')) ||
        (rc = qc_buf_append_str(out, p->service)) ||
        (rc = qc_buf_append_byte(out, '/')))
        return rc;
    return qc_buf_append(out, S_TERMINATOR, sizeof(S_TERMINATOR) - 1);
}

/* Appends the string to sign to the caller's out; returns QC_OK or an
 * error code. */
int qc_sigv4_string_to_sign(const qc_cursor canonical_request,
                            const qc_sigv4_params *p, qc_buf *out)
{
    char amz[17];
    unsigned char digest[32];
    int rc;
    if (!p->region || !p->service)
        return QC_ERR_INVALID_ARG;
    qc_sigv4_amz_date(p->now_sec, amz);
    if ((rc = qc_sha256(canonical_request.ptr, canonical_request.len,
                        digest)))
        return rc;
    if ((rc = qc_buf_reserve(out, 160)) ||
        (rc = qc_buf_append(out, S_ALGORITHM "\n",
                            sizeof(S_ALGORITHM "\n") - 1)) ||
        (rc = qc_buf_append(out, amz, 16)) ||
        (rc = qc_buf_append_byte(out, '\n')) ||
        (rc = s_append_scope(out, p)) ||
        (rc = qc_buf_append_byte(out, '\n')))
        return rc;
    return qc_buf_append_hex(out, digest, 32);
}

/* ------------------------------------------------------ signing-key cache */

typedef struct s_slot {
    int used;
    int by_id;      /* keyed by key_id rather than by the secret's hash */
    uint64_t key_id;
    uint64_t last_use;
    unsigned char secret_hash[32]; /* SHA-256 of the secret key */
    char day[9];
    char *region;
    char *service;
    qc_hmac_key key; /* the derived signing key, ready for HMAC */
} s_slot;

struct qc_signer {
    pthread_mutex_t lock;
    uint64_t clock;
    s_slot slots[S_CACHE_SLOTS];
};

/* Wipes the slot's key and frees its strings; the slot becomes unused. */
static void s_slot_clear(s_slot *sl)
{
    free(sl->region);
    free(sl->service);
    qc_secure_zero(sl, sizeof(*sl));
}

/* Returns a new signer (owned by the caller, freed with qc_signer_destroy)
 * or NULL when out of memory. */
qc_signer *qc_signer_new(void)
{
    qc_signer *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

/* Wipes every cached key and frees s (NULL is allowed). */
void qc_signer_destroy(qc_signer *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < S_CACHE_SLOTS; i++)
        s_slot_clear(&s->slots[i]);
    pthread_mutex_destroy(&s->lock);
    qc_secure_zero(s, sizeof(*s));
    free(s);
}

/* Returns 1 when the 32-byte blocks a and b are equal, in constant time. */
static int s_equal32(const unsigned char *a, const unsigned char *b)
{
    unsigned char d = 0;
    for (size_t i = 0; i < 32; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

/* Writes the SigV4 signing key for (secret, day, region, service), ready
 * for HMAC, into key; returns QC_OK or an error. */
static int s_derive_key(qc_cursor secret, const char *day, const char *region,
                        const char *service, qc_hmac_key *key)
{
    qc_buf k;
    unsigned char a[32], b[32];
    int rc;
    qc_buf_init(&k, 0);
    if ((rc = qc_buf_append(&k, "AWS4", 4)) ||
        (rc = qc_buf_append(&k, secret.ptr, secret.len)))
        goto out;
    if ((rc = qc_hmac_sha256(k.data, k.len, day, strlen(day), a)) ||
        (rc = qc_hmac_sha256(a, 32, region, strlen(region), b)) ||
        (rc = qc_hmac_sha256(b, 32, service, strlen(service), a)) ||
        (rc = qc_hmac_sha256(a, 32, S_TERMINATOR, sizeof(S_TERMINATOR) - 1,
                             b)) ||
        (rc = qc_hmac_key_init(key, b, 32)))
        goto out;
out:
    qc_secure_zero(a, sizeof(a));
    qc_secure_zero(b, sizeof(b));
    qc_buf_clean_up_secure(&k);
    return rc;
}

/* Writes the signing key into key, from the cache when it holds it
 * (derived and cached otherwise). The cache entry is found by key_id when
 * it is nonzero (a number the caller changes whenever the secret changes:
 * no hashing), else by the SHA-256 of the secret. Returns QC_OK or an
 * error. */
static int s_signing_key(qc_signer *s, uint64_t key_id, qc_cursor secret,
                         const char *day, const char *region,
                         const char *service, qc_hmac_key *key)
{
    unsigned char hash[32];
    int rc;
    if (!s)
        return s_derive_key(secret, day, region, service, key);
    memset(hash, 0, sizeof(hash));
    if (!key_id && (rc = qc_sha256(secret.ptr, secret.len, hash)))
        return rc;
    if (pthread_mutex_lock(&s->lock) != 0) {
        qc_secure_zero(hash, sizeof(hash));
        return QC_ERR_INTERNAL;
    }
    s_slot *victim = &s->slots[0];
    for (size_t i = 0; i < S_CACHE_SLOTS; i++) {
        s_slot *sl = &s->slots[i];
        if (sl->used &&
            (key_id ? sl->by_id && sl->key_id == key_id
                    : !sl->by_id && s_equal32(sl->secret_hash, hash)) &&
            memcmp(sl->day, day, 9) == 0 && strcmp(sl->region, region) == 0 &&
            strcmp(sl->service, service) == 0) {
            *key = sl->key;
            sl->last_use = ++s->clock;
            rc = QC_OK;
            goto out;
        }
        if (!sl->used ? victim->used : (victim->used &&
                                         sl->last_use < victim->last_use))
            victim = sl;
    }
    if ((rc = s_derive_key(secret, day, region, service, key)))
        goto out;
    s_slot_clear(victim);
    victim->region = strdup(region);
    victim->service = strdup(service);
    if (!victim->region || !victim->service) {
        s_slot_clear(victim); /* the key is still good; just not cached */
        goto out;
    }
    victim->by_id = key_id != 0;
    victim->key_id = key_id;
    memcpy(victim->secret_hash, hash, 32);
    memcpy(victim->day, day, 9);
    victim->key = *key;
    victim->used = 1;
    victim->last_use = ++s->clock;
out:
    pthread_mutex_unlock(&s->lock);
    qc_secure_zero(hash, sizeof(hash));
    return rc;
}

/* Appends the hex signature of string_to_sign to out, with the signing key
 * for cred (see s_signing_key); returns QC_OK or an error code. */
static int s_signature(qc_signer *s, uint64_t key_id,
                       const qc_credentials *cred, const qc_sigv4_params *p,
                       const qc_cursor string_to_sign, qc_buf *out)
{
    qc_hmac_key key;
    unsigned char sig[32];
    char day[9];
    int rc;
    if (!p->region || !p->service)
        return QC_ERR_INVALID_ARG;
    s_scope_day(p->now_sec, day);
    if ((rc = s_signing_key(s, key_id, cred->secret_key, day, p->region,
                            p->service, &key)))
        return rc;
    rc = qc_hmac_sha256_with(&key, string_to_sign.ptr, string_to_sign.len,
                             sig);
    qc_secure_zero(&key, sizeof(key));
    if (rc)
        return rc;
    return qc_buf_append_hex(out, sig, 32);
}

/* Appends the hex signature of string_to_sign to the caller's out, using
 * s's cached key (s may be NULL: derive without caching); returns QC_OK or
 * an error code. */
int qc_sigv4_signature(qc_signer *s, const qc_credentials *cred,
                       const qc_sigv4_params *p, const qc_cursor string_to_sign,
                       qc_buf *out)
{
    return s_signature(s, 0, cred, p, string_to_sign, out);
}

/* ------------------------------------------------------------- all stages */

/* Adds the date header as botocore's _set_necessary_date_headers does: a
 * Date header, when present, is rewritten and X-Amz-Date dropped;
 * otherwise X-Amz-Date is (re)set. Returns QC_OK or an error. */
static int s_set_date_headers(qc_headers *h, int64_t now_sec)
{
    int rc;
    if (qc_headers_get(h, "Date", 4)) {
        qc_buf d;
        qc_buf_init(&d, 0);
        qc_headers_remove(h, "Date", 4);
        if ((rc = s_append_rfc2822(&d, now_sec)) == QC_OK)
            rc = qc_headers_add(h, "Date", 4, d.data, d.len);
        qc_buf_clean_up(&d);
        if (rc)
            return rc;
        qc_headers_remove(h, "X-Amz-Date", 10);
        return QC_OK;
    }
    char amz[17];
    qc_sigv4_amz_date(now_sec, amz);
    qc_headers_remove(h, "X-Amz-Date", 10);
    return qc_headers_add(h, "X-Amz-Date", 10, amz, 16);
}

/* Signs req in place as botocore's SigV4Auth.add_auth does (headers added
 * are owned by req), with the signing key found as s_signing_key does for
 * key_id; returns QC_OK or an error code with err set. On error req may
 * already carry the new date/token headers but no Authorization. */
static int s_sign_request(qc_signer *s, uint64_t key_id, qc_http_request *req,
                          const qc_credentials *cred, const qc_sigv4_params *p,
                          qc_error *err)
{
    /* work holds the canonical request, then the string to sign, then the
     * signature, then the Authorization value, one after the other. */
    qc_buf work, signed_headers;
    int rc;
    qc_buf_init(&work, 0);
    qc_buf_init(&signed_headers, 0);
    if (!req || !cred || !p || !p->region || !p->service) {
        rc = qc_error_set(err, QC_ERR_INVALID_ARG,
                          "signing needs a request, credentials, region "
                          "and service");
        goto out;
    }
    if (p->now_sec < S_MIN_TIME || p->now_sec > S_MAX_TIME) {
        rc = qc_error_set(err, QC_ERR_INVALID_ARG,
                          "signing time %lld is out of range",
                          (long long)p->now_sec);
        goto out;
    }
    qc_headers_remove(&req->headers, "Authorization", 13);
    if ((rc = s_set_date_headers(&req->headers, p->now_sec)))
        goto header_error;
    if (cred->session_token.len) {
        qc_headers_remove(&req->headers, "X-Amz-Security-Token", 20);
        if ((rc = qc_headers_add(&req->headers, "X-Amz-Security-Token", 20,
                                 cred->session_token.ptr,
                                 cred->session_token.len)))
            goto header_error;
    }
    if (p->sign_body) {
        unsigned char digest[32];
        char hex[65];
        static const char digits[] = "0123456789abcdef";
        if ((rc = qc_sha256(req->body.data, req->body.len, digest)))
            goto sign_error;
        for (size_t i = 0; i < 32; i++) {
            hex[2 * i] = digits[digest[i] >> 4];
            hex[2 * i + 1] = digits[digest[i] & 15];
        }
        hex[64] = '\0';
        qc_headers_remove(&req->headers, "X-Amz-Content-SHA256", 20);
        if ((rc = qc_headers_add(&req->headers, "X-Amz-Content-SHA256", 20,
                                 hex, 64)))
            goto header_error;
    }
    if ((rc = qc_buf_reserve(&work, 1024 + req->path.len + req->query.len)))
        goto sign_error;
    /* The string to sign and the signature are appended to work after the
     * canonical request; each stage hashes its input before it appends. */
    rc = qc_sigv4_canonical_request(req, p, &work, &signed_headers);
    if (rc == QC_ERR_INVALID_ARG) {
        rc = qc_error_set(err, rc, "cannot sign: invalid host \"%.*s\"",
                          (int)(req->host.len > 200 ? 200 : req->host.len),
                          req->host.data ? req->host.data : "");
        goto out;
    }
    size_t creq_len = work.len;
    if (rc ||
        (rc = qc_sigv4_string_to_sign(qc_cursor_from(work.data, creq_len), p,
                                      &work)))
        goto sign_error;
    /* (The string to sign is hashed before anything is appended.) */
    size_t sts_len = work.len - creq_len;
    if ((rc = s_signature(s, key_id, cred, p,
                          qc_cursor_from(work.data + creq_len, sts_len),
                          &work)))
        goto sign_error;
    char sig[65];
    memcpy(sig, work.data + creq_len + sts_len, 64);
    sig[64] = '\0';
    size_t auth_at = work.len;
    if ((rc = qc_buf_reserve(&work, 200 + cred->access_key.len +
                                        signed_headers.len)) ||
        (rc = qc_buf_append(&work, S_ALGORITHM " Credential=",
                            sizeof(S_ALGORITHM " Credential=") - 1)) ||
        (rc = qc_buf_append(&work, cred->access_key.ptr,
                            cred->access_key.len)) ||
        (rc = qc_buf_append_byte(&work, '/')) ||
        (rc = s_append_scope(&work, p)) ||
        (rc = qc_buf_append(&work, ", SignedHeaders=", 16)) ||
        (rc = qc_buf_append(&work, signed_headers.data, signed_headers.len)) ||
        (rc = qc_buf_append(&work, ", Signature=", 12)) ||
        (rc = qc_buf_append(&work, sig, 64)))
        goto sign_error;
    if ((rc = qc_headers_add(&req->headers, "Authorization", 13,
                             work.data + auth_at, work.len - auth_at)))
        goto header_error;
    rc = QC_OK;
    goto out;
header_error:
    if (rc == QC_ERR_INVALID_ARG)
        rc = qc_error_set(err, rc,
                          "cannot sign: credentials or headers contain a "
                          "line break or NUL");
    else
        rc = qc_error_set(err, rc, "cannot sign the request: %s",
                          qc_strerror(rc));
    goto out;
sign_error:
    if (rc == QC_ERR_SIGN && qc_crypto_load_error())
        rc = qc_error_set(err, rc, "cannot sign the request: %s",
                          qc_crypto_load_error());
    else
        rc = qc_error_set(err, rc, "cannot sign the request: %s",
                          qc_strerror(rc));
out:
    qc_buf_clean_up(&work);
    qc_buf_clean_up(&signed_headers);
    return rc;
}

/* Signs req in place as botocore's SigV4Auth.add_auth does, the signing
 * key cached under the secret's hash; see s_sign_request. */
int qc_sigv4_sign_request(qc_signer *s, qc_http_request *req,
                          const qc_credentials *cred, const qc_sigv4_params *p,
                          qc_error *err)
{
    return s_sign_request(s, 0, req, cred, p, err);
}

/* Signs req as qc_sigv4_sign_request does, the signing key cached under
 * key_id instead (nonzero, changed by the caller with the secret). */
int qc_sigv4_sign_request_keyed(qc_signer *s, uint64_t key_id,
                                qc_http_request *req,
                                const qc_credentials *cred,
                                const qc_sigv4_params *p, qc_error *err)
{
    return s_sign_request(s, key_id, req, cred, p, err);
}
