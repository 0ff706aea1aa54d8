/*
 * sigv4.h — AWS Signature Version 4 (header signing), in three testable
 * stages on one request: canonical request -> string to sign ->
 * authorization value. crypto.c is the only OpenSSL user.
 *
 * Rules follow botocore's SigV4Auth for non-S3 services: the canonical URI
 * is the (already percent-encoded) path normalized and encoded once more;
 * query parameters sorted by key then value; every header except those
 * botocore leaves unsigned (user-agent, expect, x-amzn-trace-id,
 * transfer-encoding, authorization) is signed, plus host.
 */
#ifndef QC_SIGV4_H
#define QC_SIGV4_H

#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "http.h"
#include "qc.h"

typedef struct qc_credentials {
    qc_cursor access_key;
    qc_cursor secret_key;
    qc_cursor session_token; /* len 0 = none */
} qc_credentials;

typedef struct qc_sigv4_params {
    const char *region;   /* C string */
    const char *service;  /* C string: "wisdom" */
    int64_t now_sec;      /* request time, seconds since epoch (UTC) */
    int normalize_path;   /* 1 for all non-S3 services */
    int sign_body;        /* include x-amz-content-sha256 header (S3 style);
                             0 for this service */
} qc_sigv4_params;

/* Signing-key cache keyed by (secret, day, region, service); thread-safe. */
typedef struct qc_signer qc_signer;

qc_signer *qc_signer_new(void);
/* Wipes cached keys and frees. */
void qc_signer_destroy(qc_signer *s);

/* Stage 1: writes the canonical request for req (as it will be sent, with
 * X-Amz-Date and any token header already present) into out, and the
 * semicolon-joined signed header names into signed_headers. */
int qc_sigv4_canonical_request(const qc_http_request *req,
                               const qc_sigv4_params *p, qc_buf *out,
                               qc_buf *signed_headers) QC_WARN_UNUSED;
/* Stage 2: writes the string to sign for a canonical request. */
int qc_sigv4_string_to_sign(const qc_cursor canonical_request,
                            const qc_sigv4_params *p,
                            qc_buf *out) QC_WARN_UNUSED;
/* Stage 3: writes the lowercase-hex signature of string_to_sign using the
 * (cached) derived key. */
int qc_sigv4_signature(qc_signer *s, const qc_credentials *cred,
                       const qc_sigv4_params *p, const qc_cursor string_to_sign,
                       qc_buf *out) QC_WARN_UNUSED;

/* All stages: adds X-Amz-Date, X-Amz-Security-Token (when a token is set)
 * and Authorization headers to req. Returns QC_OK or an error code. */
int qc_sigv4_sign_request(qc_signer *s, qc_http_request *req,
                          const qc_credentials *cred, const qc_sigv4_params *p,
                          qc_error *err) QC_WARN_UNUSED;

/* As qc_sigv4_sign_request, but s caches the signing key under key_id, a
 * nonzero number the caller changes whenever the secret key changes (a
 * credentials generation), instead of under a hash of the secret. */
int qc_sigv4_sign_request_keyed(qc_signer *s, uint64_t key_id,
                                qc_http_request *req,
                                const qc_credentials *cred,
                                const qc_sigv4_params *p,
                                qc_error *err) QC_WARN_UNUSED;

/* Formats now_sec as "YYYYMMDDTHHMMSSZ" (17 bytes incl. NUL) into out. */
void qc_sigv4_amz_date(int64_t now_sec, char out[17]);

/* crypto.c: hashing helpers (OpenSSL). Each returns QC_OK or QC_ERR_SIGN. */
int qc_sha256(const void *data, size_t len, unsigned char out[32]);
int qc_hmac_sha256(const void *key, size_t key_len, const void *data,
                   size_t len, unsigned char out[32]);
/* An incremental SHA-256 state; plain data (copying it copies the state). */
typedef struct qc_sha256_ctx {
    uint64_t opaque[16];
} qc_sha256_ctx;
int qc_sha256_init(qc_sha256_ctx *c);
int qc_sha256_update(qc_sha256_ctx *c, const void *data, size_t len);
int qc_sha256_final(qc_sha256_ctx *c, unsigned char out[32]);
/* An HMAC-SHA256 key prepared once for many messages: the hash states
 * after its inner and outer pads (key material: wipe after use). */
typedef struct qc_hmac_key {
    qc_sha256_ctx inner;
    qc_sha256_ctx outer;
} qc_hmac_key;
int qc_hmac_key_init(qc_hmac_key *k, const void *key, size_t key_len);
int qc_hmac_sha256_with(const qc_hmac_key *k, const void *data, size_t len,
                        unsigned char out[32]);
/* NULL when the hash functions can be used, else why not (static text:
 * libcrypto could not be loaded). */
const char *qc_crypto_load_error(void);
/* Overwrites n bytes in a way the compiler keeps. */
void qc_secure_zero(void *p, size_t n);
/* Fills out with n cryptographically random bytes; returns QC_OK or
 * QC_ERR_INTERNAL. */
int qc_random_bytes(unsigned char *out, size_t n);

#endif /* QC_SIGV4_H */
