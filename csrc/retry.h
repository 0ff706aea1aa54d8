/*
 * retry.h — the retry decisions of botocore 1.43.11, one call at a time:
 *
 *   legacy    botocore/retryhandler.py with data/_retry.json ("__default__";
 *             the service key "wisdom" has no entry of its own)
 *   standard  botocore/retries/standard.py (+ quota.py; special.py applies
 *             to sts/dynamodb only) as it runs without AWS_NEW_RETRIES_2026
 *   adaptive  standard + the client-side rate limiter of
 *             botocore/retries/adaptive.py, bucket.py and throttling.py
 *
 * client.c drives the attempts; this file decides whether and when to try
 * again, keeps the per-client retry quota and rate limiter, writes the
 * amz-sdk-request header and marks the parsed reply (MaxAttemptsReached,
 * RetryQuotaReached) as botocore does.
 */
#ifndef QC_RETRY_H
#define QC_RETRY_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "qc.h"

/* botocore.retries.quota.RetryQuota and the costs of RetryQuotaChecker. */
#define QC_RETRY_QUOTA_INITIAL 500
#define QC_RETRY_COST 5
#define QC_RETRY_TIMEOUT_COST 10
#define QC_RETRY_NO_RETRY_INCREMENT 1
/* ExponentialBackoff._MAX_BACKOFF (standard mode), seconds. */
#define QC_RETRY_MAX_BACKOFF 20.0

/* The retry quota of one client (thread-safe). */
typedef struct qc_retry_quota {
    pthread_mutex_t lock;
    int max_capacity;
    int available;
} qc_retry_quota;

void qc_retry_quota_init(qc_retry_quota *q, int initial_capacity);
void qc_retry_quota_clean_up(qc_retry_quota *q);
/* Takes amount from the quota; returns 1 when it was there, else 0. */
int qc_retry_quota_acquire(qc_retry_quota *q, int amount);
/* Gives amount back, never above the initial capacity. */
void qc_retry_quota_release(qc_retry_quota *q, int amount);
/* Returns the capacity left now. */
int qc_retry_quota_available(qc_retry_quota *q);

/* The client-side rate limiter of adaptive mode (ClientRateLimiter with
 * its CubicCalculator, RateClocker and TokenBucket), thread-safe. Times
 * are seconds on the wall clock, as time.time(). */
typedef struct qc_rate_limiter {
    pthread_mutex_t lock;
    int enabled;
    /* CubicCalculator */
    double w_max, k, last_fail;
    /* RateClocker */
    double measured_rate, last_bucket;
    double count;
    /* TokenBucket */
    double fill_rate, max_capacity, capacity, last_time;
    int has_last_time;
} qc_rate_limiter;

void qc_rate_limiter_init(qc_rate_limiter *l, double now);
void qc_rate_limiter_clean_up(qc_rate_limiter *l);
/* before-send: returns 0 when the request may go now (a token was taken,
 * or the limiter is not enabled yet), else the seconds to wait before
 * asking again. */
double qc_rate_limiter_acquire(qc_rate_limiter *l, double now);
/* needs-retry: records a reply or failure at time now; throttled says
 * whether it was a throttling error. */
void qc_rate_limiter_update(qc_rate_limiter *l, double now, int throttled);
/* Current send rate of the token bucket (its max_rate) and whether the
 * limiter is enabled (for tests). */
double qc_rate_limiter_rate(qc_rate_limiter *l, int *enabled);

/* A client's retry settings and shared state. */
typedef struct qc_retry_policy {
    int mode;              /* qc_retry_mode */
    int max_attempts;      /* total attempts, the first included (>= 1) */
    double backoff_scale;  /* multiplies every backoff sleep (test hook) */
    long total_timeout_ms; /* overall deadline of a call; 0 = none */
    qc_retry_quota quota;  /* standard and adaptive */
    qc_rate_limiter limiter; /* adaptive */
} qc_retry_policy;

/* Sets up p for mode and max_attempts (0 = the mode's default: 5 for
 * legacy, 3 for standard/adaptive). backoff_scale is read from the
 * environment variable QC_TEST_BACKOFF_SCALE (a number >= 0; default 1). */
void qc_retry_policy_init(qc_retry_policy *p, int mode, int max_attempts,
                          long total_timeout_ms);
void qc_retry_policy_clean_up(qc_retry_policy *p);

