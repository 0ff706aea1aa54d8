/*
 * buf.c — owning, growable, capped byte buffers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sigv4.h"

void qc_buf_init(qc_buf *b, size_t limit)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->limit = limit ? limit : QC_BUF_DEFAULT_LIMIT;
}

void qc_buf_clean_up(qc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void qc_buf_clean_up_secure(qc_buf *b)
{
    if (b->data)
        qc_secure_zero(b->data, b->cap);
    qc_buf_clean_up(b);
}

void qc_buf_reset(qc_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

/* Ensures room for extra more bytes plus a NUL; returns QC_OK or an error. */
int qc_buf_reserve(qc_buf *b, size_t extra)
{
    size_t limit = b->limit ? b->limit : QC_BUF_DEFAULT_LIMIT;
    if (extra > limit || b->len > limit - extra)
        return QC_ERR_LIMIT;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return QC_OK;
    size_t cap = b->cap ? b->cap + b->cap / 2 : 64;
    if (cap < need)
        cap = need;
    if (cap > limit + 1)
        cap = limit + 1;
    char *p = realloc(b->data, cap);
    if (!p)
        return QC_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return QC_OK;
}

int qc_buf_append(qc_buf *b, const void *p, size_t n)
{
    int rc = qc_buf_reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return QC_OK;
}

int qc_buf_append_str(qc_buf *b, const char *s)
{
    return qc_buf_append(b, s, strlen(s));
}

int qc_buf_append_byte(qc_buf *b, char c)
{
    if (b->len + 1 < b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return QC_OK;
    }
    return qc_buf_append(b, &c, 1);
}

int qc_buf_appendf(qc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return QC_ERR_INVALID_ARG;
    int rc = qc_buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return QC_OK;
}

int qc_buf_append_hex(qc_buf *b, const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    if (n > (SIZE_MAX / 2))
        return QC_ERR_LIMIT;
    int rc = qc_buf_reserve(b, n * 2);
    if (rc)
        return rc;
    char *o = b->data + b->len;
    for (size_t i = 0; i < n; i++) {
        *o++ = digits[p[i] >> 4];
        *o++ = digits[p[i] & 15];
    }
    b->len += n * 2;
    b->data[b->len] = '\0';
    return QC_OK;
}

/* Moves the storage to *out (malloc'd, NUL-terminated); b becomes empty. */
int qc_buf_detach(qc_buf *b, char **out, size_t *len)
{
    if (!b->data) {
        int rc = qc_buf_reserve(b, 0);
        if (rc)
            return rc;
        b->data[0] = '\0';
    }
    *out = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return QC_OK;
}
