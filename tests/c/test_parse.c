/*
 * test_parse.c — qc_parse_response against the golden replies botocore
 * parsed (tests/vectors/parse/, made by tools/gen_parse_vectors.py), plus
 * robustness checks on mangled replies.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "http.h"
#include "model.h"
#include "pipeline.h"
#include "runner.h"

/* ------------------------------------------------------------ decoding */

/* Decodes standard base64 (s) into a malloc'd buffer; returns NULL on bad
 * input. */
static unsigned char *s_b64(const char *s, size_t *out_len)
{
    size_t n = strlen(s);
    unsigned char *out = malloc(n / 4 * 3 + 3);
    if (!out)
        return NULL;
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int v;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+')
            v = 62;
        else if (c == '/')
            v = 63;
        else if (c == '=')
            break;
        else {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    *out_len = o;
    return out;
}

/* Decodes hex (s) into a malloc'd buffer. */
static unsigned char *s_hex(const char *s, size_t *out_len)
{
    size_t n = strlen(s) / 2;
    unsigned char *out = malloc(n + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) {
            free(out);
            return NULL;
        }
        out[i] = (unsigned char)v;
    }
    *out_len = n;
    return out;
}

/* Turns UTF-8 text whose code points are all <= 0xFF into the bytes they
 * stand for (the vectors write raw header bytes that way). Returns the
 * length, or (size_t)-1. Writes into out (room for strlen(s)). */
static size_t s_latin1_bytes(const char *s, char *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        if (*p < 0x80) {
            out[n++] = (char)*p++;
        } else if ((*p & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
            unsigned cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
            if (cp > 0xFF)
                return (size_t)-1;
            out[n++] = (char)cp;
            p += 2;
        } else {
            return (size_t)-1;
        }
    }
    return n;
}

/* Returns whether WTF-8 text holds an encoded surrogate. */
static int s_has_surrogate(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == 0xED && s[i + 1] >= 0xA0)
            return 1;
    return 0;
}

/* ---------------------------------------------------------- comparator */

typedef struct s_cmp {
    int utc_is_local;
    char path[512];
    char why[512];
} s_cmp;

/* Records why a comparison failed; returns 0. */
static int s_fail(s_cmp *c, const char *fmt, const char *a, const char *b)
{
    snprintf(c->why, sizeof(c->why), fmt, a, b);
    return 0;
}

/* Returns the name of v's type (static). */
static const char *s_vtype(const qc_value *v)
{
    static const char *names[] = {"NULL",  "BOOL",      "INT",  "FLOAT",
                                  "STRING", "BYTES",    "TIMESTAMP",
                                  "LIST",  "MAP",       "OTHER"};
    return v->type < 10 ? names[v->type] : "?";
}

static int s_same(s_cmp *c, const cJSON *e, const qc_value *v, size_t plen);

/* Appends a path element and compares. */
static int s_same_at(s_cmp *c, const cJSON *e, const qc_value *v, size_t plen,
                     const char *fmt, const char *key, size_t idx)
{
    size_t room = sizeof(c->path) - plen;
    int n = key ? snprintf(c->path + plen, room, fmt, key)
                : snprintf(c->path + plen, room, fmt, idx);
    size_t nl = plen + (n > 0 && (size_t)n < room ? (size_t)n : 0);
    return s_same(c, e, v, nl);
}

