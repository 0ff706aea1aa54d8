/*
 * qc.h — public C API of qconnect_c, a client for Amazon Q in Connect
 * (service "qconnect", signing name "wisdom", protocol rest-json).
 *
 * This header is self-contained: a C program can include it alone and link
 * against the core (libqconnect_c_core.a + libcurl, libcjson, libcrypto).
 *
 * Flow of one call (client.c):
 *   validate -> serialize (rest-json) -> sign (SigV4) -> send (HTTP) -> parse
 *
 * Conventions
 *   - Every int-returning function returns QC_OK (0) or a qc_errcode; detail
 *     text is written into the qc_error the caller passes (may be NULL).
 *   - Objects: qc_x_new()/qc_x_destroy() for heap objects, qc_x_init()/
 *     qc_x_clean_up() for caller-owned storage.
 *   - Strings are UTF-8 (pointer + length, not necessarily NUL-terminated)
 *     unless a parameter is documented as a C string.
 */
#ifndef QC_H
#define QC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define QC_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define QC_WARN_UNUSED
#endif

/* ------------------------------------------------------------------ errors */

/* The one list of error codes: X(name, default message). Append only. */
#define QC_ERRORS(X)                                                          \
    X(QC_OK, "success")                                                       \
    X(QC_ERR_NOMEM, "out of memory")                                          \
    X(QC_ERR_INVALID_ARG, "invalid argument")                                 \
    X(QC_ERR_UNKNOWN_OPERATION, "unknown operation")                          \
    X(QC_ERR_PARAM_VALIDATION, "parameter validation failed")                 \
    X(QC_ERR_SERIALIZE, "the request could not be serialized")                \
    X(QC_ERR_ENDPOINT, "the endpoint could not be resolved")                  \
    X(QC_ERR_NO_CREDENTIALS, "unable to locate credentials")                  \
    X(QC_ERR_SIGN, "the request could not be signed")                         \
    X(QC_ERR_CONNECT, "could not connect to the endpoint URL")                \
    X(QC_ERR_CONNECT_TIMEOUT, "connect timeout on endpoint URL")              \
    X(QC_ERR_READ_TIMEOUT, "read timeout on endpoint URL")                    \
    X(QC_ERR_CONNECTION_CLOSED, "connection was closed before a full reply")  \
    X(QC_ERR_SSL, "SSL validation failed")                                    \
    X(QC_ERR_PROXY, "failed to connect to proxy URL")                         \
    X(QC_ERR_HTTP, "HTTP client error")                                       \
    X(QC_ERR_INTERRUPTED, "the call was interrupted")                         \
    X(QC_ERR_RESPONSE_PARSE, "the response could not be parsed")              \
    X(QC_ERR_SERVICE, "the service returned an error")                        \
    X(QC_ERR_CALLBACK, "a caller-supplied callback failed")                   \
    X(QC_ERR_LIMIT, "a size limit was exceeded")                              \
    X(QC_ERR_INTERNAL, "internal error")                                      \
    X(QC_ERR_INVALID_REGION, "the region name has an invalid format")         \
    X(QC_ERR_NO_REGION, "a region is required")                               \
    X(QC_ERR_ENDPOINT_VARIANT, "no endpoint variant for this configuration")  \
    X(QC_ERR_INVALID_ENDPOINT, "invalid endpoint URL")                       \
    X(QC_ERR_VALUE, "a parameter value cannot be converted")

typedef enum qc_errcode {
#define QC_ERR_ENUM_(name, msg) name,
    QC_ERRORS(QC_ERR_ENUM_)
#undef QC_ERR_ENUM_
    QC_ERR_COUNT_
} qc_errcode;

/* Returns a static string describing code (never NULL). */
const char *qc_strerror(int code);
/* Returns the symbolic name of code, e.g. "QC_ERR_NOMEM" (never NULL). */
const char *qc_errname(int code);

/* What the core could not do with a value the caller passed (qc_error.fault,
 * with code QC_ERR_VALUE). A language binding repeats that operation on the
 * value's origin to raise the language's own error (Python's in brackets). */
