/*
 * http.c — header lists and the plain request/response records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

/* A chunk of header text: "name\0value\0" pairs one after another. The
 * chunks come from the block cache, so a request's or reply's headers
 * cost no allocation once a thread has made a call. */
struct qc_text_chunk {
    qc_text_chunk *next;
    size_t size; /* bytes of the block, header included */
    size_t used; /* bytes used, header included */
};

#define S_TEXT_CHUNK ((size_t)2048) /* a request's headers fit in one */

void qc_headers_init(qc_headers *h)
{
    h->items = NULL;
    h->len = h->cap = 0;
    h->text = NULL;
}

void qc_headers_clean_up(qc_headers *h)
{
    free(h->items);
    qc_text_chunk *c = h->text;
    while (c) {
        qc_text_chunk *next = c->next;
        qc_block_put(c, c->size);
        c = next;
    }
    qc_headers_init(h);
}

/* Returns nonzero when the 8 bytes of w hold a zero byte. */
static inline uint64_t s_zero_byte(uint64_t w)
{
    return (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
}

/* Returns 1 when (s, n) holds CR, LF or NUL (eight bytes at a time). */
static int s_has_line_break(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        /* Text seldom has a byte below 14 at all: test that first. */
        if (((w - 0x0e0e0e0e0e0e0e0eULL) & ~w & 0x8080808080808080ULL) &&
            (s_zero_byte(w) | s_zero_byte(w ^ 0x0a0a0a0a0a0a0a0aULL) |
             s_zero_byte(w ^ 0x0d0d0d0d0d0d0d0dULL)))
            return 1;
    }
    for (; i < n; i++)
        if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
            return 1;
    return 0;
}

/* Returns "name\0value\0" copied into h's text storage, or NULL when out
 * of memory. */
static char *s_pair_dup(qc_headers *h, const char *name, size_t name_len,
                        const char *value, size_t value_len)
{
    if (name_len > SIZE_MAX / 4 || value_len > SIZE_MAX / 4)
        return NULL;
    size_t need = name_len + value_len + 2;
    qc_text_chunk *c = h->text;
    if (!c || c->size - c->used < need) {
        size_t min = sizeof(qc_text_chunk) + need;
        size_t got;
        c = qc_block_get(min > S_TEXT_CHUNK ? min : S_TEXT_CHUNK, &got);
        if (!c)
            return NULL;
        c->size = got;
        c->used = sizeof(qc_text_chunk);
        if (h->text && min > S_TEXT_CHUNK) {
            /* A big one-off: keep filling the current chunk after it. */
            c->next = h->text->next;
            h->text->next = c;
        } else {
            c->next = h->text;
            h->text = c;
        }
    }
    char *p = (char *)c + c->used;
    c->used += need;
    memcpy(p, name, name_len);
    p[name_len] = '\0';
    if (value_len)
        memcpy(p + name_len + 1, value, value_len);
    p[name_len + 1 + value_len] = '\0';
    return p;
}

int qc_headers_add(qc_headers *h, const char *name, size_t name_len,
                   const char *value, size_t value_len)
{
    if (name_len == 0 || s_has_line_break(name, name_len) ||
        s_has_line_break(value, value_len) || memchr(name, ':', name_len))
        return QC_ERR_INVALID_ARG;
    if (h->len == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        qc_header *items = realloc(h->items, cap * sizeof(*items));
        if (!items)
            return QC_ERR_NOMEM;
        h->items = items;
        h->cap = cap;
    }
    char *n = s_pair_dup(h, name, name_len, value, value_len);
    if (!n)
        return QC_ERR_NOMEM;
    qc_header *it = &h->items[h->len++];
    it->name = n;
    it->name_len = name_len;
    it->value = n + name_len + 1;
    it->value_len = value_len;
    return QC_OK;
}

void qc_headers_remove(qc_headers *h, const char *name, size_t name_len)
{
    size_t w = 0;
    for (size_t r = 0; r < h->len; r++) {
        qc_header *it = &h->items[r];
        if (it->name_len == name_len &&
            strncasecmp(it->name, name, name_len) == 0)
            continue; /* its text stays in the storage until clean-up */
        if (w != r)
            h->items[w] = *it;
        w++;
    }
    h->len = w;
}

/* Returns the index of the first header named name, or -1. */
static long s_find(const qc_headers *h, const char *name, size_t name_len)
{
    for (size_t i = 0; i < h->len; i++)
        if (h->items[i].name_len == name_len &&
            strncasecmp(h->items[i].name, name, name_len) == 0)
            return (long)i;
    return -1;
}

int qc_headers_set(qc_headers *h, const char *name, size_t name_len,
                   const char *value, size_t value_len)
{
    long i = s_find(h, name, name_len);
    if (i < 0)
        return qc_headers_add(h, name, name_len, value, value_len);
    if (s_has_line_break(value, value_len))
        return QC_ERR_INVALID_ARG;
    qc_header *it = &h->items[i];
    char *n = s_pair_dup(h, it->name, it->name_len, value, value_len);
    if (!n)
        return QC_ERR_NOMEM;
    it->name = n;
    it->value = n + it->name_len + 1;
    it->value_len = value_len;
    return QC_OK;
}

const qc_header *qc_headers_get(const qc_headers *h, const char *name,
                                size_t name_len)
{
    long i = s_find(h, name, name_len);
    return i < 0 ? NULL : &h->items[i];
}

void qc_http_request_init(qc_http_request *r)
{
    r->method = "GET";
    qc_buf_init(&r->scheme, 64);
    qc_buf_init(&r->host, 4096);
    qc_buf_init(&r->path, 0);
    qc_buf_init(&r->query, 0);
    qc_headers_init(&r->headers);
    qc_buf_init(&r->body, 0);
}

void qc_http_request_clean_up(qc_http_request *r)
{
    qc_buf_clean_up(&r->scheme);
    qc_buf_clean_up(&r->host);
    qc_buf_clean_up(&r->path);
    qc_buf_clean_up(&r->query);
    qc_headers_clean_up(&r->headers);
    qc_buf_clean_up(&r->body);
}

int qc_http_request_url(const qc_http_request *r, qc_buf *out)
{
    int rc;
    if ((rc = qc_buf_append(out, r->scheme.data, r->scheme.len)) ||
        (rc = qc_buf_append(out, "://", 3)) ||
        (rc = qc_buf_append(out, r->host.data, r->host.len)))
        return rc;
    if (r->path.len == 0)
        rc = qc_buf_append_byte(out, '/');
    else
        rc = qc_buf_append(out, r->path.data, r->path.len);
    if (rc)
        return rc;
    if (r->query.len) {
        if ((rc = qc_buf_append_byte(out, '?')) ||
            (rc = qc_buf_append(out, r->query.data, r->query.len)))
            return rc;
    }
    return QC_OK;
}

void qc_http_response_init(qc_http_response *r)
{
    r->status = 0;
    qc_headers_init(&r->headers);
    qc_buf_init(&r->body, 0);
}

void qc_http_response_clean_up(qc_http_response *r)
{
    qc_headers_clean_up(&r->headers);
    qc_buf_clean_up(&r->body);
    r->status = 0;
}