/* What one attempt ended with, as the retry handlers see it. */
typedef struct qc_retry_outcome {
    int rc;                 /* QC_OK / QC_ERR_SERVICE: a reply was parsed;
                               otherwise the transport's error code */
    long status;            /* HTTP status of the reply, 0 without one */
    const char *error_code; /* the reply's Error.Code, or NULL */
    size_t error_code_len;
} qc_retry_outcome;

/* The state botocore keeps in the request context of one call. */
typedef struct qc_retry_call {
    int max_seen;       /* retries context "max" (0 = not set yet) */
    int quota_capacity; /* "retry_quota_capacity" (0 = none acquired) */
    char ttl[32];       /* retries context "ttl" ("" = none) */
} qc_retry_call;

void qc_retry_call_init(qc_retry_call *rc);

/* The verdict of the needs-retry handlers on one attempt. */
typedef struct qc_retry_decision {
    int retry;                /* 1: sleep delay seconds, then try again */
    double delay;             /* seconds, before backoff_scale */
    int max_attempts_reached; /* the reply gets MaxAttemptsReached: True */
    int quota_reached;        /* the reply gets RetryQuotaReached: True */
    int cost;                 /* quota taken for this retry (0 = none) */
} qc_retry_decision;

/* Returns 1 when botocore would run its needs-retry handlers for this
 * outcome (a parsed reply, or a transport exception it catches), 0 when the
 * error propagates at once (parse errors, interruption, out of memory...). */
int qc_retry_reaches_handlers(int rc);
/* Returns 1 when a reply's error code is in standard mode's throttling
 * list (ThrottledRetryableChecker), which is also adaptive's detector. */
int qc_retry_is_throttling(const qc_retry_outcome *o);
/* Returns 1 when legacy mode's checkers retry the outcome. */
int qc_retry_legacy_retryable(const qc_retry_outcome *o);
/* Returns 1 when standard mode's conditions (apart from the attempt
 * count) retry the outcome. */
int qc_retry_standard_retryable(const qc_retry_outcome *o);

/* Runs the needs-retry decision after attempt number `attempt` (1-based)
 * ended with o; rand01 is the uniform random number in [0, 1) the backoff
 * uses. Takes quota in standard/adaptive mode and updates call. */
void qc_retry_decide(qc_retry_policy *p, qc_retry_call *call, int attempt,
                     const qc_retry_outcome *o, double rand01,
                     qc_retry_decision *d);
/* after-call: gives quota back when the call ended with a 2xx reply (the
 * capacity of the last retry, or 1 without one). */
void qc_retry_after_call(qc_retry_policy *p, const qc_retry_call *call,
                         long final_status);

/* Updates call's ttl from a reply's Date header (the text, not
 * NUL-terminated) as Endpoint._set_ttl does: the date plus the read
 * timeout, "%Y%m%dT%H%M%SZ". Leaves the ttl as it was when the date does
 * not parse ("%a, %d %b %Y %H:%M:%S %Z", zone GMT or UTC). */
void qc_retry_call_set_ttl(qc_retry_call *call, const char *date, size_t len,
                           long read_timeout_ms);
/* Writes the amz-sdk-request header value for attempt into out:
 * "[ttl=...; ]attempt=N[; max=M]". Returns QC_OK or a qc_buf error. */
int qc_retry_sdk_request(const qc_retry_call *call, int attempt, qc_buf *out);

/* Adds MaxAttemptsReached / RetryQuotaReached (True) to the
 * ResponseMetadata map of a parsed reply, before RetryAttempts as in
 * botocore's dict. New storage comes from arena a. Returns QC_OK or
 * QC_ERR_NOMEM. */
int qc_retry_mark_response(qc_arena *a, qc_value *response,
                           int max_attempts_reached, int quota_reached);

/* Sleeps seconds (capped at the deadline when deadline_ms > 0; monotonic
 * milliseconds), asking should_abort at least every 50 ms. Returns QC_OK,
 * or QC_ERR_INTERRUPTED when should_abort said stop. */
int qc_retry_sleep(double seconds, int64_t deadline_ms,
                   qc_abort_fn should_abort, void *abort_ctx);
/* Milliseconds on the monotonic clock. */
int64_t qc_retry_now_ms(void);
/* Seconds on the wall clock (time.time()). */
double qc_retry_wall_time(void);

#endif /* QC_RETRY_H */