/* Compares a tagged expected value ({"__x__": ...}). */
static int s_same_tagged(s_cmp *c, const cJSON *e, const qc_value *v)
{
    const char *tag = e->child->string;
    const cJSON *x = e->child;
    char buf[64];
    if (strcmp(tag, "__int__") == 0) {
        if (v->type != QC_VAL_INT)
            return s_fail(c, "expected int %s, got %s", x->valuestring, s_vtype(v));
        if (v->flags & QC_VALF_BIGINT) {
            if (strlen(x->valuestring) != v->u.s.len ||
                memcmp(x->valuestring, v->u.s.ptr, v->u.s.len) != 0)
                return s_fail(c, "expected int %s, got big int %s",
                              x->valuestring, v->u.s.ptr);
            return 1;
        }
        snprintf(buf, sizeof(buf), "%lld", (long long)v->u.i);
        if (strcmp(buf, x->valuestring) != 0)
            return s_fail(c, "expected int %s, got %s", x->valuestring, buf);
        return 1;
    }
    if (strcmp(tag, "__float__") == 0) {
        const char *r = x->valuestring;
        double want = strcmp(r, "nan") == 0    ? NAN
                      : strcmp(r, "inf") == 0  ? INFINITY
                      : strcmp(r, "-inf") == 0 ? -INFINITY
                                               : strtod(r, NULL);
        if (v->type != QC_VAL_FLOAT)
            return s_fail(c, "expected float %s, got %s", r, s_vtype(v));
        snprintf(buf, sizeof(buf), "%.17g", v->u.f);
        if (isnan(want) ? !isnan(v->u.f)
                        : memcmp(&want, &v->u.f, sizeof(double)) != 0)
            return s_fail(c, "expected float %s, got %s", r, buf);
        return 1;
    }
    if (strcmp(tag, "__ts__") == 0) {
        if (v->type != QC_VAL_TIMESTAMP)
            return s_fail(c, "expected a timestamp, got %s%s", s_vtype(v), "");
        const cJSON *sec = cJSON_GetArrayItem(x, 0), *usec = cJSON_GetArrayItem(x, 1),
                    *zone = cJSON_GetArrayItem(x, 2);
        char got[128], want[128];
        const char *kinds[] = {"local", c->utc_is_local ? "local" : "utc", "utc",
                               "naive", "offset"};
        snprintf(got, sizeof(got), "%lld.%06d %s %d", (long long)v->u.ts.sec,
                 (int)v->u.ts.usec, v->reserved < 5 ? kinds[v->reserved] : "?",
                 (int)v->u.ts.offset);
        snprintf(want, sizeof(want), "%.0f.%06d %s %d", sec->valuedouble,
                 (int)usec->valuedouble,
                 cJSON_IsString(zone) ? zone->valuestring : "offset",
                 cJSON_IsNumber(zone) ? (int)zone->valuedouble : 0);
        if (v->reserved != QC_TZ_OFFSET && cJSON_IsString(zone)) {
            /* offset only matters for QC_TZ_OFFSET */
            char *sp = strrchr(got, ' ');
            if (sp)
                strcpy(sp, " 0");
        }
        if (strcmp(got, want) != 0)
            return s_fail(c, "expected timestamp %s, got %s", want, got);
        return 1;
    }
    if (strcmp(tag, "__bytes__") == 0 || strcmp(tag, "__wtf8__") == 0) {
        size_t n = 0;
        int is_bytes = tag[2] == 'b';
        unsigned char *want = is_bytes ? s_b64(x->valuestring, &n)
                                       : s_hex(x->valuestring, &n);
        int ok = want && v->type == (is_bytes ? QC_VAL_BYTES : QC_VAL_STRING) &&
                 v->u.s.len == n && memcmp(v->u.s.ptr, want, n) == 0;
        if (ok && !is_bytes) {
            int sur = s_has_surrogate(want, n);
            ok = sur == ((v->flags & QC_VALF_SURROGATE) != 0) &&
                 (v->u.s.nchars == SIZE_MAX || v->u.s.nchars == qc_utf8_count((const char *)want, n));
        }
        free(want);
        if (!ok)
            return s_fail(c, "expected %s %s (text or flags differ)", tag, x->valuestring);
        return 1;
    }
    return s_fail(c, "unknown tag %s%s", tag, "");
}

