/*
 * retry.c — botocore 1.43.11's retry decisions (see retry.h): what is
 * retried in legacy and standard mode, the backoff, the retry quota, the
 * adaptive rate limiter, the amz-sdk-request header and the reply marks.
 */
#include "retry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeline.h"

/* ------------------------------------------------------------------ quota */

/* Fills q with initial_capacity tokens (q is caller storage). */
void qc_retry_quota_init(qc_retry_quota *q, int initial_capacity)
{
    pthread_mutex_init(&q->lock, NULL);
    q->max_capacity = initial_capacity;
    q->available = initial_capacity;
}

/* Releases q's lock. */
void qc_retry_quota_clean_up(qc_retry_quota *q)
{
    pthread_mutex_destroy(&q->lock);
}

/* Returns 1 after taking amount, 0 when the quota holds less. */
int qc_retry_quota_acquire(qc_retry_quota *q, int amount)
{
    int ok = 0;
    pthread_mutex_lock(&q->lock);
    if (amount <= q->available) {
        q->available -= amount;
        ok = 1;
    }
    pthread_mutex_unlock(&q->lock);
    return ok;
}

/* Gives amount back, truncated at the initial capacity. */
void qc_retry_quota_release(qc_retry_quota *q, int amount)
{
    pthread_mutex_lock(&q->lock);
    int room = q->max_capacity - q->available;
    q->available += amount < room ? amount : room;
    pthread_mutex_unlock(&q->lock);
}

/* Returns the capacity available now. */
int qc_retry_quota_available(qc_retry_quota *q)
{
    pthread_mutex_lock(&q->lock);
    int n = q->available;
    pthread_mutex_unlock(&q->lock);
    return n;
}

/* ----------------------------------------------------------- rate limiter */

/* CubicCalculator and ClientRateLimiter constants. */
#define S_CUBIC_SCALE 0.4
#define S_CUBIC_BETA 0.7
#define S_MAX_RATE_ADJUST_SCALE 2.0
/* RateClocker and TokenBucket constants. */
#define S_SMOOTHING 0.8
#define S_TIME_BUCKET_SCALE 2.0 /* 1 / _TIME_BUCKET_RANGE (0.5 s) */
#define S_MIN_RATE 0.5

/* Returns CubicCalculator._calculate_zero_point for w_max. */
static double s_cubic_zero_point(double w_max)
{
    return pow((w_max * (1.0 - S_CUBIC_BETA)) / S_CUBIC_SCALE, 1.0 / 3.0);
}

/* TokenBucket._refill at time now (lock held). */
static void s_bucket_refill(qc_rate_limiter *l, double now)
{
    if (!l->has_last_time) {
        l->last_time = now;
        l->has_last_time = 1;
        return;
    }
    double fill = (now - l->last_time) * l->fill_rate;
    double cap = l->capacity + fill;
    l->capacity = cap < l->max_capacity ? cap : l->max_capacity;
    l->last_time = now;
}

/* The TokenBucket.max_rate setter at time now (lock held). */
static void s_bucket_set_rate(qc_rate_limiter *l, double value, double now)
{
    s_bucket_refill(l, now);
    l->fill_rate = value > S_MIN_RATE ? value : S_MIN_RATE;
    l->max_capacity = value >= 1.0 ? value : 1.0;
    if (l->capacity > l->max_capacity)
        l->capacity = l->max_capacity;
}

/* Sets l up as botocore's register_retry_handler does at time now. */
void qc_rate_limiter_init(qc_rate_limiter *l, double now)
{
    memset(l, 0, sizeof(*l));
    pthread_mutex_init(&l->lock, NULL);
    l->w_max = 0.0;
    l->k = s_cubic_zero_point(0.0);
    l->last_fail = now;
    l->measured_rate = 0.0;
    l->last_bucket = floor(now);
    l->count = 0.0;
    l->capacity = 0.0;
    l->max_capacity = 1.0;
    l->fill_rate = 1.0;
    s_bucket_set_rate(l, 1.0, now);
}

/* Releases l's lock. */
void qc_rate_limiter_clean_up(qc_rate_limiter *l)
{
    pthread_mutex_destroy(&l->lock);
}

