/*
 * floor.c — the end-to-end floor of the benchmark: plain libcurl sending a
 * recorded request (the exact header lines and body qconnect_c sent) over
 * one keep-alive connection per thread, with no signing, serialization or
 * parsing. Whatever a client does per call costs on top of this.
 *
 *   floor REQUEST_FILE SECONDS [THREADS]
 *   floor REQUEST_FILE --once
 *
 * REQUEST_FILE: the URL on the first line, then "Name: value" header lines,
 * an empty line, and the body (the rest of the file). Prints one JSON
 * object: calls, seconds, calls_per_s, cpu_us_per_call (user+sys of this
 * process per call), user_us_per_call, sys_us_per_call.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct {
    char *url;
    struct curl_slist *headers;
    char *body;
    size_t body_len;
} s_request;

typedef struct {
    char *data;
    size_t len, cap;
} s_sink;

typedef struct {
    const s_request *req;
    atomic_int *stop;
    long calls;
    int failed;
    char error[CURL_ERROR_SIZE];
} s_worker;

/* Returns the whole file as a NUL-terminated malloc'd buffer (caller frees)
 * and its length in *len, or NULL. */
static char *s_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *p = realloc(data, ncap);
            if (!p) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = p;
            cap = ncap;
        }
        size_t got = fread(data + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    data[n] = '\0';
    *len = n;
    return data;
}

/* Parses the request file into r (owning copies). Returns 0 or -1. */
static int s_load_request(const char *path, s_request *r)
{
    size_t len = 0;
    char *text = s_read_file(path, &len);
    if (!text)
        return -1;
    int rc = -1;
    char *p = text, *end = text + len;
    char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
        goto out;
    r->url = strndup(p, (size_t)(eol - p));
    if (!r->url)
        goto out;
    p = eol + 1;
    for (;;) {
        eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            goto out;
        size_t n = (size_t)(eol - p);
        if (n && p[n - 1] == '\r')
            n--;
        if (n == 0) {
            p = eol + 1;
            break;
        }
        char *line = strndup(p, n);
        if (!line)
            goto out;
        struct curl_slist *l = curl_slist_append(r->headers, line);
        free(line);
        if (!l)
            goto out;
        r->headers = l;
        p = eol + 1;
    }
    r->body_len = (size_t)(end - p);
    r->body = malloc(r->body_len + 1);
    if (!r->body)
        goto out;
    memcpy(r->body, p, r->body_len);
    r->body[r->body_len] = '\0';
    rc = 0;
out:
    free(text);
    return rc;
}

/* Frees what s_load_request allocated. */
static void s_request_clean_up(s_request *r)
{
    free(r->url);
    free(r->body);
    curl_slist_free_all(r->headers);
    memset(r, 0, sizeof(*r));
}

/* curl write callback: appends the body to the sink (like a client must).
 * Returns the bytes taken, or 0 to fail the transfer. */
static size_t s_on_body(char *ptr, size_t size, size_t nmemb, void *ctx)
{
    s_sink *s = ctx;
    size_t n = size * nmemb;
    if (s->len + n + 1 > s->cap) {
        size_t ncap = s->cap ? s->cap : 1024;
        while (ncap < s->len + n + 1)
            ncap *= 2;
        char *p = realloc(s->data, ncap);
        if (!p)
            return 0;
        s->data = p;
        s->cap = ncap;
    }
    memcpy(s->data + s->len, ptr, n);
    s->len += n;
    return n;
}

/* Returns a configured easy handle for req writing into sink, or NULL. */
static CURL *s_easy(const s_request *req, s_sink *sink, char *errbuf)
{
    CURL *e = curl_easy_init();
    if (!e)
        return NULL;
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, req->headers);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, s_on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, sink);
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    return e;
}

/* Performs one call on e; returns 0 when the reply is a 200 with a body. */
static int s_call(CURL *e, s_sink *sink)
{
    sink->len = 0;
    if (curl_easy_perform(e) != CURLE_OK)
        return -1;
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    return status == 200 && sink->len > 0 ? 0 : -1;
}