/* Compares expected JSON e with value v; on mismatch c->path/why say where. */
static int s_same(s_cmp *c, const cJSON *e, const qc_value *v, size_t plen)
{
    c->path[plen] = '\0';
    if (cJSON_IsObject(e) && e->child && !e->child->next && e->child->string &&
        strncmp(e->child->string, "__", 2) == 0)
        return s_same_tagged(c, e, v);
    if (cJSON_IsNull(e)) {
        if (v->type != QC_VAL_NULL)
            return s_fail(c, "expected None, got %s%s", s_vtype(v), "");
        return 1;
    }
    if (cJSON_IsBool(e)) {
        if (v->type != QC_VAL_BOOL || v->u.b != cJSON_IsTrue(e))
            return s_fail(c, "expected %s, got %s", cJSON_IsTrue(e) ? "True" : "False",
                          s_vtype(v));
        return 1;
    }
    if (cJSON_IsNumber(e)) {
        char want[32], got[32];
        snprintf(want, sizeof(want), "%.0f", e->valuedouble);
        if (v->type != QC_VAL_INT || (v->flags & QC_VALF_BIGINT))
            return s_fail(c, "expected int %s, got %s", want, s_vtype(v));
        snprintf(got, sizeof(got), "%lld", (long long)v->u.i);
        if (strcmp(want, got) != 0)
            return s_fail(c, "expected int %s, got %s", want, got);
        return 1;
    }
    if (cJSON_IsString(e)) {
        size_t n = strlen(e->valuestring);
        if (v->type != QC_VAL_STRING)
            return s_fail(c, "expected str \"%s\", got %s", e->valuestring, s_vtype(v));
        if (v->u.s.len != n || memcmp(v->u.s.ptr, e->valuestring, n) != 0 ||
            (v->flags & QC_VALF_SURROGATE))
            return s_fail(c, "expected \"%s\", got \"%s\"", e->valuestring,
                          v->u.s.ptr ? v->u.s.ptr : "(null)");
        if (v->u.s.nchars != SIZE_MAX && v->u.s.nchars != qc_utf8_count(e->valuestring, n))
            return s_fail(c, "wrong nchars for \"%s\"%s", e->valuestring, "");
        return 1;
    }
    if (cJSON_IsArray(e)) {
        size_t n = (size_t)cJSON_GetArraySize(e), i = 0;
        if (v->type != QC_VAL_LIST || v->u.list.len != n) {
            char want[32], got[32];
            snprintf(want, sizeof(want), "%zu", n);
            snprintf(got, sizeof(got), "%s of %zu", s_vtype(v),
                     v->type == QC_VAL_LIST ? v->u.list.len : 0);
            return s_fail(c, "expected a list of %s items, got %s", want, got);
        }
        for (const cJSON *x = e->child; x; x = x->next, i++)
            if (!s_same_at(c, x, &v->u.list.items[i], plen, "[%zu]", NULL, i))
                return 0;
        return 1;
    }
    if (cJSON_IsObject(e)) {
        size_t n = (size_t)cJSON_GetArraySize(e), i = 0;
        if (v->type != QC_VAL_MAP)
            return s_fail(c, "expected a dict, got %s%s", s_vtype(v), "");
        for (const cJSON *x = e->child; x; x = x->next, i++) {
            if (i >= v->u.map.len)
                return s_fail(c, "missing key \"%s\"%s", x->string, "");
            const qc_value *k = &v->u.map.items[i].key;
            if (k->type != QC_VAL_STRING || k->u.s.len != strlen(x->string) ||
                memcmp(k->u.s.ptr, x->string, k->u.s.len) != 0)
                return s_fail(c, "expected key \"%s\" here, got \"%s\"", x->string,
                              k->type == QC_VAL_STRING ? k->u.s.ptr : "(not a str)");
            if (!s_same_at(c, x, &v->u.map.items[i].value, plen, ".%s", x->string, 0))
                return 0;
        }
        if (v->u.map.len != n)
            return s_fail(c, "extra key \"%s\"%s",
                          v->u.map.items[n].key.type == QC_VAL_STRING
                              ? v->u.map.items[n].key.u.s.ptr
                              : "?",
                          "");
        return 1;
    }
    return s_fail(c, "unexpected expected-value kind%s%s", "", "");
}

/* -------------------------------------------------------------- vectors */

static const qc_operation *s_op(const char *name)
{
    for (size_t i = 0; i < qc_model_qconnect.n_operations; i++)
        if (strcmp(qc_model_qconnect.operations[i].name, name) == 0)
            return &qc_model_qconnect.operations[i];
    return NULL;
}

