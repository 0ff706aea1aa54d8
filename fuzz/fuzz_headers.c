/*
 * fuzz_headers.c — libFuzzer target: the header list (qc_headers_add,
 * _set, _get) driven by a stream of operations with arbitrary names and
 * values, checked against a plain model of what the list must hold; then
 * the canned transport's header-text parser on the remaining bytes.
 */
#include <stdlib.h>
#include <strings.h>

#include "fuzz_common.h"

/* Returns 1 when (s, n) may be stored (no CR, LF or NUL). */
static int fzh_clean(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
            return 0;
    return 1;
}

/* Returns the index of the first header named (name, n), any case, or -1. */
static long fzh_find(const qc_headers *h, const char *name, size_t n)
{
    for (size_t i = 0; i < h->len; i++)
        if (h->items[i].name_len == n &&
            strncasecmp(h->items[i].name, name, n) == 0)
            return (long)i;
    return -1;
}

QC_FUZZ_ENTRY(headers)
{
    fz_in in = {data, size};
    qc_headers h;
    qc_headers_init(&h);
    size_t nops = fz_u8(&in) % 64;
    for (size_t k = 0; k < nops && in.n; k++) {
        uint8_t op = fz_u8(&in);
        size_t nl, vl;
        const char *name;
        char flipped[256];
        if ((op & 0x80) && h.len) {
            /* A stored name again, its letters in the other case. */
            const qc_header *old = &h.items[fz_u8(&in) % h.len];
            nl = old->name_len < sizeof flipped ? old->name_len
                                                : sizeof flipped;
            for (size_t i = 0; i < nl; i++) {
                char c = old->name[i];
                flipped[i] = (char)(c >= 'a' && c <= 'z'   ? c - 32
                                    : c >= 'A' && c <= 'Z' ? c + 32
                                                           : c);
            }
            name = flipped;
        } else {
            name = fz_field(&in, &nl);
        }
        const char *value = fz_field(&in, &vl);
        size_t before = h.len;
        long at = fzh_find(&h, name, nl);
        int ok_name = nl > 0 && fzh_clean(name, nl) && !memchr(name, ':', nl);
        int ok_value = fzh_clean(value, vl);
        int rc;
        switch (op % 3) {
        case 0:
            rc = qc_headers_add(&h, name, nl, value, vl);
            if (rc == QC_ERR_NOMEM)
                goto out;
            FZ_REQUIRE((rc == QC_OK) == (ok_name && ok_value));
            FZ_REQUIRE(h.len == before + (rc == QC_OK));
            if (rc == QC_OK)
                FZ_REQUIRE(h.items[h.len - 1].value_len == vl &&
                           memcmp(h.items[h.len - 1].value, value, vl) == 0);
            break;
        case 1:
            rc = qc_headers_set(&h, name, nl, value, vl);
            if (rc == QC_ERR_NOMEM)
                goto out;
            if (at >= 0) {
                FZ_REQUIRE((rc == QC_OK) == ok_value);
                FZ_REQUIRE(h.len == before);
                if (rc == QC_OK)
                    FZ_REQUIRE(h.items[at].value_len == vl &&
                               memcmp(h.items[at].value, value, vl) == 0 &&
                               h.items[at].value[vl] == '\0');
            } else {
                FZ_REQUIRE((rc == QC_OK) == (ok_name && ok_value));
                FZ_REQUIRE(h.len == before + (rc == QC_OK));
            }
            break;
        default: {
            const qc_header *got = qc_headers_get(&h, name, nl);
            FZ_REQUIRE(got == (at >= 0 ? &h.items[at] : NULL));
            break;
        }
        }
    }
    for (size_t i = 0; i < h.len; i++)
        FZ_REQUIRE(strlen(h.items[i].name) == h.items[i].name_len &&
                   strlen(h.items[i].value) == h.items[i].value_len);

    /* The canned transport parses "Name: value" lines from C text. */
    {
        size_t len;
        const char *rest = fz_rest(&in, &len);
        char *text = malloc(len + 1);
        if (text) {
            memcpy(text, rest, len);
            text[len] = '\0';
            qc_transport *t = NULL;
            int rc = qc_canned_transport_new(200, text, "{}", 2, &t);
            FZ_REQUIRE(rc == QC_OK || rc == QC_ERR_INVALID_ARG ||
                       rc == QC_ERR_NOMEM);
            FZ_REQUIRE((rc == QC_OK) == (t != NULL));
            qc_transport_destroy(t);
            free(text);
        }
    }
out:
    qc_headers_clean_up(&h);
    return 0;
}