/* Returns 0 when the request may be sent now, else seconds to wait. */
double qc_rate_limiter_acquire(qc_rate_limiter *l, double now)
{
    double wait = 0.0;
    pthread_mutex_lock(&l->lock);
    if (l->enabled) {
        s_bucket_refill(l, now);
        if (1.0 <= l->capacity)
            l->capacity -= 1.0;
        else
            wait = (1.0 - l->capacity) / l->fill_rate;
    }
    pthread_mutex_unlock(&l->lock);
    return wait;
}

/* ClientRateLimiter.on_receiving_response at time now. */
void qc_rate_limiter_update(qc_rate_limiter *l, double now, int throttled)
{
    pthread_mutex_lock(&l->lock);
    /* RateClocker.record */
    double bucket = floor(now * S_TIME_BUCKET_SCALE) / S_TIME_BUCKET_SCALE;
    l->count += 1.0;
    if (bucket > l->last_bucket) {
        double current = l->count / (bucket - l->last_bucket);
        l->measured_rate = current * S_SMOOTHING +
                           l->measured_rate * (1.0 - S_SMOOTHING);
        l->count = 0.0;
        l->last_bucket = bucket;
    }
    double measured = l->measured_rate;
    double new_rate;
    if (!throttled) {
        new_rate = S_CUBIC_SCALE * pow(now - l->last_fail - l->k, 3.0) +
                   l->w_max;
    } else {
        double use = measured;
        if (l->enabled && l->fill_rate < use)
            use = l->fill_rate;
        l->w_max = use;
        l->k = s_cubic_zero_point(use);
        l->last_fail = now;
        new_rate = use * S_CUBIC_BETA;
        l->enabled = 1;
    }
    double cap = S_MAX_RATE_ADJUST_SCALE * measured;
    s_bucket_set_rate(l, new_rate < cap ? new_rate : cap, now);
    pthread_mutex_unlock(&l->lock);
}

/* Returns the token bucket's rate; *enabled (if not NULL) gets the flag. */
double qc_rate_limiter_rate(qc_rate_limiter *l, int *enabled)
{
    pthread_mutex_lock(&l->lock);
    double r = l->fill_rate;
    if (enabled)
        *enabled = l->enabled;
    pthread_mutex_unlock(&l->lock);
    return r;
}

/* ----------------------------------------------------------------- policy */

/* Fills p (caller storage) for a client; see retry.h. */
void qc_retry_policy_init(qc_retry_policy *p, int mode, int max_attempts,
                          long total_timeout_ms)
{
    memset(p, 0, sizeof(*p));
    if (mode != QC_RETRY_STANDARD && mode != QC_RETRY_ADAPTIVE)
        mode = QC_RETRY_LEGACY;
    p->mode = mode;
    if (max_attempts <= 0)
        max_attempts = mode == QC_RETRY_LEGACY ? 5 : 3;
    p->max_attempts = max_attempts;
    p->total_timeout_ms = total_timeout_ms > 0 ? total_timeout_ms : 0;
    p->backoff_scale = 1.0;
    const char *scale = getenv("QC_TEST_BACKOFF_SCALE");
    if (scale && *scale) {
        char *end = NULL;
        double v = strtod(scale, &end);
        if (end && *end == '\0' && v >= 0.0 && isfinite(v))
            p->backoff_scale = v;
    }
    qc_retry_quota_init(&p->quota, QC_RETRY_QUOTA_INITIAL);
    qc_rate_limiter_init(&p->limiter, qc_retry_wall_time());
}

/* Releases p's quota and limiter. */
void qc_retry_policy_clean_up(qc_retry_policy *p)
{
    qc_retry_quota_clean_up(&p->quota);
    qc_rate_limiter_clean_up(&p->limiter);
}

/* Empties the per-call retry state. */
void qc_retry_call_init(qc_retry_call *rc)
{
    memset(rc, 0, sizeof(*rc));
}

/* ---------------------------------------------------------------- checks */