typedef enum qc_fault {
    QC_FAULT_NONE = 0,
    QC_FAULT_UTF8,     /* text holding a lone surrogate cannot be encoded as
                          UTF-8 (str.encode("utf-8")) */
    QC_FAULT_FLOAT,    /* the number has no double (float(x)): an int beyond
                          the double range, a signalling NaN decimal */
    QC_FAULT_JSON,     /* JSON has no form for the value (json.dumps(x)) */
    QC_FAULT_JSON_KEY, /* JSON has no form for the map key
                          (json.dumps({x: None})) */
    QC_FAULT_COMPARE,  /* the value cannot be ordered against a number
                          (x < 0): a NaN decimal */
    QC_FAULT_KEY,      /* the value is a parameter name the model does not
                          have (KeyError(x)) */
    QC_FAULT_RECURSION /* with QC_ERR_RESPONSE_PARSE: the reply's JSON nests
                          deeper than json.loads reads (RecursionError) */
} qc_fault;

/* Error detail: caller-owned storage. message is heap-allocated (or NULL)
 * and owned by the qc_error; qc_error_clean_up frees it. message is always
 * NUL-terminated, and message_len is its length in bytes: the text may hold
 * NUL bytes of its own (a validation report quoting the caller's strings).
 * fault and origin are set with QC_ERR_VALUE (else QC_FAULT_NONE, NULL):
 * origin is the qc_value.origin of the value at fault; QC_FAULT_RECURSION
 * comes with QC_ERR_RESPONSE_PARSE and no origin. */
typedef struct qc_error {
    int code;
    char *message;
    size_t message_len;
    int fault;          /* qc_fault */
    const void *origin;
} qc_error;

void qc_error_init(qc_error *err);
void qc_error_clean_up(qc_error *err);
/* Sets err (if not NULL) to code with a printf-style message; returns code.
 * Never fails: on allocation failure the message is left NULL. */
int qc_error_set(qc_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Sets err (if not NULL) to code with a copy of the len bytes at text
 * (NUL bytes included); returns code. Never fails, as qc_error_set. */
int qc_error_set_text(qc_error *err, int code, const char *text, size_t len);
/* Returns err's message, or qc_strerror(code) when it has none. */
const char *qc_error_text(const qc_error *err);
/* As qc_error_text, and sets *len to the text's length in bytes (which
 * counts NUL bytes inside a message). */
const char *qc_error_text_len(const qc_error *err, size_t *len);

/* ------------------------------------------------------------------ arena */

/* A region allocator: everything a call builds (values, strings, the
 * request, the parsed reply) lives in one arena freed at once. */
typedef struct qc_arena qc_arena;

/* Returns a new arena, or NULL when out of memory. */
qc_arena *qc_arena_new(void);
void qc_arena_destroy(qc_arena *a);
/* Returns len bytes aligned for any type, or NULL when out of memory. */
void *qc_arena_alloc(qc_arena *a, size_t len) QC_WARN_UNUSED;
/* Returns a NUL-terminated copy of (s, len) in the arena, or NULL. */
char *qc_arena_strndup(qc_arena *a, const char *s, size_t len) QC_WARN_UNUSED;

/* ------------------------------------------------------------------ values */

/* The generic value tree: request parameters in, parsed replies out.
 * It mirrors Python's data model so the binding converts 1:1. */
typedef enum qc_vtype {
    QC_VAL_NULL = 0,   /* None */
    QC_VAL_BOOL,       /* u.b */
    QC_VAL_INT,        /* u.i (int64) */
    QC_VAL_FLOAT,      /* u.f */
    QC_VAL_STRING,     /* u.s: UTF-8 bytes (surrogates allowed, WTF-8) */
    QC_VAL_BYTES,      /* u.s: raw bytes */
    QC_VAL_TIMESTAMP,  /* u.ts: seconds + microseconds since epoch, UTC */
    QC_VAL_LIST,       /* u.list */
    QC_VAL_MAP,        /* u.map: ordered (key, value) pairs; keys any type */
    QC_VAL_OTHER       /* something else the caller passed (only origin) */
} qc_vtype;

/* flags */
#define QC_VALF_BIGINT 0x1u   /* INT too large for int64: u.s holds digits */
#define QC_VALF_DECIMAL 0x2u  /* FLOAT converted from a decimal type */
#define QC_VALF_TUPLE 0x4u    /* LIST that came from a tuple */
#define QC_VALF_SURROGATE 0x8u /* STRING holding UTF-16 surrogates (WTF-8) */
#define QC_VALF_READABLE 0x10u /* OTHER that is a readable file object */
#define QC_VALF_STATIC 0x20u   /* STRING whose bytes are static (the model's
                                  names, literals): the same pointer always
                                  holds the same text, for the process */
