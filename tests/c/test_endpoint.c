/*
 * test_endpoint.c — endpoint resolution against botocore's own answers
 * (tests/vectors/endpoints.json, recorded by tools/gen_endpoint_vectors.py).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "endpoint.h"
#include "runner.h"

/* Returns the parsed vector file (caller deletes) or NULL. */
static cJSON *s_load_vectors(void)
{
    char path[4096];
    size_t len = 0;
    snprintf(path, sizeof(path), "%s/vectors/endpoints.json", qc_test_data_dir());
    char *text = qc_test_read_file(path, &len);
    if (!text) {
        fprintf(stderr, "    cannot read %s\n", path);
        return NULL;
    }
    cJSON *doc = cJSON_ParseWithLength(text, len);
    free(text);
    return doc;
}

/* Returns the string at key of obj, or NULL (JSON null or absent). */
static const char *s_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Returns 1 for JSON true, else 0 (false, null, absent). */
static int s_true(const cJSON *obj, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

/* Returns 1 when a and b are both NULL or equal strings. */
static int s_same(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* Prints a case that did not match (the first few only). */
static void s_report(int *shown, const char *what, const char *region,
                     const char *got, const char *want)
{
    if (++*shown > 12)
        return;
    fprintf(stderr, "    %s (region %s%s%s):\n      got:      %s\n      expected: %s\n",
            what, region ? "\"" : "", region ? region : "null",
            region ? "\"" : "", got ? got : "(null)", want ? want : "(null)");
}

QC_TEST(endpoint_ruleset_vectors)
{
    cJSON *doc = s_load_vectors();
    QC_CHECK(doc != NULL);
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(doc, "ruleset");
    int n = cJSON_GetArraySize(cases), bad = 0, shown = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cases)
    {
        qc_endpoint_params p = {s_str(c, "region"), s_true(c, "use_fips"),
                                s_true(c, "use_dualstack"), s_str(c, "endpoint")};
        const char *want_url = s_str(c, "url"), *want_err = s_str(c, "error");
        qc_buf url;
        qc_error err;
        qc_buf_init(&url, 0);
        qc_error_init(&err);
        int rc = qc_endpoint_resolve(&p, &url, &err);
        if (want_url) {
            if (rc != QC_OK || !s_same(url.data, want_url)) {
                bad++;
                s_report(&shown, "url", p.region,
                         rc == QC_OK ? url.data : qc_error_text(&err), want_url);
            }
        } else if (rc != QC_ERR_ENDPOINT || !s_same(err.message, want_err)) {
            bad++;
            s_report(&shown, "error", p.region,
                     rc == QC_OK ? url.data : qc_error_text(&err), want_err);
        }
        qc_buf_clean_up(&url);
        qc_error_clean_up(&err);
    }
    cJSON_Delete(doc);
    fprintf(stderr, "    %d rule-set cases, %d mismatched\n", n, bad);
    QC_CHECK(n >= 800);
    QC_CHECK_EQ_INT(bad, 0);
}

QC_TEST(endpoint_region_names)
{
    cJSON *doc = s_load_vectors();
    QC_CHECK(doc != NULL);
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(doc, "region_names");
    int n = cJSON_GetArraySize(cases), bad = 0, shown = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cases)
    {
        const char *region = s_str(c, "region");
        const char *want_norm = s_str(c, "normalized");
        int valid = qc_region_is_valid(region), changed = -1;
        if (valid != s_true(c, "valid")) {
            bad++;
            s_report(&shown, "validate_region_name", region,
                     valid ? "valid" : "invalid", valid ? "invalid" : "valid");
        }
        qc_buf out;
        qc_buf_init(&out, 0);
        int rc = qc_region_normalize_fips(region, &out, &changed);
        if (rc != QC_OK || !s_same(out.data, want_norm) ||
            changed != s_true(c, "use_fips")) {
            bad++;
            s_report(&shown, "_normalize_fips_region", region,
                     rc == QC_OK ? out.data : "(error)", want_norm);
        }
        qc_buf_clean_up(&out);
    }
    cJSON_Delete(doc);
    fprintf(stderr, "    %d region names, %d mismatched\n", n, bad);
    QC_CHECK(n >= 90);
    QC_CHECK(qc_region_is_valid(NULL)); /* None is allowed */
    QC_CHECK_EQ_INT(bad, 0);
}

