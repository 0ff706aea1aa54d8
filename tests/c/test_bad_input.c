/*
 * test_bad_input.c — the core given values it cannot send as botocore
 * would: error text holding NUL bytes, faults naming the value at fault
 * (QC_ERR_VALUE), decimal text and big ints read as Python's float(), and
 * pairs from a mapping's items(). Expected texts and numbers come from
 * botocore / CPython 3.11 run live (noted at each).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "model.h"
#include "pipeline.h"
#include "runner.h"

#define S_KB "2f1a3b4c-5d6e-4f70-8192-a3b4c5d6e7f8"

/* 2 ** 1024 - 2 ** 970: the least int Python's float() rounds past the
 * double range (OverflowError); one less rounds to DBL_MAX. */
#define S_INT_PAST_DOUBLE                                                     \
    "17976931348623158079372897140530341507993413271003782693617377898044"   \
    "49682927647509466490179775872070963302864166928879109465555478519404"   \
    "02630657488671505820681908902000708383676273854845817711531764475730"   \
    "27006985557136695962284291481986083493647529271907416844436551070434"   \
    "2711559699508093042880177904174497792"
#define S_INT_BELOW_LIMIT                                                     \
    "17976931348623158079372897140530341507993413271003782693617377898044"   \
    "49682927647509466490179775872070963302864166928879109465555478519404"   \
    "02630657488671505820681908902000708383676273854845817711531764475730"   \
    "27006985557136695962284291481986083493647529271907416844436551070434"   \
    "2711559699508093042880177904174497791"

/* Points v at the C string s (its origin marks which value it is). */
static void s_str(qc_value *v, const char *s, size_t len, const void *origin)
{
    memset(v, 0, sizeof(*v));
    qc_value_set_string(v, s, len);
    v->origin = origin;
}

/* Makes v a big int of the given digits. */
static void s_bigint(qc_value *v, const char *digits, const void *origin)
{
    memset(v, 0, sizeof(*v));
    v->type = QC_VAL_INT;
    v->flags = QC_VALF_BIGINT;
    v->u.s.ptr = digits;
    v->u.s.len = strlen(digits);
    v->u.s.nchars = v->u.s.len;
    v->origin = origin;
}

/* Makes v a decimal given as its text (as the Python binding passes it). */
static void s_decimal(qc_value *v, const char *text, const void *origin)
{
    memset(v, 0, sizeof(*v));
    v->type = QC_VAL_FLOAT;
    v->flags = QC_VALF_DECIMAL | QC_VALF_DECIMAL_TEXT;
    v->u.s.ptr = text;
    v->u.s.len = strlen(text);
    v->u.s.nchars = v->u.s.len;
    v->origin = origin;
}

/* The parameters of StartImportJob with knowledgeBaseId kb and uploadId
 * upload, plus the extra pairs (copied) at the end. */
static int s_sij(qc_arena *a, qc_value *params, const qc_value *kb,
                 const qc_value *upload, const qc_pair *extra, size_t n_extra)
{
    if (qc_value_set_map(params, a, 4 + n_extra))
        return -1;
    qc_pair *p = params->u.map.items;
    qc_value_set_string(&p[0].key, "knowledgeBaseId", 15);
    p[0].value = *kb;
    qc_value_set_string(&p[1].key, "importJobType", 13);
    qc_value_set_string(&p[1].value, "QUICK_RESPONSES", 15);
    qc_value_set_string(&p[2].key, "uploadId", 8);
    p[2].value = *upload;
    qc_value_set_string(&p[3].key, "clientToken", 11);
    qc_value_set_string(&p[3].value, "t", 1);
    for (size_t i = 0; i < n_extra; i++)
        p[4 + i] = extra[i];
    return 0;
}

/* Serializes params for the named operation into req; returns the code. */
static int s_serialize(const char *opname, const qc_value *params,
                       qc_http_request *req, qc_error *err)
{
    const qc_operation *op = qc_operation_find(opname, strlen(opname));
    if (!op)
        return -1;
    return qc_serialize(&qc_model_qconnect, op, params, NULL, req, err);
}

