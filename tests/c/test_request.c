/*
 * test_request.c — validation and serialization against golden vectors
 * produced by botocore itself (tools/gen_request_vectors.py): for every
 * case, the C core must give botocore's validation report, or the very
 * bytes of its request (method, path, query, Content-Type, JSON body).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "model.h"
#include "pipeline.h"
#include "runner.h"

/* Test-only appends whose failure shows up as a mismatch anyway. */
#define S_(call) \
    do {                \
        if (call) {     \
        }               \
    } while (0)

/* Returns 1 when node is {"<tag>": ...} with exactly that one key. */
static const cJSON *s_tagged(const cJSON *node, const char *tag)
{
    if (!cJSON_IsObject(node) || !node->child || node->child->next)
        return NULL;
    return strcmp(node->child->string, tag) == 0 ? node->child : NULL;
}

static int s_hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Builds a qc_value from a vector's JSON (see the generator's encodings);
 * origin points at the cJSON node so describe can print it. */
static int s_from_json(qc_arena *a, const cJSON *j, qc_value *v)
{
    const cJSON *t;
    memset(v, 0, sizeof(*v));
    v->origin = j;
    if ((t = s_tagged(j, "__tuple__"))) {
        int n = cJSON_GetArraySize(t);
        if (qc_value_set_list(v, a, (size_t)n))
            return -1;
        v->origin = j;
        v->flags |= QC_VALF_TUPLE;
        int i = 0;
        for (const cJSON *it = t->child; it; it = it->next, i++)
            if (s_from_json(a, it, &v->u.list.items[i]))
                return -1;
        return 0;
    }
    if ((t = s_tagged(j, "__bigint__"))) {
        v->type = QC_VAL_INT;
        v->flags |= QC_VALF_BIGINT;
        v->u.s.ptr = t->valuestring;
        v->u.s.len = strlen(t->valuestring);
        return 0;
    }
    if ((t = s_tagged(j, "__wtf8_hex__"))) {
        size_t n = strlen(t->valuestring) / 2;
        char *p = qc_arena_alloc(a, n + 1);
        if (!p)
            return -1;
        for (size_t i = 0; i < n; i++)
            p[i] = (char)(s_hexval(t->valuestring[2 * i]) * 16 +
                          s_hexval(t->valuestring[2 * i + 1]));
        qc_value_set_string(v, p, n);
        v->origin = j;
        v->flags |= QC_VALF_SURROGATE;
        return 0;
    }
    if (cJSON_IsNull(j)) {
        v->type = QC_VAL_NULL;
    } else if (cJSON_IsBool(j)) {
        v->type = QC_VAL_BOOL;
        v->u.b = cJSON_IsTrue(j);
    } else if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        /* The vectors hold integers written without a fraction. */
        if (d == (double)(long long)d) {
            v->type = QC_VAL_INT;
            v->u.i = (long long)d;
        } else {
            v->type = QC_VAL_FLOAT;
            v->u.f = d;
        }
    } else if (cJSON_IsString(j)) {
        qc_value_set_string(v, j->valuestring, strlen(j->valuestring));
        v->origin = j;
    } else if (cJSON_IsArray(j)) {
        int n = cJSON_GetArraySize(j);
        if (qc_value_set_list(v, a, (size_t)n))
            return -1;
        v->origin = j;
        int i = 0;
        for (const cJSON *it = j->child; it; it = it->next, i++)
            if (s_from_json(a, it, &v->u.list.items[i]))
                return -1;
    } else if (cJSON_IsObject(j)) {
        int n = cJSON_GetArraySize(j);
        if (qc_value_set_map(v, a, (size_t)n))
            return -1;
        v->origin = j;
        int i = 0;
        for (const cJSON *it = j->child; it; it = it->next, i++) {
            qc_value_set_string(&v->u.map.items[i].key, it->string,
                                strlen(it->string));
            if (s_from_json(a, it, &v->u.map.items[i].value))
                return -1;
        }
    }
    return 0;
}

/* Appends Python's repr() of a value built from JSON. */
static void s_py_repr(qc_buf *b, const qc_value *v, int top);

