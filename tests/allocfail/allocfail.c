/*
 * allocfail.c — allocation-failure and key-wiping checks of the C core.
 *
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 * --wrap=strdup,--wrap=free, so every allocation the core (a static
 * archive) makes goes through the wrappers below; allocations inside
 * shared libraries (libc, libcrypto) do not.
 *
 *   allocfail [scenario...]
 *
 * For each scenario (a whole start_import_job: client creation, canned
 * transport, credentials, parameters, validation, serialization, signing,
 * the canned reply, parsing, retries, clean-up), runs it with the Nth core
 * allocation failing, for N = 1, 2, ... until a run completes without
 * reaching N. Every failed run must return an error code (no crash), with
 * every core allocation freed by the end of the run; a run that absorbed
 * the failure must have sent the same request and parsed the same reply
 * as the clean run. Built with ASan/UBSan, LeakSanitizer is also asked
 * after each run.
 *
 * A last check ("wipe") runs a signed call with the wrappers watching
 * every block the core frees (and every block realloc moves): none may
 * still hold the secret key, "AWS4" + secret, or a derived signing key.
 *
 * Prints one line per scenario and closes with "N passed, N failed".
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http.h"
#include "qc.h"
#include "sigv4.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define S_HAVE_LSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define S_HAVE_LSAN 1
#endif
#ifdef S_HAVE_LSAN
int __lsan_do_recoverable_leak_check(void);
#endif

/* ------------------------------------------------------------ wrappers */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void __real_free(void *p);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
void __wrap_free(void *p);

static int s_armed;        /* count (and maybe fail) allocations */
static long s_count;       /* allocations seen while armed */
static long s_fail_at;     /* fail the allocation with this number; 0: none */
static long s_failed;      /* allocations failed this run */
static long s_live;        /* tracked blocks not yet freed */
static int s_wipe_check;   /* inspect blocks as they are freed */
static int s_wipe_dirty;   /* a freed block held a secret */

/* Tracked blocks: open addressing, pointer -> size. */
#define S_SLOTS (1u << 18)
typedef struct {
    void *p;
    size_t n;
} s_slot;
static s_slot *s_table;

static size_t s_hash(const void *p)
{
    uintptr_t x = (uintptr_t)p >> 4;
    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(x >> 40) & (S_SLOTS - 1);
}

static void s_track(void *p, size_t n)
{
    if (!p || !s_table)
        return;
    size_t i = s_hash(p);
    while (s_table[i].p && s_table[i].p != p)
        i = (i + 1) & (S_SLOTS - 1);
    if (!s_table[i].p)
        s_live++;
    s_table[i].p = p;
    s_table[i].n = n;
}

/* Removes p; returns its size, or (size_t)-1 when p is not tracked. */
static size_t s_untrack(void *p)
{
    if (!p || !s_table)
        return (size_t)-1;
    size_t i = s_hash(p);
    while (s_table[i].p && s_table[i].p != p)
        i = (i + 1) & (S_SLOTS - 1);
    if (!s_table[i].p)
        return (size_t)-1;
    size_t n = s_table[i].n;
    s_table[i].p = NULL;
    s_live--;
    /* Re-insert the rest of the cluster (backward-shift deletion). */
    for (size_t j = (i + 1) & (S_SLOTS - 1); s_table[j].p;
         j = (j + 1) & (S_SLOTS - 1)) {
        s_slot moved = s_table[j];
        s_table[j].p = NULL;
        s_live--;
        s_track(moved.p, moved.n);
    }
    return n;
}

/* Returns 1 when this allocation is the one to fail. */
static int s_should_fail(void)
{
    if (!s_armed)
        return 0;
    s_count++;
    if (s_fail_at && s_count == s_fail_at) {
        s_failed++;
        return 1;
    }
    return 0;
}

/* The secrets a freed block must not hold (set by the wipe check). */
static const void *s_needles[4];
static size_t s_needle_len[4];

static void s_inspect(const void *p, size_t n)
{
    if (!s_wipe_check || !p)
        return;
    for (int k = 0; k < 4; k++)
        if (s_needles[k] && n >= s_needle_len[k] &&
            memmem(p, n, s_needles[k], s_needle_len[k]))
            s_wipe_dirty |= 1 << k;
}