QC_TEST(bad_input_error_text_keeps_nul)
{
    qc_error err;
    qc_error_init(&err);
    QC_CHECK_EQ_INT(qc_error_set_text(&err, QC_ERR_PARAM_VALIDATION,
                                      "a\0b", 3),
                    QC_ERR_PARAM_VALIDATION);
    size_t n = 0;
    const char *t = qc_error_text_len(&err, &n);
    QC_CHECK_EQ_INT(n, 3);
    QC_CHECK_EQ_INT(err.message_len, 3);
    QC_CHECK(memcmp(t, "a\0b", 4) == 0);
    /* qc_error_set measures its own text and drops any fault. */
    err.fault = QC_FAULT_UTF8;
    err.origin = &err;
    qc_error_set(&err, QC_ERR_SERIALIZE, "x=%d", 12);
    t = qc_error_text_len(&err, &n);
    QC_CHECK_EQ_INT(n, 4);
    QC_CHECK_EQ_STR(t, "x=12");
    QC_CHECK_EQ_INT(err.fault, QC_FAULT_NONE);
    QC_CHECK(err.origin == NULL);
    /* No message: the code's own text. */
    qc_error_set(&err, QC_ERR_NOMEM, NULL);
    t = qc_error_text_len(&err, &n);
    QC_CHECK_EQ_STR(t, "out of memory");
    QC_CHECK_EQ_INT(n, strlen("out of memory"));
    qc_error_clean_up(&err);
    QC_CHECK(err.message == NULL && err.message_len == 0);
    QC_CHECK_EQ_STR(qc_errname(QC_ERR_VALUE), "QC_ERR_VALUE");
}

QC_TEST(bad_input_value_to_double_as_python_float)
{
    /* float(Decimal(text)) in CPython 3.11. */
    static const struct {
        const char *text;
        double want;
    } ok[] = {{"1.10", 1.1},  {"1E+2", 100.0},    {"-Infinity", -INFINITY},
              {"1E+400", INFINITY}, {"1E-400", 0.0}, {"-0", -0.0}};
    qc_value v;
    double d;
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        s_decimal(&v, ok[i].text, NULL);
        QC_CHECK_EQ_INT(qc_value_to_double(&v, &d), 0);
        QC_CHECK(d == ok[i].want && !signbit(d) == !signbit(ok[i].want));
    }
    s_decimal(&v, "NaN", NULL);
    QC_CHECK(qc_value_to_double(&v, &d) == 0 && isnan(d) && !signbit(d));
    s_decimal(&v, "-NaN", NULL); /* copysign(1, float(Decimal("-NaN"))) */
    QC_CHECK(qc_value_to_double(&v, &d) == 0 && isnan(d) && signbit(d));
    s_decimal(&v, "sNaN", NULL); /* ValueError */
    QC_CHECK_EQ_INT(qc_value_to_double(&v, &d), -1);
    s_decimal(&v, "1.5x", NULL);
    QC_CHECK_EQ_INT(qc_value_to_double(&v, &d), -1);
    /* float(int): OverflowError from 2 ** 1024 - 2 ** 970 on. */
    s_bigint(&v, S_INT_PAST_DOUBLE, NULL);
    QC_CHECK_EQ_INT(qc_value_to_double(&v, &d), -1);
    s_bigint(&v, "-" S_INT_PAST_DOUBLE, NULL);
    QC_CHECK_EQ_INT(qc_value_to_double(&v, &d), -1);
    s_bigint(&v, S_INT_BELOW_LIMIT, NULL);
    QC_CHECK(qc_value_to_double(&v, &d) == 0 && d == 1.7976931348623157e308);
    qc_value_set_string(&v, "1", 1);
    QC_CHECK_EQ_INT(qc_value_to_double(&v, &d), -1);
}

