/*
 * test_fuzz_replay.c — replays the committed fuzz corpora (fuzz/corpus/
 * <target>/: the seeds and every input that once crashed a target,
 * regress-*) through the libFuzzer targets' own entry points, so each
 * past crash stays a test of the normal, sanitizer and valgrind runs.
 * (fuzz_curl_headers compiles the libcurl transport into itself, so its
 * corpus is replayed by `make fuzz` / `make fuzz-quick` only.)
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "runner.h"

#define QC_FUZZ_REPLAY 1
/* The current corpus file, for the report of a broken invariant. */
static const char *s_replay_file = "";
#define FZ_REPLAY_FAILED(expr)                                               \
    do {                                                                     \
        fprintf(stderr, "    %s: fuzz invariant failed at %s:%d: %s\n",      \
                s_replay_file, __FILE__, __LINE__, expr);                    \
        abort();                                                             \
    } while (0)

#include "../../fuzz/fuzz_endpoint.c"
#include "../../fuzz/fuzz_error.c"
#include "../../fuzz/fuzz_headers.c"
#include "../../fuzz/fuzz_http1.c"
#include "../../fuzz/fuzz_parse.c"
#include "../../fuzz/fuzz_sigv4.c"
#include "../../fuzz/fuzz_value.c"

typedef int (*s_entry)(const uint8_t *data, size_t size);

static int s_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every file of fuzz/corpus/<target> through entry; returns the
 * number of files (0 when the directory is missing or empty). */
static size_t s_replay(const char *target, s_entry entry)
{
    char dir[4096];
    const char *data_dir = qc_test_data_dir();
    size_t n = strlen(data_dir);
    while (n > 1 && data_dir[n - 1] == '/')
        n--;
    /* tests/ sits beside fuzz/. */
    const char *slash = NULL;
    for (size_t i = 0; i < n; i++)
        if (data_dir[i] == '/')
            slash = data_dir + i;
    if (slash)
        snprintf(dir, sizeof dir, "%.*s/fuzz/corpus/%s",
                 (int)(slash - data_dir), data_dir, target);
    else
        snprintf(dir, sizeof dir, "fuzz/corpus/%s", target);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 256;
            char **bigger = realloc(names, cap * sizeof(*names));
            if (!bigger)
                break;
            names = bigger;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[count] = malloc(len);
        if (!names[count])
            break;
        snprintf(names[count], len, "%s/%s", dir, e->d_name);
        count++;
    }
    closedir(d);
    qsort(names, count, sizeof(*names), s_name_cmp);
    for (size_t i = 0; i < count; i++) {
        size_t len = 0;
        char *bytes = qc_test_read_file(names[i], &len);
        if (bytes) {
            /* An exact-size copy, so reading past the end is caught. */
            uint8_t *exact = malloc(len ? len : 1);
            if (exact) {
                memcpy(exact, bytes, len);
                s_replay_file = names[i];
                entry(exact, len);
                free(exact);
            }
            free(bytes);
        }
        free(names[i]);
    }
    free(names);
    s_replay_file = "";
    return count;
}

QC_TEST(fuzz_replay_parse)
{
    QC_CHECK(s_replay("parse", qc_fuzz_parse) > 0);
}

QC_TEST(fuzz_replay_error)
{
    QC_CHECK(s_replay("error", qc_fuzz_error) > 0);
}

QC_TEST(fuzz_replay_headers)
{
    QC_CHECK(s_replay("headers", qc_fuzz_headers) > 0);
}

QC_TEST(fuzz_replay_http1)
{
    QC_CHECK(s_replay("http1", qc_fuzz_http1) > 0);
}

QC_TEST(fuzz_replay_sigv4)
{
    QC_CHECK(s_replay("sigv4", qc_fuzz_sigv4) > 0);
}

QC_TEST(fuzz_replay_endpoint)
{
    QC_CHECK(s_replay("endpoint", qc_fuzz_endpoint) > 0);
}

QC_TEST(fuzz_replay_value)
{
    QC_CHECK(s_replay("value", qc_fuzz_value) > 0);
}