void *__wrap_malloc(size_t n)
{
    if (s_should_fail())
        return NULL;
    void *p = __real_malloc(n);
    if (s_armed)
        s_track(p, n);
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (s_should_fail())
        return NULL;
    void *p = __real_calloc(n, size);
    if (s_armed)
        s_track(p, n * size);
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    if (s_should_fail())
        return NULL;
    size_t old = s_armed ? s_untrack(p) : (size_t)-1;
    void *q;
    if (s_wipe_check && p && old != (size_t)-1) {
        /* Always move, so the old block can be inspected. */
        q = __real_malloc(n ? n : 1);
        if (!q) {
            s_track(p, old);
            return NULL;
        }
        memcpy(q, p, old < n ? old : n);
        s_inspect(p, old);
        __real_free(p);
    } else {
        q = __real_realloc(p, n);
        if (!q && old != (size_t)-1)
            s_track(p, old); /* the old block stays */
    }
    if (s_armed && q)
        s_track(q, n);
    return q;
}

char *__wrap_strdup(const char *s)
{
    if (s_should_fail())
        return NULL;
    char *p = __real_strdup(s);
    if (s_armed && p)
        s_track(p, strlen(p) + 1);
    return p;
}

void __wrap_free(void *p)
{
    size_t n = s_armed ? s_untrack(p) : (size_t)-1;
    if (n != (size_t)-1)
        s_inspect(p, n);
    __real_free(p);
}

/* ------------------------------------------------------------ scenarios */

static const char *const s_reply_ok_headers =
    "x-amzn-RequestId: 4c1a2f3e-1111-2222-3333-444455556666\r\n"
    "Content-Type: application/json\r\n";
static const char s_reply_ok_body[] =
    "{\"importJob\": {\"importJobId\": \"8e3d2a7c\", \"knowledgeBaseId\": "
    "\"kb-1234\", \"uploadId\": \"upload-1\", \"importJobType\": "
    "\"QUICK_RESPONSES\", \"status\": \"START_IN_PROGRESS\", \"urlExpiry\": "
    "1718000000.5, \"createdTime\": 1717990000, \"metadata\": {\"team\": "
    "\"support\", \"emoji\": \"\\ud83d\\ude00\"}, \"externalSourceConfiguration\": "
    "{\"source\": \"AMAZON_CONNECT\", \"configuration\": {\"connectConfiguration\": "
    "{\"instanceId\": \"inst-1\"}}}}}";
static const char *const s_reply_err_headers =
    "x-amzn-RequestId: 4c1a2f3e-1111-2222-3333-444455556666\r\n"
    "x-amzn-ErrorType: ValidationException:http://internal.amazon.com/\r\n";
static const char s_reply_err_body[] =
    "{\"message\": \"ValidationException happened\", \"resourceName\": \"r\"}";

static const char *const s_reply_500_headers =
    "x-amzn-RequestId: 4c1a2f3e-1111-2222-3333-444455556666\r\n"
    "Content-Type: application/json\r\n";
static const char s_reply_500_body[] = "{\"message\": \"boom\"}";

#define S_SECRET "qcSecretKey/Wipe+Check0123456789abcdefXYZ"
#define S_TOKEN "qcSessionToken0123456789"
#define S_NOW 1700000000

typedef struct s_scenario {
    const char *name;
    long status;
    const char *headers;
    const char *body;
    size_t body_len;
    int expect_rc; /* of the clean run */
    int validate;  /* 0: as parameter_validation=False */
    int bad_params; /* a validation error */
    int retry_mode; /* qc_retry_mode */
    int max_attempts;
} s_scenario;

static const s_scenario s_scenarios[] = {
    {"start_import_job_ok", 200, NULL, s_reply_ok_body,
     sizeof(s_reply_ok_body) - 1, QC_OK, 1, 0, QC_RETRY_LEGACY, 0},
    {"start_import_job_service_error", 400, NULL, s_reply_err_body,
     sizeof(s_reply_err_body) - 1, QC_ERR_SERVICE, 1, 0, QC_RETRY_LEGACY, 0},
    {"start_import_job_unvalidated", 200, NULL, s_reply_ok_body,
     sizeof(s_reply_ok_body) - 1, QC_OK, 0, 0, QC_RETRY_LEGACY, 0},
    {"start_import_job_validation_error", 200, NULL, s_reply_ok_body,
     sizeof(s_reply_ok_body) - 1, QC_ERR_PARAM_VALIDATION, 1, 1, QC_RETRY_LEGACY, 0},
    /* Three attempts (standard retries, no backoff sleep: see main). */
    {"start_import_job_retried_500", 500, NULL, s_reply_500_body,
     sizeof(s_reply_500_body) - 1, QC_ERR_SERVICE, 1, 0, QC_RETRY_STANDARD,
     3},
};