/* Fills resp from the vector's status, headers and body; returns 0 on a
 * malformed vector. */
static int s_load_reply(const cJSON *vec, qc_http_response *resp)
{
    resp->status = (long)cJSON_GetObjectItem(vec, "status")->valuedouble;
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(vec, "headers"))
    {
        const char *n = cJSON_GetArrayItem(h, 0)->valuestring;
        const char *v = cJSON_GetArrayItem(h, 1)->valuestring;
        char *nb = malloc(strlen(n) + 1), *vb = malloc(strlen(v) + 1);
        size_t nl = nb ? s_latin1_bytes(n, nb) : (size_t)-1;
        size_t vl = vb ? s_latin1_bytes(v, vb) : (size_t)-1;
        int rc = nl == (size_t)-1 || vl == (size_t)-1
                     ? -1
                     : qc_headers_add(&resp->headers, nb, nl, vb, vl);
        free(nb);
        free(vb);
        if (rc)
            return 0;
    }
    const cJSON *body = cJSON_GetObjectItem(vec, "body");
    const cJSON *b64 = cJSON_GetObjectItem(vec, "body_b64");
    if (body) {
        if (qc_buf_append(&resp->body, body->valuestring, strlen(body->valuestring)))
            return 0;
    } else if (b64) {
        size_t n;
        unsigned char *raw = s_b64(b64->valuestring, &n);
        int rc = raw ? qc_buf_append(&resp->body, raw, n) : -1;
        free(raw);
        if (rc)
            return 0;
    }
    return 1;
}

/* Runs one vector; returns 1 when qc_parse_response agrees with botocore,
 * else prints why. */
static int s_run_vector(const char *file, const cJSON *vec)
{
    const char *name = cJSON_GetObjectItem(vec, "name")->valuestring;
    const cJSON *expect = cJSON_GetObjectItem(vec, "expect");
    const char *outcome = cJSON_GetObjectItem(expect, "outcome")->valuestring;
    const cJSON *want_code = cJSON_GetObjectItem(expect, "error_code");
    const qc_operation *op = s_op(cJSON_GetObjectItem(vec, "operation")->valuestring);
    s_cmp cmp;
    memset(&cmp, 0, sizeof(cmp));
    cmp.utc_is_local = cJSON_IsTrue(cJSON_GetObjectItem(vec, "utc_is_local"));
    if (!op) {
        fprintf(stderr, "    %s: unknown operation\n", file);
        return 0;
    }
    qc_http_response resp;
    qc_http_response_init(&resp);
    if (!s_load_reply(vec, &resp)) {
        qc_http_response_clean_up(&resp);
        fprintf(stderr, "    %s: malformed vector\n", file);
        return 0;
    }
    qc_arena *a = qc_arena_new();
    qc_error err;
    qc_error_init(&err);
    qc_value out;
    const char *code = "unset";
    int retry = (int)cJSON_GetObjectItem(vec, "retry_attempts")->valuedouble;
    int rc = qc_parse_response(&qc_model_qconnect, op, &resp, retry, a, &out,
                               &code, &err);
    /* The tree must not point into the reply. */
    qc_http_response_clean_up(&resp);
    int ok = 1;
    int want_rc = strcmp(outcome, "ok") == 0              ? QC_OK
                  : strcmp(outcome, "service_error") == 0 ? QC_ERR_SERVICE
                                                          : QC_ERR_RESPONSE_PARSE;
    if (rc != want_rc) {
        fprintf(stderr, "    %s: returned %s (%s), botocore: %s %s\n", name,
                qc_errname(rc), qc_error_text(&err), outcome,
                cJSON_GetObjectItem(expect, "botocore_exception")
                    ? cJSON_GetObjectItem(expect, "botocore_exception")->valuestring
                    : "");
        ok = 0;
    } else if (rc == QC_ERR_RESPONSE_PARSE) {
        const char *be = cJSON_GetObjectItem(expect, "botocore_exception")->valuestring;
        const char *msg = qc_error_text(&err);
        if (!err.message || !*err.message) {
            fprintf(stderr, "    %s: no error message\n", name);
            ok = 0;
        }
        /* botocore's own parser error has a fixed text: match it. */
        if (strncmp(be, "ResponseParserError: ", 21) == 0 && strcmp(be + 21, msg) != 0) {
            fprintf(stderr, "    %s: message \"%s\", botocore \"%s\"\n", name, msg, be);
            ok = 0;
        }
    } else {
        const char *wc = cJSON_IsString(want_code) ? want_code->valuestring : NULL;
        if ((wc == NULL) != (code == NULL) || (wc && strcmp(wc, code) != 0)) {
            fprintf(stderr, "    %s: error code %s, botocore %s\n", name,
                    code ? code : "NULL", wc ? wc : "NULL");
            ok = 0;
        }
        if (!s_same(&cmp, cJSON_GetObjectItem(expect, "response"), &out, 0)) {
            fprintf(stderr, "    %s: at response%s: %s\n", name, cmp.path, cmp.why);
            ok = 0;
        }
    }
    qc_error_clean_up(&err);
    qc_arena_destroy(a);
    return ok;
}