QC_TEST(bad_input_validation_report_keeps_nul)
{
    /* botocore's ParamValidator on {..., "x\0y": 1, "metadata":
     * {"k\0": 5}} (clientToken given). */
    static const char want[] =
        "Unknown parameter in input: \"x\0y\", must be one of: "
        "knowledgeBaseId, importJobType, uploadId, clientToken, metadata, "
        "externalSourceConfiguration\n"
        "Invalid type for parameter metadata.k\0, value: 5, type: "
        "<class 'int'>, valid types: <class 'str'>";
    qc_arena *a = qc_arena_new();
    QC_CHECK(a);
    qc_value kb, up, params;
    s_str(&kb, S_KB, strlen(S_KB), NULL);
    s_str(&up, "u", 1, NULL);
    qc_pair extra[2];
    memset(extra, 0, sizeof extra);
    qc_value_set_string(&extra[0].key, "x\0y", 3);
    qc_value_set_int(&extra[0].value, 1);
    qc_value_set_string(&extra[1].key, "metadata", 8);
    int ok = qc_value_set_map(&extra[1].value, a, 1) == QC_OK;
    if (ok) {
        qc_value_set_string(&extra[1].value.u.map.items[0].key, "k\0", 2);
        qc_value_set_int(&extra[1].value.u.map.items[0].value, 5);
        ok = s_sij(a, &params, &kb, &up, extra, 2) == 0;
    }
    qc_error err;
    qc_error_init(&err);
    const qc_operation *op = qc_operation_find("StartImportJob", 14);
    int rc = ok ? qc_validate(&qc_model_qconnect,
                              &qc_model_qconnect.shapes[op->input], &params,
                              NULL, a, &err)
                : -1;
    int same = rc == QC_ERR_PARAM_VALIDATION &&
               err.message_len == sizeof want - 1 &&
               memcmp(err.message, want, sizeof want) == 0;
    qc_error_clean_up(&err);
    qc_arena_destroy(a);
    QC_CHECK(ok);
    QC_CHECK(same);
}

/* qc_describe_fn: "a\0b" for the value, "<class 'X'>" for its type. */
static const char *s_nul_describe(void *ctx, const qc_value *v, int what,
                                  qc_arena *a)
{
    (void)ctx;
    (void)v;
    (void)a;
    return what ? "<class 'X'>" : "a\xC0\x80" "b";
}

QC_TEST(bad_input_describe_nul_form)
{
    /* A describe callback writes NUL as C0 80; the report has the NUL. */
    static const char want[] =
        "Invalid type for parameter uploadId, value: a\0b, type: "
        "<class 'X'>, valid types: <class 'str'>";
    qc_arena *a = qc_arena_new();
    QC_CHECK(a);
    qc_value kb, up, params;
    s_str(&kb, S_KB, strlen(S_KB), NULL);
    memset(&up, 0, sizeof up);
    up.type = QC_VAL_OTHER;
    int ok = s_sij(a, &params, &kb, &up, NULL, 0) == 0;
    qc_call_options co;
    qc_call_options_init(&co);
    co.describe = s_nul_describe;
    qc_error err;
    qc_error_init(&err);
    const qc_operation *op = qc_operation_find("StartImportJob", 14);
    int rc = ok ? qc_validate(&qc_model_qconnect,
                              &qc_model_qconnect.shapes[op->input], &params,
                              &co, a, &err)
                : -1;
    int same = rc == QC_ERR_PARAM_VALIDATION &&
               err.message_len == sizeof want - 1 &&
               memcmp(err.message, want, sizeof want) == 0;
    qc_error_clean_up(&err);
    qc_arena_destroy(a);
    QC_CHECK(ok);
    QC_CHECK(same);
}

/* Runs StartImportJob's serializer on (kb, upload, extra); returns the
 * code with *err filled and req holding what was built. */
static int s_sij_serialize(const qc_value *kb, const qc_value *upload,
                           const qc_pair *extra, size_t n_extra,
                           qc_http_request *req, qc_error *err)
{
    qc_arena *a = qc_arena_new();
    if (!a)
        return -1;
    qc_value params;
    int rc = s_sij(a, &params, kb, upload, extra, n_extra) ? -1
             : s_serialize("StartImportJob", &params, req, err);
    qc_arena_destroy(a);
    return rc;
}

QC_TEST(bad_input_surrogate_in_uri_label)
{
    static const int kb_origin = 1;
    qc_value kb, up;
    s_str(&kb, "a\xED\xA0\x80", 4, &kb_origin); /* "a\ud800" as WTF-8 */
    s_str(&up, "u", 1, NULL);
    qc_http_request req;
    qc_http_request_init(&req);
    qc_error err;
    qc_error_init(&err);
    int rc = s_sij_serialize(&kb, &up, NULL, 0, &req, &err);
    int fault = err.fault;
    const void *origin = err.origin;
    qc_http_request_clean_up(&req);
    qc_error_clean_up(&err);
    QC_CHECK_EQ_INT(rc, QC_ERR_VALUE);
    QC_CHECK_EQ_INT(fault, QC_FAULT_UTF8);
    QC_CHECK(origin == &kb_origin);
}

