/*
 * test_model.c — the generated service-model tables against botocore's
 * model: hard facts visible in qconnect service-2.json, structural
 * invariants, and every operation and shape compared with
 * tests/vectors/model_facts.json (written by tools/gen_model.py from
 * botocore.model.ServiceModel; kept fresh by tests/test_model_fresh.py).
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "model.h"
#include "runner.h"

static const qc_model *const M = &qc_model_qconnect;

/* Returns the index of the shape named name (binary search), or -1. */
static long s_shape_index(const char *name)
{
    size_t lo = 0, hi = M->n_shapes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, M->shapes[mid].name);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

/* Returns the shape named name or NULL. */
static const qc_shape *s_shape(const char *name)
{
    long i = s_shape_index(name);
    return i < 0 ? NULL : &M->shapes[i];
}

/* Returns the name of shape index i ("(none)" for QC_NO_SHAPE). */
static const char *s_shape_name(unsigned i)
{
    if (i == QC_NO_SHAPE)
        return "(none)";
    if (i >= M->n_shapes)
        return "(out of range)";
    return M->shapes[i].name;
}

/* Returns the parsed facts file (caller frees with cJSON_Delete) or NULL. */
static cJSON *s_load_facts(void)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/vectors/model_facts.json",
             qc_test_data_dir());
    size_t len = 0;
    char *text = qc_test_read_file(path, &len);
    if (!text)
        return NULL;
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    return root;
}

/* Returns the string item key of obj, or "" when absent or null. */
static const char *s_str(const cJSON *obj, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(it) ? it->valuestring : "";
}

/* Returns the idx-th string of array arr, or "" when absent. */
static const char *s_at(const cJSON *arr, int idx)
{
    const cJSON *it = cJSON_GetArrayItem(arr, idx);
    return cJSON_IsString(it) ? it->valuestring : "";
}