/* Fixed random bytes: the same idempotency token every run. */
static int s_random(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        out[i] = (unsigned char)(i * 37 + 11);
    return 0;
}

/* What one run produced, for comparing with the clean run. */
typedef struct s_outcome {
    int rc;
    long status;
    char request[8192];   /* method, URL, headers, body */
    char response[4096];  /* a flat dump of the parsed value */
} s_outcome;

/* Appends a flat text form of v to out (bounded). */
static void s_dump(const qc_value *v, char *out, size_t cap)
{
    size_t n = strlen(out);
    if (n + 64 >= cap)
        return;
    switch (v->type) {
    case QC_VAL_STRING:
        snprintf(out + n, cap - n, "\"%.*s\"", (int)v->u.s.len, v->u.s.ptr);
        break;
    case QC_VAL_INT:
        snprintf(out + n, cap - n, "%lld", (long long)v->u.i);
        break;
    case QC_VAL_FLOAT:
        snprintf(out + n, cap - n, "%.17g", v->u.f);
        break;
    case QC_VAL_TIMESTAMP:
        snprintf(out + n, cap - n, "@%lld.%06d/%d", (long long)v->u.ts.sec,
                 (int)v->u.ts.usec, (int)v->reserved);
        break;
    case QC_VAL_LIST:
        strcat(out, "[");
        for (size_t i = 0; i < v->u.list.len; i++)
            s_dump(&v->u.list.items[i], out, cap);
        strcat(out, "]");
        break;
    case QC_VAL_MAP:
        strcat(out, "{");
        for (size_t i = 0; i < v->u.map.len; i++) {
            s_dump(&v->u.map.items[i].key, out, cap);
            strcat(out, ":");
            s_dump(&v->u.map.items[i].value, out, cap);
            strcat(out, ",");
        }
        strcat(out, "}");
        break;
    default:
        snprintf(out + n, cap - n, "<%d>", v->type);
        break;
    }
}

/* Runs the scenario once (armed: allocations counted, the s_fail_at-th
 * failing). Returns the call's code, or the set-up step's. */
