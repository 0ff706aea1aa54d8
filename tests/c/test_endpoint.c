/*
 * test_endpoint.c — endpoint resolution against botocore's own answers
 * (tests/vectors/endpoints.json, recorded by tools/gen_endpoint_vectors.py).
 */
#define _GNU_SOURCE /* pthread_barrier_t */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "endpoint.h"
#include "http.h"
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

/* ------------------------------------------- first use of the region patterns
 * The patterns are compiled by the first client creation of a process and
 * retried after a failure. Each case below needs a process that has not
 * compiled them yet, so it runs in a child of its own. */

/* Runs fn(arg) in a fresh child (ended by SIGALRM if it hangs, since the
 * runner's timeout is not inherited); returns 1 when it exited with 0. */
static int s_in_child(int (*fn)(void *), void *arg)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        alarm(50);
        exit(fn(arg) ? 0 : 1); /* exit(): leak checkers report here */
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Returns the number of patterns a compilation goes through. */
static int s_pattern_count(void)
{
    const qc_ep_ruleset *rs = &qc_endpoints_qconnect;
    int n = (int)rs->n_partitions;
    for (size_t i = 0; i < rs->n_legacy; i++)
        n += rs->legacy[i].regex != NULL;
    return n;
}

/* Returns the number of the doc's client and rule-set cases that do not
 * give botocore's answers. */
static int s_all_vectors_bad(const cJSON *doc)
{
    int bad = 0, shown = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "client"))
        bad += !s_client_case(c, &shown);
    s_thread_job job = {cJSON_GetObjectItemCaseSensitive(doc, "ruleset"), 0};
    s_thread_main(&job);
    return bad + job.bad;
}

typedef struct s_first_use {
    const cJSON *doc;
    int fail_at; /* the pattern whose compilation fails */
} s_first_use;

/* Child of endpoint_patterns_retried_after_failed_compile: the first client
 * creation fails as out of memory, the next ones work. Returns 1 on success. */
static int s_first_use_child(void *arg)
{
    const s_first_use *fu = arg;
    qc_client_options o;
    qc_client_options_init(&o);
    o.region = "us-east-1";
    qc_transport *t = NULL;
    qc_client *c = NULL;
    qc_error err;
    qc_error_init(&err);
    int ok = 0;
    if (qc_canned_transport_new(200, NULL, "{}", 2, &t) != QC_OK)
        return 0;
    o.transport = t;
    qc_endpoint_test_fail_compile(fu->fail_at);
    int rc = qc_client_new(&o, &c, &err);
    if (rc != QC_ERR_NOMEM ||
        !s_same(err.message, "the region patterns could not be compiled")) {
        fprintf(stderr, "    pattern %d failing: first creation gave %s (%s)\n",
                fu->fail_at, qc_errname(rc), qc_error_text(&err));
        if (rc == QC_OK)
            qc_client_destroy(c);
        else
            qc_transport_destroy(t);
        goto out;
    }
    /* The transport stays the caller's after a failed creation. */
    rc = qc_client_new(&o, &c, &err);
    if (rc != QC_OK) {
        fprintf(stderr, "    pattern %d failing: next creation gave %s (%s)\n",
                fu->fail_at, qc_errname(rc), qc_error_text(&err));
        qc_transport_destroy(t);
        goto out;
    }
    qc_client_destroy(c);
    int bad = s_all_vectors_bad(fu->doc);
    if (bad)
        fprintf(stderr, "    pattern %d failing: %d vectors mismatched after\n",
                fu->fail_at, bad);
    ok = bad == 0;
out:
    qc_error_clean_up(&err);
    return ok;
}

QC_TEST(endpoint_patterns_retried_after_failed_compile)
{
    /* A failure at each pattern in turn (the ones compiled before it are
     * freed: the leak checkers watch the child), then botocore's answers. */
    cJSON *doc = s_load_vectors();
    QC_CHECK(doc != NULL);
    int n = s_pattern_count(), bad = 0;
    for (int at = 0; at < n; at++) {
        s_first_use fu = {doc, at};
        bad += !s_in_child(s_first_use_child, &fu);
    }
    cJSON_Delete(doc);
    QC_CHECK(n >= 2);
    QC_CHECK_EQ_INT(bad, 0);
}

typedef struct s_racer {
    pthread_barrier_t *start;
    int rc;
} s_racer;

/* One of the threads of s_race_child: creates an endpoint set-up. */
static void *s_racer_main(void *arg)
{
    s_racer *r = arg;
    qc_endpoint_config cfg = {"eu-west-1", NULL, 0, 0, 1};
    qc_endpoint_setup s;
    qc_error err;
    qc_error_init(&err);
    pthread_barrier_wait(r->start);
    r->rc = qc_endpoint_setup_init(&s, &cfg, NULL, &err);
    if (r->rc == QC_OK)
        qc_endpoint_setup_clean_up(&s);
    qc_error_clean_up(&err);
    return NULL;
}