/* Returns whether obj has key set to true. */
static int s_true(const cJSON *obj, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

/* Returns the QC_SF_TS_* flag for a timestampFormat name (0 for ""). */
static unsigned s_ts_flag(const char *fmt)
{
    if (strcmp(fmt, "iso8601") == 0)
        return QC_SF_TS_ISO8601;
    if (strcmp(fmt, "unixTimestamp") == 0)
        return QC_SF_TS_UNIX;
    if (strcmp(fmt, "rfc822") == 0)
        return QC_SF_TS_RFC822;
    return 0;
}

#define TS_MASK (QC_SF_TS_ISO8601 | QC_SF_TS_UNIX | QC_SF_TS_RFC822)

/* Returns the qc_location for a botocore location name, or -1. */
static int s_location(const char *loc)
{
    static const char *const names[] = {"", "uri", "querystring", "header",
                                        "headers", "statusCode"};
    for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
        if (strcmp(loc, names[i]) == 0)
            return i;
    return -1;
}

/* Returns the qc_stype for a fact type name, or -1. */
static int s_stype(const char *t)
{
    static const char *const names[] = {
        "structure", "list",   "map",     "string",    "integer", "long",
        "float",     "double", "boolean", "timestamp", "blob",    "document"};
    for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
        if (strcmp(t, names[i]) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------ facts from service-2.json */

QC_TEST(model_metadata)
{
    QC_CHECK_EQ_STR(M->service_id, "QConnect");
    QC_CHECK_EQ_STR(M->api_version, "2020-10-19");
    QC_CHECK_EQ_STR(M->signing_name, "wisdom");
    QC_CHECK_EQ_STR(M->endpoint_prefix, "wisdom");
    QC_CHECK_EQ_STR(M->service_name, "qconnect");
    QC_CHECK_EQ_INT(M->n_operations, 94);
    QC_CHECK_EQ_INT(M->n_shapes, 667);
    QC_CHECK_EQ_INT(qc_operation_count(), 94);
}

QC_TEST(model_start_import_job)
{
    const qc_operation *op = qc_operation_find("StartImportJob", 14);
    QC_CHECK(op != NULL);
    QC_CHECK_EQ_STR(qc_operation_name(op), "StartImportJob");
    QC_CHECK_EQ_STR(qc_operation_py_name(op), "start_import_job");
    QC_CHECK_EQ_STR(op->method, "POST");
    QC_CHECK_EQ_STR(op->request_uri,
                    "/knowledgeBases/{knowledgeBaseId}/importJobs");
    QC_CHECK_EQ_INT(op->response_code, 200);
    QC_CHECK_EQ_STR(s_shape_name(op->input), "StartImportJobRequest");
    QC_CHECK_EQ_STR(s_shape_name(op->output), "StartImportJobResponse");
    QC_CHECK_EQ_INT(op->flags, QC_OF_BODY_MEMBERS | QC_OF_IDEMPOTENCY);

    static const char *const errors[] = {
        "ConflictException",     "ValidationException",
        "ServiceQuotaExceededException", "UnauthorizedException",
        "AccessDeniedException", "ResourceNotFoundException"};
    QC_CHECK_EQ_INT(op->n_errors, 6);
    for (int i = 0; i < 6; i++)
        QC_CHECK_EQ_STR(s_shape_name(M->indices[op->first_error + i]),
                        errors[i]);

    const qc_shape *in = &M->shapes[op->input];
    QC_CHECK_EQ_INT(in->type, QC_T_STRUCTURE);
    static const char *const members[] = {
        "knowledgeBaseId", "importJobType", "uploadId",
        "clientToken",     "metadata",      "externalSourceConfiguration"};
    QC_CHECK_EQ_INT(in->n_members, 6);
    for (int i = 0; i < 6; i++)
        QC_CHECK_EQ_STR(qc_shape_member(M, in, i)->name, members[i]);

    /* required, in the model's order */
    QC_CHECK_EQ_INT(in->n_required, 3);
    QC_CHECK_EQ_INT(M->indices[in->first_required + 0], 0);
    QC_CHECK_EQ_INT(M->indices[in->first_required + 1], 1);
    QC_CHECK_EQ_INT(M->indices[in->first_required + 2], 2);

    const qc_member *kb = qc_shape_member(M, in, 0);
    QC_CHECK_EQ_INT(kb->location, QC_LOC_URI);
    QC_CHECK_EQ_STR(kb->wire_name, "knowledgeBaseId");
    QC_CHECK_EQ_INT(kb->flags, QC_MF_REQUIRED);
    QC_CHECK_EQ_STR(s_shape_name(kb->shape), "UuidOrArn");

    const qc_member *jt = qc_shape_member(M, in, 1);
    QC_CHECK_EQ_INT(jt->location, QC_LOC_BODY);
    QC_CHECK_EQ_STR(s_shape_name(jt->shape), "ImportJobType");
    QC_CHECK_EQ_INT(M->shapes[jt->shape].type, QC_T_STRING);

    const qc_member *upload = qc_shape_member(M, in, 2);
    const qc_shape *upload_shape = &M->shapes[upload->shape];
    QC_CHECK_EQ_STR(upload_shape->name, "UploadId");
    QC_CHECK(upload_shape->flags & QC_SF_HAS_MIN);
    QC_CHECK_EQ_INT(upload_shape->min, 1);
    QC_CHECK_EQ_STR(upload_shape->min_text, "1");

    /* clientToken: idempotency token, not required */
    QC_CHECK_EQ_INT(op->token_member, 3);
    const qc_member *tok = qc_shape_member(M, in, 3);
    QC_CHECK_EQ_STR(tok->name, "clientToken");
    QC_CHECK_EQ_INT(tok->flags, QC_MF_IDEMPOTENCY_TOKEN);
    QC_CHECK_EQ_STR(s_shape_name(tok->shape), "NonEmptyString");

    /* metadata: a map NonEmptyString -> NonEmptyString, min 0 */
    const qc_shape *meta = &M->shapes[qc_shape_member(M, in, 4)->shape];
    QC_CHECK_EQ_STR(meta->name, "ContentMetadata");
    QC_CHECK_EQ_INT(meta->type, QC_T_MAP);
    QC_CHECK_EQ_STR(s_shape_name(meta->key), "NonEmptyString");
    QC_CHECK_EQ_STR(s_shape_name(meta->value), "NonEmptyString");
    QC_CHECK(meta->flags & QC_SF_HAS_MIN);
    QC_CHECK_EQ_INT(meta->min, 0);
    QC_CHECK_EQ_STR(meta->min_text, "0");

    /* externalSourceConfiguration.configuration: the Configuration union */
    const qc_shape *ext = &M->shapes[qc_shape_member(M, in, 5)->shape];
    QC_CHECK_EQ_STR(ext->name, "ExternalSourceConfiguration");
    QC_CHECK_EQ_INT(ext->n_required, 2);
    int cpos = qc_shape_find_member(M, ext, "configuration", 13);
    QC_CHECK_EQ_INT(cpos, 1);
    const qc_shape *conf = &M->shapes[qc_shape_member(M, ext, 1)->shape];
    QC_CHECK_EQ_STR(conf->name, "Configuration");
    QC_CHECK_EQ_INT(conf->type, QC_T_STRUCTURE);
    QC_CHECK(conf->flags & QC_SF_UNION);
    QC_CHECK_EQ_INT(conf->n_members, 1);
    QC_CHECK_EQ_STR(qc_shape_member(M, conf, 0)->name, "connectConfiguration");
}

QC_TEST(model_special_shapes)
{
    const qc_shape *doc = s_shape("JSONDocument");
    QC_CHECK(doc != NULL);
    QC_CHECK_EQ_INT(doc->type, QC_T_DOCUMENT);
    QC_CHECK(doc->flags & QC_SF_SENSITIVE);

    const qc_shape *ts = s_shape("SyntheticTimestamp_epoch_seconds");
    QC_CHECK(ts != NULL);
    QC_CHECK_EQ_INT(ts->type, QC_T_TIMESTAMP);
    QC_CHECK_EQ_INT(ts->flags & TS_MASK, QC_SF_TS_UNIX);
    ts = s_shape("SyntheticTimestamp_date_time");
    QC_CHECK(ts != NULL);
    QC_CHECK_EQ_INT(ts->flags & TS_MASK, QC_SF_TS_ISO8601);

    const qc_shape *v = s_shape("ValidationException");
    QC_CHECK(v != NULL);
    QC_CHECK(v->flags & QC_SF_EXCEPTION);
    QC_CHECK_EQ_INT(v->error_status, 400);
    QC_CHECK_EQ_STR(v->error_code, "ValidationException");
    const qc_shape *nf = s_shape("ResourceNotFoundException");
    QC_CHECK(nf != NULL);
    QC_CHECK_EQ_INT(nf->error_status, 404);

    /* a float-written min: botocore reports it as 0.0 */
    const qc_shape *rs = s_shape("RelevanceScore");
    QC_CHECK(rs != NULL);
    QC_CHECK_EQ_INT(rs->type, QC_T_DOUBLE);
    QC_CHECK(rs->flags & QC_SF_HAS_MIN);
    QC_CHECK_EQ_STR(rs->min_text, "0.0");
    QC_CHECK(rs->min_f == 0.0);

    const qc_shape *mr = s_shape("MaxResults");
    QC_CHECK(mr != NULL);
    QC_CHECK_EQ_INT(mr->min, 1);
    QC_CHECK(mr->min_f == 1.0);
    QC_CHECK_EQ_STR(mr->min_text, "1");

    /* response codes other than 200, and a GET with query members */
    const qc_operation *del = qc_operation_find("DeleteAssistant", 15);
    QC_CHECK(del != NULL);
    QC_CHECK_EQ_STR(del->method, "DELETE");
    QC_CHECK_EQ_INT(del->response_code, 204);
    QC_CHECK_EQ_INT(del->flags, 0);
    QC_CHECK_EQ_INT(del->token_member, 0xFFFF);
    const qc_operation *lc = qc_operation_find("list_contents", 13);
    QC_CHECK(lc != NULL);
    QC_CHECK_EQ_STR(lc->method, "GET");
    QC_CHECK_EQ_INT(lc->flags, 0);
    const qc_shape *lcr = &M->shapes[lc->input];
    QC_CHECK_EQ_INT(qc_shape_member(M, lcr, 0)->location, QC_LOC_QUERY);
    QC_CHECK_EQ_STR(qc_shape_member(M, lcr, 0)->wire_name, "nextToken");
}

/* ------------------------------------------------------------ lookups */

QC_TEST(model_lookup_both_names)
{
    const qc_operation *a = qc_operation_find("StartImportJob", 14);
    const qc_operation *b = qc_operation_find("start_import_job", 16);
    QC_CHECK(a != NULL);
    QC_CHECK(a == b);

    /* not NUL-terminated: only len bytes count */
    const char *buf = "GetAssistantXYZ";
    const qc_operation *g = qc_operation_find(buf, 12);
    QC_CHECK(g != NULL);
    QC_CHECK_EQ_STR(qc_operation_name(g), "GetAssistant");
    QC_CHECK(qc_operation_find("get_assistant_association", 13) ==
             qc_operation_find("GetAssistant", 12));

    for (size_t i = 0; i < qc_operation_count(); i++) {
        const qc_operation *op = qc_operation_at(i);
        QC_CHECK(op != NULL);
        const char *n = qc_operation_name(op), *p = qc_operation_py_name(op);
        QC_CHECK(qc_operation_find(n, strlen(n)) == op);
        QC_CHECK(qc_operation_find(p, strlen(p)) == op);
    }
}

QC_TEST(model_lookup_unknown)
{
    QC_CHECK(qc_operation_find("StartImportJobs", 15) == NULL);
    QC_CHECK(qc_operation_find("StartImportJo", 13) == NULL);
    QC_CHECK(qc_operation_find("start_import_jo", 15) == NULL);
    QC_CHECK(qc_operation_find("startimportjob", 14) == NULL);
    QC_CHECK(qc_operation_find("STARTIMPORTJOB", 14) == NULL);
    QC_CHECK(qc_operation_find("", 0) == NULL);
    QC_CHECK(qc_operation_find(NULL, 0) == NULL);
    QC_CHECK(qc_operation_find(NULL, 5) == NULL);
    QC_CHECK(qc_operation_find("A", 1) == NULL);
    QC_CHECK(qc_operation_find("zzzz", 4) == NULL);
    QC_CHECK(qc_operation_find("\xff\xfe", 2) == NULL);
    const char withnul[] = "StartImportJob\0x";
    QC_CHECK(qc_operation_find(withnul, sizeof(withnul) - 1) == NULL);
    QC_CHECK(qc_operation_at(qc_operation_count()) == NULL);
    QC_CHECK(qc_operation_at((size_t)-1) == NULL);
    QC_CHECK(qc_operation_name(NULL) == NULL);
    QC_CHECK(qc_operation_py_name(NULL) == NULL);
}

QC_TEST(model_find_member)
{
    for (size_t s = 0; s < M->n_shapes; s++) {
        const qc_shape *sh = &M->shapes[s];
        if (sh->type != QC_T_STRUCTURE)
            continue;
        for (size_t i = 0; i < sh->n_members; i++) {
            const qc_member *mem = qc_shape_member(M, sh, i);
            QC_CHECK_EQ_INT(qc_shape_find_member(M, sh, mem->name,
                                                 mem->name_len),
                            (long long)i);
            /* a proper prefix is not a member of the same name */
            if (mem->name_len > 1) {
                int p = qc_shape_find_member(M, sh, mem->name,
                                             mem->name_len - 1u);
                QC_CHECK(p < 0 || (size_t)p != i);
            }
        }
        QC_CHECK_EQ_INT(qc_shape_find_member(M, sh, "noSuchMember", 12), -1);
    }
    const qc_shape *in = s_shape("StartImportJobRequest");
    QC_CHECK(in != NULL);
    QC_CHECK_EQ_INT(qc_shape_find_member(M, in, "clientToken", 11), 3);
    QC_CHECK_EQ_INT(qc_shape_find_member(M, in, "ClientToken", 11), -1);
    QC_CHECK_EQ_INT(qc_shape_find_member(M, in, "clientTokenX", 11), 3);
    QC_CHECK_EQ_INT(qc_shape_find_member(M, in, "clientTokenX", 12), -1);
    QC_CHECK_EQ_INT(qc_shape_find_member(M, in, "", 0), -1);
    QC_CHECK_EQ_INT(qc_shape_find_member(M, in, NULL, 0), -1);
}

/* ------------------------------------------------------------ invariants */

QC_TEST(model_tables_sorted)
{
    for (size_t i = 1; i < M->n_shapes; i++)
        QC_CHECK(strcmp(M->shapes[i - 1].name, M->shapes[i].name) < 0);
    for (size_t i = 1; i < M->n_operations; i++)
        QC_CHECK(strcmp(M->operations[i - 1].name, M->operations[i].name) <
                 0);
    /* py_order: a permutation, sorted by py_name */
    unsigned char seen[0x10000] = {0};
    for (size_t i = 0; i < M->n_operations; i++) {
        QC_CHECK(M->py_order[i] < M->n_operations);
        QC_CHECK(!seen[M->py_order[i]]);
        seen[M->py_order[i]] = 1;
        if (i > 0)
            QC_CHECK(strcmp(M->operations[M->py_order[i - 1]].py_name,
                            M->operations[M->py_order[i]].py_name) < 0);
    }
}

QC_TEST(model_indexes_valid)
{
    size_t n_exc = 0;
    for (size_t s = 0; s < M->n_shapes; s++) {
        const qc_shape *sh = &M->shapes[s];
        QC_CHECK(sh->name != NULL);
        QC_CHECK(sh->type <= QC_T_DOCUMENT);
        if (sh->flags & QC_SF_EXCEPTION) {
            n_exc++;
            QC_CHECK(sh->error_code != NULL);
            QC_CHECK(sh->type == QC_T_STRUCTURE);
        } else {
            QC_CHECK(sh->error_code == NULL);
        }
        if (sh->flags & QC_SF_HAS_MIN)
            QC_CHECK(sh->min_text != NULL && (double)sh->min <= sh->min_f);
        switch (sh->type) {
        case QC_T_STRUCTURE:
            QC_CHECK((size_t)sh->first_member + sh->n_members <= M->n_members);
            QC_CHECK((size_t)sh->first_required + sh->n_required <=
                     M->n_indices);
            for (size_t i = 0; i < sh->n_members; i++) {
                const qc_member *mem = qc_shape_member(M, sh, i);
                QC_CHECK(mem->shape < M->n_shapes);
                QC_CHECK(mem->name_len == strlen(mem->name));
                QC_CHECK(mem->wire_name != NULL);
                QC_CHECK(mem->location <= QC_LOC_STATUS);
            }
            for (size_t i = 0; i < sh->n_required; i++) {
                unsigned pos = M->indices[sh->first_required + i];
                QC_CHECK(pos < sh->n_members);
                QC_CHECK(qc_shape_member(M, sh, pos)->flags & QC_MF_REQUIRED);
            }
            break;
        case QC_T_LIST:
            QC_CHECK(sh->member < M->n_shapes);
            break;
        case QC_T_MAP:
            QC_CHECK(sh->key < M->n_shapes);
            QC_CHECK(sh->value < M->n_shapes);
            break;
        default:
            QC_CHECK(sh->n_members == 0);
        }
    }
    QC_CHECK_EQ_INT(M->n_error_shapes, n_exc);
    QC_CHECK_EQ_INT(n_exc, 12);
    for (size_t i = 0; i < M->n_error_shapes; i++) {
        QC_CHECK(M->error_shapes[i] < M->n_shapes);
        QC_CHECK(M->shapes[M->error_shapes[i]].flags & QC_SF_EXCEPTION);
        if (i > 0)
            QC_CHECK(M->error_shapes[i - 1] < M->error_shapes[i]);
    }
    for (size_t o = 0; o < M->n_operations; o++) {
        const qc_operation *op = &M->operations[o];
        QC_CHECK(op->name && op->py_name && op->method && op->request_uri);
        QC_CHECK(op->request_uri[0] == '/');
        QC_CHECK(op->input == QC_NO_SHAPE || op->input < M->n_shapes);
        QC_CHECK(op->output == QC_NO_SHAPE || op->output < M->n_shapes);
        if (op->input != QC_NO_SHAPE)
            QC_CHECK_EQ_INT(M->shapes[op->input].type, QC_T_STRUCTURE);
        if (op->output != QC_NO_SHAPE)
            QC_CHECK_EQ_INT(M->shapes[op->output].type, QC_T_STRUCTURE);
        QC_CHECK(op->response_code >= 200 && op->response_code < 300);
        QC_CHECK((size_t)op->first_error + op->n_errors <= M->n_indices);
        for (size_t i = 0; i < op->n_errors; i++) {
            unsigned e = M->indices[op->first_error + i];
            QC_CHECK(e < M->n_shapes);
            QC_CHECK(M->shapes[e].flags & QC_SF_EXCEPTION);
        }
        if (op->flags & QC_OF_IDEMPOTENCY) {
            QC_CHECK(op->input != QC_NO_SHAPE);
            const qc_shape *in = &M->shapes[op->input];
            QC_CHECK(op->token_member < in->n_members);
            QC_CHECK(qc_shape_member(M, in, op->token_member)->flags &
                     QC_MF_IDEMPOTENCY_TOKEN);
        } else {
            QC_CHECK_EQ_INT(op->token_member, 0xFFFF);
        }
        /* QC_OF_BODY_MEMBERS iff the input has a member in the body */
        int body = 0;
        if (op->input != QC_NO_SHAPE) {
            const qc_shape *in = &M->shapes[op->input];
            for (size_t i = 0; i < in->n_members; i++)
                if (qc_shape_member(M, in, i)->location == QC_LOC_BODY)
                    body = 1;
        }
        QC_CHECK_EQ_INT(!!(op->flags & QC_OF_BODY_MEMBERS), body);
    }
}

/* ------------------------------------------- every fact botocore states */

#define FACT_CHECK(cond)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            qc_test_fail(__FILE__, __LINE__, "%s: %s", name, #cond);         \
            return 0;                                                        \
        }                                                                    \
    } while (0)

/* Compares the operation described by fact f with the tables; returns 1
 * when all match (failures are reported). */
static int s_check_operation(const cJSON *f)
{
    const char *name = s_str(f, "name");
    const qc_operation *op = qc_operation_find(name, strlen(name));
    FACT_CHECK(op != NULL);
    FACT_CHECK(strcmp(op->name, name) == 0);
    FACT_CHECK(strcmp(op->py_name, s_str(f, "py")) == 0);
    FACT_CHECK(qc_operation_find(op->py_name, strlen(op->py_name)) == op);
    FACT_CHECK(strcmp(op->method, s_str(f, "method")) == 0);
    FACT_CHECK(strcmp(op->request_uri, s_str(f, "uri")) == 0);
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(f, "code");
    FACT_CHECK(cJSON_IsNumber(code) && op->response_code == code->valueint);
    const char *in = *s_str(f, "in") ? s_str(f, "in") : "(none)";
    const char *out = *s_str(f, "out") ? s_str(f, "out") : "(none)";
    FACT_CHECK(strcmp(s_shape_name(op->input), in) == 0);
    FACT_CHECK(strcmp(s_shape_name(op->output), out) == 0);
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(f, "errors");
    FACT_CHECK(op->n_errors == cJSON_GetArraySize(errs));
    for (int i = 0; i < (int)op->n_errors; i++)
        FACT_CHECK(strcmp(s_shape_name(M->indices[op->first_error +
                                                  (uint32_t)i]),
                          s_at(errs, i)) == 0);
    const char *token = s_str(f, "token");
    if (*token) {
        FACT_CHECK(op->flags & QC_OF_IDEMPOTENCY);
        const qc_shape *ish = &M->shapes[op->input];
        FACT_CHECK(op->token_member ==
                   qc_shape_find_member(M, ish, token, strlen(token)));
    } else {
        FACT_CHECK(!(op->flags & QC_OF_IDEMPOTENCY));
    }
    return 1;
}

QC_TEST(model_facts_operations)
{
    cJSON *facts = s_load_facts();
    QC_CHECK(facts != NULL);
    const cJSON *ops = cJSON_GetObjectItemCaseSensitive(facts, "operations");
    int n = cJSON_GetArraySize(ops), good = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, ops)
    {
        if (!s_check_operation(f))
            break;
        good++;
    }
    cJSON_Delete(facts);
    QC_CHECK_EQ_INT(n, (int)M->n_operations);
    QC_CHECK_EQ_INT(good, n);
}

