/*
 * test_retry.c — the retry decisions of retry.c against botocore 1.43.11.
 *
 * The tables marked BOTOCORE-TABLE hold botocore's own answers for each
 * input row (its legacy retry handler built from _retry.json for "wisdom",
 * StandardRetryConditions, ThrottlingErrorDetector, delay_exponential,
 * ExponentialBackoff, Endpoint._set_ttl, and ClientRateLimiter on a fake
 * clock). tests/test_retries.py::test_c_tables_are_botocore recomputes every
 * row with botocore and fails when one differs; `python
 * tests/test_retries.py` prints them. The end-to-end tests run the client
 * against the C test server.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "model.h"
#include "pipeline.h"
#include "retry.h"
#include "runner.h"
#include "test_server.h"

/* Returns 1 when a and b agree to 1e-12 (relative). */
static int s_close(double a, double b)
{
    double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return fabs(a - b) <= 1e-12 * (scale > 1.0 ? scale : 1.0);
}

static qc_retry_outcome s_outcome(int rc, long status, const char *code)
{
    qc_retry_outcome o;
    memset(&o, 0, sizeof(o));
    o.rc = rc;
    o.status = status;
    o.error_code = code;
    o.error_code_len = code ? strlen(code) : 0;
    return o;
}

/* ------------------------------------------------------------ decisions */

typedef struct {
    int rc;
    long status;
    const char *code;
    int legacy, standard, throttling;
} s_decision_case;

/* BOTOCORE-TABLE decisions: {rc, status, Error.Code, legacy retries,
 * standard retries, throttling error} at attempt 1. */
