/*
 * start_import_job.c — calling QConnect from C with qc.h alone.
 *
 *   cc -std=c11 -Icsrc examples/start_import_job.c build/libqconnect_c_core.a \
 *      -lcurl -lcjson -lcrypto -lpthread -lm -o start_import_job
 *   ./start_import_job http://127.0.0.1:4599 <knowledge-base-id> <upload-id>
 *
 * Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN; the region from AWS_DEFAULT_REGION (us-east-1 if unset).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qc.h"

/* Prints a value tree as JSON-ish text. */
static void print_value(const qc_value *v, int depth)
{
    switch (v->type) {
    case QC_VAL_NULL: printf("null"); break;
    case QC_VAL_BOOL: printf(v->u.b ? "true" : "false"); break;
    case QC_VAL_INT: printf("%lld", (long long)v->u.i); break;
    case QC_VAL_FLOAT: printf("%g", v->u.f); break;
    case QC_VAL_STRING: printf("\"%.*s\"", (int)v->u.s.len, v->u.s.ptr); break;
    case QC_VAL_TIMESTAMP:
        printf("%lld.%06d", (long long)v->u.ts.sec, (int)v->u.ts.usec);
        break;
    case QC_VAL_LIST:
        printf("[");
        for (size_t i = 0; i < v->u.list.len; i++) {
            printf(i ? ", " : "");
            print_value(&v->u.list.items[i], depth + 1);
        }
        printf("]");
        break;
    case QC_VAL_MAP:
        printf("{\n");
        for (size_t i = 0; i < v->u.map.len; i++) {
            printf("%*s", (depth + 1) * 2, "");
            print_value(&v->u.map.items[i].key, depth + 1);
            printf(": ");
            print_value(&v->u.map.items[i].value, depth + 1);
            printf(i + 1 < v->u.map.len ? ",\n" : "\n");
        }
        printf("%*s}", depth * 2, "");
        break;
    default: printf("?"); break;
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s ENDPOINT_URL KNOWLEDGE_BASE_ID UPLOAD_ID\n",
                argv[0]);
        return 2;
    }
    const char *ak = getenv("AWS_ACCESS_KEY_ID");
    const char *sk = getenv("AWS_SECRET_ACCESS_KEY");
    const char *tk = getenv("AWS_SESSION_TOKEN");
    const char *region = getenv("AWS_DEFAULT_REGION");
    if (!ak || !sk) {
        fprintf(stderr, "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n");
        return 2;
    }

    qc_client_options opts;
    qc_client_options_init(&opts);
    opts.region = region ? region : "us-east-1";
    opts.endpoint_url = argv[1];
    qc_client *client = NULL;
    qc_error err;
    qc_error_init(&err);
    if (qc_client_new(&opts, &client, &err) != QC_OK) {
        fprintf(stderr, "client: %s\n", qc_error_text(&err));
        qc_error_clean_up(&err);
        return 1;
    }
    if (qc_client_set_credentials(client, ak, strlen(ak), sk, strlen(sk), tk,
                                  tk ? strlen(tk) : 0) != QC_OK) {
        fprintf(stderr, "credentials: out of memory\n");
        qc_client_destroy(client);
        return 1;
    }

    /* The keyword arguments: a map of (name, value) pairs. */
    qc_arena *arena = qc_arena_new();
    qc_value params;
    int rc = arena ? qc_value_set_map(&params, arena, 3) : QC_ERR_NOMEM;
    if (rc == QC_OK) {
        const char *names[] = {"knowledgeBaseId", "importJobType", "uploadId"};
        const char *values[] = {argv[2], "QUICK_RESPONSES", argv[3]};
        for (int i = 0; i < 3; i++) {
            qc_value_set_string(&params.u.map.items[i].key, names[i],
                                strlen(names[i]));
            qc_value_set_string(&params.u.map.items[i].value, values[i],
                                strlen(values[i]));
        }
        const qc_operation *op = qc_operation_find("start_import_job", 16);
        qc_call_result result;
        rc = qc_client_call(client, op, &params, NULL, &result);
        if (rc == QC_OK || rc == QC_ERR_SERVICE) {
            print_value(&result.response, 0);
            printf("\n");
        } else {
            fprintf(stderr, "%s: %s\n", qc_errname(rc),
                    qc_error_text(&result.err));
        }
        qc_call_result_clean_up(&result);
    }
    qc_arena_destroy(arena);
    qc_client_destroy(client);
    qc_error_clean_up(&err);
    return rc == QC_OK ? 0 : 1;
}
