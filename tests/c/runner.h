/*
 * runner.h — the C test harness. A test file defines tests with
 *
 *     QC_TEST(sigv4_vanilla) { ... QC_CHECK(cond); QC_CHECK_EQ_STR(a, b); }
 *
 * and they register themselves; runner.c runs each in its own process with
 * a timeout and prints one closing line "N passed, N failed".
 * Run a subset with: run_tests <substring>...
 */
#ifndef QC_TEST_RUNNER_H
#define QC_TEST_RUNNER_H

#include <stdio.h>
#include <string.h>

typedef void (*qc_test_fn)(void);
void qc_test_register(const char *name, qc_test_fn fn);
void qc_test_fail(const char *file, int line, const char *fmt, ...);
/* The directory holding tests/ data (set by runner from QC_TEST_DATA or
 * the default "tests"). */
const char *qc_test_data_dir(void);
/* Reads a whole file; returns malloc'd NUL-terminated data or NULL. */
char *qc_test_read_file(const char *path, size_t *len);
/* Returns the factor by which tests bound by wall-clock time stretch their
 * durations (stalls, timeouts, backoffs, deadlines and the bounds checked
 * on them, all together, so a test asserts the same thing at any scale):
 * QC_TEST_TIME_SCALE, an integer from 1 to 100 (`make valgrind` sets it, as
 * code runs 20-50x slower there), else 1. */
long qc_test_time_scale(void);

#define QC_TEST(name)                                                        \
    static void qc_test_##name(void);                                        \
    __attribute__((constructor)) static void qc_test_reg_##name(void)        \
    {                                                                        \
        qc_test_register(#name, qc_test_##name);                             \
    }                                                                        \
    static void qc_test_##name(void)

#define QC_CHECK(cond)                                                       \
    do {                                                                     \
        if (!(cond)) {                                                       \
            qc_test_fail(__FILE__, __LINE__, "check failed: %s", #cond);     \
            return;                                                          \
        }                                                                    \
    } while (0)

#define QC_CHECK_EQ_INT(a, b)                                                \
    do {                                                                     \
        long long qc_a_ = (long long)(a), qc_b_ = (long long)(b);            \
        if (qc_a_ != qc_b_) {                                                \
            qc_test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a,   \
                         #b, qc_a_, qc_b_);                                  \
            return;                                                          \
        }                                                                    \
    } while (0)

#define QC_CHECK_EQ_STR(a, b)                                                \
    do {                                                                     \
        const char *qc_a_ = (a), *qc_b_ = (b);                               \
        if (!qc_a_ || !qc_b_ || strcmp(qc_a_, qc_b_) != 0) {                 \
            qc_test_fail(__FILE__, __LINE__,                                 \
                         "%s == %s:\n  got:      \"%s\"\n  expected: \"%s\"", \
                         #a, #b, qc_a_ ? qc_a_ : "(null)",                   \
                         qc_b_ ? qc_b_ : "(null)");                          \
            return;                                                          \
        }                                                                    \
    } while (0)

#define QC_CHECK_EQ_MEM(a, alen, b, blen)                                    \
    do {                                                                     \
        size_t qc_al_ = (alen), qc_bl_ = (blen);                             \
        if (qc_al_ != qc_bl_ || memcmp((a), (b), qc_al_) != 0) {             \
            qc_test_fail(__FILE__, __LINE__,                                 \
                         "%s == %s:\n  got:      \"%.*s\"\n  expected: \"%.*s\"", \
                         #a, #b, (int)qc_al_, (const char *)(a), (int)qc_bl_, \
                         (const char *)(b));                                 \
            return;                                                          \
        }                                                                    \
    } while (0)

#endif