/* Runs every vector whose name starts with prefix; fails the test if any
 * disagrees or none is found. */
static void s_run_vectors(const char *prefix)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/vectors/parse", qc_test_data_dir());
    DIR *d = opendir(dir);
    QC_CHECK(d != NULL);
    size_t ran = 0, bad = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        const char *f = ent->d_name;
        size_t fl = strlen(f);
        if (fl < 5 || strcmp(f + fl - 5, ".json") != 0 ||
            strncmp(f, prefix, strlen(prefix)) != 0)
            continue;
        char path[2048];
        snprintf(path, sizeof(path), "%s/%s", dir, f);
        size_t len;
        char *text = qc_test_read_file(path, &len);
        cJSON *vec = text ? cJSON_ParseWithLength(text, len) : NULL;
        free(text);
        if (!vec) {
            fprintf(stderr, "    %s: unreadable\n", f);
            bad++;
            continue;
        }
        ran++;
        if (!s_run_vector(f, vec))
            bad++;
        cJSON_Delete(vec);
    }
    closedir(d);
    if (bad)
        qc_test_fail(__FILE__, __LINE__, "%zu of %zu %s* vectors disagree with botocore",
                     bad, ran, prefix);
    QC_CHECK(ran > 0);
}

QC_TEST(parse_vectors_ok)
{
    s_run_vectors("ok_");
}

QC_TEST(parse_vectors_service_errors)
{
    s_run_vectors("err_");
}

QC_TEST(parse_vectors_malformed)
{
    s_run_vectors("bad_");
}

QC_TEST(parse_vectors_every_operation)
{
    s_run_vectors("auto_");
}

/* ----------------------------------------------------------- unit tests */

/* Parses (status, body) for op with the given headers; returns the code. */
static int s_parse(const char *op_name, long status, const char *const *headers,
                   const char *body, size_t body_len, int retry, qc_arena *a,
                   qc_value *out, const char **code, qc_error *err)
{
    qc_http_response resp;
    qc_http_response_init(&resp);
    resp.status = status;
    for (size_t i = 0; headers && headers[i]; i += 2)
        if (qc_headers_add(&resp.headers, headers[i], strlen(headers[i]),
                           headers[i + 1], strlen(headers[i + 1])))
            return -1;
    if (body_len && qc_buf_append(&resp.body, body, body_len))
        return -1;
    int rc = qc_parse_response(&qc_model_qconnect, s_op(op_name), &resp, retry, a, out,
                               code, err);
    qc_http_response_clean_up(&resp);
    return rc;
}