/* Returns 1 when (s, n) equals one of the NULL-terminated list. */
static int s_in_list(const char *s, size_t n, const char *const *list)
{
    if (!s)
        return 0;
    for (; *list; list++)
        if (strlen(*list) == n && memcmp(*list, s, n) == 0)
            return 1;
    return 0;
}

/* Returns 1 when the outcome carries a parsed reply. */
static int s_has_reply(const qc_retry_outcome *o)
{
    return o->rc == QC_OK || o->rc == QC_ERR_SERVICE;
}

/* Returns 1 when needs-retry would see rc (see retry.h). */
int qc_retry_reaches_handlers(int rc)
{
    switch (rc) {
    case QC_OK:
    case QC_ERR_SERVICE:
    case QC_ERR_CONNECT:
    case QC_ERR_CONNECT_TIMEOUT:
    case QC_ERR_READ_TIMEOUT:
    case QC_ERR_CONNECTION_CLOSED:
    case QC_ERR_SSL:
    case QC_ERR_PROXY:
    case QC_ERR_HTTP:
        return 1;
    default:
        return 0;
    }
}

/* standard.ThrottledRetryableChecker._THROTTLED_ERROR_CODES */
static const char *const s_throttled_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    NULL};

/* standard.TransientRetryableChecker._TRANSIENT_ERROR_CODES */
static const char *const s_transient_codes[] = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
    NULL};

/* _retry.json "__default__" policies matching (400, service_error_code). */
static const char *const s_legacy_400_codes[] = {
    "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "Throttling", "ProvisionedThroughputExceededException", NULL};

/* Returns 1 for a reply with a throttling error code. */
int qc_retry_is_throttling(const qc_retry_outcome *o)
{
    return s_has_reply(o) &&
           s_in_list(o->error_code, o->error_code_len, s_throttled_codes);
}

/* Returns 1 when _retry.json's __default__ policies retry o. */
int qc_retry_legacy_retryable(const qc_retry_outcome *o)
{
    if (!s_has_reply(o)) {
        /* EXCEPTION_MAP["GENERAL_CONNECTION_ERROR"]: ConnectionError (with
         * EndpointConnectionError, ConnectTimeoutError, SSLError,
         * ProxyConnectionError), ConnectionClosedError, ReadTimeoutError. */
        switch (o->rc) {
        case QC_ERR_CONNECT:
        case QC_ERR_CONNECT_TIMEOUT:
        case QC_ERR_SSL:
        case QC_ERR_PROXY:
        case QC_ERR_CONNECTION_CLOSED:
        case QC_ERR_READ_TIMEOUT:
            return 1;
        default:
            return 0;
        }
    }
    switch (o->status) {
    case 500: /* general_server_error */
    case 502: /* bad_gateway */
    case 503: /* service_unavailable */
    case 504: /* gateway_timeout */
    case 509: /* limit_exceeded */
    case 429: /* too_many_requests */
        return 1;
    case 400:
        return s_in_list(o->error_code, o->error_code_len,
                         s_legacy_400_codes);
    default:
        return 0;
    }
}

/* Returns 1 when standard mode's checkers (not the count) retry o. */
int qc_retry_standard_retryable(const qc_retry_outcome *o)
{
    if (!s_has_reply(o))
        /* TransientRetryableChecker: ConnectionError or HTTPClientError,
         * which every transport failure is. */
        return qc_retry_reaches_handlers(o->rc);
    if (s_in_list(o->error_code, o->error_code_len, s_transient_codes))
        return 1;
    if (o->status == 500 || o->status == 502 || o->status == 503 ||
        o->status == 504)
        return 1;
    /* ThrottledRetryableChecker; ModeledRetryableChecker adds nothing for
     * this service (its retryable errors, ThrottlingException and
     * RequestTimeoutException, are in the lists already). */
    return qc_retry_is_throttling(o);
}

/* Returns rand01 * 2 ** (attempt - 1), capped at cap when cap > 0. */
static double s_exponential(double rand01, int attempt, double cap)
{
    double growth = ldexp(1.0, attempt - 1 > 2000 ? 2000 : attempt - 1);
    if (cap > 0.0 && growth > cap)
        growth = cap;
    return rand01 * growth;
}

/* Fills d with the needs-retry verdict; may take quota (see retry.h). */
void qc_retry_decide(qc_retry_policy *p, qc_retry_call *call, int attempt,
                     const qc_retry_outcome *o, double rand01,
                     qc_retry_decision *d)
{
    memset(d, 0, sizeof(*d));
    int reply = s_has_reply(o);
    if (call->max_seen < p->max_attempts)
        call->max_seen = p->max_attempts;
    if (p->mode == QC_RETRY_LEGACY) {
        /* MaxAttemptsDecorator around the MultiChecker of the policies. */
        if (!qc_retry_legacy_retryable(o))
            return;
        if (attempt >= p->max_attempts) {
            d->max_attempts_reached = reply;
            return;
        }
        d->retry = 1;
        d->delay = s_exponential(rand01, attempt, 0.0);
        return;
    }
    /* StandardRetryConditions: MaxAttemptsChecker first, then the rest. */
    if (attempt >= p->max_attempts) {
        d->max_attempts_reached = reply;
        return;
    }
    if (!qc_retry_standard_retryable(o))
        return;
    int cost = (o->rc == QC_ERR_CONNECT_TIMEOUT || o->rc == QC_ERR_READ_TIMEOUT)
                   ? QC_RETRY_TIMEOUT_COST
                   : QC_RETRY_COST;
    if (!qc_retry_quota_acquire(&p->quota, cost)) {
        d->quota_reached = reply;
        return;
    }
    call->quota_capacity = cost;
    d->cost = cost;
    d->retry = 1;
    d->delay = s_exponential(rand01, attempt, QC_RETRY_MAX_BACKOFF);
}

/* after-call: returns quota for a 2xx end (standard/adaptive only). */
void qc_retry_after_call(qc_retry_policy *p, const qc_retry_call *call,
                         long final_status)
{
    if (p->mode == QC_RETRY_LEGACY)
        return;
    if (final_status >= 200 && final_status < 300)
        qc_retry_quota_release(&p->quota, call->quota_capacity
                                              ? call->quota_capacity
                                              : QC_RETRY_NO_RETRY_INCREMENT);
}

/* -------------------------------------------------------------- headers */

/* Returns the index (0-based) of the 3-letter name at s among names
 * (case-insensitive), or -1. */
static int s_name_index(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++) {
        int ok = 1;
        for (int j = 0; j < 3 && ok; j++) {
            char c = s[j];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            ok = c == names[i][j];
        }
        if (ok)
            return i;
    }
    return -1;
}