static int s_run(const s_scenario *sc, s_outcome *oc)
{
    memset(oc, 0, sizeof(*oc));
    qc_transport *t = NULL;
    qc_client *c = NULL;
    qc_arena *a = NULL;
    qc_call_result r;
    int have_result = 0;
    qc_error err;
    qc_error_init(&err);

    s_armed = 1;
    int rc = qc_canned_transport_new(
        sc->status,
        sc->status == 200   ? s_reply_ok_headers
        : sc->status == 500 ? s_reply_500_headers
                            : s_reply_err_headers,
        sc->body, sc->body_len, &t);
    if (rc)
        goto out;
    qc_client_options o;
    qc_client_options_init(&o);
    o.region = "us-east-1";
    o.transport = t;
    o.random = s_random;
    o.user_agent = "qconnect_c-allocfail/1";
    o.retry_mode = sc->retry_mode;
    o.max_attempts = sc->max_attempts;
    rc = qc_client_new(&o, &c, &err);
    if (rc) {
        qc_transport_destroy(t); /* not the client's on failure */
        t = NULL;
        goto out;
    }
    rc = qc_client_set_credentials(c, "AKIDALLOCFAIL", 13, S_SECRET,
                                   strlen(S_SECRET), S_TOKEN,
                                   strlen(S_TOKEN));
    if (rc)
        goto out;
    a = qc_arena_new();
    qc_value params;
    if (!a || qc_value_set_map(&params, a, 4)) {
        rc = QC_ERR_NOMEM;
        goto out;
    }
    static const char *const names[] = {"knowledgeBaseId", "importJobType",
                                        "uploadId", "metadata"};
    for (int i = 0; i < 3; i++)
        qc_value_set_string(&params.u.map.items[i].key, names[i],
                            strlen(names[i]));
    qc_value_set_string(&params.u.map.items[0].value,
                        "8f1c2b7e-1d3a-4c5b-9e6f-0a1b2c3d4e5f", 36);
    qc_value_set_string(&params.u.map.items[1].value,
                        sc->bad_params ? "NOPE" : "QUICK_RESPONSES",
                        sc->bad_params ? 4 : 15);
    if (sc->bad_params)
        qc_value_set_int(&params.u.map.items[2].value, 7);
    else
        qc_value_set_string(&params.u.map.items[2].value, "upload-0001", 11);
    qc_value_set_string(&params.u.map.items[3].key, names[3], 8);
    qc_value *md = &params.u.map.items[3].value;
    if (qc_value_set_map(md, a, 2)) {
        rc = QC_ERR_NOMEM;
        goto out;
    }
    qc_value_set_string(&md->u.map.items[0].key, "team", 4);
    qc_value_set_string(&md->u.map.items[0].value, "support\xed\xa0\x80", 10);
    md->u.map.items[0].value.flags |= QC_VALF_SURROGATE;
    qc_value_set_string(&md->u.map.items[1].key, "n\xc3\xa9", 3);
    qc_value_set_string(&md->u.map.items[1].value, "\xe2\x82\xac", 3);

    qc_call_options co;
    qc_call_options_init(&co);
    co.now_sec = S_NOW;
    co.validate = sc->validate;
    rc = qc_client_call(c, qc_operation_find("StartImportJob", 14), &params,
                        &co, &r);
    have_result = 1;
    if (rc != QC_OK && rc != QC_ERR_SERVICE) {
        /* A failed call says why. */
        const char *why = qc_error_text(&r.err);
        if (!why || !*why) {
            fprintf(stderr, "    no error text for %s\n", qc_errname(rc));
            rc = -1;
        }
    }
    oc->status = r.status;
    if (rc == QC_OK || rc == QC_ERR_SERVICE) {
        s_armed = 0;
        s_dump(&r.response, oc->response, sizeof oc->response);
        s_armed = 1;
    }
    if (rc == QC_OK || rc == QC_ERR_SERVICE) {
        s_armed = 0;
        qc_http_request req;
        if (qc_canned_transport_last_request(t, &req) == QC_OK) {
            size_t n = (size_t)snprintf(oc->request, sizeof oc->request,
                                        "%s %.*s%.*s?%.*s\n", req.method,
                                        (int)req.host.len,
                                        req.host.data ? req.host.data : "",
                                        (int)req.path.len,
                                        req.path.data ? req.path.data : "",
                                        (int)req.query.len,
                                        req.query.data ? req.query.data : "");
            for (size_t i = 0; i < req.headers.len && n < sizeof oc->request;
                 i++)
                n += (size_t)snprintf(oc->request + n, sizeof oc->request - n,
                                      "%s: %s\n", req.headers.items[i].name,
                                      req.headers.items[i].value);
            if (n < sizeof oc->request)
                snprintf(oc->request + n, sizeof oc->request - n, "%.*s",
                         (int)req.body.len, req.body.data ? req.body.data : "");
            qc_http_request_clean_up(&req);
        }
        s_armed = 1;
    }
out:
    if (have_result)
        qc_call_result_clean_up(&r);
    qc_arena_destroy(a);
    if (c)
        qc_client_destroy(c); /* destroys t too */
    qc_error_clean_up(&err);
    oc->rc = rc;
    return rc;
}

typedef struct s_job {
    const s_scenario *sc;
    s_outcome *oc;
} s_job;

static void *s_thread_main(void *arg)
{
    s_job *j = arg;
    s_run(j->sc, j->oc);
    return NULL;
}

/* Runs the scenario once in a thread of its own: the core keeps freed
 * large blocks in a per-thread cache, which the thread's exit empties, so
 * every block of the run is freed (and seen by the wrappers) by the time
 * this returns. Returns the call's code. */
static int s_run_once(const s_scenario *sc, s_outcome *oc)
{
    s_job j = {sc, oc};
    pthread_t th;
    s_armed = 0;
    if (pthread_create(&th, NULL, s_thread_main, &j) != 0) {
        oc->rc = -1;
        return -1;
    }
    pthread_join(th, NULL);
    s_armed = 0;
    return oc->rc;
}

/* Returns 1 after checking no tracked block is left (and LSan agrees). */
static int s_no_leak(const char *what, long n)
{
    int ok = 1;
    if (s_live != 0) {
        fprintf(stderr, "    %s, allocation %ld failed: %ld block(s) leaked\n",
                what, n, s_live);
        ok = 0;
    }
#ifdef S_HAVE_LSAN
    /* LeakSanitizer scans conservatively and repeats a report on every
     * later check: asked until its first report. */
    static int lsan_reported;
    if (!lsan_reported && __lsan_do_recoverable_leak_check()) {
        fprintf(stderr, "    %s, allocation %ld failed: LeakSanitizer report\n",
                what, n);
        lsan_reported = 1;
        ok = 0;
    }
#endif
    memset(s_table, 0, S_SLOTS * sizeof(*s_table));
    s_live = 0;
    return ok;
}