QC_TEST(parse_retry_attempts_last)
{
    qc_arena *a = qc_arena_new();
    qc_value out;
    const char *code;
    const char *hdrs[] = {"x-amzn-RequestId", "rid", NULL};
    const char *body = "{\"knowledgeBase\":{\"name\":\"n\"}}";
    int rc = s_parse("GetKnowledgeBase", 200, hdrs, body, strlen(body), 3, a, &out,
                     &code, NULL);
    QC_CHECK_EQ_INT(rc, QC_OK);
    QC_CHECK(code == NULL);
    const qc_value *md = qc_value_map_get(&out, "ResponseMetadata", 16);
    QC_CHECK(md && md->type == QC_VAL_MAP && md->u.map.len == 4);
    const qc_pair *last = &md->u.map.items[3];
    QC_CHECK_EQ_MEM(last->key.u.s.ptr, last->key.u.s.len, "RetryAttempts", 13);
    QC_CHECK_EQ_INT(last->value.u.i, 3);
    QC_CHECK_EQ_MEM(out.u.map.items[0].key.u.s.ptr, out.u.map.items[0].key.u.s.len,
                    "ResponseMetadata", 16);
    qc_arena_destroy(a);
}

QC_TEST(parse_error_sets_code_and_message)
{
    qc_arena *a = qc_arena_new();
    qc_value out;
    const char *code = NULL;
    qc_error err;
    qc_error_init(&err);
    const char *hdrs[] = {"X-Amzn-ErrorType", "ResourceNotFoundException:http://x", NULL};
    const char *body = "{\"message\":\"caf\xc3\xa9\",\"resourceName\":\"kb\"}";
    int rc = s_parse("GetKnowledgeBase", 404, hdrs, body, strlen(body), 1, a, &out,
                     &code, &err);
    QC_CHECK_EQ_INT(rc, QC_ERR_SERVICE);
    QC_CHECK_EQ_STR(code, "ResourceNotFoundException");
    const qc_value *e = qc_value_map_get(&out, "Error", 5);
    const qc_value *msg = e ? qc_value_map_get(e, "Message", 7) : NULL;
    QC_CHECK(msg && msg->type == QC_VAL_STRING);
    QC_CHECK_EQ_INT(msg->u.s.len, 5);
    QC_CHECK_EQ_INT(msg->u.s.nchars, 4);
    const qc_value *rn = qc_value_map_get(&out, "resourceName", 12);
    QC_CHECK(rn && rn->type == QC_VAL_STRING);
    qc_error_clean_up(&err);
    qc_arena_destroy(a);
}

QC_TEST(parse_bad_arguments)
{
    qc_arena *a = qc_arena_new();
    qc_value out;
    const char *code = "x";
    qc_error err;
    qc_error_init(&err);
    qc_http_response resp;
    qc_http_response_init(&resp);
    QC_CHECK_EQ_INT(qc_parse_response(&qc_model_qconnect, NULL, &resp, 0, a, &out, &code, &err),
                    QC_ERR_INVALID_ARG);
    QC_CHECK(code == NULL);
    QC_CHECK_EQ_INT(qc_parse_response(&qc_model_qconnect, s_op("GetKnowledgeBase"), &resp, 0,
                                      NULL, &out, &code, &err),
                    QC_ERR_INVALID_ARG);
    qc_http_response_clean_up(&resp);
    qc_error_clean_up(&err);
    qc_arena_destroy(a);
}

QC_TEST(parse_many_headers)
{
    /* 20000 headers, half repeating one name: joined in order, fast. */
    qc_http_response resp;
    qc_http_response_init(&resp);
    resp.status = 200;
    char name[32], value[32];
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(name, sizeof(name), i % 2 ? "X-Same" : "x-h%d", i);
        int v = snprintf(value, sizeof(value), "%d", i);
        QC_CHECK_EQ_INT(qc_headers_add(&resp.headers, name, (size_t)n, value, (size_t)v), QC_OK);
    }
    qc_arena *a = qc_arena_new();
    qc_value out;
    const char *code;
    int rc = qc_parse_response(&qc_model_qconnect, s_op("GetKnowledgeBase"), &resp, 0, a, &out,
                               &code, NULL);
    qc_http_response_clean_up(&resp);
    QC_CHECK_EQ_INT(rc, QC_OK);
    const qc_value *md = qc_value_map_get(&out, "ResponseMetadata", 16);
    const qc_value *h = md ? qc_value_map_get(md, "HTTPHeaders", 11) : NULL;
    QC_CHECK(h && h->u.map.len == 10001);
    QC_CHECK_EQ_MEM(h->u.map.items[1].key.u.s.ptr, h->u.map.items[1].key.u.s.len, "x-same", 6);
    const qc_value *same = &h->u.map.items[1].value;
    QC_CHECK(same->u.s.len > 8);
    QC_CHECK_EQ_MEM(same->u.s.ptr, 8, "1, 3, 5,", 8);
    QC_CHECK_EQ_MEM(same->u.s.ptr + same->u.s.len - 7, 7, ", 19999", 7);
    qc_arena_destroy(a);
}