/* Returns 1 for Python's \s in ASCII. */
static int s_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* Skips one or more whitespace characters; returns 0 when there is none. */
static int s_skip_spaces(const char *s, size_t len, size_t *pos)
{
    size_t start = *pos;
    while (*pos < len && s_is_space(s[*pos]))
        (*pos)++;
    return *pos > start;
}

/* Reads a 1- or 2-digit number as strptime's regex for the field does:
 * two digits when they form a value in [lo2, hi] (lo2 <= first digit), else
 * one digit in [lo1, 9]. Returns the value or -1. */
static int s_small_number(const char *s, size_t len, size_t *pos, int lo1,
                          int hi)
{
    size_t p = *pos;
    if (p >= len || s[p] < '0' || s[p] > '9')
        return -1;
    int d1 = s[p] - '0';
    if (p + 1 < len && s[p + 1] >= '0' && s[p + 1] <= '9') {
        int v = d1 * 10 + (s[p + 1] - '0');
        if (v <= hi && (v >= 10 || lo1 == 0 || d1 == 0)) {
            *pos = p + 2;
            return v;
        }
    }
    if (d1 < lo1)
        return -1;
    *pos = p + 1;
    return d1;
}

/* Parses an HTTP date as datetime.strptime(value, "%a, %d %b %Y %H:%M:%S
 * %Z") in the C locale, zone GMT or UTC. Returns 0 with *epoch set, or -1. */