static void s_py_str_repr(qc_buf *b, const char *s, size_t n)
{
    int has_sq = memchr(s, '\'', n) != NULL, has_dq = memchr(s, '"', n) != NULL;
    char q = has_sq && !has_dq ? '"' : '\'';
    S_(qc_buf_append_byte(b, q));
    for (size_t i = 0; i < n; i++) {
        if (s[i] == q || s[i] == '\\')
            S_(qc_buf_append_byte(b, '\\'));
        S_(qc_buf_append_byte(b, s[i]));
    }
    S_(qc_buf_append_byte(b, q));
}

static void s_py_repr(qc_buf *b, const qc_value *v, int top)
{
    switch (v->type) {
    case QC_VAL_NULL: S_(qc_buf_append_str(b, "None")); break;
    case QC_VAL_BOOL: S_(qc_buf_append_str(b, v->u.b ? "True" : "False")); break;
    case QC_VAL_INT:
        if (v->flags & QC_VALF_BIGINT)
            S_(qc_buf_append(b, v->u.s.ptr, v->u.s.len));
        else
            S_(qc_buf_appendf(b, "%lld", (long long)v->u.i));
        break;
    case QC_VAL_FLOAT: S_(qc_json_write_double(b, v->u.f)); break;
    case QC_VAL_STRING:
        if (top)
            S_(qc_buf_append(b, v->u.s.ptr, v->u.s.len));
        else
            s_py_str_repr(b, v->u.s.ptr, v->u.s.len);
        break;
    case QC_VAL_LIST: {
        int tuple = (v->flags & QC_VALF_TUPLE) != 0;
        S_(qc_buf_append_byte(b, tuple ? '(' : '['));
        for (size_t i = 0; i < v->u.list.len; i++) {
            if (i)
                S_(qc_buf_append(b, ", ", 2));
            s_py_repr(b, &v->u.list.items[i], 0);
        }
        if (tuple && v->u.list.len == 1)
            S_(qc_buf_append_byte(b, ','));
        S_(qc_buf_append_byte(b, tuple ? ')' : ']'));
        break;
    }
    case QC_VAL_MAP:
        S_(qc_buf_append_byte(b, '{'));
        for (size_t i = 0; i < v->u.map.len; i++) {
            if (i)
                S_(qc_buf_append(b, ", ", 2));
            s_py_repr(b, &v->u.map.items[i].key, 0);
            S_(qc_buf_append(b, ": ", 2));
            s_py_repr(b, &v->u.map.items[i].value, 0);
        }
        S_(qc_buf_append_byte(b, '}'));
        break;
    default: break;
    }
}

static const char *s_describe(void *ctx, const qc_value *v, int what,
                              qc_arena *a)
{
    (void)ctx;
    if (what == 1) {
        switch (v->type) {
        case QC_VAL_NULL: return "<class 'NoneType'>";
        case QC_VAL_BOOL: return "<class 'bool'>";
        case QC_VAL_INT: return "<class 'int'>";
        case QC_VAL_FLOAT: return "<class 'float'>";
        case QC_VAL_STRING: return "<class 'str'>";
        case QC_VAL_LIST:
            return v->flags & QC_VALF_TUPLE ? "<class 'tuple'>" : "<class 'list'>";
        case QC_VAL_MAP: return "<class 'dict'>";
        default: return "<class 'object'>";
        }
    }
    qc_buf b;
    qc_buf_init(&b, 0);
    s_py_repr(&b, v, 1);
    const char *out = qc_arena_strndup(a, b.data ? b.data : "", b.len);
    qc_buf_clean_up(&b);
    return out;
}

static cJSON *s_load_vectors(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/vectors/requests/requests.json",
             qc_test_data_dir());
    size_t n;
    char *text = qc_test_read_file(path, &n);
    if (!text)
        return NULL;
    cJSON *j = cJSON_ParseWithLength(text, n);
    free(text);
    return j;
}