/* Every prefix of a valid reply, and replies with bytes overwritten, must
 * parse or fail cleanly (ASan/valgrind keep this honest). */
QC_TEST(parse_mangled_replies)
{
    static const char body[] =
        "{\"importJob\":{\"importJobId\":\"j\",\"knowledgeBaseId\":\"kb\",\"uploadId\":\"u\","
        "\"importJobType\":\"QUICK_RESPONSES\",\"status\":\"COMPLETE\",\"urlExpiry\":1.5e9,"
        "\"createdTime\":\"2024-01-02T03:04:05.5+01:00\",\"metadata\":{\"a\":\"\\u00e9\\ud83d\\ude00\","
        "\"b\":null},\"externalSourceConfiguration\":{\"source\":\"AMAZON_CONNECT\","
        "\"configuration\":{\"connectConfiguration\":{\"instanceId\":\"i\"}}}},\"x\":[1,2.5,true]}";
    static const char junk[] = "{}[]\":,\\u0nNtTfF-+.eE0123456789 \x80\xff\xed";
    const char *hdrs[] = {"x-amzn-RequestId", "r", NULL};
    size_t n = sizeof(body) - 1;
    unsigned seed = 12345;
    for (int round = 0; round < 2; round++) {
        for (size_t cut = 0; cut <= n; cut++) {
            char *copy = malloc(n + 1);
            QC_CHECK(copy != NULL);
            memcpy(copy, body, n);
            size_t len = cut;
            if (round == 1) {
                len = n;
                for (int k = 0; k < 3; k++) {
                    seed = seed * 1103515245u + 12345u;
                    size_t pos = (seed >> 8) % n;
                    seed = seed * 1103515245u + 12345u;
                    copy[pos] = junk[(seed >> 8) % (sizeof(junk) - 1)];
                }
            }
            for (long status = 200; status <= 400; status += 200) {
                qc_arena *a = qc_arena_new();
                qc_value out;
                const char *code;
                qc_error err;
                qc_error_init(&err);
                int rc = s_parse("StartImportJob", status, hdrs, copy, len, 0, a, &out, &code,
                                 &err);
                QC_CHECK(rc == QC_OK || rc == QC_ERR_SERVICE || rc == QC_ERR_RESPONSE_PARSE);
                QC_CHECK(rc != QC_ERR_RESPONSE_PARSE || err.message != NULL);
                qc_error_clean_up(&err);
                qc_arena_destroy(a);
            }
            free(copy);
        }
    }
}

QC_TEST(parse_deep_body_no_crash)
{
    size_t n = 2000000;
    char *body = malloc(2 * n);
    QC_CHECK(body != NULL);
    memset(body, '[', n);
    memset(body + n, ']', n);
    qc_arena *a = qc_arena_new();
    qc_value out;
    const char *code;
    qc_error err;
    qc_error_init(&err);
    int rc = s_parse("GetKnowledgeBase", 200, NULL, body, 2 * n, 0, a, &out, &code, &err);
    QC_CHECK_EQ_INT(rc, QC_ERR_RESPONSE_PARSE);
    rc = s_parse("GetKnowledgeBase", 400, NULL, body, 2 * n, 0, a, &out, &code, &err);
    QC_CHECK_EQ_INT(rc, QC_ERR_RESPONSE_PARSE);
    free(body);
    qc_error_clean_up(&err);
    qc_arena_destroy(a);
}