/* Returns 1 when the scenario passed for every N. */
static int s_scenario_run(const s_scenario *sc)
{
    static s_outcome clean, got;
    s_fail_at = 0;
    s_count = 0;
    s_failed = 0;
    int rc = s_run_once(sc, &clean);
    long total = s_count;
    if (rc != sc->expect_rc) {
        fprintf(stderr, "    %s: clean run gave %s, expected %s\n", sc->name,
                qc_errname(rc), qc_errname(sc->expect_rc));
        return 0;
    }
    if (!s_no_leak(sc->name, 0))
        return 0;
    int ok = 1;
    long n, absorbed = 0, codes[QC_ERR_COUNT_ + 1];
    memset(codes, 0, sizeof codes);
    for (n = 1;; n++) {
        s_fail_at = n;
        s_count = 0;
        s_failed = 0;
        rc = s_run_once(sc, &got);
        if (!s_failed)
            break; /* N is past the last allocation: done */
        if (!s_no_leak(sc->name, n))
            ok = 0;
        if (rc < 0 || rc >= QC_ERR_COUNT_) {
            ok = 0;
            continue;
        }
        codes[rc]++;
        if (rc == sc->expect_rc) {
            /* The failure was absorbed: the result must be the same. */
            absorbed++;
            if (strcmp(got.request, clean.request) != 0 ||
                strcmp(got.response, clean.response) != 0 ||
                got.status != clean.status) {
                fprintf(stderr,
                        "    %s, allocation %ld failed: %s with a different "
                        "result\n      request:  %.200s\n      expected: "
                        "%.200s\n      response: %.200s\n      expected: "
                        "%.200s\n",
                        sc->name, n, qc_errname(rc), got.request,
                        clean.request, got.response, clean.response);
                ok = 0;
            }
        } else if (rc != QC_ERR_NOMEM) {
            fprintf(stderr, "    %s, allocation %ld failed: %s, not "
                            "QC_ERR_NOMEM\n", sc->name, n, qc_errname(rc));
            ok = 0;
        }
    }
    printf("%s %s: %ld allocations, %ld failure runs (%ld QC_ERR_NOMEM, %ld "
           "absorbed)\n", ok ? "ok  " : "FAIL", sc->name, total, n - 1,
           codes[QC_ERR_NOMEM], absorbed);
    fflush(stdout);
    return ok;
}

/* ------------------------------------------------------------ wipe */

/* Returns 1 when no block the core freed held the secret or its keys. */
static int s_wipe(void)
{
    /* The derived key for the signing scope of the call. */
    unsigned char k1[32], k2[32], k3[32], key[32];
    static const char aws4[] = "AWS4" S_SECRET;
    if (qc_hmac_sha256(aws4, sizeof(aws4) - 1, "20231114", 8, k1) ||
        qc_hmac_sha256(k1, 32, "us-east-1", 9, k2) ||
        qc_hmac_sha256(k2, 32, "wisdom", 6, k3) ||
        qc_hmac_sha256(k3, 32, "aws4_request", 12, key))
        return 0;
    s_needles[0] = S_SECRET;
    s_needle_len[0] = strlen(S_SECRET);
    s_needles[1] = aws4;
    s_needle_len[1] = sizeof(aws4) - 1;
    s_needles[2] = key;
    s_needle_len[2] = 32;
    s_needles[3] = k1;
    s_needle_len[3] = 32;
    s_wipe_check = 1;
    s_wipe_dirty = 0;
    s_fail_at = 0;
    s_outcome oc;
    int rc = s_run_once(&s_scenarios[0], &oc);
    s_wipe_check = 0;
    static const char *const what[] = {"the secret key", "AWS4 + secret",
                                       "the signing key",
                                       "a key-derivation step"};
    int ok = rc == QC_OK && s_no_leak("wipe", 0);
    for (int k = 0; k < 4; k++)
        if (s_wipe_dirty & (1 << k)) {
            fprintf(stderr, "    a block freed by the core still held %s\n",
                    what[k]);
            ok = 0;
        }
    printf("%s wipe: freed and moved blocks hold no secret key material\n",
           ok ? "ok  " : "FAIL");
    return ok;
}

/* ------------------------------------------------------- first use */

/* In a fresh child: creates a first client with allocation n failing (0:
 * none), then, when that failed, a second one, which must work; both are
 * destroyed. Exits with 10 when n was past the last allocation, else with
 * 20 + the number of core blocks still live (the process-wide state the
 * first creation set up), or 1 on an error. */