/* Runs one vector; returns 0 when it matches, prints the difference. */
static int s_run_case(const cJSON *c)
{
    const char *name = cJSON_GetObjectItem(c, "name")->valuestring;
    const char *opname = cJSON_GetObjectItem(c, "operation")->valuestring;
    const qc_operation *op = qc_operation_find(opname, strlen(opname));
    if (!op) {
        fprintf(stderr, "    %s: no operation %s\n", name, opname);
        return 1;
    }
    qc_arena *a = qc_arena_new();
    qc_value params;
    int bad = 1;
    qc_error err;
    qc_error_init(&err);
    qc_http_request req;
    qc_http_request_init(&req);
    if (s_from_json(a, cJSON_GetObjectItem(c, "params"), &params))
        goto out;
    const cJSON *tokj = cJSON_GetObjectItem(c, "token");
    qc_cursor token = {0};
    if (tokj)
        token = qc_cursor_from(tokj->valuestring, strlen(tokj->valuestring));
    qc_call_options co;
    qc_call_options_init(&co);
    co.describe = s_describe;
    /* botocore validates with the token already among the parameters. */
    qc_value vparams = params;
    if (tokj) {
        const qc_shape *in = &qc_model_qconnect.shapes[op->input];
        const qc_member *tm = qc_shape_member(&qc_model_qconnect, in,
                                              op->token_member);
        if (qc_value_set_map(&vparams, a, params.u.map.len + 1))
            goto out;
        if (params.u.map.len)
            memcpy(vparams.u.map.items, params.u.map.items,
                   params.u.map.len * sizeof(qc_pair));
        qc_value_set_string(&vparams.u.map.items[params.u.map.len].key,
                            tm->name, tm->name_len);
        qc_value_set_string(&vparams.u.map.items[params.u.map.len].value,
                            token.ptr, token.len);
    }
    int rc = qc_validate(&qc_model_qconnect,
                         &qc_model_qconnect.shapes[op->input], &vparams, &co,
                         a, &err);
    const cJSON *want_report = cJSON_GetObjectItem(c, "validation");
    if (want_report) {
        if (rc != QC_ERR_PARAM_VALIDATION ||
            strcmp(err.message, want_report->valuestring) != 0) {
            fprintf(stderr, "    %s: report\n      got:  %s\n      want: %s\n",
                    name, rc ? qc_error_text(&err) : "(valid)",
                    want_report->valuestring);
            goto out;
        }
        bad = 0;
        goto out;
    }
    if (rc) {
        fprintf(stderr, "    %s: unexpected validation failure: %s\n", name,
                qc_error_text(&err));
        goto out;
    }
    rc = qc_serialize(&qc_model_qconnect, op, &params, tokj ? &token : NULL,
                      &req, &err);
    if (rc) {
        fprintf(stderr, "    %s: serialize failed: %s\n", name,
                qc_error_text(&err));
        goto out;
    }
    const char *want_method = cJSON_GetObjectItem(c, "method")->valuestring;
    const char *want_path = cJSON_GetObjectItem(c, "path")->valuestring;
    const char *want_query = cJSON_GetObjectItem(c, "query")->valuestring;
    const char *want_body = cJSON_GetObjectItem(c, "body")->valuestring;
    const cJSON *want_ct = cJSON_GetObjectItem(
        cJSON_GetObjectItem(c, "headers"), "Content-Type");
    const qc_header *ct = qc_headers_get(&req.headers, "Content-Type", 12);
    if (strcmp(req.method, want_method) ||
        strcmp(req.path.data ? req.path.data : "", want_path) ||
        strcmp(req.query.data ? req.query.data : "", want_query) ||
        strcmp(req.body.data ? req.body.data : "", want_body) ||
        (want_ct == NULL) != (ct == NULL) ||
        (ct && strcmp(ct->value, want_ct->valuestring))) {
        fprintf(stderr,
                "    %s:\n      got:  %s %s ? %s\n            %s\n"
                "      want: %s %s ? %s\n            %s\n",
                name, req.method, req.path.data ? req.path.data : "",
                req.query.data ? req.query.data : "",
                req.body.data ? req.body.data : "", want_method, want_path,
                want_query, want_body);
        goto out;
    }
    bad = 0;
out:
    qc_http_request_clean_up(&req);
    qc_error_clean_up(&err);
    qc_arena_destroy(a);
    return bad;
}

QC_TEST(request_vectors_match_botocore)
{
    cJSON *j = s_load_vectors();
    QC_CHECK(j != NULL);
    const cJSON *cases = cJSON_GetObjectItem(j, "cases");
    int n = 0, failed = 0;
    for (const cJSON *c = cases->child; c; c = c->next, n++)
        failed += s_run_case(c);
    cJSON_Delete(j);
    QC_CHECK(n >= 40);
    QC_CHECK_EQ_INT(failed, 0);
}