QC_TEST(bad_input_decimal_text_in_uri_label)
{
    /* botocore (no validation): /knowledgeBases/1.10/importJobs */
    qc_value kb, up;
    s_decimal(&kb, "1.10", NULL);
    s_str(&up, "u", 1, NULL);
    qc_http_request req;
    qc_http_request_init(&req);
    qc_error err;
    qc_error_init(&err);
    int rc = s_sij_serialize(&kb, &up, NULL, 0, &req, &err);
    int same = rc == QC_OK && req.path.data &&
               strcmp(req.path.data, "/knowledgeBases/1.10/importJobs") == 0;
    qc_http_request_clean_up(&req);
    qc_error_clean_up(&err);
    QC_CHECK(same);
}

QC_TEST(bad_input_decimal_for_string_member)
{
    /* json.dumps refuses a Decimal: the first one met is reported. */
    static const int first = 1, second = 2;
    qc_value kb, up;
    s_str(&kb, S_KB, strlen(S_KB), NULL);
    s_decimal(&up, "1.1", &first);
    qc_pair extra[1];
    memset(extra, 0, sizeof extra);
    qc_value_set_string(&extra[0].key, "metadata", 8);
    qc_arena *a = qc_arena_new();
    QC_CHECK(a);
    int ok = qc_value_set_map(&extra[0].value, a, 1) == QC_OK;
    if (ok) {
        qc_value_set_string(&extra[0].value.u.map.items[0].key, "k", 1);
        s_decimal(&extra[0].value.u.map.items[0].value, "2", &second);
    }
    qc_http_request req;
    qc_http_request_init(&req);
    qc_error err;
    qc_error_init(&err);
    int rc = ok ? s_sij_serialize(&kb, &up, extra, 1, &req, &err) : -1;
    int fault = err.fault;
    const void *origin = err.origin;
    qc_http_request_clean_up(&req);
    qc_error_clean_up(&err);
    qc_arena_destroy(a);
    QC_CHECK_EQ_INT(rc, QC_ERR_VALUE);
    QC_CHECK_EQ_INT(fault, QC_FAULT_JSON);
    QC_CHECK(origin == &first);
}

QC_TEST(bad_input_unknown_member_is_a_key_fault)
{
    static const int key_origin = 1;
    qc_value kb, up;
    s_str(&kb, S_KB, strlen(S_KB), NULL);
    s_str(&up, "u", 1, NULL);
    qc_pair extra[1];
    memset(extra, 0, sizeof extra);
    s_str(&extra[0].key, "bogus", 5, &key_origin);
    qc_value_set_int(&extra[0].value, 1);
    qc_http_request req;
    qc_http_request_init(&req);
    qc_error err;
    qc_error_init(&err);
    int rc = s_sij_serialize(&kb, &up, extra, 1, &req, &err);
    int fault = err.fault;
    const void *origin = err.origin;
    qc_http_request_clean_up(&req);
    qc_error_clean_up(&err);
    QC_CHECK_EQ_INT(rc, QC_ERR_VALUE);
    QC_CHECK_EQ_INT(fault, QC_FAULT_KEY);
    QC_CHECK(origin == &key_origin);
}

QC_TEST(bad_input_items_pairs_written_as_a_dict)
{
    /* botocore's serializer on metadata whose items() gives
     * [("k", "1"), ("j", "2"), ("k", "3")]: {"k": "3", "j": "2"}. */
    static const char want[] =
        "{\"importJobType\": \"QUICK_RESPONSES\", \"uploadId\": \"u\", "
        "\"clientToken\": \"t\", \"metadata\": {\"k\": \"3\", \"j\": \"2\"}}";
    qc_arena *a = qc_arena_new();
    QC_CHECK(a);
    qc_value kb, up;
    s_str(&kb, S_KB, strlen(S_KB), NULL);
    s_str(&up, "u", 1, NULL);
    qc_pair extra[1];
    memset(extra, 0, sizeof extra);
    qc_value_set_string(&extra[0].key, "metadata", 8);
    int ok = qc_value_set_map(&extra[0].value, a, 3) == QC_OK;
    if (ok) {
        static const char *const kv[3][2] = {{"k", "1"}, {"j", "2"},
                                             {"k", "3"}};
        qc_value *m = &extra[0].value;
        m->flags |= QC_VALF_ITEMS;
        for (int i = 0; i < 3; i++) {
            qc_value_set_string(&m->u.map.items[i].key, kv[i][0], 1);
            qc_value_set_string(&m->u.map.items[i].value, kv[i][1], 1);
        }
    }
    qc_http_request req;
    qc_http_request_init(&req);
    qc_error err;
    qc_error_init(&err);
    int rc = ok ? s_sij_serialize(&kb, &up, extra, 1, &req, &err) : -1;
    int same = rc == QC_OK && req.body.data && strcmp(req.body.data, want) == 0;
    qc_http_request_clean_up(&req);
    qc_error_clean_up(&err);
    qc_arena_destroy(a);
    QC_CHECK(same);
}