#define QC_VALF_DECIMAL_TEXT 0x40u /* FLOAT with QC_VALF_DECIMAL given as
                                  its text in u.s (Python's str(value):
                                  "1.10", "1E+2", "-Infinity", "NaN",
                                  "sNaN") instead of u.f: the number is that
                                  text read as float() reads it, the text
                                  what goes into a URI, query or header */
#define QC_VALF_EMPTY_STORE 0x80u /* MAP read through the items() of a dict
                                  subclass whose own storage is empty:
                                  json.dumps writes such a dict {} without
                                  calling items(), so as a document it is
                                  written {} */
#define QC_VALF_ITEMS 0x100u   /* MAP whose pairs come from a mapping's
                                  items(): a key may come again; where it
                                  is written into a new dict (a structure,
                                  a map) the first place holds the last
                                  value, as dict assignment does */

/* Zone of a parsed QC_VAL_TIMESTAMP, kept in qc_value.reserved: which
 * tzinfo botocore's parser attaches. u.ts.sec is always the instant. */
#define QC_TZ_LOCAL 0     /* tzlocal(): an epoch number */
#define QC_TZ_UTC_NAMED 1 /* "Z", "UTC", "+00:00": tzlocal() when "UTC" is
                             in time.tzname, else tzutc() (dateutil) */
#define QC_TZ_UTC 2       /* tzutc(): a "GMT" suffix */
#define QC_TZ_NAIVE 3     /* no zone: naive datetime of the wall clock,
                             which is u.ts.sec read as UTC */
#define QC_TZ_OFFSET 4    /* tzoffset(None, u.ts.offset) */

typedef struct qc_value qc_value;
typedef struct qc_pair qc_pair;

struct qc_value {
    uint8_t type;      /* qc_vtype */
    uint8_t reserved;
    uint16_t flags;    /* QC_VALF_* */
    union {
        int b;
        int64_t i;
        double f;
        struct {
            const char *ptr;
            size_t len;    /* bytes */
            size_t nchars; /* code points; SIZE_MAX = not known */
        } s;
        struct {
            int64_t sec;
            int32_t usec;
            int32_t offset; /* QC_TZ_OFFSET: seconds east of UTC */
        } ts;
        struct {
            qc_value *items;
            size_t len;
        } list;
        struct {
            qc_pair *items;
            size_t len;
        } map;
    } u;
    /* Opaque pointer to the caller's original object (e.g. a PyObject*),
     * used only to describe the value in error messages. May be NULL. */
    const void *origin;
};

struct qc_pair {
    qc_value key;
    qc_value value;
};

/* Convenience setters (no allocation except where an arena is passed). */
void qc_value_set_null(qc_value *v);
void qc_value_set_bool(qc_value *v, int b);
void qc_value_set_int(qc_value *v, int64_t i);
void qc_value_set_float(qc_value *v, double f);
/* Points v at (s, len) without copying; nchars computed when SIZE_MAX. */
void qc_value_set_string(qc_value *v, const char *s, size_t len);
/* Returns QC_OK or QC_ERR_NOMEM; items zero-initialised (NULL values). */
int qc_value_set_list(qc_value *v, qc_arena *a, size_t len) QC_WARN_UNUSED;
int qc_value_set_map(qc_value *v, qc_arena *a, size_t len) QC_WARN_UNUSED;
/* Returns the value stored under the string key (key, key_len), or NULL. */
const qc_value *qc_value_map_get(const qc_value *map, const char *key,
                                 size_t key_len);
/* Returns the number of code points in UTF-8/WTF-8 text. */
size_t qc_utf8_count(const char *s, size_t len);
/* Returns 0 and sets *out to v's number as Python's float(v) gives it
 * (INT, BOOL, FLOAT, decimal text), or -1 when float(v) would fail (an INT
 * beyond the double range, a signalling NaN decimal) or v is no number. */
int qc_value_to_double(const qc_value *v, double *out);

/* ------------------------------------------------------------------ model */

/* Opaque handles onto the generated service model (see model.h). */
typedef struct qc_operation qc_operation;

/* Returns the operation named by its API name ("StartImportJob") or its
 * Python name ("start_import_job"), or NULL. */
const qc_operation *qc_operation_find(const char *name, size_t len);
/* Number of operations and the i-th one (0 <= i < count). */
size_t qc_operation_count(void);
const qc_operation *qc_operation_at(size_t i);
const char *qc_operation_name(const qc_operation *op);    /* "StartImportJob" */
const char *qc_operation_py_name(const qc_operation *op); /* "start_import_job" */