/* Returns the qc_endpoint_failure botocore's exception class stands for. */
static int s_failure_kind(const char *cls, int custom)
{
    if (!cls)
        return QC_EP_FAIL_NONE;
    if (strcmp(cls, "InvalidRegionError") == 0)
        return QC_EP_FAIL_INVALID_REGION;
    if (strcmp(cls, "NoRegionError") == 0)
        return QC_EP_FAIL_NO_REGION;
    if (strcmp(cls, "EndpointVariantError") == 0)
        return QC_EP_FAIL_VARIANT;
    /* ValueError on a custom endpoint_url is the caller's check. */
    if (strcmp(cls, "ValueError") == 0)
        return custom ? QC_EP_FAIL_NONE : QC_EP_FAIL_INVALID_ENDPOINT;
    return -1;
}

/* Checks one "client" case; returns 1 when it matches botocore. */
static int s_client_case(const cJSON *c, int *shown)
{
    qc_endpoint_config cfg;
    qc_endpoint_setup s;
    qc_error err;
    qc_buf url;
    const cJSON *want_exc = cJSON_GetObjectItemCaseSensitive(c, "error");
    const char *region = s_str(c, "region");
    const char *endpoint = s_str(c, "endpoint_url");
    int failure = -1, ok = 1, created = 0;
    memset(&cfg, 0, sizeof(cfg));
    cfg.region = region;
    cfg.endpoint_url = endpoint;
    cfg.use_fips = s_true(c, "use_fips_endpoint");
    cfg.use_dualstack = s_true(c, "use_dualstack_endpoint");
    cfg.is_secure = s_true(c, "use_ssl");
    qc_error_init(&err);
    qc_buf_init(&url, 0);
    int rc = qc_endpoint_setup_init(&s, &cfg, &failure, &err);
    created = rc == QC_OK;
    int want_kind = s_failure_kind(want_exc ? s_str(want_exc, "class") : NULL,
                                   endpoint != NULL);
    if (want_kind != QC_EP_FAIL_NONE) {
        const char *msg = s_str(want_exc, "message");
        if (rc == QC_OK || failure != want_kind || !s_same(err.message, msg)) {
            s_report(shown, "creation error", region,
                     rc == QC_OK ? "(created)" : qc_error_text(&err), msg);
            ok = 0;
        }
        goto out;
    }
    if (rc != QC_OK) {
        s_report(shown, "creation", region, qc_error_text(&err), "(created)");
        ok = 0;
        goto out;
    }
    if (want_exc) {
        /* botocore rejected the custom endpoint_url itself; the set-up
         * leaves that check to the caller and keeps the URL as given. */
        if (!s_same(s.meta_url, endpoint)) {
            s_report(shown, "custom url kept", region, s.meta_url, endpoint);
            ok = 0;
        }
        goto out;
    }
    if (!s_same(s.meta_url, s_str(c, "meta_endpoint_url")) ||
        !s_same(s.region, s_str(c, "meta_region_name")) ||
        !s_same(s.signing_region, s_str(c, "signing_region")) ||
        s.use_fips != s_true(c, "config_use_fips_endpoint") ||
        !(s.signing_name == NULL ||
          s_same(s.signing_name, s_str(c, "signing_name")))) {
        s_report(shown, "meta endpoint_url", region, s.meta_url,
                 s_str(c, "meta_endpoint_url"));
        ok = 0;
        goto out;
    }
    rc = qc_endpoint_setup_resolve(&s, &url, &err);
    const cJSON *want_url_exc = cJSON_GetObjectItemCaseSensitive(c, "url_error");
    if (want_url_exc) {
        if (rc != QC_ERR_ENDPOINT ||
            !s_same(err.message, s_str(want_url_exc, "message"))) {
            s_report(shown, "call error", region,
                     rc == QC_OK ? url.data : qc_error_text(&err),
                     s_str(want_url_exc, "message"));
            ok = 0;
        }
    } else if (rc != QC_OK || !s_same(url.data, s_str(c, "url"))) {
        s_report(shown, "call url", region,
                 rc == QC_OK ? url.data : qc_error_text(&err), s_str(c, "url"));
        ok = 0;
    }
out:
    if (created)
        qc_endpoint_setup_clean_up(&s);
    qc_buf_clean_up(&url);
    qc_error_clean_up(&err);
    return ok;
}