/* CreateAIPrompt's parameters with inferenceConfiguration {"temperature":
 * t}; returns the serializer's code. */
static int s_prompt_serialize(const qc_value *t, qc_http_request *req,
                              qc_error *err)
{
    static const char *const kv[][2] = {
        {"assistantId", S_KB}, {"name", "p"}, {"type", "ANSWER_GENERATION"},
        {"visibilityStatus", "PUBLISHED"}, {"templateType", "TEXT"},
        {"modelId", "m"}, {"apiFormat", "MESSAGES"}, {"clientToken", "t"}};
    enum { N = sizeof kv / sizeof *kv };
    qc_arena *a = qc_arena_new();
    if (!a)
        return -1;
    qc_value params;
    int rc = -1;
    if (qc_value_set_map(&params, a, N + 2))
        goto out;
    for (size_t i = 0; i < N; i++) {
        qc_value_set_string(&params.u.map.items[i].key, kv[i][0],
                            strlen(kv[i][0]));
        qc_value_set_string(&params.u.map.items[i].value, kv[i][1],
                            strlen(kv[i][1]));
    }
    qc_pair *tc = &params.u.map.items[N];
    qc_value_set_string(&tc->key, "templateConfiguration", 21);
    if (qc_value_set_map(&tc->value, a, 1))
        goto out;
    qc_pair *txt = &tc->value.u.map.items[0];
    qc_value_set_string(&txt->key, "textFullAIPromptEditTemplateConfiguration",
                        41);
    if (qc_value_set_map(&txt->value, a, 1))
        goto out;
    qc_value_set_string(&txt->value.u.map.items[0].key, "text", 4);
    qc_value_set_string(&txt->value.u.map.items[0].value, "t", 1);
    qc_pair *ic = &params.u.map.items[N + 1];
    qc_value_set_string(&ic->key, "inferenceConfiguration", 22);
    if (qc_value_set_map(&ic->value, a, 1))
        goto out;
    qc_value_set_string(&ic->value.u.map.items[0].key, "temperature", 11);
    ic->value.u.map.items[0].value = *t;
    rc = s_serialize("CreateAIPrompt", &params, req, err);
out:
    qc_arena_destroy(a);
    return rc;
}

QC_TEST(bad_input_float_member_beyond_double)
{
    static const int origin = 1;
    qc_value t;
    qc_http_request req;
    qc_error err;
    /* 2 ** 1024 - 2 ** 970: math.isnan raises OverflowError. */
    s_bigint(&t, S_INT_PAST_DOUBLE, &origin);
    qc_http_request_init(&req);
    qc_error_init(&err);
    int rc = s_prompt_serialize(&t, &req, &err);
    int fault = err.fault;
    const void *o = err.origin;
    qc_http_request_clean_up(&req);
    qc_error_clean_up(&err);
    QC_CHECK_EQ_INT(rc, QC_ERR_VALUE);
    QC_CHECK_EQ_INT(fault, QC_FAULT_FLOAT);
    QC_CHECK(o == &origin);
    /* One less has a double: the int goes out as its digits. */
    s_bigint(&t, S_INT_BELOW_LIMIT, &origin);
    qc_http_request_init(&req);
    qc_error_init(&err);
    rc = s_prompt_serialize(&t, &req, &err);
    int digits = rc == QC_OK && req.body.data &&
                 strstr(req.body.data,
                        "{\"temperature\": " S_INT_BELOW_LIMIT "}") != NULL;
    qc_http_request_clean_up(&req);
    qc_error_clean_up(&err);
    QC_CHECK(digits);
    /* A signalling NaN decimal: float(value) raises (ValueError). */
    s_decimal(&t, "sNaN", &origin);
    qc_http_request_init(&req);
    qc_error_init(&err);
    rc = s_prompt_serialize(&t, &req, &err);
    fault = err.fault;
    qc_http_request_clean_up(&req);
    qc_error_clean_up(&err);
    QC_CHECK_EQ_INT(rc, QC_ERR_VALUE);
    QC_CHECK_EQ_INT(fault, QC_FAULT_FLOAT);
}