/* ------------------------------------------------------------------ client */

typedef struct qc_client qc_client;
typedef struct qc_transport qc_transport; /* see transport.h */

/* Describes a value for an error message as Python would: what == 0 gives
 * str(value), what == 1 gives str(type(value)). Returns a NUL-terminated
 * string allocated in arena a, or NULL after setting the caller's own error
 * state (the call then fails with QC_ERR_CALLBACK). A NUL character of the
 * text is written as the two bytes C0 80 (never valid UTF-8 otherwise). */
typedef const char *(*qc_describe_fn)(void *ctx, const qc_value *v, int what,
                                      qc_arena *a);
/* Converts a value given for a timestamp member (a string, or an object the
 * core does not know) into UTC seconds + microseconds, as botocore's
 * parse_to_aware_datetime would. Returns 0 on success, 1 when the value is
 * not a timestamp, -1 after setting the caller's own error state. */
typedef int (*qc_timestamp_fn)(void *ctx, const qc_value *v, int64_t *sec,
                               int32_t *usec);
/* Returns nonzero when the call must stop now (e.g. Ctrl-C). Called from
 * the thread doing the call, at least every 50 ms while it waits. */
typedef int (*qc_abort_fn)(void *ctx);
/* Fills out[0..15] with random bytes; returns 0 on success. */
typedef int (*qc_random_fn)(void *ctx, unsigned char *out, size_t len);

typedef enum qc_retry_mode {
    QC_RETRY_LEGACY = 0,
    QC_RETRY_STANDARD,
    QC_RETRY_ADAPTIVE
} qc_retry_mode;

typedef struct qc_client_options {
    const char *region;          /* C string, or NULL: QC_ERR_NO_REGION */
    const char *endpoint_url;    /* C string or NULL: resolve from rules */
    int use_ssl;                 /* 1 = https (default); 0 = http */
    int use_fips_endpoint;       /* 0/1 */
    int use_dualstack_endpoint;  /* 0/1 */
    int verify_ssl;              /* 1 = verify (default); 0 = off */
    const char *ca_bundle;       /* C string or NULL: system store */
    long connect_timeout_ms;     /* 0 = default 60000 */
    long read_timeout_ms;        /* 0 = default 60000 */
    unsigned max_pool_connections; /* 0 = default 10 */
    int tcp_keepalive;           /* 0/1 */
    const char *user_agent;      /* C string or NULL: default */
    const char *proxy_http;      /* C string or NULL */
    const char *proxy_https;     /* C string or NULL */
    const char *no_proxy;        /* C string or NULL */
    int retry_mode;              /* qc_retry_mode */
    int max_attempts;            /* total attempts; 0 = mode default */
    /* A transport to use instead of libcurl (tests, benchmarks). Ownership
     * passes to the client on success. NULL = libcurl. */
    qc_transport *transport;
    /* Random source for idempotency tokens; NULL = OpenSSL RAND_bytes. */
    qc_random_fn random;
    void *random_ctx;
    /* Overall deadline of one call across its attempts and retry sleeps,
     * in milliseconds; 0 = none (botocore's behaviour). */
    long total_timeout_ms;
    /* 1 = send requests unsigned (botocore's signature_version=UNSIGNED):
     * no credentials are needed or used. */
    int unsigned_requests;
} qc_client_options;

/* Fills opts with defaults (all zero/NULL except verify_ssl = use_ssl = 1). */
void qc_client_options_init(qc_client_options *opts);

/* Creates a client, settling its region and endpoint as botocore's client
 * creation does. Returns QC_OK and sets *out, or an error code with
 * botocore's message in err: QC_ERR_INVALID_REGION (InvalidRegionError),
 * QC_ERR_NO_REGION (NoRegionError), QC_ERR_ENDPOINT_VARIANT
 * (EndpointVariantError), QC_ERR_INVALID_ENDPOINT ("Invalid endpoint: ...").
 * A rule-set error of the endpoint rules (QC_ERR_ENDPOINT) is reported by
 * each call instead, as botocore does. */
int qc_client_new(const qc_client_options *opts, qc_client **out,
                  qc_error *err) QC_WARN_UNUSED;
void qc_client_destroy(qc_client *c);