static const s_decision_case s_decisions[] = {
    {QC_OK, 200, NULL, 0, 0, 0},
    {QC_OK, 201, NULL, 0, 0, 0},
    {QC_ERR_CONNECT, 0, NULL, 1, 1, 0},
    {QC_ERR_CONNECT_TIMEOUT, 0, NULL, 1, 1, 0},
    {QC_ERR_READ_TIMEOUT, 0, NULL, 1, 1, 0},
    {QC_ERR_CONNECTION_CLOSED, 0, NULL, 1, 1, 0},
    {QC_ERR_SSL, 0, NULL, 1, 1, 0},
    {QC_ERR_PROXY, 0, NULL, 1, 1, 0},
    {QC_ERR_HTTP, 0, NULL, 0, 1, 0},
    {QC_ERR_SERVICE, 400, NULL, 0, 0, 0},
    {QC_ERR_SERVICE, 400, "ThrottlingException", 1, 1, 1},
    {QC_ERR_SERVICE, 400, "Throttling", 1, 1, 1},
    {QC_ERR_SERVICE, 400, "ThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 400, "RequestThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 400, "ProvisionedThroughputExceededException", 1, 1, 1},
    {QC_ERR_SERVICE, 400, "TooManyRequestsException", 0, 1, 1},
    {QC_ERR_SERVICE, 400, "TransactionInProgressException", 0, 1, 1},
    {QC_ERR_SERVICE, 400, "RequestLimitExceeded", 0, 1, 1},
    {QC_ERR_SERVICE, 400, "BandwidthLimitExceeded", 0, 1, 1},
    {QC_ERR_SERVICE, 400, "LimitExceededException", 0, 1, 1},
    {QC_ERR_SERVICE, 400, "RequestThrottled", 0, 1, 1},
    {QC_ERR_SERVICE, 400, "SlowDown", 0, 1, 1},
    {QC_ERR_SERVICE, 400, "PriorRequestNotComplete", 0, 1, 1},
    {QC_ERR_SERVICE, 400, "EC2ThrottledException", 0, 1, 1},
    {QC_ERR_SERVICE, 400, "RequestTimeout", 0, 1, 0},
    {QC_ERR_SERVICE, 400, "RequestTimeoutException", 0, 1, 0},
    {QC_ERR_SERVICE, 400, "ValidationException", 0, 0, 0},
    {QC_ERR_SERVICE, 400, "InternalServerException", 0, 0, 0},
    {QC_ERR_SERVICE, 400, "IDPCommunicationError", 0, 0, 0},
    {QC_ERR_SERVICE, 400, "throttlingexception", 0, 0, 0},
    {QC_ERR_SERVICE, 403, NULL, 0, 0, 0},
    {QC_ERR_SERVICE, 403, "ThrottlingException", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "Throttling", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "ThrottledException", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "RequestThrottledException", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "ProvisionedThroughputExceededException", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "TooManyRequestsException", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "TransactionInProgressException", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "RequestLimitExceeded", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "BandwidthLimitExceeded", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "LimitExceededException", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "RequestThrottled", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "SlowDown", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "PriorRequestNotComplete", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "EC2ThrottledException", 0, 1, 1},
    {QC_ERR_SERVICE, 403, "RequestTimeout", 0, 1, 0},
    {QC_ERR_SERVICE, 403, "RequestTimeoutException", 0, 1, 0},
    {QC_ERR_SERVICE, 403, "ValidationException", 0, 0, 0},
    {QC_ERR_SERVICE, 403, "InternalServerException", 0, 0, 0},
    {QC_ERR_SERVICE, 403, "IDPCommunicationError", 0, 0, 0},
    {QC_ERR_SERVICE, 403, "throttlingexception", 0, 0, 0},
    {QC_ERR_SERVICE, 408, NULL, 0, 0, 0},
    {QC_ERR_SERVICE, 408, "ThrottlingException", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "Throttling", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "ThrottledException", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "RequestThrottledException", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "ProvisionedThroughputExceededException", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "TooManyRequestsException", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "TransactionInProgressException", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "RequestLimitExceeded", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "BandwidthLimitExceeded", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "LimitExceededException", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "RequestThrottled", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "SlowDown", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "PriorRequestNotComplete", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "EC2ThrottledException", 0, 1, 1},
    {QC_ERR_SERVICE, 408, "RequestTimeout", 0, 1, 0},
    {QC_ERR_SERVICE, 408, "RequestTimeoutException", 0, 1, 0},
    {QC_ERR_SERVICE, 408, "ValidationException", 0, 0, 0},
    {QC_ERR_SERVICE, 408, "InternalServerException", 0, 0, 0},
    {QC_ERR_SERVICE, 408, "IDPCommunicationError", 0, 0, 0},
    {QC_ERR_SERVICE, 408, "throttlingexception", 0, 0, 0},
    {QC_ERR_SERVICE, 429, NULL, 1, 0, 0},
    {QC_ERR_SERVICE, 429, "ThrottlingException", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "Throttling", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "ThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "RequestThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "ProvisionedThroughputExceededException", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "TooManyRequestsException", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "TransactionInProgressException", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "RequestLimitExceeded", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "BandwidthLimitExceeded", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "LimitExceededException", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "RequestThrottled", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "SlowDown", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "PriorRequestNotComplete", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "EC2ThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 429, "RequestTimeout", 1, 1, 0},
    {QC_ERR_SERVICE, 429, "RequestTimeoutException", 1, 1, 0},
    {QC_ERR_SERVICE, 429, "ValidationException", 1, 0, 0},
    {QC_ERR_SERVICE, 429, "InternalServerException", 1, 0, 0},
    {QC_ERR_SERVICE, 429, "IDPCommunicationError", 1, 0, 0},
    {QC_ERR_SERVICE, 429, "throttlingexception", 1, 0, 0},
    {QC_ERR_SERVICE, 500, NULL, 1, 1, 0},
    {QC_ERR_SERVICE, 500, "ThrottlingException", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "Throttling", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "ThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "RequestThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "ProvisionedThroughputExceededException", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "TooManyRequestsException", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "TransactionInProgressException", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "RequestLimitExceeded", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "BandwidthLimitExceeded", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "LimitExceededException", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "RequestThrottled", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "SlowDown", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "PriorRequestNotComplete", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "EC2ThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 500, "RequestTimeout", 1, 1, 0},
    {QC_ERR_SERVICE, 500, "RequestTimeoutException", 1, 1, 0},
    {QC_ERR_SERVICE, 500, "ValidationException", 1, 1, 0},
    {QC_ERR_SERVICE, 500, "InternalServerException", 1, 1, 0},
    {QC_ERR_SERVICE, 500, "IDPCommunicationError", 1, 1, 0},
    {QC_ERR_SERVICE, 500, "throttlingexception", 1, 1, 0},
    {QC_ERR_SERVICE, 501, NULL, 0, 0, 0},
    {QC_ERR_SERVICE, 501, "ThrottlingException", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "Throttling", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "ThrottledException", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "RequestThrottledException", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "ProvisionedThroughputExceededException", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "TooManyRequestsException", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "TransactionInProgressException", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "RequestLimitExceeded", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "BandwidthLimitExceeded", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "LimitExceededException", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "RequestThrottled", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "SlowDown", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "PriorRequestNotComplete", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "EC2ThrottledException", 0, 1, 1},
    {QC_ERR_SERVICE, 501, "RequestTimeout", 0, 1, 0},
    {QC_ERR_SERVICE, 501, "RequestTimeoutException", 0, 1, 0},
    {QC_ERR_SERVICE, 501, "ValidationException", 0, 0, 0},
    {QC_ERR_SERVICE, 501, "InternalServerException", 0, 0, 0},
    {QC_ERR_SERVICE, 501, "IDPCommunicationError", 0, 0, 0},
    {QC_ERR_SERVICE, 501, "throttlingexception", 0, 0, 0},
    {QC_ERR_SERVICE, 502, NULL, 1, 1, 0},
    {QC_ERR_SERVICE, 502, "ThrottlingException", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "Throttling", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "ThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "RequestThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "ProvisionedThroughputExceededException", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "TooManyRequestsException", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "TransactionInProgressException", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "RequestLimitExceeded", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "BandwidthLimitExceeded", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "LimitExceededException", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "RequestThrottled", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "SlowDown", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "PriorRequestNotComplete", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "EC2ThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 502, "RequestTimeout", 1, 1, 0},
    {QC_ERR_SERVICE, 502, "RequestTimeoutException", 1, 1, 0},
    {QC_ERR_SERVICE, 502, "ValidationException", 1, 1, 0},
    {QC_ERR_SERVICE, 502, "InternalServerException", 1, 1, 0},
    {QC_ERR_SERVICE, 502, "IDPCommunicationError", 1, 1, 0},
    {QC_ERR_SERVICE, 502, "throttlingexception", 1, 1, 0},
    {QC_ERR_SERVICE, 503, NULL, 1, 1, 0},
    {QC_ERR_SERVICE, 503, "ThrottlingException", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "Throttling", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "ThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "RequestThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "ProvisionedThroughputExceededException", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "TooManyRequestsException", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "TransactionInProgressException", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "RequestLimitExceeded", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "BandwidthLimitExceeded", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "LimitExceededException", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "RequestThrottled", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "SlowDown", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "PriorRequestNotComplete", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "EC2ThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 503, "RequestTimeout", 1, 1, 0},
    {QC_ERR_SERVICE, 503, "RequestTimeoutException", 1, 1, 0},
    {QC_ERR_SERVICE, 503, "ValidationException", 1, 1, 0},
    {QC_ERR_SERVICE, 503, "InternalServerException", 1, 1, 0},
    {QC_ERR_SERVICE, 503, "IDPCommunicationError", 1, 1, 0},
    {QC_ERR_SERVICE, 503, "throttlingexception", 1, 1, 0},
    {QC_ERR_SERVICE, 504, NULL, 1, 1, 0},
    {QC_ERR_SERVICE, 504, "ThrottlingException", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "Throttling", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "ThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "RequestThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "ProvisionedThroughputExceededException", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "TooManyRequestsException", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "TransactionInProgressException", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "RequestLimitExceeded", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "BandwidthLimitExceeded", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "LimitExceededException", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "RequestThrottled", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "SlowDown", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "PriorRequestNotComplete", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "EC2ThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 504, "RequestTimeout", 1, 1, 0},
    {QC_ERR_SERVICE, 504, "RequestTimeoutException", 1, 1, 0},
    {QC_ERR_SERVICE, 504, "ValidationException", 1, 1, 0},
    {QC_ERR_SERVICE, 504, "InternalServerException", 1, 1, 0},
    {QC_ERR_SERVICE, 504, "IDPCommunicationError", 1, 1, 0},
    {QC_ERR_SERVICE, 504, "throttlingexception", 1, 1, 0},
    {QC_ERR_SERVICE, 509, NULL, 1, 0, 0},
    {QC_ERR_SERVICE, 509, "ThrottlingException", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "Throttling", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "ThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "RequestThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "ProvisionedThroughputExceededException", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "TooManyRequestsException", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "TransactionInProgressException", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "RequestLimitExceeded", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "BandwidthLimitExceeded", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "LimitExceededException", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "RequestThrottled", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "SlowDown", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "PriorRequestNotComplete", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "EC2ThrottledException", 1, 1, 1},
    {QC_ERR_SERVICE, 509, "RequestTimeout", 1, 1, 0},
    {QC_ERR_SERVICE, 509, "RequestTimeoutException", 1, 1, 0},
    {QC_ERR_SERVICE, 509, "ValidationException", 1, 0, 0},
    {QC_ERR_SERVICE, 509, "InternalServerException", 1, 0, 0},
    {QC_ERR_SERVICE, 509, "IDPCommunicationError", 1, 0, 0},
    {QC_ERR_SERVICE, 509, "throttlingexception", 1, 0, 0},
};

QC_TEST(retry_decision_table)
{
    for (size_t i = 0; i < sizeof s_decisions / sizeof s_decisions[0]; i++) {
        const s_decision_case *t = &s_decisions[i];
        qc_retry_outcome o = s_outcome(t->rc, t->status, t->code);
        if (qc_retry_legacy_retryable(&o) != t->legacy ||
            qc_retry_standard_retryable(&o) != t->standard ||
            qc_retry_is_throttling(&o) != t->throttling) {
            qc_test_fail(__FILE__, __LINE__,
                         "row %zu (%s, %ld, %s): got %d/%d/%d, botocore "
                         "%d/%d/%d",
                         i, qc_errname(t->rc), t->status,
                         t->code ? t->code : "-",
                         qc_retry_legacy_retryable(&o),
                         qc_retry_standard_retryable(&o),
                         qc_retry_is_throttling(&o), t->legacy, t->standard,
                         t->throttling);
            return;
        }
        /* qc_retry_decide agrees with the checkers at attempt 1. */
        for (int mode = QC_RETRY_LEGACY; mode <= QC_RETRY_ADAPTIVE; mode++) {
            qc_retry_policy p;
            qc_retry_policy_init(&p, mode, 5, 0);
            qc_retry_call call;
            qc_retry_call_init(&call);
            qc_retry_decision d;
            qc_retry_decide(&p, &call, 1, &o, 0.5, &d);
            int want = mode == QC_RETRY_LEGACY ? t->legacy : t->standard;
            qc_retry_policy_clean_up(&p);
            QC_CHECK_EQ_INT(d.retry, want);
            QC_CHECK_EQ_INT(d.max_attempts_reached, 0);
            QC_CHECK_EQ_INT(call.max_seen, 5);
        }
    }
}

QC_TEST(retry_handlers_reached)
{
    /* Parse failures, interruption, memory and size limits propagate
     * without the needs-retry handlers, as botocore's parser errors do. */
    QC_CHECK(qc_retry_reaches_handlers(QC_OK));
    QC_CHECK(qc_retry_reaches_handlers(QC_ERR_SERVICE));
    QC_CHECK(qc_retry_reaches_handlers(QC_ERR_HTTP));
    QC_CHECK(!qc_retry_reaches_handlers(QC_ERR_RESPONSE_PARSE));
    QC_CHECK(!qc_retry_reaches_handlers(QC_ERR_INTERRUPTED));
    QC_CHECK(!qc_retry_reaches_handlers(QC_ERR_NOMEM));
    QC_CHECK(!qc_retry_reaches_handlers(QC_ERR_LIMIT));
    QC_CHECK(!qc_retry_reaches_handlers(QC_ERR_NO_CREDENTIALS));
}

/* ------------------------------------------------------------ attempts */

QC_TEST(retry_legacy_max_attempts)
{
    qc_retry_policy p;
    qc_retry_policy_init(&p, QC_RETRY_LEGACY, 0, 0);
    QC_CHECK_EQ_INT(p.max_attempts, 5);
    qc_retry_call call;
    qc_retry_call_init(&call);
    qc_retry_outcome e500 = s_outcome(QC_ERR_SERVICE, 500, NULL);
    qc_retry_outcome reset = s_outcome(QC_ERR_CONNECTION_CLOSED, 0, NULL);
    qc_retry_outcome ok = s_outcome(QC_OK, 200, NULL);
    qc_retry_decision d;
    for (int a = 1; a <= 4; a++) {
        qc_retry_decide(&p, &call, a, &e500, 1.0, &d);
        QC_CHECK_EQ_INT(d.retry, 1);
        QC_CHECK_EQ_INT(d.cost, 0);
    }
    /* The fifth retryable reply: no retry, MaxAttemptsReached. */
    qc_retry_decide(&p, &call, 5, &e500, 1.0, &d);
    QC_CHECK_EQ_INT(d.retry, 0);
    QC_CHECK_EQ_INT(d.max_attempts_reached, 1);
    /* An exception is raised as is (no reply to mark). */
    qc_retry_decide(&p, &call, 5, &reset, 1.0, &d);
    QC_CHECK_EQ_INT(d.retry, 0);
    QC_CHECK_EQ_INT(d.max_attempts_reached, 0);
    /* A success on the last attempt is not marked in legacy mode. */
    qc_retry_decide(&p, &call, 5, &ok, 1.0, &d);
    QC_CHECK_EQ_INT(d.max_attempts_reached, 0);
    /* Legacy mode has no quota. */
    QC_CHECK_EQ_INT(qc_retry_quota_available(&p.quota), 500);
    qc_retry_policy_clean_up(&p);
}

QC_TEST(retry_standard_max_attempts)
{
    qc_retry_policy p;
    qc_retry_policy_init(&p, QC_RETRY_STANDARD, 0, 0);
    QC_CHECK_EQ_INT(p.max_attempts, 3);
    qc_retry_call call;
    qc_retry_call_init(&call);
    qc_retry_outcome ok = s_outcome(QC_OK, 200, NULL);
    qc_retry_outcome e400 = s_outcome(QC_ERR_SERVICE, 400, "ValidationException");
    qc_retry_decision d;
    /* MaxAttemptsChecker runs first: any reply on the last attempt is
     * marked, a success included. */
    qc_retry_decide(&p, &call, 1, &ok, 1.0, &d);
    QC_CHECK_EQ_INT(d.max_attempts_reached, 0);
    qc_retry_decide(&p, &call, 3, &ok, 1.0, &d);
    QC_CHECK_EQ_INT(d.retry, 0);
    QC_CHECK_EQ_INT(d.max_attempts_reached, 1);
    qc_retry_decide(&p, &call, 3, &e400, 1.0, &d);
    QC_CHECK_EQ_INT(d.max_attempts_reached, 1);
    QC_CHECK_EQ_INT(call.max_seen, 3);
    qc_retry_policy_clean_up(&p);
}

/* ---------------------------------------------------------------- quota */

QC_TEST(retry_quota_accounting)
{
    qc_retry_quota q;
    qc_retry_quota_init(&q, QC_RETRY_QUOTA_INITIAL);
    for (int i = 0; i < 100; i++)
        QC_CHECK(qc_retry_quota_acquire(&q, QC_RETRY_COST));
    QC_CHECK_EQ_INT(qc_retry_quota_available(&q), 0);
    QC_CHECK(!qc_retry_quota_acquire(&q, QC_RETRY_COST));
    qc_retry_quota_release(&q, 1);
    QC_CHECK(!qc_retry_quota_acquire(&q, QC_RETRY_COST));
    QC_CHECK_EQ_INT(qc_retry_quota_available(&q), 1);
    qc_retry_quota_release(&q, 10);
    QC_CHECK(qc_retry_quota_acquire(&q, QC_RETRY_TIMEOUT_COST));
    QC_CHECK_EQ_INT(qc_retry_quota_available(&q), 1);
    /* Releases never go past the initial capacity. */
    qc_retry_quota_release(&q, 1000);
    QC_CHECK_EQ_INT(qc_retry_quota_available(&q), 500);
    qc_retry_quota_release(&q, 1);
    QC_CHECK_EQ_INT(qc_retry_quota_available(&q), 500);
    qc_retry_quota_clean_up(&q);
}

QC_TEST(retry_quota_costs_and_refunds)
{
    qc_retry_policy p;
    qc_retry_policy_init(&p, QC_RETRY_STANDARD, 3, 0);
    qc_retry_call call;
    qc_retry_call_init(&call);
    qc_retry_decision d;
    /* Timeouts cost 10, other retries 5. */
    qc_retry_outcome rt = s_outcome(QC_ERR_READ_TIMEOUT, 0, NULL);
    qc_retry_outcome ct = s_outcome(QC_ERR_CONNECT_TIMEOUT, 0, NULL);
    qc_retry_outcome e503 = s_outcome(QC_ERR_SERVICE, 503, NULL);
    qc_retry_decide(&p, &call, 1, &rt, 1.0, &d);
    QC_CHECK_EQ_INT(d.cost, 10);
    QC_CHECK_EQ_INT(call.quota_capacity, 10);
    qc_retry_decide(&p, &call, 2, &e503, 1.0, &d);
    QC_CHECK_EQ_INT(d.cost, 5);
    QC_CHECK_EQ_INT(call.quota_capacity, 5);
    QC_CHECK_EQ_INT(qc_retry_quota_available(&p.quota), 485);
    /* A retried success gives back the last cost; a failure nothing. */
    qc_retry_after_call(&p, &call, 503);
    QC_CHECK_EQ_INT(qc_retry_quota_available(&p.quota), 485);
    qc_retry_after_call(&p, &call, 200);
    QC_CHECK_EQ_INT(qc_retry_quota_available(&p.quota), 490);
    /* A success without retries gives back 1. */
    qc_retry_call fresh;
    qc_retry_call_init(&fresh);
    qc_retry_after_call(&p, &fresh, 204);
    QC_CHECK_EQ_INT(qc_retry_quota_available(&p.quota), 491);
    qc_retry_decide(&p, &fresh, 1, &ct, 1.0, &d);
    QC_CHECK_EQ_INT(d.cost, 10);
    /* Spend the rest: then a retryable reply is marked RetryQuotaReached
     * and not retried; an exception is not marked. */
    while (qc_retry_quota_acquire(&p.quota, 1))
        ;
    qc_retry_call_init(&call);
    qc_retry_decide(&p, &call, 1, &e503, 1.0, &d);
    QC_CHECK_EQ_INT(d.retry, 0);
    QC_CHECK_EQ_INT(d.quota_reached, 1);
    QC_CHECK_EQ_INT(d.max_attempts_reached, 0);
    qc_retry_decide(&p, &call, 1, &rt, 1.0, &d);
    QC_CHECK_EQ_INT(d.retry, 0);
    QC_CHECK_EQ_INT(d.quota_reached, 0);
    qc_retry_policy_clean_up(&p);
    /* Legacy mode never touches a quota. */
    qc_retry_policy_init(&p, QC_RETRY_LEGACY, 3, 0);
    qc_retry_call_init(&call);
    qc_retry_decide(&p, &call, 1, &e503, 1.0, &d);
    qc_retry_after_call(&p, &call, 200);
    QC_CHECK_EQ_INT(qc_retry_quota_available(&p.quota), 500);
    qc_retry_policy_clean_up(&p);
}

/* --------------------------------------------------------------- delays */

typedef struct {
    int attempt;
    double rand01, legacy, standard;
} s_delay_case;

/* BOTOCORE-TABLE delays: {attempt, random(), legacy delay_exponential,
 * standard ExponentialBackoff} in seconds. */
static const s_delay_case s_delays[] = {
    {1, 0.0, 0.0, 0.0},
    {1, 0.25, 0.25, 0.25},
    {1, 0.5, 0.5, 0.5},
    {1, 0.999999, 0.999999, 0.999999},
    {2, 0.0, 0.0, 0.0},
    {2, 0.25, 0.5, 0.5},
    {2, 0.5, 1.0, 1.0},
    {2, 0.999999, 1.999998, 1.999998},
    {3, 0.0, 0.0, 0.0},
    {3, 0.25, 1.0, 1.0},
    {3, 0.5, 2.0, 2.0},
    {3, 0.999999, 3.999996, 3.999996},
    {4, 0.0, 0.0, 0.0},
    {4, 0.25, 2.0, 2.0},
    {4, 0.5, 4.0, 4.0},
    {4, 0.999999, 7.999992, 7.999992},
    {5, 0.0, 0.0, 0.0},
    {5, 0.25, 4.0, 4.0},
    {5, 0.5, 8.0, 8.0},
    {5, 0.999999, 15.999984, 15.999984},
    {6, 0.0, 0.0, 0.0},
    {6, 0.25, 8.0, 5.0},
    {6, 0.5, 16.0, 10.0},
    {6, 0.999999, 31.999968, 19.99998},
    {10, 0.0, 0.0, 0.0},
    {10, 0.25, 128.0, 5.0},
    {10, 0.5, 256.0, 10.0},
    {10, 0.999999, 511.999488, 19.99998},
};

QC_TEST(retry_delay_table)
{
    qc_retry_outcome e500 = s_outcome(QC_ERR_SERVICE, 500, NULL);
    for (size_t i = 0; i < sizeof s_delays / sizeof s_delays[0]; i++) {
        const s_delay_case *t = &s_delays[i];
        for (int mode = QC_RETRY_LEGACY; mode <= QC_RETRY_STANDARD; mode++) {
            qc_retry_policy p;
            qc_retry_policy_init(&p, mode, 100, 0);
            qc_retry_call call;
            qc_retry_call_init(&call);
            qc_retry_decision d;
            qc_retry_decide(&p, &call, t->attempt, &e500, t->rand01, &d);
            qc_retry_policy_clean_up(&p);
            double want = mode == QC_RETRY_LEGACY ? t->legacy : t->standard;
            if (!d.retry || !s_close(d.delay, want)) {
                qc_test_fail(__FILE__, __LINE__,
                             "row %zu mode %d: delay %.17g, botocore %.17g", i,
                             mode, d.delay, want);
                return;
            }
        }
    }
}

/* ------------------------------------------------------------ ttl header */

typedef struct {
    const char *date;
    long read_timeout_ms;
    const char *ttl;
} s_ttl_case;

/* BOTOCORE-TABLE ttl: {Date header, read_timeout in ms, the ttl
 * Endpoint._set_ttl stores ("" = none)}. */
static const s_ttl_case s_ttls[] = {
    {"Sat, 01 Aug 2026 12:00:00 GMT", 60000, "20260801T120100Z"},
    {"Sat, 01 Aug 2026 12:00:00 GMT", 10000, "20260801T120010Z"},
    {"Sat, 01 Aug 2026 12:00:00 GMT", 500, "20260801T120000Z"},
    {"Thu, 31 Dec 2026 23:59:30 GMT", 60000, "20270101T000030Z"},
    {"sat, 1 aug 2026 9:5:7 utc", 60000, "20260801T090607Z"},
    {"Sat,  01 Aug 2026  12:00:00   GMT", 1000, "20260801T120001Z"},
    {"Mon, 29 Feb 2028 00:00:00 GMT", 0, "20280229T000000Z"},
    {"Mon, 29 Feb 2027 00:00:00 GMT", 60000, ""},
    {"Sat, 01 Aug 2026 24:00:00 GMT", 60000, ""},
    {"Sat, 01 Aug 2026 12:00:60 GMT", 60000, ""},
    {"Sat, 01 Aug 2026 12:00:00 +0000", 60000, ""},
    {"Sat, 01 Aug 2026 12:00:00", 60000, ""},
    {"Saturday, 01 Aug 2026 12:00:00 GMT", 60000, ""},
    {"2026-08-01T12:00:00Z", 60000, ""},
    {"Sat, 01 Aug 2026 12:00:00 GMT ", 60000, ""},
    {"Sat, 32 Aug 2026 12:00:00 GMT", 60000, ""},
    {"Fri, 31 Dec 9999 23:59:30 GMT", 60000, ""},
    {"Sat, 01 Aug 26 12:00:00 GMT", 60000, ""},
    {"Sat, 01 Aug 2026 12:00:00 EST", 60000, ""},
    {"", 60000, ""},
};

QC_TEST(retry_ttl_table)
{
    for (size_t i = 0; i < sizeof s_ttls / sizeof s_ttls[0]; i++) {
        qc_retry_call call;
        qc_retry_call_init(&call);
        qc_retry_call_set_ttl(&call, s_ttls[i].date, strlen(s_ttls[i].date),
                              s_ttls[i].read_timeout_ms);
        if (strcmp(call.ttl, s_ttls[i].ttl) != 0) {
            qc_test_fail(__FILE__, __LINE__, "row %zu \"%s\": \"%s\" != \"%s\"",
                         i, s_ttls[i].date, call.ttl, s_ttls[i].ttl);
            return;
        }
    }
}

QC_TEST(retry_sdk_request_header)
{
    qc_retry_policy p;
    qc_retry_policy_init(&p, QC_RETRY_LEGACY, 5, 0);
    qc_retry_call call;
    qc_retry_call_init(&call);
    qc_buf b;
    qc_buf_init(&b, 0);
    QC_CHECK_EQ_INT(qc_retry_sdk_request(&call, 1, &b), QC_OK);
    QC_CHECK_EQ_STR(b.data, "attempt=1");
    /* After a reply with a Date: ttl, attempt and max (as botocore sent
     * them live: "ttl=20260801T120100Z; attempt=2; max=5"). */
    qc_retry_outcome e500 = s_outcome(QC_ERR_SERVICE, 500, NULL);
    qc_retry_decision d;
    qc_retry_decide(&p, &call, 1, &e500, 0.5, &d);
    const char *date = "Sat, 01 Aug 2026 12:00:00 GMT";
    qc_retry_call_set_ttl(&call, date, strlen(date), 60000);
    qc_buf_reset(&b);
    QC_CHECK_EQ_INT(qc_retry_sdk_request(&call, 2, &b), QC_OK);
    QC_CHECK_EQ_STR(b.data, "ttl=20260801T120100Z; attempt=2; max=5");
    /* A later reply without a usable Date keeps the ttl. */
    qc_retry_call_set_ttl(&call, "garbage", 7, 60000);
    qc_buf_reset(&b);
    QC_CHECK_EQ_INT(qc_retry_sdk_request(&call, 3, &b), QC_OK);
    QC_CHECK_EQ_STR(b.data, "ttl=20260801T120100Z; attempt=3; max=5");
    /* After an exception only: attempt and max. */
    qc_retry_call_init(&call);
    qc_retry_outcome reset = s_outcome(QC_ERR_CONNECTION_CLOSED, 0, NULL);
    qc_retry_decide(&p, &call, 1, &reset, 0.5, &d);
    qc_buf_reset(&b);
    QC_CHECK_EQ_INT(qc_retry_sdk_request(&call, 2, &b), QC_OK);
    QC_CHECK_EQ_STR(b.data, "attempt=2; max=5");
    qc_buf_clean_up(&b);
    qc_retry_policy_clean_up(&p);
}

/* ------------------------------------------------------------- limiter */

typedef struct {
    double t;
    const char *event;
    double wait; /* -1 for replies */
    double rate;
    int enabled;
} s_limiter_case;

/* BOTOCORE-TABLE limiter: {time, event, wait asked by the token bucket
 * ("send"), its max_rate after the event, enabled} for ClientRateLimiter
 * created at 999.75 on a fake clock. */
static const s_limiter_case s_limiter[] = {
    {1000.0, "ok", -1.0, 0.5, 0},
    {1000.2, "send", 0.0, 0.5, 0},
    {1000.6, "ok", -1.0, 0.5, 0},
    {1001.1, "ok", -1.0, 0.9841500000000498, 0},
    {1001.2, "throttle", -1.0, 1.3663999999999998, 1},
    {1001.3, "send", 0.0, 1.3663999999999998, 1},
    {1001.4, "send", 0.6061951112412578, 1.3663999999999998, 1},
    {1002.9, "send", 0.0, 1.3663999999999998, 1},
    {1003.0, "ok", -1.0, 2.069376107127321, 1},
    {1003.6, "ok", -1.0, 2.7607881064055677, 1},
    {1004.1, "send", 0.0, 2.7607881064055677, 1},
    {1004.2, "throttle", -1.0, 1.3773312, 1},
    {1004.8, "ok", -1.0, 1.9051530619499386, 1},
    {1005.5, "ok", -1.0, 1.9693008448676133, 1},
    {1006.0, "send", 0.0, 1.9693008448676133, 1},
    {1006.1, "send", 0.0, 1.9693008448676133, 1},
    {1009.0, "ok", -1.0, 0.9366247131428569, 1},
    {1012.7, "ok", -1.0, 0.6444677997714284, 1},
    {1012.8, "send", 0.0, 0.6444677997714284, 1},
    {1013.0, "throttle", -1.0, 0.5, 1},
    {1013.1, "send", 1.6422128800913474, 0.5, 1},
};

QC_TEST(retry_limiter_table)
{
    qc_rate_limiter l;
    qc_rate_limiter_init(&l, 999.75);
    for (size_t i = 0; i < sizeof s_limiter / sizeof s_limiter[0]; i++) {
        const s_limiter_case *t = &s_limiter[i];
        double wait = -1.0;
        if (strcmp(t->event, "send") == 0)
            wait = qc_rate_limiter_acquire(&l, t->t);
        else
            qc_rate_limiter_update(&l, t->t, strcmp(t->event, "throttle") == 0);
        int enabled = 0;
        double rate = qc_rate_limiter_rate(&l, &enabled);
        if (!s_close(wait, t->wait) || !s_close(rate, t->rate) ||
            enabled != t->enabled) {
            qc_test_fail(__FILE__, __LINE__,
                         "row %zu (%g %s): wait %.17g rate %.17g enabled %d; "
                         "botocore %.17g %.17g %d",
                         i, t->t, t->event, wait, rate, enabled, t->wait,
                         t->rate, t->enabled);
            qc_rate_limiter_clean_up(&l);
            return;
        }
    }
    qc_rate_limiter_clean_up(&l);
}

/* --------------------------------------------------------- reply marks */

/* Returns the ResponseMetadata keys of a parsed reply joined by ','. */
static void s_md_keys(const qc_value *resp, char *out, size_t cap)
{
    out[0] = '\0';
    const qc_value *md = qc_value_map_get(resp, "ResponseMetadata", 16);
    if (!md || md->type != QC_VAL_MAP)
        return;
    size_t o = 0;
    for (size_t i = 0; i < md->u.map.len; i++) {
        const qc_value *k = &md->u.map.items[i].key;
        int n = snprintf(out + o, cap - o, "%s%.*s", i ? "," : "",
                         (int)k->u.s.len, k->u.s.ptr);
        if (n < 0 || (size_t)n >= cap - o)
            return;
        o += (size_t)n;
    }
}

QC_TEST(retry_mark_response_order)
{
    qc_arena *a = qc_arena_new();
    QC_CHECK(a != NULL);
    qc_value top, md;
    QC_CHECK_EQ_INT(qc_value_set_map(&md, a, 4), QC_OK);
    const char *keys[] = {"RequestId", "HTTPStatusCode", "HTTPHeaders",
                          "RetryAttempts"};
    for (int i = 0; i < 4; i++) {
        qc_value_set_string(&md.u.map.items[i].key, keys[i], strlen(keys[i]));
        qc_value_set_int(&md.u.map.items[i].value, i);
    }
    QC_CHECK_EQ_INT(qc_value_set_map(&top, a, 2), QC_OK);
    qc_value_set_string(&top.u.map.items[0].key, "Error", 5);
    QC_CHECK_EQ_INT(qc_value_set_map(&top.u.map.items[0].value, a, 0), QC_OK);
    qc_value_set_string(&top.u.map.items[1].key, "ResponseMetadata", 16);
    top.u.map.items[1].value = md;
    char got[256];
    QC_CHECK_EQ_INT(qc_retry_mark_response(a, &top, 0, 0), QC_OK);
    s_md_keys(&top, got, sizeof got);
    QC_CHECK_EQ_STR(got, "RequestId,HTTPStatusCode,HTTPHeaders,RetryAttempts");
    /* botocore sets MaxAttemptsReached during the retry loop and
     * RetryAttempts after it: the mark comes before RetryAttempts. */
    QC_CHECK_EQ_INT(qc_retry_mark_response(a, &top, 1, 0), QC_OK);
    s_md_keys(&top, got, sizeof got);
    QC_CHECK_EQ_STR(got, "RequestId,HTTPStatusCode,HTTPHeaders,"
                         "MaxAttemptsReached,RetryAttempts");
    const qc_value *mdv = qc_value_map_get(&top, "ResponseMetadata", 16);
    const qc_value *flag = qc_value_map_get(mdv, "MaxAttemptsReached", 18);
    QC_CHECK(flag && flag->type == QC_VAL_BOOL && flag->u.b == 1);
    QC_CHECK_EQ_INT(qc_value_map_get(mdv, "RetryAttempts", 13)->u.i, 3);
    /* Marking again does not duplicate the key. */
    QC_CHECK_EQ_INT(qc_retry_mark_response(a, &top, 1, 0), QC_OK);
    s_md_keys(&top, got, sizeof got);
    QC_CHECK_EQ_STR(got, "RequestId,HTTPStatusCode,HTTPHeaders,"
                         "MaxAttemptsReached,RetryAttempts");
    top.u.map.items[1].value = md;
    QC_CHECK_EQ_INT(qc_retry_mark_response(a, &top, 0, 1), QC_OK);
    s_md_keys(&top, got, sizeof got);
    QC_CHECK_EQ_STR(got, "RequestId,HTTPStatusCode,HTTPHeaders,"
                         "RetryQuotaReached,RetryAttempts");
    qc_arena_destroy(a);
}

/* ---------------------------------------------------------------- sleep */

static long long s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct {
    long long start;
    long after_ms;
    int calls;
    qc_test_server *srv; /* when set: also wait for its first request */
} s_abort_state;

/* qc_abort_fn: stops once after_ms have passed since start (and, with a
 * server, since its first request arrived). */
static int s_abort_after(void *ctx)
{
    s_abort_state *st = ctx;
    st->calls++;
    if (st->srv && qc_test_server_requests(st->srv) < 1) {
        st->start = s_now_ms();
        return 0;
    }
    return s_now_ms() - st->start >= st->after_ms;
}

QC_TEST(retry_sleep_is_interruptible)
{
    long k = qc_test_time_scale();
    s_abort_state st = {s_now_ms(), 120, 0, NULL};
    int rc = qc_retry_sleep(30.0, 0, s_abort_after, &st);
    long long took = s_now_ms() - st.start;
    QC_CHECK_EQ_INT(rc, QC_ERR_INTERRUPTED);
    QC_CHECK(took >= 120 && took < 400 * k);
    QC_CHECK(st.calls >= 3); /* asked at least every 50 ms */
    /* A deadline ends the sleep early, without an error. */
    long long t0 = s_now_ms();
    rc = qc_retry_sleep(30.0, qc_retry_now_ms() + 100, NULL, NULL);
    took = s_now_ms() - t0;
    QC_CHECK_EQ_INT(rc, QC_OK);
    QC_CHECK(took >= 90 && took < 400 * k);
    QC_CHECK_EQ_INT(qc_retry_sleep(0.0, 0, s_abort_after, &st), QC_OK);
}

/* ------------------------------------------------------- end to end */

#define S_DATE "Date: Sat, 01 Aug 2026 12:00:00 GMT\r\n"
#define S_OK_HEADERS                                                          \
    "Content-Type: application/json\r\n" S_DATE "x-amzn-RequestId: r-1\r\n"
#define S_ERR_HEADERS                                                         \
    S_OK_HEADERS "x-amzn-ErrorType: InternalServerException\r\n"

typedef struct {
    qc_test_server *srv;
    qc_client *c;
    qc_arena *a;
    qc_value params;
    const qc_operation *op;
} s_env;

/* Fills r with bytes 0x80 (random() == 0.50000000000000000). */
static int s_half_random(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    memset(out, 0x80, len);
    return 0;
}

/* Starts a test server answering dflt and a client for it. Returns 0. */
static int s_env_start(s_env *e, const qc_ts_reply *dflt, int mode,
                       int max_attempts, long total_timeout_ms,
                       long read_timeout_ms, int half_random)
{
    memset(e, 0, sizeof(*e));
    e->srv = qc_test_server_start(dflt);
    e->a = qc_arena_new();
    e->op = qc_operation_find("StartImportJob", 14);
    if (!e->srv || !e->a || !e->op)
        return -1;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d",
             qc_test_server_port(e->srv));
    qc_client_options o;
    qc_client_options_init(&o);
    o.region = "us-east-1";
    o.endpoint_url = url;
    o.retry_mode = mode;
    o.max_attempts = max_attempts;
    o.total_timeout_ms = total_timeout_ms;
    o.read_timeout_ms = read_timeout_ms;
    o.connect_timeout_ms = 2000;
    if (half_random)
        o.random = s_half_random;
    qc_error err;
    qc_error_init(&err);
    int rc = qc_client_new(&o, &e->c, &err);
    qc_error_clean_up(&err);
    if (rc || qc_client_set_credentials(e->c, "AKIDEXAMPLE", 11, "secret", 6,
                                        NULL, 0))
        return -1;
    const char *kv[] = {"knowledgeBaseId", "kb-1", "importJobType",
                        "QUICK_RESPONSES", "uploadId", "upload-1"};
    if (qc_value_set_map(&e->params, e->a, 3))
        return -1;
    for (int i = 0; i < 3; i++) {
        qc_value_set_string(&e->params.u.map.items[i].key, kv[2 * i],
                            strlen(kv[2 * i]));
        qc_value_set_string(&e->params.u.map.items[i].value, kv[2 * i + 1],
                            strlen(kv[2 * i + 1]));
    }
    return 0;
}

static void s_env_stop(s_env *e)
{
    qc_client_destroy(e->c);
    if (e->srv)
        qc_test_server_stop(e->srv);
    qc_arena_destroy(e->a);
}

/* Returns how many times needle occurs in hay. */
static int s_count(const char *hay, const char *needle)
{
    int n = 0;
    size_t len = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += len)
        n++;
    return n;
}

/* Copies the value of the first `prefix` occurrence (up to 36 chars). */
static void s_grab(const char *hay, const char *prefix, char out[37])
{
    out[0] = '\0';
    const char *p = strstr(hay, prefix);
    if (p && strlen(p + strlen(prefix)) >= 36) {
        memcpy(out, p + strlen(prefix), 36);
        out[36] = '\0';
    }
}

QC_TEST(retry_e2e_legacy_500_503_then_ok)
{
    setenv("QC_TEST_BACKOFF_SCALE", "0", 1);
    qc_ts_reply ok = {0};
    ok.headers = S_OK_HEADERS;
    ok.body = "{}";
    ok.body_len = 2;
    s_env e;
    QC_CHECK_EQ_INT(s_env_start(&e, &ok, QC_RETRY_LEGACY, 0, 0, 0, 0), 0);
    qc_ts_reply e500 = {0};
    e500.status = 500;
    e500.headers = S_ERR_HEADERS;
    e500.body = "{\"message\":\"boom\"}";
    e500.body_len = strlen(e500.body);
    qc_ts_reply e503 = e500;
    e503.status = 503;
    qc_test_server_push(e.srv, &e500);
    qc_test_server_push(e.srv, &e503);
    qc_call_result r;
    int rc = qc_client_call(e.c, e.op, &e.params, NULL, &r);
    size_t n = 0;
    char *got = qc_test_server_received(e.srv, &n);
    QC_CHECK(got != NULL);
    QC_CHECK_EQ_INT(rc, QC_OK);
    QC_CHECK_EQ_INT(r.attempts, 3);
    QC_CHECK_EQ_INT(r.status, 200);
    QC_CHECK_EQ_INT(qc_test_server_requests(e.srv), 3);
    const qc_value *md = qc_value_map_get(&r.response, "ResponseMetadata", 16);
    QC_CHECK(md && qc_value_map_get(md, "RetryAttempts", 13)->u.i == 2);
    QC_CHECK(!qc_value_map_get(md, "MaxAttemptsReached", 18));
    /* One token and one invocation id across the attempts. */
    char token[37], inv[37];
    s_grab(got, "\"clientToken\": \"", token);
    s_grab(got, "amz-sdk-invocation-id: ", inv);
    QC_CHECK(token[0] && inv[0]);
    QC_CHECK_EQ_INT(s_count(got, token), 3);
    QC_CHECK_EQ_INT(s_count(got, inv), 3);
    QC_CHECK_EQ_INT(s_count(got, "amz-sdk-request: attempt=1\r\n"), 1);
    QC_CHECK_EQ_INT(
        s_count(got, "amz-sdk-request: ttl=20260801T120100Z; attempt=2; "
                     "max=5\r\n"),
        1);
    QC_CHECK_EQ_INT(
        s_count(got, "amz-sdk-request: ttl=20260801T120100Z; attempt=3; "
                     "max=5\r\n"),
        1);
    /* Each attempt is signed anew. */
    QC_CHECK_EQ_INT(s_count(got, "Authorization: AWS4-HMAC-SHA256"), 3);
    free(got);
    qc_call_result_clean_up(&r);
    s_env_stop(&e);
}

QC_TEST(retry_e2e_max_attempts_reached)
{
    setenv("QC_TEST_BACKOFF_SCALE", "0", 1);
    qc_ts_reply e500 = {0};
    e500.status = 500;
    e500.headers = S_ERR_HEADERS;
    e500.body = "{\"message\":\"boom\"}";
    e500.body_len = strlen(e500.body);
    s_env e;
    QC_CHECK_EQ_INT(s_env_start(&e, &e500, QC_RETRY_LEGACY, 2, 0, 0, 0), 0);
    qc_call_result r;
    int rc = qc_client_call(e.c, e.op, &e.params, NULL, &r);
    QC_CHECK_EQ_INT(rc, QC_ERR_SERVICE);
    QC_CHECK_EQ_INT(r.attempts, 2);
    QC_CHECK_EQ_STR(r.error_code, "InternalServerException");
    char keys[256];
    s_md_keys(&r.response, keys, sizeof keys);
    QC_CHECK_EQ_STR(keys, "RequestId,HTTPStatusCode,HTTPHeaders,"
                          "MaxAttemptsReached,RetryAttempts");
    qc_call_result_clean_up(&r);
    s_env_stop(&e);
}

QC_TEST(retry_e2e_standard_resets_exhaust)
{
    setenv("QC_TEST_BACKOFF_SCALE", "0", 1);
    qc_ts_reply reset = {0};
    reset.action = QC_TS_RESET;
    s_env e;
    QC_CHECK_EQ_INT(s_env_start(&e, &reset, QC_RETRY_STANDARD, 0, 0, 0, 0),
                    0);
    qc_call_result r;
    int rc = qc_client_call(e.c, e.op, &e.params, NULL, &r);
    QC_CHECK_EQ_INT(rc, QC_ERR_CONNECTION_CLOSED);
    QC_CHECK_EQ_INT(r.attempts, 3);
    QC_CHECK_EQ_INT(qc_test_server_requests(e.srv), 3);
    QC_CHECK(r.url && strstr(r.url, "/knowledgeBases/kb-1/importJobs"));
    qc_call_result_clean_up(&r);
    /* Two retries cost 5 each; nothing came back (no success). */
    s_env_stop(&e);
}

QC_TEST(retry_e2e_interrupted_in_backoff)
{
    long k = qc_test_time_scale();
    setenv("QC_TEST_BACKOFF_SCALE", "1000", 1);
    qc_ts_reply e503 = {0};
    e503.status = 503;
    e503.headers = S_OK_HEADERS;
    s_env e;
    /* random() is 0.5: the first backoff is 500 s. */
    QC_CHECK_EQ_INT(s_env_start(&e, &e503, QC_RETRY_STANDARD, 0, 0, 0, 1), 0);
    s_abort_state st = {s_now_ms(), 300, 0, e.srv};
    qc_call_options co;
    qc_call_options_init(&co);
    co.should_abort = s_abort_after;
    co.abort_ctx = &st;
    qc_call_result r;
    int rc = qc_client_call(e.c, e.op, &e.params, &co, &r);
    long long took = s_now_ms() - st.start;
    QC_CHECK_EQ_INT(rc, QC_ERR_INTERRUPTED);
    QC_CHECK_EQ_INT(qc_test_server_requests(e.srv), 1);
    QC_CHECK(took < 1000 * k);
    qc_call_result_clean_up(&r);
    s_env_stop(&e);
}

QC_TEST(retry_e2e_total_timeout)
{
    /* The reply stalls past the call's deadline: the attempt in flight is
     * cut off there (scaled times: see qc_test_time_scale). */
    long k = qc_test_time_scale();
    setenv("QC_TEST_BACKOFF_SCALE", "0", 1);
    qc_ts_reply stall = {0};
    stall.action = QC_TS_STALL;
    stall.stall_ms = 5000 * k;
    stall.headers = S_OK_HEADERS;
    s_env e;
    if (s_env_start(&e, &stall, QC_RETRY_LEGACY, 0, 1000 * k, 30000 * k, 0)) {
        s_env_stop(&e);
        QC_CHECK(!"the test server and client start");
    }
    long long t0 = s_now_ms();
    qc_call_result r;
    int rc = qc_client_call(e.c, e.op, &e.params, NULL, &r);
    long long took = s_now_ms() - t0;
    int attempts = r.attempts;
    qc_call_result_clean_up(&r);
    s_env_stop(&e);
    QC_CHECK_EQ_INT(rc, QC_ERR_READ_TIMEOUT);
    QC_CHECK_EQ_INT(attempts, 1);
    QC_CHECK(took >= 950 * k && took < 2500 * k);
}

QC_TEST(retry_e2e_total_timeout_keeps_last_reply)
{
    /* With real backoff (random() = 0.5: 0.5 s, 1 s, ...) and a 1.2 s
     * deadline, the call stops before the third attempt's sleep would
     * cross it and returns the last reply, unmarked (backoffs, deadline
     * and bounds scaled together: see qc_test_time_scale). */
    long k = qc_test_time_scale();
    char scale[32];
    snprintf(scale, sizeof scale, "%ld", k);
    setenv("QC_TEST_BACKOFF_SCALE", scale, 1);
    qc_ts_reply e500 = {0};
    e500.status = 500;
    e500.headers = S_ERR_HEADERS;
    e500.body = "{\"message\":\"boom\"}";
    e500.body_len = strlen(e500.body);
    s_env e;
    if (s_env_start(&e, &e500, QC_RETRY_STANDARD, 10, 1200 * k, 0, 1)) {
        s_env_stop(&e);
        QC_CHECK(!"the test server and client start");
    }
    long long t0 = s_now_ms();
    qc_call_result r;
    int rc = qc_client_call(e.c, e.op, &e.params, NULL, &r);
    long long took = s_now_ms() - t0;
    int attempts = r.attempts, requests = qc_test_server_requests(e.srv);
    char keys[256];
    s_md_keys(&r.response, keys, sizeof keys);
    qc_call_result_clean_up(&r);
    s_env_stop(&e);
    QC_CHECK_EQ_INT(rc, QC_ERR_SERVICE);
    QC_CHECK_EQ_INT(attempts, 2);
    QC_CHECK_EQ_INT(requests, 2);
    QC_CHECK(took >= 450 * k && took < 1200 * k);
    QC_CHECK_EQ_STR(keys, "RequestId,HTTPStatusCode,HTTPHeaders,RetryAttempts");
}

QC_TEST(retry_e2e_adaptive_throttled_then_ok)
{
    /* Adaptive mode with real waits: a throttling error switches the rate
     * limiter on; the retry still goes out (after the backoff and, if the
     * token bucket is empty, its wait of at most 1 / 0.5 s). Times scaled:
     * see qc_test_time_scale. */
    long k = qc_test_time_scale();
    char scale[32];
    snprintf(scale, sizeof scale, "%ld", k);
    setenv("QC_TEST_BACKOFF_SCALE", scale, 1);
    qc_ts_reply ok = {0};
    ok.headers = S_OK_HEADERS;
    ok.body = "{}";
    ok.body_len = 2;
    s_env e;
    QC_CHECK_EQ_INT(s_env_start(&e, &ok, QC_RETRY_ADAPTIVE, 0, 0, 0, 1), 0);
    qc_ts_reply thr = {0};
    thr.status = 400;
    thr.headers = S_OK_HEADERS "x-amzn-ErrorType: ThrottlingException\r\n";
    thr.body = "{\"message\":\"slow down\"}";
    thr.body_len = strlen(thr.body);
    qc_test_server_push(e.srv, &thr);
    long long t0 = s_now_ms();
    qc_call_result r;
    int rc = qc_client_call(e.c, e.op, &e.params, NULL, &r);
    long long took = s_now_ms() - t0;
    QC_CHECK_EQ_INT(rc, QC_OK);
    QC_CHECK_EQ_INT(r.attempts, 2);
    /* backoff 0.5 s (scaled) + bucket wait */
    QC_CHECK(took >= 450 * k && took < 3500 * k);
    qc_call_result_clean_up(&r);
    s_env_stop(&e);
}