static int s_parse_http_date(const char *s, size_t len, int64_t *epoch)
{
    static const char *const days[] = {"mon", "tue", "wed", "thu",
                                       "fri", "sat", "sun"};
    static const char *const months[] = {"jan", "feb", "mar", "apr",
                                         "may", "jun", "jul", "aug",
                                         "sep", "oct", "nov", "dec"};
    size_t p = 0;
    if (len < 3 || s_name_index(s, days, 7) < 0)
        return -1;
    p = 3;
    if (p >= len || s[p] != ',')
        return -1;
    p++;
    if (!s_skip_spaces(s, len, &p))
        return -1;
    /* %d: 3[01]|[12]\d|0[1-9]|[1-9] */
    int day = s_small_number(s, len, &p, 1, 31);
    if (day < 1 || !s_skip_spaces(s, len, &p) || p + 3 > len)
        return -1;
    int mon = s_name_index(s + p, months, 12);
    if (mon < 0)
        return -1;
    p += 3;
    if (!s_skip_spaces(s, len, &p) || p + 4 > len)
        return -1;
    int year = 0;
    for (int i = 0; i < 4; i++, p++) {
        if (s[p] < '0' || s[p] > '9')
            return -1;
        year = year * 10 + (s[p] - '0');
    }
    if (!s_skip_spaces(s, len, &p))
        return -1;
    int hour = s_small_number(s, len, &p, 0, 23);
    if (hour < 0 || p >= len || s[p++] != ':')
        return -1;
    int min = s_small_number(s, len, &p, 0, 59);
    if (min < 0 || p >= len || s[p++] != ':')
        return -1;
    int sec = s_small_number(s, len, &p, 0, 61);
    if (sec < 0 || !s_skip_spaces(s, len, &p) || len - p != 3)
        return -1;
    char z[3];
    for (int i = 0; i < 3; i++)
        z[i] = (char)(s[p + i] >= 'a' && s[p + i] <= 'z' ? s[p + i] - 32
                                                           : s[p + i]);
    if (memcmp(z, "GMT", 3) != 0 && memcmp(z, "UTC", 3) != 0)
        return -1;
    /* datetime(): year 1..9999, a real day of the month, second <= 59. */
    static const int mdays[] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int dim = mdays[mon] + (mon == 1 && leap);
    if (year < 1 || day > dim || sec > 59)
        return -1;
    *epoch = qc_days_from_civil(year, (unsigned)(mon + 1), (unsigned)day) *
                 86400 +
             hour * 3600 + min * 60 + sec;
    return 0;
}

/* Stores date + read timeout as the call's ttl (see retry.h). */
void qc_retry_call_set_ttl(qc_retry_call *call, const char *date, size_t len,
                           long read_timeout_ms)
{
    int64_t t;
    if (!date || s_parse_http_date(date, len, &t) != 0)
        return;
    /* local + read_timeout + (date - received): the date plus the read
     * timeout, truncated to the second by strftime. */
    int64_t ms = t * 1000 + (read_timeout_ms > 0 ? read_timeout_ms : 0);
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    int64_t y;
    unsigned m, d;
    qc_civil_from_days(days, &y, &m, &d);
    if (y > 9999)
        return; /* OverflowError in botocore: the ttl stays as it was */
    snprintf(call->ttl, sizeof call->ttl, "%d%02u%02uT%02d%02d%02dZ",
             (int)y, m % 100, d % 100, (int)(rem / 3600) % 100,
             (int)(rem / 60 % 60), (int)(rem % 60));
}

/* Appends the decimal form of v (as printf's %d) to out; returns QC_OK or
 * its error. */