static void s_first_use_child(long n)
{
    qc_client_options o;
    qc_client_options_init(&o);
    o.region = "us-east-1";
    qc_transport *t = NULL;
    qc_client *c = NULL;
    qc_error err;
    qc_error_init(&err);
    s_fail_at = n;
    s_count = 0;
    s_failed = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        s_armed = 0;
        if (qc_canned_transport_new(200, NULL, "{}", 2, &t))
            _exit(3);
        o.transport = t;
        s_armed = 1;
        int rc = qc_client_new(&o, &c, &err);
        if (rc == QC_OK) {
            qc_client_destroy(c); /* destroys t too */
            qc_error_clean_up(&err);
            break;
        }
        if (attempt == 1 || rc != QC_ERR_NOMEM) {
            fprintf(stderr, "    first use, allocation %ld failed: %s "
                            "creation gave %s (%s)\n", n,
                    attempt ? "the next" : "the first", qc_errname(rc),
                    qc_error_text(&err));
            _exit(1);
        }
        qc_error_clean_up(&err);
        s_armed = 0;
        qc_transport_destroy(t); /* not the client's on failure */
    }
    s_armed = 0;
    if (n && !s_failed)
        _exit(10); /* past the last allocation */
    _exit(20 + (int)(s_live < 100 ? s_live : 100));
}

/* Returns the exit status of s_first_use_child(n) run in a fresh child, or
 * -1 when it did not exit. */
static int s_first_use_status(long n)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        s_first_use_child(n);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Returns 1 when a failed allocation during the process's first client
 * creation (which also sets up process-wide state once) leaves no lasting
 * harm: each N runs in a fresh child, whose next creation must work, with
 * exactly the blocks a clean first creation keeps still live at the end
 * (the process-wide state; anything more is a leak). */
static int s_first_use(void)
{
    int ok = 1;
    long n, total = -1;
    int kept = s_first_use_status(0);
    if (kept < 20) {
        fprintf(stderr, "    first use: the clean run failed\n");
        return 0;
    }
    for (n = 1; n < 10000; n++) {
        int st = s_first_use_status(n);
        if (st == 10) {
            total = n - 1;
            break;
        }
        if (st != kept) {
            if (st >= 20)
                fprintf(stderr, "    first use, allocation %ld failed: %d "
                                "block(s) leaked\n", n, st - kept);
            ok = 0;
        }
    }
    printf("%s first_client_creation: %ld failure runs, each in a fresh "
           "process (%d block(s) of process-wide state kept)\n",
           ok && total >= 0 ? "ok  " : "FAIL", total, kept - 20);
    return ok && total >= 0;
}

int main(int argc, char **argv)
{
    s_table = __real_calloc(S_SLOTS, sizeof(*s_table));
    if (!s_table)
        return 2;
    /* Retries without the backoff sleeps (the core's test knob). */
    setenv("QC_TEST_BACKOFF_SCALE", "0", 1);
    size_t passed = 0, failed = 0;
    int want_first = argc <= 1;
    for (int k = 1; k < argc; k++)
        want_first |= strstr("first_client_creation", argv[k]) != NULL;
    if (want_first) {
        /* Before anything else in this process has set up shared state. */
        if (s_first_use())
            passed++;
        else
            failed++;
    }
    /* Once-per-process set-up (the region patterns) happens here, before
     * counting: it is not part of a call. */
    s_outcome warm;
    if (s_run_once(&s_scenarios[0], &warm) != QC_OK) {
        fprintf(stderr, "the warm-up call failed\n");
        return 2;
    }
    memset(s_table, 0, S_SLOTS * sizeof(*s_table));
    s_live = 0;

    for (size_t i = 0; i < sizeof(s_scenarios) / sizeof(s_scenarios[0]); i++) {
        int selected = argc <= 1;
        for (int k = 1; k < argc; k++)
            selected |= strstr(s_scenarios[i].name, argv[k]) != NULL;
        if (!selected)
            continue;
        if (s_scenario_run(&s_scenarios[i]))
            passed++;
        else
            failed++;
    }
    int want_wipe = argc <= 1;
    for (int k = 1; k < argc; k++)
        want_wipe |= strstr("wipe", argv[k]) != NULL;
    if (want_wipe) {
        if (s_wipe())
            passed++;
        else
            failed++;
    }
    printf("%zu passed, %zu failed\n", passed, failed);
    __real_free(s_table);
    return failed ? 1 : 0;
}