/* Sets (or replaces) the credentials, copied; thread-safe. token may be NULL.
 * Returns QC_OK or QC_ERR_NOMEM / QC_ERR_INVALID_ARG. */
int qc_client_set_credentials(qc_client *c, const char *access_key,
                              size_t access_key_len, const char *secret_key,
                              size_t secret_key_len, const char *token,
                              size_t token_len);

/* The endpoint URL calls go to ("" when the rules failed; the failure is
 * then reported by each call). Owned by c. */
const char *qc_client_endpoint_url(const qc_client *c);
/* client.meta.endpoint_url and client.meta.region_name as botocore reports
 * them (the region after "fips-" normalisation). Owned by c. */
const char *qc_client_meta_endpoint_url(const qc_client *c);
const char *qc_client_region(const qc_client *c);
/* 1 when the region name turned FIPS on ("fips-us-east-1"). */
int qc_client_fips_from_region(const qc_client *c);

typedef struct qc_call_options {
    qc_describe_fn describe;  /* NULL = built-in C formatting */
    void *describe_ctx;
    qc_timestamp_fn to_timestamp; /* NULL = built-in ISO-8601/epoch parser */
    void *timestamp_ctx;
    qc_abort_fn should_abort; /* NULL = never */
    void *abort_ctx;
    int64_t now_sec;          /* signing clock; 0 = real time */
    int validate;             /* 1 = validate parameters (default) */
    /* How deeply nested a reply's JSON may be, as json.loads allows in
     * the caller's Python: 0 = CPython 3.10/3.11 called from a script's
     * top level (982 levels for an error reply, one less for a result,
     * two less for a modelled error); from CPython 3.12 the interpreter's
     * fixed C recursion limit, the same on every path. */
    int json_depth_limit;
} qc_call_options;

void qc_call_options_init(qc_call_options *co);

/* The outcome of one call. After qc_client_call returns, whatever the code:
 *   - response: botocore's parsed dict as a value tree: the output members,
 *     or for a service error {"Error": {...}, <modelled members>...};
 *     always with "ResponseMetadata" when a reply was received.
 *   - status: HTTP status (0 when no reply).
 *   - error_code: the service error code (service errors only) or NULL.
 * Everything lives in arena, freed by qc_call_result_clean_up. */
typedef struct qc_call_result {
    qc_arena *arena;
    qc_value response;
    long status;
    const char *error_code;
    const char *url; /* the request URL (arena), once the request is built */
    int attempts;
    qc_error err;
} qc_call_result;

void qc_call_result_init(qc_call_result *r);
void qc_call_result_clean_up(qc_call_result *r);

/* Runs one operation. params is a QC_VAL_MAP (the keyword arguments).
 * Returns QC_OK (2xx reply parsed), QC_ERR_SERVICE (error reply parsed into
 * result->response), or another code with result->err set. */
int qc_client_call(qc_client *c, const qc_operation *op,
                   const qc_value *params, const qc_call_options *co,
                   qc_call_result *result);

/* Progress of an upload: bytes sent so far and the total. Returns nonzero
 * to stop the upload. Called at most every ~50 ms and once at the end. */
typedef int (*qc_progress_fn)(void *ctx, uint64_t sent, uint64_t total);

/* The reply to an upload: status, headers as "name: value" lines joined
 * by "\r\n", and the body; all malloc'd, freed by
 * qc_upload_result_clean_up. */
typedef struct qc_upload_result {
    long status;
    char *headers;
    char *body;
    size_t body_len;
    qc_error err;
} qc_upload_result;

void qc_upload_result_init(qc_upload_result *r);
void qc_upload_result_clean_up(qc_upload_result *r);

/* HTTP PUT of the file at path to url (e.g. a StartContentUpload URL),
 * streamed from disk through the client's connection pool, TLS and proxy
 * settings. headers is an array of n_headers (name, value) C-string pairs
 * (headers[2*i], headers[2*i+1]); none may contain CR or LF. Returns QC_OK
 * when a reply was received (any status), else a transport error code,
 * QC_ERR_INVALID_ARG (bad header, unreadable file) or QC_ERR_CALLBACK
 * (progress stopped it). */
int qc_client_upload_file(qc_client *c, const char *url,
                          const char *const *headers, size_t n_headers,
                          const char *path, const qc_call_options *co,
                          qc_progress_fn progress, void *progress_ctx,
                          qc_upload_result *result);

#ifdef __cplusplus
}
#endif
#endif /* QC_H */