QC_TEST(endpoint_client_vectors)
{
    cJSON *doc = s_load_vectors();
    QC_CHECK(doc != NULL);
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(doc, "client");
    int n = cJSON_GetArraySize(cases), bad = 0, shown = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cases)
    {
        if (!s_client_case(c, &shown))
            bad++;
    }
    cJSON_Delete(doc);
    fprintf(stderr, "    %d client cases, %d mismatched\n", n, bad);
    QC_CHECK(n >= 800);
    QC_CHECK_EQ_INT(bad, 0);
}

QC_TEST(endpoint_setup_keeps_fips_off_with_custom_url)
{
    /* botocore: a custom endpoint_url makes the UseFIPS builtin False, so
     * the rule set's "FIPS and custom endpoint" error never fires. */
    qc_endpoint_config cfg = {"us-east-1", "https://example.com", 1, 1, 1};
    qc_endpoint_setup s;
    qc_error err;
    qc_buf url;
    int failure = -1;
    qc_error_init(&err);
    qc_buf_init(&url, 0);
    QC_CHECK_EQ_INT(qc_endpoint_setup_init(&s, &cfg, &failure, &err), QC_OK);
    QC_CHECK_EQ_INT(failure, QC_EP_FAIL_NONE);
    QC_CHECK_EQ_INT(s.params.use_fips, 0);
    QC_CHECK_EQ_INT(s.params.use_dualstack, 0);
    QC_CHECK_EQ_INT(s.use_fips, 1);
    QC_CHECK_EQ_INT(qc_endpoint_setup_resolve(&s, &url, &err), QC_OK);
    QC_CHECK_EQ_STR(url.data, "https://example.com");
    qc_endpoint_setup_clean_up(&s);
    qc_buf_clean_up(&url);
    qc_error_clean_up(&err);
}

QC_TEST(endpoint_resolve_rejects_null)
{
    qc_error err;
    qc_buf url;
    qc_error_init(&err);
    qc_buf_init(&url, 0);
    QC_CHECK_EQ_INT(qc_endpoint_resolve(NULL, &url, &err), QC_ERR_INVALID_ARG);
    QC_CHECK(qc_endpoint_setup_init(NULL, NULL, NULL, &err) == QC_ERR_INVALID_ARG);
    qc_buf_clean_up(&url);
    qc_error_clean_up(&err);
}

/* One thread's share of endpoint_threads: resolves every rule-set case. */
typedef struct {
    const cJSON *cases;
    int bad;
} s_thread_job;

/* Thread body; returns NULL. */
static void *s_thread_main(void *arg)
{
    s_thread_job *job = arg;
    const cJSON *c;
    cJSON_ArrayForEach(c, job->cases)
    {
        qc_endpoint_params p = {s_str(c, "region"), s_true(c, "use_fips"),
                                s_true(c, "use_dualstack"), s_str(c, "endpoint")};
        const char *want = s_str(c, "url");
        qc_buf url;
        qc_buf_init(&url, 0);
        int rc = qc_endpoint_resolve(&p, &url, NULL);
        if (want ? (rc != QC_OK || !s_same(url.data, want)) : rc != QC_ERR_ENDPOINT)
            job->bad++;
        qc_buf_clean_up(&url);
    }
    return NULL;
}

QC_TEST(endpoint_threads)
{
    /* The first resolutions race on the one-time regex compilation. */
    cJSON *doc = s_load_vectors();
    QC_CHECK(doc != NULL);
    s_thread_job jobs[4];
    pthread_t tids[4];
    int started = 0, bad = 0;
    for (int i = 0; i < 4; i++) {
        jobs[i].cases = cJSON_GetObjectItemCaseSensitive(doc, "ruleset");
        jobs[i].bad = 0;
        if (pthread_create(&tids[i], NULL, s_thread_main, &jobs[i]) == 0)
            started++;
        else
            break;
    }
    for (int i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
        bad += jobs[i].bad;
    }
    cJSON_Delete(doc);
    QC_CHECK_EQ_INT(started, 4);
    QC_CHECK_EQ_INT(bad, 0);
}