/* Thread body: calls until *stop; counts in w->calls. */
static void *s_run(void *arg)
{
    s_worker *w = arg;
    s_sink sink = {NULL, 0, 0};
    w->error[0] = '\0';
    CURL *e = s_easy(w->req, &sink, w->error);
    if (!e) {
        w->failed = 1;
        return NULL;
    }
    while (!atomic_load(w->stop)) {
        if (s_call(e, &sink)) {
            w->failed = 1;
            break;
        }
        w->calls++;
    }
    curl_easy_cleanup(e);
    free(sink.data);
    return NULL;
}

/* Returns seconds of a monotonic clock. */
static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Returns user and system CPU seconds of this process. */
static void s_cpu(double *user, double *sys)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    *sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* --once: one call, the reply body on stdout. Returns the exit status. */
static int s_once(const s_request *req)
{
    s_sink sink = {NULL, 0, 0};
    char errbuf[CURL_ERROR_SIZE] = "";
    CURL *e = s_easy(req, &sink, errbuf);
    int rc = 1;
    if (e && s_call(e, &sink) == 0) {
        fwrite(sink.data, 1, sink.len, stdout);
        putchar('\n');
        rc = 0;
    } else {
        fprintf(stderr, "floor: call failed: %s\n", errbuf);
    }
    if (e)
        curl_easy_cleanup(e);
    free(sink.data);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: floor REQUEST_FILE SECONDS [THREADS] | "
                        "floor REQUEST_FILE --once\n");
        return 2;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    s_request req;
    memset(&req, 0, sizeof(req));
    if (s_load_request(argv[1], &req)) {
        fprintf(stderr, "floor: cannot read %s\n", argv[1]);
        return 1;
    }
    int rc = 1;
    if (strcmp(argv[2], "--once") == 0) {
        rc = s_once(&req);
        goto out;
    }
    double seconds = strtod(argv[2], NULL);
    int nthreads = argc > 3 ? atoi(argv[3]) : 1;
    if (seconds <= 0 || nthreads < 1 || nthreads > 256) {
        fprintf(stderr, "floor: bad SECONDS or THREADS\n");
        goto out;
    }
    s_worker *w = calloc((size_t)nthreads, sizeof(*w));
    pthread_t *tid = calloc((size_t)nthreads, sizeof(*tid));
    if (!w || !tid) {
        free(w);
        free(tid);
        goto out;
    }
    atomic_int stop = 0;
    double u0, s0, u1, s1;
    s_cpu(&u0, &s0);
    double t0 = s_now();
    int started = 0;
    for (int i = 0; i < nthreads; i++) {
        w[i].req = &req;
        w[i].stop = &stop;
        if (pthread_create(&tid[i], NULL, s_run, &w[i]) != 0)
            break;
        started++;
    }
    struct timespec ts = {(time_t)seconds,
                          (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
    atomic_store(&stop, 1);
    long calls = 0;
    int failed = started != nthreads;
    for (int i = 0; i < started; i++) {
        pthread_join(tid[i], NULL);
        calls += w[i].calls;
        if (w[i].failed) {
            fprintf(stderr, "floor: thread %d failed: %s\n", i, w[i].error);
            failed = 1;
        }
    }
    double wall = s_now() - t0;
    s_cpu(&u1, &s1);
    free(w);
    free(tid);
    if (failed || calls == 0)
        goto out;
    printf("{\"impl\": \"floor\", \"threads\": %d, \"calls\": %ld, "
           "\"seconds\": %.6f, \"calls_per_s\": %.3f, "
           "\"cpu_us_per_call\": %.4f, \"user_us_per_call\": %.4f, "
           "\"sys_us_per_call\": %.4f}\n",
           nthreads, calls, wall, (double)calls / wall,
           ((u1 - u0) + (s1 - s0)) / (double)calls * 1e6,
           (u1 - u0) / (double)calls * 1e6, (s1 - s0) / (double)calls * 1e6);
    rc = 0;
out:
    s_request_clean_up(&req);
    curl_global_cleanup();
    return rc;
}
