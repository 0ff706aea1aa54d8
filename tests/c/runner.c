/*
 * runner.c — runs every registered test in its own process (fork) with a
 * timeout, so one crash or hang fails one test, not the run.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

#define QC_TEST_TIMEOUT_S 60

typedef struct {
    const char *name;
    qc_test_fn fn;
} qc_test_entry;

static qc_test_entry *s_tests;
static size_t s_n_tests, s_cap_tests;
static int s_failed_in_child;

void qc_test_register(const char *name, qc_test_fn fn)
{
    if (s_n_tests == s_cap_tests) {
        size_t cap = s_cap_tests ? s_cap_tests * 2 : 64;
        qc_test_entry *n = realloc(s_tests, cap * sizeof(*n));
        if (!n) {
            fputs("test registry: out of memory\n", stderr);
            exit(2);
        }
        s_tests = n;
        s_cap_tests = cap;
    }
    s_tests[s_n_tests].name = name;
    s_tests[s_n_tests].fn = fn;
    s_n_tests++;
}

void qc_test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "    %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    s_failed_in_child = 1;
}

const char *qc_test_data_dir(void)
{
    const char *d = getenv("QC_TEST_DATA");
    return d && *d ? d : "tests";
}

char *qc_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *data = malloc(cap + 1);
    while (data) {
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        cap *= 2;
        char *bigger = realloc(data, cap + 1);
        if (!bigger) {
            free(data);
            data = NULL;
        } else {
            data = bigger;
        }
    }
    fclose(f);
    if (!data)
        return NULL;
    data[n] = '\0';
    if (len)
        *len = n;
    return data;
}

long qc_test_time_scale(void)
{
    const char *v = getenv("QC_TEST_TIME_SCALE");
    char *end = NULL;
    long k = v && *v ? strtol(v, &end, 10) : 1;
    return end && *end == '\0' && k >= 1 && k <= 100 ? k : 1;
}

static int s_cmp(const void *a, const void *b)
{
    return strcmp(((const qc_test_entry *)a)->name,
                  ((const qc_test_entry *)b)->name);
}

static int s_selected(const char *name, int argc, char **argv)
{
    if (argc <= 1)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strstr(name, argv[i]))
            return 1;
    return 0;
}

/* Returns 0 when the test passed. */
static int s_run_one(const qc_test_entry *t)
{
    if (getenv("QC_TEST_NOFORK")) {
        s_failed_in_child = 0;
        t->fn();
        return s_failed_in_child;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        alarm(QC_TEST_TIMEOUT_S);
        t->fn();
        fflush(NULL);
        /* exit() runs atexit handlers (LeakSanitizer reports there). */
        exit(s_failed_in_child ? 1 : 0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "    killed by signal %d%s\n", WTERMSIG(status),
                WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
        return 1;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    size_t passed = 0, failed = 0;
    qsort(s_tests, s_n_tests, sizeof(*s_tests), s_cmp);
    for (size_t i = 0; i < s_n_tests; i++) {
        if (!s_selected(s_tests[i].name, argc, argv))
            continue;
        int rc = s_run_one(&s_tests[i]);
        printf("%s %s\n", rc ? "FAIL" : "ok  ", s_tests[i].name);
        fflush(stdout);
        if (rc)
            failed++;
        else
            passed++;
    }
    printf("%zu passed, %zu failed\n", passed, failed);
    free(s_tests);
    return failed ? 1 : 0;
}