/* Child of endpoint_patterns_first_use_threads: four threads create their
 * first set-up at once while one compilation fails. Returns 1 when exactly
 * one of them got the failure and the rest (and later ones) work. */
static int s_race_child(void *arg)
{
    const cJSON *doc = arg;
    enum { S_N = 4 };
    pthread_barrier_t start;
    pthread_t tids[S_N];
    s_racer racers[S_N];
    int started = 0, failed = 0, other = 0;
    if (pthread_barrier_init(&start, NULL, S_N) != 0)
        return 0;
    qc_endpoint_test_fail_compile(1);
    for (int i = 0; i < S_N; i++) {
        racers[i].start = &start;
        racers[i].rc = -1;
        if (pthread_create(&tids[i], NULL, s_racer_main, &racers[i]) != 0)
            break;
        started++;
    }
    if (started < S_N) {
        /* The barrier can never open: nothing to join safely. */
        fprintf(stderr, "    could not start %d threads\n", S_N);
        _exit(1);
    }
    for (int i = 0; i < S_N; i++) {
        pthread_join(tids[i], NULL);
        failed += racers[i].rc == QC_ERR_NOMEM;
        other += racers[i].rc != QC_OK && racers[i].rc != QC_ERR_NOMEM;
    }
    pthread_barrier_destroy(&start);
    int bad = s_all_vectors_bad(doc);
    if (failed != 1 || other || bad)
        fprintf(stderr, "    %d thread(s) failed as out of memory (1 "
                        "expected), %d otherwise; %d vectors mismatched\n",
                failed, other, bad);
    return failed == 1 && !other && !bad;
}

QC_TEST(endpoint_patterns_first_use_threads)
{
    cJSON *doc = s_load_vectors();
    QC_CHECK(doc != NULL);
    int ok = s_in_child(s_race_child, doc);
    cJSON_Delete(doc);
    QC_CHECK(ok);
}

/* Thread of s_fork_child: the process's first set-up. */
static void *s_compiler_main(void *arg)
{
    (void)arg;
    qc_endpoint_config cfg = {"us-west-2", NULL, 0, 0, 1};
    qc_endpoint_setup s;
    if (qc_endpoint_setup_init(&s, &cfg, NULL, NULL) == QC_OK)
        qc_endpoint_setup_clean_up(&s);
    return NULL;
}

/* Returns 1 when a set-up works (in a child forked from s_fork_child). */
static int s_setup_works(void *arg)
{
    (void)arg;
    qc_endpoint_config cfg = {"ap-south-1", NULL, 0, 0, 1};
    qc_endpoint_setup s;
    qc_error err;
    qc_error_init(&err);
    int rc = qc_endpoint_setup_init(&s, &cfg, NULL, &err);
    if (rc == QC_OK)
        qc_endpoint_setup_clean_up(&s);
    else
        fprintf(stderr, "    forked child: %s (%s)\n", qc_errname(rc),
                qc_error_text(&err));
    qc_error_clean_up(&err);
    return rc == QC_OK;
}

/* Returns 1 when a child forked now creates a set-up. The child was forked
 * while another thread may have been half-way through a set-up, whose
 * blocks (and thread storage) only that thread held: those leaks are not
 * the child's. So it ends by exec'ing true or false, which no leak checker
 * follows; a hang ends by SIGALRM. */
static int s_forked_works(void)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        alarm(50);
        const char *verdict = s_setup_works(NULL) ? "true" : "false";
        fflush(NULL);
        execlp(verdict, verdict, (char *)NULL);
        _exit(2);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Child of endpoint_patterns_fork_during_first_use: forks while another
 * thread compiles the patterns; each forked child must create a set-up
 * (a lock inherited held would hang it: the runner's timeout). Returns 1
 * when all did. */
static int s_fork_child(void *arg)
{
    (void)arg;
    pthread_t tid;
    if (pthread_create(&tid, NULL, s_compiler_main, NULL) != 0)
        return 0;
    int ok = 1;
    for (int i = 0; i < 4; i++)
        ok &= s_forked_works();
    pthread_join(tid, NULL);
    return ok && s_setup_works(NULL);
}

QC_TEST(endpoint_patterns_fork_during_first_use)
{
    int bad = 0;
    for (int i = 0; i < 8; i++)
        bad += !s_in_child(s_fork_child, NULL);
    QC_CHECK_EQ_INT(bad, 0);
}
