/*
 * model.c — lookups over the generated service-model tables (model.h):
 * members by name, operations by API or Python name.
 */
#include <string.h>

#include "model.h"

/* Returns <0, 0 or >0 as (a, alen) sorts before, equal to or after the
 * C string b, comparing bytes as unsigned (the generator's sort order). */
static int s_name_cmp(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c != 0)
        return c;
    return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

/* Returns the position of member (name, len) in structure s, or -1. */
int qc_shape_find_member(const qc_model *m, const qc_shape *s,
                         const char *name, size_t len)
{
    if (!m || !s || (!name && len))
        return -1;
    const qc_member *mem = &m->members[s->first_member];
    for (size_t i = 0; i < s->n_members; i++) {
        /* Length and first byte first: most members differ there. */
        if (mem[i].name_len == len &&
            (len == 0 || (mem[i].name[0] == name[0] &&
                          memcmp(mem[i].name, name, len) == 0)))
            return (int)i;
    }
    return -1;
}

/* Returns the operation whose API name is (name, len), or NULL; a binary
 * search over the name-sorted operations table. */
static const qc_operation *s_find_api(const qc_model *m, const char *name,
                                      size_t len)
{
    size_t lo = 0, hi = m->n_operations;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = s_name_cmp(name, len, m->operations[mid].name);
        if (c == 0)
            return &m->operations[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* Returns the operation whose Python name is (name, len), or NULL; a binary
 * search through the py_order index. */
static const qc_operation *s_find_py(const qc_model *m, const char *name,
                                     size_t len)
{
    size_t lo = 0, hi = m->n_operations;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const qc_operation *op = &m->operations[m->py_order[mid]];
        int c = s_name_cmp(name, len, op->py_name);
        if (c == 0)
            return op;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* Returns the operation named (name, len) by API or Python name, or NULL;
 * the result points into the static tables (not owned by the caller). */
const qc_operation *qc_operation_find(const char *name, size_t len)
{
    const qc_model *m = &qc_model_qconnect;
    if (!name || len == 0)
        return NULL;
    const qc_operation *op = s_find_api(m, name, len);
    return op ? op : s_find_py(m, name, len);
}

/* Returns the number of operations in the model. */
size_t qc_operation_count(void)
{
    return qc_model_qconnect.n_operations;
}

/* Returns the i-th operation (sorted by API name), or NULL when i is out of
 * range; static storage. */
const qc_operation *qc_operation_at(size_t i)
{
    if (i >= qc_model_qconnect.n_operations)
        return NULL;
    return &qc_model_qconnect.operations[i];
}

/* Returns op's API name (static storage), or NULL for a NULL op. */
const char *qc_operation_name(const qc_operation *op)
{
    return op ? op->name : NULL;
}

/* Returns op's Python method name (static storage), or NULL for NULL op. */
const char *qc_operation_py_name(const qc_operation *op)
{
    return op ? op->py_name : NULL;
}
