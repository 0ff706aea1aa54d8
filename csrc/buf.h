/*
 * buf.h — owning, growable, capped byte buffers.
 *
 * A qc_buf owns its storage (malloc). It grows by 1.5x and never past
 * its limit (0 = QC_BUF_DEFAULT_LIMIT); growing past the limit fails with
 * QC_ERR_LIMIT, running out of memory with QC_ERR_NOMEM. data is always
 * NUL-terminated after a successful append (the NUL is not counted in len).
 */
#ifndef QC_BUF_H
#define QC_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "qc.h"

#define QC_BUF_DEFAULT_LIMIT ((size_t)1 << 31) /* 2 GiB */

typedef struct qc_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t limit;
} qc_buf;

void qc_buf_init(qc_buf *b, size_t limit);
void qc_buf_clean_up(qc_buf *b);
/* Frees the storage after overwriting it with zeros (for secrets). */
void qc_buf_clean_up_secure(qc_buf *b);
/* Empties b, keeping its storage. */
void qc_buf_reset(qc_buf *b);
/* Each returns QC_OK, QC_ERR_NOMEM or QC_ERR_LIMIT; b is unchanged on error. */
int qc_buf_reserve(qc_buf *b, size_t extra) QC_WARN_UNUSED;
static inline int qc_buf_append(qc_buf *b, const void *p,
                                size_t n) QC_WARN_UNUSED;
int qc_buf_append_str(qc_buf *b, const char *s) QC_WARN_UNUSED;
static inline int qc_buf_append_byte(qc_buf *b, char c) QC_WARN_UNUSED;
/* qc_buf_append when b must grow first (the inline functions' slow path). */
int qc_buf_append_grow(qc_buf *b, const void *p, size_t n) QC_WARN_UNUSED;
int qc_buf_appendf(qc_buf *b, const char *fmt, ...) QC_WARN_UNUSED
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends lowercase hex of n bytes. */
int qc_buf_append_hex(qc_buf *b, const unsigned char *p, size_t n) QC_WARN_UNUSED;
/* Hands the storage to the caller (NUL-terminated, malloc'd; never NULL on
 * QC_OK) and leaves b empty. */
int qc_buf_detach(qc_buf *b, char **out, size_t *len) QC_WARN_UNUSED;

/* Appends (p, n); inline while b has room (most appends). */
static inline int qc_buf_append(qc_buf *b, const void *p, size_t n)
{
    if (n < b->cap - b->len && b->len + n <= b->limit) {
        if (n)
            memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return QC_OK;
    }
    return qc_buf_append_grow(b, p, n);
}

/* Appends the byte c; inline while b has room. */
static inline int qc_buf_append_byte(qc_buf *b, char c)
{
    if (b->len + 1 < b->cap && b->len + 1 <= b->limit) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return QC_OK;
    }
    return qc_buf_append_grow(b, &c, 1);
}

/* A per-thread cache of freed large blocks (1 KiB to 64 KiB): the big
 * buffers and arena chunks one call frees are reused by the next call
 * instead of going back to malloc (glibc serves them slowly). The blocks
 * are ordinary malloc'd memory either way. */
/* Returns a block of at least min bytes (malloc'd, or a cached one) and
 * its size in *size, or NULL when out of memory. */
void *qc_block_get(size_t min, size_t *size);
/* Caches the block p of size bytes for reuse by this thread, or frees it
 * (NULL is ignored). */
void qc_block_put(void *p, size_t size);

/* A non-owning view of bytes. */
typedef struct qc_cursor {
    const char *ptr;
    size_t len;
} qc_cursor;

static inline qc_cursor qc_cursor_from(const char *p, size_t n)
{
    qc_cursor c;
    c.ptr = p;
    c.len = n;
    return c;
}

#endif /* QC_BUF_H */
