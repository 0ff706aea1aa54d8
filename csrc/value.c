/*
 * value.c — the call arena and the generic value tree.
 */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "qc.h"

#define QC_ARENA_FIRST_CHUNK 4096u
#define QC_ARENA_MAX_CHUNK (1u << 20)

typedef struct qc_chunk {
    struct qc_chunk *next;
    size_t size; /* usable bytes after the header */
    size_t used;
} qc_chunk;

struct qc_arena {
    qc_chunk *head;    /* chunk being filled */
    size_t next_size;  /* size of the next regular chunk */
};

#define QC_ALIGN (alignof(max_align_t))
#define QC_CHUNK_HDR \
    ((sizeof(qc_chunk) + QC_ALIGN - 1) / QC_ALIGN * QC_ALIGN)

/* Returns a new empty arena (owned by the caller) or NULL. */
qc_arena *qc_arena_new(void)
{
    qc_arena *a = calloc(1, sizeof(*a));
    if (a)
        a->next_size = QC_ARENA_FIRST_CHUNK;
    return a;
}

void qc_arena_destroy(qc_arena *a)
{
    if (!a)
        return;
    qc_chunk *c = a->head;
    while (c) {
        qc_chunk *next = c->next;
        qc_block_put(c, QC_CHUNK_HDR + c->size);
        c = next;
    }
    free(a);
}

/* Returns a new chunk of at least size usable bytes linked after the head
 * (large one-off chunks) or as the new head, or NULL. */
static qc_chunk *s_chunk_new(qc_arena *a, size_t size, int make_head)
{
    if (size > SIZE_MAX - QC_CHUNK_HDR)
        return NULL;
    size_t got;
    qc_chunk *c = qc_block_get(QC_CHUNK_HDR + size, &got);
    if (!c)
        return NULL;
    c->size = got - QC_CHUNK_HDR;
    c->used = 0;
    if (make_head || !a->head) {
        c->next = a->head;
        a->head = c;
    } else {
        c->next = a->head->next;
        a->head->next = c;
    }
    return c;
}

/* Returns len bytes of arena memory (max-aligned) or NULL. */
void *qc_arena_alloc(qc_arena *a, size_t len)
{
    if (len == 0)
        len = 1;
    if (len > SIZE_MAX - QC_ALIGN)
        return NULL;
    size_t need = (len + QC_ALIGN - 1) / QC_ALIGN * QC_ALIGN;
    qc_chunk *c = a->head;
    if (c && c->size - c->used >= need) {
        void *p = (char *)c + QC_CHUNK_HDR + c->used;
        c->used += need;
        return p;
    }
    if (need > a->next_size / 4) {
        /* Big: its own chunk, leaving the current head in use. */
        c = s_chunk_new(a, need, 0);
    } else {
        c = s_chunk_new(a, a->next_size, 1);
        if (c && a->next_size < QC_ARENA_MAX_CHUNK)
            a->next_size *= 2;
    }
    if (!c)
        return NULL;
    c->used = need;
    return (char *)c + QC_CHUNK_HDR;
}

/* Returns a NUL-terminated arena copy of (s, len), or NULL. */
char *qc_arena_strndup(qc_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = qc_arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void qc_value_set_null(qc_value *v)
{
    memset(v, 0, sizeof(*v));
    v->type = QC_VAL_NULL;
}

void qc_value_set_bool(qc_value *v, int b)
{
    memset(v, 0, sizeof(*v));
    v->type = QC_VAL_BOOL;
    v->u.b = b ? 1 : 0;
}

void qc_value_set_int(qc_value *v, int64_t i)
{
    memset(v, 0, sizeof(*v));
    v->type = QC_VAL_INT;
    v->u.i = i;
}

void qc_value_set_float(qc_value *v, double f)
{
    memset(v, 0, sizeof(*v));
    v->type = QC_VAL_FLOAT;
    v->u.f = f;
}

void qc_value_set_string(qc_value *v, const char *s, size_t len)
{
    memset(v, 0, sizeof(*v));
    v->type = QC_VAL_STRING;
    v->u.s.ptr = s;
    v->u.s.len = len;
    v->u.s.nchars = qc_utf8_count(s, len);
}

int qc_value_set_list(qc_value *v, qc_arena *a, size_t len)
{
    memset(v, 0, sizeof(*v));
    v->type = QC_VAL_LIST;
    if (len) {
        if (len > SIZE_MAX / sizeof(qc_value))
            return QC_ERR_NOMEM;
        v->u.list.items = qc_arena_alloc(a, len * sizeof(qc_value));
        if (!v->u.list.items)
            return QC_ERR_NOMEM;
        memset(v->u.list.items, 0, len * sizeof(qc_value));
    }
    v->u.list.len = len;
    return QC_OK;
}

int qc_value_set_map(qc_value *v, qc_arena *a, size_t len)
{
    memset(v, 0, sizeof(*v));
    v->type = QC_VAL_MAP;
    if (len) {
        if (len > SIZE_MAX / sizeof(qc_pair))
            return QC_ERR_NOMEM;
        v->u.map.items = qc_arena_alloc(a, len * sizeof(qc_pair));
        if (!v->u.map.items)
            return QC_ERR_NOMEM;
        memset(v->u.map.items, 0, len * sizeof(qc_pair));
    }
    v->u.map.len = len;
    return QC_OK;
}

/* Returns the value under string key (key, key_len) in map, or NULL. */
const qc_value *qc_value_map_get(const qc_value *map, const char *key,
                                 size_t key_len)
{
    if (!map || map->type != QC_VAL_MAP)
        return NULL;
    for (size_t i = 0; i < map->u.map.len; i++) {
        const qc_value *k = &map->u.map.items[i].key;
        if (k->type == QC_VAL_STRING && k->u.s.len == key_len &&
            (key_len == 0 || (k->u.s.ptr[0] == key[0] &&
                              memcmp(k->u.s.ptr, key, key_len) == 0)))
            return &map->u.map.items[i].value;
    }
    return NULL;
}

/* Returns the number of code points in (s, len): every byte that is not a
 * UTF-8 continuation byte (10xxxxxx) starts one. Eight bytes at a time:
 * a byte's bit 7 survives the mask when its bit 6 is clear. */
size_t qc_utf8_count(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t cont = 0, i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        uint64_t t = w & ~(w << 1) & 0x8080808080808080ULL;
        if (t)
            cont += (size_t)(((t >> 7) * 0x0101010101010101ULL) >> 56);
    }
    for (; i < len; i++)
        cont += (p[i] & 0xC0) == 0x80;
    return len - cont;
}