/* Compares the shape described by fact f with the tables; returns 1 when
 * all match (failures are reported). */
static int s_check_shape(const cJSON *f)
{
    const char *name = s_str(f, "name");
    const qc_shape *sh = s_shape(name);
    if (!sh) {
        qc_test_fail(__FILE__, __LINE__, "shape %s missing", name);
        return 0;
    }
    FACT_CHECK(sh->type == s_stype(s_str(f, "type")));
    FACT_CHECK(!!(sh->flags & QC_SF_UNION) == s_true(f, "union"));
    FACT_CHECK(!!(sh->flags & QC_SF_SENSITIVE) == s_true(f, "sensitive"));
    FACT_CHECK(!!(sh->flags & QC_SF_JSONVALUE) == s_true(f, "jsonvalue"));
    FACT_CHECK((sh->flags & TS_MASK) == s_ts_flag(s_str(f, "ts")));

    const cJSON *min = cJSON_GetObjectItemCaseSensitive(f, "min");
    FACT_CHECK(!!(sh->flags & QC_SF_HAS_MIN) == (min != NULL));
    if (min) {
        FACT_CHECK(sh->min_f == min->valuedouble);
        /* min is the model's min rounded down to an integer */
        FACT_CHECK((double)sh->min <= min->valuedouble &&
                   min->valuedouble < (double)sh->min + 1.0);
        FACT_CHECK(sh->min_text && strcmp(sh->min_text,
                                           s_str(f, "min_text")) == 0);
    }

    const cJSON *status = cJSON_GetObjectItemCaseSensitive(f, "status");
    FACT_CHECK(!!(sh->flags & QC_SF_EXCEPTION) == (status != NULL));
    if (status) {
        FACT_CHECK(sh->error_status == status->valueint);
        FACT_CHECK(strcmp(sh->error_code, s_str(f, "code")) == 0);
    }

    if (sh->type == QC_T_LIST)
        FACT_CHECK(strcmp(s_shape_name(sh->member), s_str(f, "member")) == 0);
    if (sh->type == QC_T_MAP) {
        FACT_CHECK(strcmp(s_shape_name(sh->key), s_str(f, "key")) == 0);
        FACT_CHECK(strcmp(s_shape_name(sh->value), s_str(f, "value")) == 0);
    }

    const cJSON *mems = cJSON_GetObjectItemCaseSensitive(f, "members");
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(f, "required");
    FACT_CHECK(sh->n_members == cJSON_GetArraySize(mems));
    FACT_CHECK(sh->n_required == cJSON_GetArraySize(req));
    for (int i = 0; i < (int)sh->n_members; i++) {
        const qc_member *mem = qc_shape_member(M, sh, (size_t)i);
        const cJSON *row = cJSON_GetArrayItem(mems, i);
        const char *mname = s_at(row, 0);
        const char *wire = *s_at(row, 3) ? s_at(row, 3) : mname;
        const char *extra = s_at(row, 5);
        int is_required = 0;
        const cJSON *r;
        cJSON_ArrayForEach(r, req)
        {
            if (cJSON_IsString(r) && strcmp(r->valuestring, mname) == 0)
                is_required = 1;
        }
        FACT_CHECK(strcmp(mem->name, mname) == 0);
        FACT_CHECK(mem->name_len == strlen(mname));
        FACT_CHECK(strcmp(s_shape_name(mem->shape), s_at(row, 1)) == 0);
        FACT_CHECK(mem->location == s_location(s_at(row, 2)));
        FACT_CHECK(strcmp(mem->wire_name, wire) == 0);
        /* effective timestamp format: the member's own, else the shape's */
        unsigned ts = mem->ts_format ? mem->ts_format
                                     : (M->shapes[mem->shape].flags & TS_MASK);
        FACT_CHECK(ts == s_ts_flag(s_at(row, 4)));
        FACT_CHECK(!!(mem->flags & QC_MF_IDEMPOTENCY_TOKEN) ==
                    (strchr(extra, 't') != NULL));
        FACT_CHECK(!!(mem->flags & QC_MF_JSONVALUE) ==
                    (strchr(extra, 'j') != NULL));
        FACT_CHECK(!!(mem->flags & QC_MF_GREEDY) ==
                    (strchr(extra, 'g') != NULL));
        FACT_CHECK(!!(mem->flags & QC_MF_REQUIRED) == is_required);
    }
    for (int i = 0; i < (int)sh->n_required; i++) {
        unsigned pos = M->indices[sh->first_required + (uint32_t)i];
        FACT_CHECK(pos < sh->n_members);
        FACT_CHECK(strcmp(qc_shape_member(M, sh, pos)->name,
                           s_at(req, i)) == 0);
    }
    return 1;
}

QC_TEST(model_facts_shapes)
{
    cJSON *facts = s_load_facts();
    QC_CHECK(facts != NULL);
    const cJSON *shapes = cJSON_GetObjectItemCaseSensitive(facts, "shapes");
    int n = cJSON_GetArraySize(shapes), good = 0, n_exc = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, shapes)
    {
        if (!s_check_shape(f))
            break;
        if (cJSON_GetObjectItemCaseSensitive(f, "status"))
            n_exc++;
        good++;
    }
    cJSON_Delete(facts);
    QC_CHECK_EQ_INT(n, (int)M->n_shapes);
    QC_CHECK_EQ_INT(good, n);
    QC_CHECK_EQ_INT(n_exc, (int)M->n_error_shapes);
}
