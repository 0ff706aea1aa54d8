/*
 * buf.c — owning, growable, capped byte buffers.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sigv4.h"

/* ------------------------------------------------------- block cache */

#define S_BLOCK_MIN ((size_t)1024)
#define S_BLOCK_MAX ((size_t)64 << 10)
#define S_BLOCK_SLOTS 8

typedef struct s_block_cache {
    void *ptr[S_BLOCK_SLOTS];
    size_t size[S_BLOCK_SLOTS];
    int registered; /* the thread-exit destructor knows this cache */
} s_block_cache;

static _Thread_local s_block_cache s_blocks;
static pthread_once_t s_block_once = PTHREAD_ONCE_INIT;
static pthread_key_t s_block_key;
static int s_block_key_ok;

/* Frees the blocks of an exiting thread's cache. */
static void s_block_exit(void *arg)
{
    s_block_cache *c = arg;
    for (int i = 0; i < S_BLOCK_SLOTS; i++) {
        free(c->ptr[i]);
        c->ptr[i] = NULL;
    }
}

/* Creates the key whose destructor empties a thread's cache. */
static void s_block_init(void)
{
    s_block_key_ok = pthread_key_create(&s_block_key, s_block_exit) == 0;
}

void *qc_block_get(size_t min, size_t *size)
{
    s_block_cache *c = &s_blocks;
    int best = -1;
    for (int i = 0; i < S_BLOCK_SLOTS; i++)
        if (c->ptr[i] && c->size[i] >= min &&
            (best < 0 || c->size[i] < c->size[best]))
            best = i;
    if (best >= 0) {
        void *p = c->ptr[best];
        *size = c->size[best];
        c->ptr[best] = NULL;
        return p;
    }
    void *p = malloc(min);
    *size = p ? min : 0;
    return p;
}

void qc_block_put(void *p, size_t size)
{
    if (!p)
        return;
    s_block_cache *c = &s_blocks;
    if (size >= S_BLOCK_MIN && size <= S_BLOCK_MAX) {
        if (!c->registered) {
            pthread_once(&s_block_once, s_block_init);
            if (!s_block_key_ok || pthread_setspecific(s_block_key, c) != 0) {
                free(p);
                return;
            }
            c->registered = 1;
        }
        int slot = -1;
        for (int i = 0; i < S_BLOCK_SLOTS && slot < 0; i++)
            if (!c->ptr[i])
                slot = i;
        if (slot < 0) { /* full: replace the smallest when p is bigger */
            slot = 0;
            for (int i = 1; i < S_BLOCK_SLOTS; i++)
                if (c->size[i] < c->size[slot])
                    slot = i;
            if (c->size[slot] >= size) {
                free(p);
                return;
            }
            free(c->ptr[slot]);
        }
        c->ptr[slot] = p;
        c->size[slot] = size;
        return;
    }
    free(p);
}

/* ------------------------------------------------------------ buffers */

void qc_buf_init(qc_buf *b, size_t limit)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->limit = limit ? limit : QC_BUF_DEFAULT_LIMIT;
}

void qc_buf_clean_up(qc_buf *b)
{
    qc_block_put(b->data, b->cap);
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
    if (!b->data && cap >= S_BLOCK_MIN) { /* maybe a block freed earlier */
        size_t got;
        char *p = qc_block_get(cap, &got);
        if (!p)
            return QC_ERR_NOMEM;
        b->data = p;
        b->cap = got;
        return QC_OK;
    }
    char *p = realloc(b->data, cap);
    if (!p)
        return QC_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return QC_OK;
}

int qc_buf_append_grow(qc_buf *b, const void *p, size_t n)
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
    /* The two hex digits of every byte value, in order. */
    static const char pairs[513] =
        "000102030405060708090a0b0c0d0e0f"
        "101112131415161718191a1b1c1d1e1f"
        "202122232425262728292a2b2c2d2e2f"
        "303132333435363738393a3b3c3d3e3f"
        "404142434445464748494a4b4c4d4e4f"
        "505152535455565758595a5b5c5d5e5f"
        "606162636465666768696a6b6c6d6e6f"
        "707172737475767778797a7b7c7d7e7f"
        "808182838485868788898a8b8c8d8e8f"
        "909192939495969798999a9b9c9d9e9f"
        "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
        "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
        "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
        "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
        "e0e1e2e3e4e5e6e7e8e9eaebecedeeef"
        "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    if (n > (SIZE_MAX / 2))
        return QC_ERR_LIMIT;
    int rc = qc_buf_reserve(b, n * 2);
    if (rc)
        return rc;
    char *o = b->data + b->len;
    for (size_t i = 0; i < n; i++) {
        memcpy(o, pairs + 2 * p[i], 2);
        o += 2;
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