static int s_append_int(qc_buf *out, int v)
{
    char tmp[16];
    size_t n = sizeof(tmp);
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do {
        tmp[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--n] = '-';
    return qc_buf_append(out, tmp + n, sizeof(tmp) - n);
}

/* Appends the amz-sdk-request value to out; returns QC_OK or its error. */
int qc_retry_sdk_request(const qc_retry_call *call, int attempt, qc_buf *out)
{
    int rc = QC_OK;
    if (call->ttl[0] &&
        (rc = qc_buf_append(out, "ttl=", 4)) == QC_OK &&
        (rc = qc_buf_append_str(out, call->ttl)) == QC_OK)
        rc = qc_buf_append(out, "; ", 2);
    if (!rc && !(rc = qc_buf_append(out, "attempt=", 8)))
        rc = s_append_int(out, attempt);
    if (!rc && call->max_seen > 0 && !(rc = qc_buf_append(out, "; max=", 6)))
        rc = s_append_int(out, call->max_seen);
    return rc;
}

/* ----------------------------------------------------------- reply marks */

/* Returns 1 when v is the string key (k, n). */
static int s_key_is(const qc_value *v, const char *k, size_t n)
{
    return v->type == QC_VAL_STRING && v->u.s.len == n &&
           memcmp(v->u.s.ptr, k, n) == 0;
}

/* Adds the retry marks to a reply's ResponseMetadata (arena storage). */
int qc_retry_mark_response(qc_arena *a, qc_value *response,
                           int max_attempts_reached, int quota_reached)
{
    if ((!max_attempts_reached && !quota_reached) || !response ||
        response->type != QC_VAL_MAP)
        return QC_OK;
    qc_value *md = NULL;
    for (size_t i = 0; i < response->u.map.len; i++)
        if (s_key_is(&response->u.map.items[i].key, "ResponseMetadata", 16))
            md = &response->u.map.items[i].value;
    if (!md || md->type != QC_VAL_MAP)
        return QC_OK;
    const char *names[2];
    size_t n_new = 0;
    if (max_attempts_reached)
        names[n_new++] = "MaxAttemptsReached";
    if (quota_reached)
        names[n_new++] = "RetryQuotaReached";
    qc_value out;
    if (qc_value_set_map(&out, a, md->u.map.len + n_new) != QC_OK)
        return QC_ERR_NOMEM;
    size_t o = 0;
    int placed = 0;
    for (size_t i = 0; i <= md->u.map.len; i++) {
        int at_end = i == md->u.map.len;
        if (!placed &&
            (at_end ||
             s_key_is(&md->u.map.items[i].key, "RetryAttempts", 13))) {
            for (size_t j = 0; j < n_new; j++) {
                qc_pair *np = &out.u.map.items[o++];
                qc_value_set_string(&np->key, names[j], strlen(names[j]));
                qc_value_set_bool(&np->value, 1);
            }
            placed = 1;
        }
        if (at_end)
            break;
        /* An existing mark is replaced by the new one (update()). */
        const qc_value *k = &md->u.map.items[i].key;
        int dup = 0;
        for (size_t j = 0; j < n_new; j++)
            if (s_key_is(k, names[j], strlen(names[j])))
                dup = 1;
        if (!dup)
            out.u.map.items[o++] = md->u.map.items[i];
    }
    out.u.map.len = o;
    *md = out;
    return QC_OK;
}

/* ----------------------------------------------------------------- time */

/* Returns monotonic milliseconds. */
int64_t qc_retry_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns wall-clock seconds (time.time()). */
double qc_retry_wall_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Nanoseconds on the monotonic clock. */
static int64_t s_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sleeps interruptibly; returns QC_OK or QC_ERR_INTERRUPTED. */
int qc_retry_sleep(double seconds, int64_t deadline_ms,
                   qc_abort_fn should_abort, void *abort_ctx)
{
    if (!(seconds > 0.0))
        return QC_OK;
    if (seconds > 1e9)
        seconds = 1e9;
    int64_t now = s_now_ns();
    int64_t end = now + (int64_t)(seconds * 1e9);
    if (deadline_ms > 0 && end > deadline_ms * 1000000)
        end = deadline_ms * 1000000;
    const int64_t tick = 50 * 1000000; /* 50 ms */
    while (now < end) {
        int64_t left = end - now;
        if (left > tick)
            left = tick;
        struct timespec ts = {(time_t)(left / 1000000000),
                              (long)(left % 1000000000)};
        /* A signal cuts the slice short; should_abort is asked at once. */
        (void)nanosleep(&ts, NULL);
        if (should_abort && should_abort(abort_ctx))
            return QC_ERR_INTERRUPTED;
        now = s_now_ns();
    }
    return QC_OK;
}
